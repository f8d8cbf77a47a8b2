//! The workspace model over the protocol, on a copy of `fixtures/repo` (rulesets `base`,
//! `dept` and `autre`; both others import `base`): every ruleset is loaded at start, edits
//! re-check importers, disk changes are read back, ranged edits use UTF-16 columns.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use std::path::Path;
use std::thread::JoinHandle;

use lsp_server::{Connection, Message, Notification, Request, RequestId, Response};
use lsp_types::{Position, Url};
use serde_json::{json, Value};

use common::Repo;

struct Client {
    conn: Connection,
    server: Option<JoinHandle<socle_lsp::Ending>>,
    next_id: i32,
    /// Requests the server sent to the client (file watcher registration).
    server_requests: Vec<Request>,
}

impl Client {
    /// A client whose workspace folder is `folder` (any folder inside the repository).
    fn start(folder: &Path, capabilities: Value) -> Client {
        let (server_side, client_side) = Connection::memory();
        let today = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
        let server = std::thread::spawn(move || socle_lsp::run_at(&server_side, today).unwrap());
        let mut client = Client {
            conn: client_side,
            server: Some(server),
            next_id: 0,
            server_requests: Vec::new(),
        };
        let folder = Url::from_file_path(folder).unwrap();
        client.request(
            "initialize",
            json!({ "capabilities": capabilities, "rootUri": folder }),
        );
        client.notify("initialized", json!({}));
        client
    }

    fn notify(&self, method: &str, params: Value) {
        let n = Notification::new(method.to_owned(), params);
        self.conn.sender.send(Message::Notification(n)).unwrap();
    }

    fn send(&mut self, method: &str, params: Value) -> RequestId {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        let r = Request::new(id.clone(), method.to_owned(), params);
        self.conn.sender.send(Message::Request(r)).unwrap();
        id
    }

    fn wait(&mut self, id: RequestId, published: &mut Vec<Value>) -> Response {
        loop {
            match self.conn.receiver.recv().unwrap() {
                Message::Response(r) if r.id == id => return r,
                Message::Notification(n) if n.method == "textDocument/publishDiagnostics" => {
                    published.push(n.params)
                }
                Message::Request(r) => self.server_requests.push(r),
                _ => {}
            }
        }
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.send(method, params);
        let r = self.wait(id, &mut Vec::new());
        assert!(r.error.is_none(), "{method}: {:?}", r.error);
        r.result.unwrap_or(Value::Null)
    }

    /// The error message of a request expected to fail.
    fn error(&mut self, method: &str, params: Value) -> String {
        let id = self.send(method, params);
        let r = self.wait(id, &mut Vec::new());
        r.error
            .unwrap_or_else(|| panic!("{method} should fail"))
            .message
    }

    /// Every diagnostics publication by the time the server answers a ping: uri → codes.
    fn published(&mut self) -> Vec<(String, Vec<String>)> {
        let id = self.send("workspace/symbol", json!({ "query": "zzz-ping" }));
        let mut published = Vec::new();
        self.wait(id, &mut published);
        published
            .iter()
            .map(|p| {
                let codes = p["diagnostics"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|d| d["code"].as_str().unwrap_or("").to_owned())
                    .collect();
                (p["uri"].as_str().unwrap().to_owned(), codes)
            })
            .collect()
    }

    fn open(&mut self, repo: &Repo, rel: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": repo.uri(rel), "languageId": "socle", "version": 1, "text": repo.text(rel) } }),
        );
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let id = self.send("shutdown", Value::Null);
        self.wait(id, &mut Vec::new());
        self.notify("exit", Value::Null);
        if let Some(s) = self.server.take() {
            let ending = s.join().unwrap();
            if !std::thread::panicking() {
                assert_eq!(ending, socle_lsp::Ending::Exit);
            }
        }
    }
}

/// The LSP position (UTF-16) of the first occurrence of `needle`, at its `|` marker if any.
fn position_of(text: &str, needle: &str) -> Position {
    let (before, after) = needle.split_once('|').unwrap_or(("", needle));
    let offset = text.find(&format!("{before}{after}")).unwrap() + before.len();
    let line = text[..offset].matches('\n').count() as u32;
    let col = text[..offset]
        .rsplit('\n')
        .next()
        .unwrap()
        .encode_utf16()
        .count() as u32;
    Position::new(line, col)
}

