//! The server driven in-process over `Connection::memory`, on the rulesets of `fixtures/`
//! (`dept` imports `base`): every feature, and edits that break then repair a file.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::path::{Path, PathBuf};
use std::thread::JoinHandle;

use lsp_server::{Connection, Message, Notification, Request, RequestId, Response};
use lsp_types::{Position, Url};
use serde_json::{json, Value};

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
        .canonicalize()
        .unwrap()
}

fn uri(rel: &str) -> Url {
    Url::from_file_path(fixture(rel)).unwrap()
}

struct Client {
    conn: Connection,
    /// The text the client last sent for each file.
    texts: std::collections::HashMap<String, String>,
    server: Option<JoinHandle<socle_lsp::Ending>>,
    next_id: i32,
}

impl Client {
    fn start() -> Client {
        let (server_side, client_side) = Connection::memory();
        let today = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
        let server = std::thread::spawn(move || socle_lsp::run_at(&server_side, today).unwrap());
        let mut client = Client {
            conn: client_side,
            texts: Default::default(),
            server: Some(server),
            next_id: 0,
        };
        client.request("initialize", json!({ "capabilities": {} }));
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

    /// The response to `id`; diagnostics published meanwhile are kept in `published`.
    fn wait(&mut self, id: RequestId, published: &mut Vec<Value>) -> Response {
        loop {
            match self.conn.receiver.recv().unwrap() {
                Message::Response(r) if r.id == id => return r,
                Message::Notification(n) if n.method == "textDocument/publishDiagnostics" => {
                    published.push(n.params)
                }
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

    /// The diagnostics published for `file` by the time the server answers a ping.
    fn diagnostics(&mut self, file: &str) -> Vec<Value> {
        let id = self.send("workspace/symbol", json!({ "query": "zzz-ping" }));
        let mut published = Vec::new();
        self.wait(id, &mut published);
        let uri = uri(file).to_string();
        let last = published
            .iter()
            .rev()
            .find(|p| p["uri"] == uri.as_str())
            .unwrap_or_else(|| panic!("no diagnostics for {file}: {published:?}"));
        last["diagnostics"].as_array().unwrap().clone()
    }

    fn open(&mut self, file: &str) {
        let text = std::fs::read_to_string(fixture(file)).unwrap();
        self.texts.insert(file.to_owned(), text.clone());
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri(file), "languageId": "socle", "version": 1, "text": text } }),
        );
    }