fn at(repo: &Repo, rel: &str, needle: &str) -> Value {
    json!({ "textDocument": { "uri": repo.uri(rel) }, "position": position_of(&repo.text(rel), needle) })
}

fn with(mut params: Value, extra: Value) -> Value {
    params
        .as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    params
}

/// The codes last published for `uri` in `published`.
fn last_for(published: &[(String, Vec<String>)], uri: &Url) -> Option<Vec<String>> {
    published
        .iter()
        .rev()
        .find(|(u, _)| u == uri.as_str())
        .map(|(_, c)| c.clone())
}

#[test]
fn references_and_rename_reach_rulesets_never_opened() {
    let repo = Repo::new("rename");
    // The client names a folder inside the repository: the root is found upward.
    let mut c = Client::start(&repo.path("dept"), json!({}));
    c.open(&repo, "base/dossier.socle");

    let refs = c.request(
        "textDocument/references",
        with(
            at(&repo, "base/dossier.socle", "paramètre |mtp"),
            json!({ "context": { "includeDeclaration": true } }),
        ),
    );
    let mut files: Vec<&str> = refs
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["uri"].as_str().unwrap().rsplit('/').next().unwrap())
        .collect();
    files.sort_unstable();
    assert_eq!(files, ["aide.socle", "autre.socle", "dossier.socle"]);

    let range = c.request(
        "textDocument/prepareRename",
        at(&repo, "base/dossier.socle", "paramètre |mtp"),
    );
    assert_eq!(
        range["start"],
        json!(position_of(
            &repo.text("base/dossier.socle"),
            "paramètre |mtp"
        ))
    );
    let edit = c.request(
        "textDocument/rename",
        with(
            at(&repo, "base/dossier.socle", "paramètre |mtp"),
            json!({ "newName": "majoration" }),
        ),
    );
    for rel in ["base/dossier.socle", "dept/aide.socle", "autre/autre.socle"] {
        let edits = edit["changes"][repo.uri(rel).as_str()].as_array().unwrap();
        assert!(!edits.is_empty(), "{rel} not renamed: {edit}");
        assert!(edits.iter().all(|e| e["newText"] == "majoration"));
    }
}

#[test]
fn rename_refuses_keywords_builtins_and_collisions() {
    let repo = Repo::new("refuse");
    let mut c = Client::start(&repo.0, json!({}));
    c.open(&repo, "base/dossier.socle");
    c.open(&repo, "dept/aide.socle");
    let cases = [
        (
            at(&repo, "base/dossier.socle", "|paramètre mtp"),
            "« paramètre » est un mot réservé du langage : il ne se renomme pas",
        ),
        (
            at(&repo, "dept/aide.socle", "= |min("),
            "« min » est prédéfini par le langage : il ne se renomme pas",
        ),
    ];
    for (params, expected) in cases {
        assert_eq!(c.error("textDocument/prepareRename", params), expected);
    }
    let collision = c.error(
        "textDocument/rename",
        with(
            at(&repo, "base/dossier.socle", "paramètre |mtp"),
            json!({ "newName": "demandeur" }),
        ),
    );
    assert_eq!(
        collision,
        "« demandeur » est déjà déclaré : entrée demandeur (base/dossier.socle, ligne 14)"
    );
    let field = c.error(
        "textDocument/rename",
        with(
            at(&repo, "base/dossier.socle", "  |gir :"),
            json!({ "newName": "lieu_de_vie" }),
        ),
    );
    assert!(field.contains("champ lieu_de_vie"), "{field}");
}

#[test]
fn an_edit_in_an_imported_ruleset_rechecks_every_importer() {
    let repo = Repo::new("importers");
    let mut c = Client::start(&repo.0, json!({}));
    c.open(&repo, "base/dossier.socle");
    c.published();
    let text = repo.text("base/dossier.socle");
    let at_mtp = position_of(&text, "paramètre |mtp");
    let ranged = |start: Position, end: Position, new: &str| json!({ "range": { "start": start, "end": end }, "text": new });
    let end = Position::new(at_mtp.line, at_mtp.character + 3);
    c.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": repo.uri("base/dossier.socle"), "version": 2 }, "contentChanges": [ranged(at_mtp, end, "mtq")] }),
    );
    let published = c.published();
    for rel in ["dept/aide.socle", "autre/autre.socle"] {
        let codes = last_for(&published, &repo.uri(rel)).unwrap_or_default();
        assert!(!codes.is_empty(), "{rel} not re-checked: {published:?}");
    }
    c.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": repo.uri("base/dossier.socle"), "version": 3 }, "contentChanges": [ranged(at_mtp, end, "mtp")] }),
    );
    let published = c.published();
    for rel in ["dept/aide.socle", "autre/autre.socle"] {
        assert_eq!(last_for(&published, &repo.uri(rel)), Some(vec![]), "{rel}");
    }
}

#[test]
fn ranged_changes_count_utf16_units() {
    let repo = Repo::new("utf16");
    let mut c = Client::start(&repo.0, json!({}));
    c.open(&repo, "dept/aide.socle");
    c.published();
    let text = repo.text("dept/aide.socle");
    // `€` and `×` are one UTF-16 unit but several bytes; `😀` is two units.
    let start = position_of(&text, "base.mtp × |2");
    let emoji = position_of(&text, "|😀 à domicile");
    let line_end = position_of(&text, "importe base|\n");
    let changes = json!([
        { "range": { "start": start, "end": Position::new(start.line, start.character + 1) }, "text": "vrai" },
        { "range": { "start": emoji, "end": Position::new(emoji.line, emoji.character + 2) }, "text": "chez soi" },
        { "range": { "start": line_end, "end": line_end }, "text": "   " },
    ]);
    c.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": repo.uri("dept/aide.socle"), "version": 2 }, "contentChanges": changes }),
    );
    let id = c.send("workspace/symbol", json!({ "query": "zzz-ping" }));
    let mut published = Vec::new();
    c.wait(id, &mut published);
    let last = published
        .iter()
        .rev()
        .find(|p| p["uri"] == repo.uri("dept/aide.socle").as_str())
        .unwrap();
    // The product's span ends after `vrai`, counted in UTF-16 units past `€` and `×`.
    let ends: Vec<&Value> = last["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| &d["range"]["end"])
        .collect();
    let end = Position::new(start.line, start.character + 4);
    assert!(ends.contains(&&json!(end)), "{last}");
    let edits = c.request(
        "textDocument/formatting",
        json!({ "textDocument": { "uri": repo.uri("dept/aide.socle") }, "options": { "tabSize": 2, "insertSpaces": true } }),
    );
    let expected = text
        .replace("base.mtp × 2", "base.mtp × vrai")
        .replace("😀 à domicile", "chez soi à domicile");
    assert_eq!(edits[0]["newText"], expected.as_str());
}

#[test]
fn disk_changes_are_read_back_and_watchers_registered() {
    let repo = Repo::new("disk");
    let caps = json!({ "workspace": { "didChangeWatchedFiles": { "dynamicRegistration": true } } });
    let mut c = Client::start(&repo.0, caps);
    c.open(&repo, "dept/aide.socle");
    c.published();
    let registration = c
        .server_requests
        .iter()
        .find(|r| r.method == "client/registerCapability")
        .expect("no watcher registration");
    let globs: Vec<&str> = registration.params["registrations"][0]["registerOptions"]["watchers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["globPattern"].as_str().unwrap())
        .collect();
    assert_eq!(globs, ["**/*.socle", "**/tests/*.toml"]);

    // Another tool breaks `autre` on disk: the change is read back and checked.
    let broken = repo
        .text("autre/autre.socle")
        .replace("base.mtp", "base.inconnu");
    std::fs::write(repo.path("autre/autre.socle"), broken).unwrap();
    let changed = |uri: Url, kind: u32| json!({ "changes": [{ "uri": uri, "type": kind }] });
    c.notify(
        "workspace/didChangeWatchedFiles",
        changed(repo.uri("autre/autre.socle"), 2),
    );
    let published = c.published();
    let codes = last_for(&published, &repo.uri("autre/autre.socle")).unwrap();
    assert!(!codes.is_empty(), "{published:?}");

    // Deleted: its diagnostics are cleared, and it no longer answers references.
    std::fs::remove_file(repo.path("autre/autre.socle")).unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        changed(repo.uri("autre/autre.socle"), 3),
    );
    let published = c.published();
    assert_eq!(
        last_for(&published, &repo.uri("autre/autre.socle")),
        Some(vec![])
    );

    // Saved by the editor: the open document's dependents are published again.
    c.notify(
        "textDocument/didSave",
        json!({ "textDocument": { "uri": repo.uri("dept/aide.socle") } }),
    );
    let published = c.published();
    assert_eq!(
        last_for(&published, &repo.uri("dept/aide.socle")),
        Some(vec![])
    );
}