    fn change(&mut self, file: &str, version: i32, text: &str) {
        self.texts.insert(file.to_owned(), text.to_owned());
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri(file), "version": version }, "contentChanges": [{ "text": text }] }),
        );
    }

    fn at(&mut self, method: &str, file: &str, needle: &str, extra: Value) -> Value {
        let pos = position_of(&self.texts[file], needle);
        let mut params = json!({ "textDocument": { "uri": uri(file) }, "position": pos });
        if let (Some(p), Some(e)) = (params.as_object_mut(), extra.as_object()) {
            p.extend(e.clone());
        }
        self.request(method, params)
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

/// The LSP position (UTF-16) of the first occurrence of `needle` (its first character, or
/// the character after a `|` marker inside it).
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

#[test]
fn diagnostics_on_open_break_and_repair() {
    let mut c = Client::start();
    c.open("dept/aide.socle");
    assert_eq!(c.diagnostics("dept/aide.socle"), Vec::<Value>::new());

    let good = std::fs::read_to_string(fixture("dept/aide.socle")).unwrap();
    // A half-typed declaration: the rest of the file keeps its features.
    let broken = good.replace(
        "valeur plafond :",
        "valeur plafond : montant €/mois = \nvaleur cassé :",
    );
    c.change("dept/aide.socle", 2, &broken);
    let diags = c.diagnostics("dept/aide.socle");
    assert!(!diags.is_empty());
    assert!(
        diags
            .iter()
            .any(|d| d["code"] == "E0001" || d["severity"] == 1),
        "{diags:?}"
    );
    let hover = c.at(
        "textDocument/hover",
        "dept/aide.socle",
        "demandeur.|gir",
        json!({}),
    );
    assert!(hover["contents"]["value"]
        .as_str()
        .unwrap()
        .contains("Groupe iso-ressources"));

    // Inside a declaration that no longer parses, the last good analysis answers.
    let unclosed = good.replace("plafond)\n", "plafond\n");
    c.change("dept/aide.socle", 3, &unclosed);
    let diags = c.diagnostics("dept/aide.socle");
    assert!(diags.iter().any(|d| d["code"] == "E0001"), "{diags:?}");
    let hover = c.at(
        "textDocument/hover",
        "dept/aide.socle",
        "demandeur.|gir",
        json!({}),
    );
    assert!(hover["contents"]["value"]
        .as_str()
        .unwrap()
        .contains("Groupe iso-ressources"));
    let def = c.at(
        "textDocument/definition",
        "dept/aide.socle",
        "demandeur.|gir",
        json!({}),
    );
    assert_eq!(def["uri"], uri("base/dossier.socle").as_str());

    // A type error names its code; an unknown name too.
    let typo = good.replace(
        "min(demandeur.ressources_mensuelles, plafond)",
        "plafond + 1 %",
    );
    c.change("dept/aide.socle", 4, &typo);
    let diags = c.diagnostics("dept/aide.socle");
    let error = diags.iter().find(|d| d["code"] == "E0201").expect("E0201");
    assert_eq!(error["severity"], 1);
    assert_eq!(
        error["range"]["start"],
        json!({ "line": 10, "character": 36 })
    );
    assert_eq!(error["relatedInformation"].as_array().unwrap().len(), 2);

    c.change("dept/aide.socle", 5, &good);
    assert_eq!(c.diagnostics("dept/aide.socle"), Vec::<Value>::new());
}

#[test]
fn hover_shows_type_doc_source_and_dated_values() {
    let mut c = Client::start();
    c.open("dept/aide.socle");
    let hover = c.at(
        "textDocument/hover",
        "dept/aide.socle",
        "base.|mtp",
        json!({}),
    );
    let md = hover["contents"]["value"].as_str().unwrap();
    assert!(
        md.contains("**paramètre** `mtp` : `montant €/mois`"),
        "{md}"
    );
    assert!(md.contains("Majoration pour tierce personne."), "{md}");
    assert!(md.contains("Source : « CSS L355-1 »"), "{md}");
    assert!(
        md.contains("**Au 2024-01-01** : `1210,90 €` (du 2023-04-01 au 2024-03-31)"),
        "{md}"
    );
    assert!(
        md.contains("- à partir du 2024-04-01 : `1266,60 €`"),
        "{md}"
    );
    // The hover range is the name, in UTF-16 columns after accented text.
    assert_eq!(hover["range"]["start"]["line"], 4);

    let hover = c.at(
        "textDocument/hover",
        "dept/aide.socle",
        "valeur |montant",
        json!({}),
    );
    let md = hover["contents"]["value"].as_str().unwrap();
    assert!(
        md.contains("valeur du dispositif") && md.contains("montant €/mois"),
        "{md}"
    );
}

#[test]
fn definition_and_references_cross_rulesets() {
    let mut c = Client::start();
    c.open("dept/aide.socle");
    let def = c.at(
        "textDocument/definition",
        "dept/aide.socle",
        "demandeur.|lieu_de_vie",
        json!({}),
    );
    assert_eq!(def["uri"], uri("base/dossier.socle").as_str());
    assert_eq!(def["range"]["start"], json!({ "line": 10, "character": 2 }));

    let def = c.at(
        "textDocument/definition",
        "dept/aide.socle",
        "= |domicile",
        json!({}),
    );
    assert_eq!(def["uri"], uri("base/dossier.socle").as_str());
    assert_eq!(def["range"]["start"]["line"], 3);

    let refs = c.at(
        "textDocument/references",
        "dept/aide.socle",
        "valeur |plafond",
        json!({ "context": { "includeDeclaration": true } }),
    );
    assert_eq!(refs.as_array().unwrap().len(), 2, "{refs}");
}

#[test]
fn completion_after_a_dot_and_in_scope() {
    let mut c = Client::start();
    c.open("dept/aide.socle");
    let items = c.at(
        "textDocument/completion",
        "dept/aide.socle",
        "demandeur.|gir",
        json!({}),
    );
    let labels: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["gir", "lieu_de_vie", "ressources_mensuelles"]);

    let items = c.at(
        "textDocument/completion",
        "dept/aide.socle",
        "base.|mtp",
        json!({}),
    );
    let labels: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert!(
        labels.contains(&"mtp") && labels.contains(&"personne"),
        "{labels:?}"
    );

    let items = c.at(
        "textDocument/completion",
        "dept/aide.socle",
        "min(|demandeur",
        json!({}),
    );
    let labels: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    for expected in [
        "dispositif",
        "plafond",
        "demandeur",
        "domicile",
        "a_domicile",
        "base",
    ] {
        assert!(
            labels.contains(&expected),
            "{expected} missing in {labels:?}"
        );
    }
}