#[test]
fn a_did_you_mean_diagnostic_has_a_quick_fix() {
    let repo = Repo::new("quickfix");
    let mut c = Client::start(&repo.0, json!({}));
    let typo = repo.text("dept/aide.socle").replace(
        "ressources_mensuelles, plafond)",
        "ressources_mensuelles, plafnd)",
    );
    std::fs::write(repo.path("dept/aide.socle"), &typo).unwrap();
    c.open(&repo, "dept/aide.socle");
    let published = c.published();
    assert!(!last_for(&published, &repo.uri("dept/aide.socle"))
        .unwrap()
        .is_empty());
    let at_typo = position_of(&typo, "|plafnd)");
    let actions = c.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": repo.uri("dept/aide.socle") },
            "range": { "start": at_typo, "end": at_typo },
            "context": { "diagnostics": [] },
        }),
    );
    let actions = actions.as_array().unwrap();
    assert_eq!(actions.len(), 1, "{actions:?}");
    assert_eq!(actions[0]["title"], "Remplacer par « plafond »");
    assert_eq!(actions[0]["kind"], "quickfix");
    let edits = &actions[0]["edit"]["changes"][repo.uri("dept/aide.socle").as_str()];
    let end = Position::new(at_typo.line, at_typo.character + "plafnd".len() as u32);
    assert_eq!(
        edits,
        &json!([{ "range": { "start": at_typo, "end": end }, "newText": "plafond" }])
    );
    // Elsewhere in the file: nothing to fix.
    let none = c.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": repo.uri("dept/aide.socle") },
            "range": { "start": Position::new(0, 0), "end": Position::new(0, 1) },
            "context": { "diagnostics": [] },
        }),
    );
    assert_eq!(none, json!([]));
}

#[test]
fn formatting_a_file_with_a_syntax_error_answers_why() {
    let repo = Repo::new("fmt");
    let mut c = Client::start(&repo.0, json!({}));
    c.open(&repo, "dept/aide.socle");
    let broken = repo
        .text("dept/aide.socle")
        .replace("base.mtp × 2", "base.mtp ×");
    c.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": repo.uri("dept/aide.socle"), "version": 2 }, "contentChanges": [{ "text": broken }] }),
    );
    let message = c.error(
        "textDocument/formatting",
        json!({ "textDocument": { "uri": repo.uri("dept/aide.socle") }, "options": { "tabSize": 2, "insertSpaces": true } }),
    );
    assert_eq!(message, "fichier non formaté : erreur de syntaxe ligne 5");
}

#[test]
fn completion_knows_the_expected_enumeration_and_offers_each_keyword_once() {
    let repo = Repo::new("completion");
    let mut c = Client::start(&repo.0, json!({}));
    c.open(&repo, "dept/aide.socle");
    let labels = |items: &Value| -> Vec<String> {
        items
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["label"].as_str().unwrap().to_owned())
            .collect()
    };
    let after_equals = c.request(
        "textDocument/completion",
        at(
            &repo,
            "dept/aide.socle",
            "demandeur.lieu_de_vie = |domicile",
        ),
    );
    assert_eq!(labels(&after_equals), ["domicile", "ehpad"]);

    let anywhere = c.request(
        "textDocument/completion",
        at(&repo, "dept/aide.socle", "|dispositif aide"),
    );
    let all = labels(&anywhere);
    assert!(all.iter().any(|l| l == "énumération"));
    assert!(!all.iter().any(|l| l == "enumeration"), "{all:?}");
    // Each keyword once (a name may also be a built-in: `plafond` the value, `plafond` the
    // rounding function).
    let keywords: Vec<&str> = anywhere
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["kind"] == 14)
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    let mut unique = keywords.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), keywords.len(), "{keywords:?}");
    let min = anywhere
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["label"] == "min")
        .unwrap();
    assert!(min["detail"].as_str().unwrap().starts_with("min("), "{min}");
    assert_eq!(min["documentation"]["kind"], "markdown");
}

#[test]
fn signature_help_for_built_ins_and_user_functions() {
    let repo = Repo::new("signature");
    let mut c = Client::start(&repo.0, json!({}));
    let text = repo.text("dept/aide.socle").replace(
        "valeur plafond : montant €/mois = base.mtp × 2",
        "valeur plafond : montant €/mois = base.mtp × 2\n\nfonction double(x : montant €/mois, n : entier) : montant €/mois\n  résultat x × n\n\nvaleur d : montant €/mois = double(plafond, 2)",
    );
    std::fs::write(repo.path("dept/aide.socle"), &text).unwrap();
    c.open(&repo, "dept/aide.socle");
    let help = c.request(
        "textDocument/signatureHelp",
        at(&repo, "dept/aide.socle", "ressources_mensuelles, |plafond)"),
    );
    let signature = &help["signatures"][0];
    assert!(signature["label"].as_str().unwrap().starts_with("min("));
    assert!(signature["documentation"]["value"].is_string());
    assert_eq!(help["activeParameter"], 1);

    let help = c.request(
        "textDocument/signatureHelp",
        at(&repo, "dept/aide.socle", "double(|plafond, 2)"),
    );
    let signature = &help["signatures"][0];
    assert_eq!(
        signature["label"],
        "double(x : montant €/mois, n : entier) : montant €/mois"
    );
    // UTF-16 offsets of `x : montant €/mois` and `n : entier` in the label.
    assert_eq!(
        signature["parameters"],
        json!([{ "label": [7, 25] }, { "label": [27, 37] }])
    );
    assert_eq!(help["activeParameter"], 0);

    let outside = c.request(
        "textDocument/signatureHelp",
        at(&repo, "dept/aide.socle", "|dispositif aide"),
    );
    assert_eq!(outside, Value::Null);
}

#[test]
fn highlights_and_folding_ranges() {
    let repo = Repo::new("fold");
    let mut c = Client::start(&repo.0, json!({}));
    c.open(&repo, "dept/aide.socle");
    let text = repo.text("dept/aide.socle");
    let highlights = c.request(
        "textDocument/documentHighlight",
        at(&repo, "dept/aide.socle", "valeur |plafond"),
    );
    let starts: Vec<&Value> = highlights
        .as_array()
        .unwrap()
        .iter()
        .map(|h| &h["range"]["start"])
        .collect();
    assert_eq!(
        starts,
        [
            &json!(position_of(&text, "valeur |plafond")),
            &json!(position_of(&text, "ressources_mensuelles, |plafond"))
        ]
    );

    c.open(&repo, "base/dossier.socle");
    let folds = c.request(
        "textDocument/foldingRange",
        json!({ "textDocument": { "uri": repo.uri("base/dossier.socle") } }),
    );
    let folds: Vec<(u64, u64, &str)> = folds
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["startLine"].as_u64().unwrap(),
                f["endLine"].as_u64().unwrap(),
                f["kind"].as_str().unwrap(),
            )
        })
        .collect();
    // The enumeration (with its source), the structure, the parameter and its versions.
    assert!(folds.contains(&(3, 4, "region")), "{folds:?}");
    assert!(folds.contains(&(7, 11, "region")), "{folds:?}");
    assert!(folds.contains(&(16, 19, "region")), "{folds:?}");
}

#[test]
fn hover_explains_keywords() {
    let repo = Repo::new("keywords");
    let mut c = Client::start(&repo.0, json!({}));
    c.open(&repo, "dept/aide.socle");
    let hover = c.request(
        "textDocument/hover",
        at(&repo, "dept/aide.socle", "demandeur.gir |dans"),
    );
    assert_eq!(
        hover["contents"]["value"],
        "**mot-clé** `dans`\n\n`x dans 1..4` : vrai quand x est dans l'intervalle (bornes incluses) ; `x dans {a, b}` : quand x est l'une des valeurs."
    );
}