#[test]
fn symbols_rename_formatting_and_tokens() {
    let mut c = Client::start();
    c.open("dept/aide.socle");
    let symbols = c.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": uri("dept/aide.socle") } }),
    );
    let names: Vec<&str> = symbols
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["plafond", "aide"]);
    assert_eq!(symbols[1]["children"].as_array().unwrap().len(), 3);

    let found = c.request("workspace/symbol", json!({ "query": "MTP" }));
    assert_eq!(found.as_array().unwrap().len(), 1);
    assert_eq!(
        found[0]["location"]["uri"],
        uri("base/dossier.socle").as_str()
    );

    let edit = c.at(
        "textDocument/rename",
        "dept/aide.socle",
        "valeur |plafond",
        json!({ "newName": "plafond_aide" }),
    );
    let changes = edit["changes"][uri("dept/aide.socle").as_str()]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(changes.len(), 2);
    assert!(changes.iter().all(|e| e["newText"] == "plafond_aide"));
    let id = c.send(
        "textDocument/rename",
        json!({ "textDocument": { "uri": uri("dept/aide.socle") }, "position": position_of(&std::fs::read_to_string(fixture("dept/aide.socle")).unwrap(), "valeur |plafond"), "newName": "si" }),
    );
    assert!(c.wait(id, &mut Vec::new()).error.is_some());

    let messy = std::fs::read_to_string(fixture("dept/aide.socle"))
        .unwrap()
        .replace("\n  ", "\n     ")
        .replace("importe base\n", "importe base   \n\n\n");
    c.change("dept/aide.socle", 2, &messy);
    let edits = c.request("textDocument/formatting", json!({ "textDocument": { "uri": uri("dept/aide.socle") }, "options": { "tabSize": 2, "insertSpaces": true } }));
    assert_eq!(
        edits[0]["newText"],
        std::fs::read_to_string(fixture("dept/aide.socle")).unwrap()
    );

    let tokens = c.request(
        "textDocument/semanticTokens/full",
        json!({ "textDocument": { "uri": uri("dept/aide.socle") } }),
    );
    let data = tokens["data"].as_array().unwrap();
    assert_eq!(data.len() % 5, 0);
    // The first token is the keyword `importe`, then the ruleset name `base` (namespace).
    assert_eq!(
        &data[..10],
        &[
            json!(0),
            json!(0),
            json!(7),
            json!(0),
            json!(0),
            json!(0),
            json!(8),
            json!(4),
            json!(12),
            json!(0)
        ]
    );
    let types: Vec<u64> = data.chunks(5).map(|t| t[3].as_u64().unwrap()).collect();
    for expected in [3, 4, 5, 6, 13] {
        assert!(types.contains(&expected), "token type {expected} missing");
    }
}

#[test]
fn cancelled_and_unknown_requests_do_not_stop_the_server() {
    let mut c = Client::start();
    c.open("dept/aide.socle");
    let id = c.send("textDocument/hover", json!({ "textDocument": { "uri": uri("dept/aide.socle") }, "position": { "line": 0, "character": 0 } }));
    c.notify(
        "$/cancelRequest",
        json!({ "id": id.to_string().trim_matches('"').parse::<i32>().unwrap() }),
    );
    let r = c.wait(id, &mut Vec::new());
    // Either answered before the cancellation arrived, or cancelled.
    assert!(r.error.is_none() || r.error.as_ref().unwrap().code == -32800);
    let id = c.send("socle/inconnu", json!({}));
    assert_eq!(c.wait(id, &mut Vec::new()).error.unwrap().code, -32601);
    let id = c.send("textDocument/hover", json!({ "pas": "de position" }));
    assert!(c.wait(id, &mut Vec::new()).error.is_some());
    let hover = c.at(
        "textDocument/hover",
        "dept/aide.socle",
        "base.|mtp",
        json!({}),
    );
    assert!(hover["contents"]["value"].is_string());
}