#[test]
fn inlay_hints_show_a_parameter_value_at_the_server_date() {
    let repo = Repo::new("inlay");
    let mut c = Client::start(&repo.0, json!({}));
    c.open(&repo, "dept/aide.socle");
    let text = repo.text("dept/aide.socle");
    let hints = c.request(
        "textDocument/inlayHint",
        json!({ "textDocument": { "uri": repo.uri("dept/aide.socle") }, "range": { "start": Position::new(0, 0), "end": Position::new(99, 0) } }),
    );
    // The server's today is 2024-01-01: the 2023-04-01 version of `mtp`.
    assert_eq!(
        hints,
        json!([{
            "position": position_of(&text, "base.mtp| ×"),
            "label": "= 1210,90 €",
            "tooltip": "valeur en vigueur au 2024-01-01",
            "paddingLeft": true,
        }])
    );
}

#[test]
fn test_case_files_are_checked_as_they_are_typed() {
    let repo = Repo::new("cases");
    let mut c = Client::start(&repo.0, json!({}));
    let rel = "dept/tests/aide.toml";
    c.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": repo.uri(rel), "languageId": "toml", "version": 1, "text": repo.text(rel) } }),
    );
    let published = c.published();
    assert_eq!(last_for(&published, &repo.uri(rel)), Some(vec![]));
    // A dispositif that does not exist: E0803 on the key, as `socle check` reports it.
    let text = repo.text(rel);
    let at = position_of(&text, "cas.attendu.|aide]");
    let change = json!({ "range": { "start": at, "end": Position::new(at.line, at.character + 4) }, "text": "aidee" });
    c.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": repo.uri(rel), "version": 2 }, "contentChanges": [change] }),
    );
    let published = c.published();
    assert_eq!(
        last_for(&published, &repo.uri(rel)),
        Some(vec!["E0803".to_owned()])
    );
    // Not TOML any more: E0801.
    c.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": repo.uri(rel), "version": 3 }, "contentChanges": [{ "text": "[[cas]\n" }] }),
    );
    let published = c.published();
    assert_eq!(
        last_for(&published, &repo.uri(rel)),
        Some(vec!["E0801".to_owned()])
    );
    c.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": repo.uri(rel) } }),
    );
    let published = c.published();
    assert_eq!(last_for(&published, &repo.uri(rel)), Some(vec![]));
}

#[test]
fn rename_reaches_message_placeholders() {
    let repo = Repo::new("placeholders");
    let text = repo.text("dept/aide.socle").replace(
        "  condition gir_eligible : demandeur.gir dans 1..4\n",
        "  condition gir_eligible : demandeur.gir dans 1..4\n    message \"GIR {demandeur.gir} hors 1..4, plafond {plafond}\"\n",
    );
    std::fs::write(repo.path("dept/aide.socle"), &text).unwrap();
    let mut c = Client::start(&repo.0, json!({}));
    c.open(&repo, "dept/aide.socle");
    let edit = c.request(
        "textDocument/rename",
        with(
            at(&repo, "dept/aide.socle", "valeur |plafond"),
            json!({ "newName": "plafond_aide" }),
        ),
    );
    let starts: Vec<&Value> = edit["changes"][repo.uri("dept/aide.socle").as_str()]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["range"]["start"])
        .collect();
    assert!(
        starts.contains(&&json!(position_of(&text, "plafond {|plafond}"))),
        "{edit}"
    );
    assert_eq!(starts.len(), 3, "{edit}");
}

#[test]
fn completion_after_a_number_offers_units() {
    let repo = Repo::new("units");
    let mut c = Client::start(&repo.0, json!({}));
    let text = repo
        .text("dept/aide.socle")
        .replace("base.mtp × 2\n", "base.mtp × 2 + 10 \n");
    std::fs::write(repo.path("dept/aide.socle"), &text).unwrap();
    c.open(&repo, "dept/aide.socle");
    let items = c.request(
        "textDocument/completion",
        at(&repo, "dept/aide.socle", "+ 10 |\n"),
    );
    let labels: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert_eq!(
        labels,
        [
            "€",
            "€/mois",
            "€/an",
            "€/jour",
            "€/heure",
            "%",
            "ans",
            "mois",
            "jours"
        ]
    );
    // After a date, no unit.
    let base = repo.text("base/dossier.socle");
    c.open(&repo, "base/dossier.socle");
    let after_date = c.request(
        "textDocument/completion",
        json!({ "textDocument": { "uri": repo.uri("base/dossier.socle") }, "position": position_of(&base, "2023-04-01 |: 1210") }),
    );
    assert!(!after_date
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["label"] == "€/mois"));
}

#[test]
fn overlapping_versions_have_a_quick_fix_ending_the_earlier_one() {
    let repo = Repo::new("overlap");
    let text = repo.text("base/dossier.socle").replace(
        "à partir du 2023-04-01 : 1210,90 €",
        "à partir du 2023-04-01 jusqu'au 2024-12-31 : 1210,90 €",
    );
    std::fs::write(repo.path("base/dossier.socle"), &text).unwrap();
    let mut c = Client::start(&repo.0, json!({}));
    c.open(&repo, "base/dossier.socle");
    let published = c.published();
    assert_eq!(
        last_for(&published, &repo.uri("base/dossier.socle")),
        Some(vec!["E0401".to_owned()])
    );
    let at_next = position_of(&text, "à partir du |2024-04-01");
    let actions = c.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": repo.uri("base/dossier.socle") },
            "range": { "start": at_next, "end": at_next },
            "context": { "diagnostics": [] },
        }),
    );
    assert_eq!(
        actions[0]["title"],
        "Terminer la version précédente le 31/03/2024"
    );
    let until = position_of(&text, "jusqu'au |2024-12-31");
    assert_eq!(
        actions[0]["edit"]["changes"][repo.uri("base/dossier.socle").as_str()],
        json!([{ "range": { "start": until, "end": Position::new(until.line, until.character + 10) }, "newText": "2024-03-31" }])
    );
}

#[test]
fn a_gap_between_tranches_has_a_quick_fix_moving_the_bound() {
    let repo = Repo::new("gap");
    let bareme = "\n## Participation horaire.\nbarème participation : tranches sur montant €/mois -> montant €/heure\n  source \"essai\"\n  à partir du 2004-01-01 :\n    tranche 1 : [0 € ; 755 €[    => 1,62 €\n    tranche 2 : [800 € ; ∞[      => 2,27 €\n";
    let text = format!("{}{bareme}", repo.text("base/dossier.socle"));
    std::fs::write(repo.path("base/dossier.socle"), &text).unwrap();
    let mut c = Client::start(&repo.0, json!({}));
    c.open(&repo, "base/dossier.socle");
    let codes = last_for(&c.published(), &repo.uri("base/dossier.socle")).unwrap();
    assert!(codes.contains(&"E0402".to_owned()), "{codes:?}");
    let at_row = position_of(&text, "[|800 €");
    let actions = c.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": repo.uri("base/dossier.socle") },
            "range": { "start": at_row, "end": at_row },
            "context": { "diagnostics": [] },
        }),
    );
    let gap = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"] == "Faire commencer la tranche à 755 €")
        .unwrap_or_else(|| panic!("{actions}"));
    let start = position_of(&text, "|[800 €");
    assert_eq!(
        gap["edit"]["changes"][repo.uri("base/dossier.socle").as_str()],
        json!([{ "range": { "start": start, "end": Position::new(start.line, start.character + 6) }, "newText": "[755 €" }])
    );
}

#[test]
fn a_parameter_without_source_offers_to_add_one() {
    let repo = Repo::new("source");
    let text = format!(
        "{}\nparamètre seuil : montant €/mois\n  à partir du 2024-01-01 : 100 €\n",
        repo.text("base/dossier.socle")
    );
    std::fs::write(repo.path("base/dossier.socle"), &text).unwrap();
    let mut c = Client::start(&repo.0, json!({}));
    c.open(&repo, "base/dossier.socle");
    let at_seuil = position_of(&text, "paramètre |seuil");
    let ask = |c: &mut Client, at: Position| {
        c.request(
            "textDocument/codeAction",
            json!({
                "textDocument": { "uri": repo.uri("base/dossier.socle") },
                "range": { "start": at, "end": at },
                "context": { "diagnostics": [] },
            }),
        )
    };
    let actions = ask(&mut c, at_seuil);
    assert_eq!(actions[0]["title"], "Ajouter une source");
    let end = position_of(&text, "paramètre seuil : montant €/mois|\n");
    assert_eq!(
        actions[0]["edit"]["changes"][repo.uri("base/dossier.socle").as_str()],
        json!([{ "range": { "start": end, "end": end }, "newText": "\n  source \"…\"" }])
    );
    // `mtp` cites its source: nothing to add.
    let cited = ask(&mut c, position_of(&text, "paramètre |mtp"));
    assert_eq!(cited, json!([]));
}
