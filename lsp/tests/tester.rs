//! The « ▶ tester » code lenses and the `socle.tester` command over the protocol, on a copy of
//! `fixtures/repo`: lenses on cases and dispositifs, a run publishing a failing case on its
//! `id` line with expected and obtained values, and clearing it once fixed.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use std::path::Path;
use std::thread::JoinHandle;

use lsp_server::{Connection, Message, Notification, Request, RequestId};
use lsp_types::Url;
use serde_json::{json, Value};

use common::Repo;

struct Client {
    conn: Connection,
    server: Option<JoinHandle<socle_lsp::Ending>>,
    next_id: i32,
}

/// What the server sent before answering a request.
#[derive(Default)]
struct Sent {
    published: Vec<Value>,
    messages: Vec<Value>,
}

impl Client {
    fn start(folder: &Path) -> Client {
        let (server_side, client_side) = Connection::memory();
        let today = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
        let server = std::thread::spawn(move || socle_lsp::run_at(&server_side, today).unwrap());
        let mut client = Client {
            conn: client_side,
            server: Some(server),
            next_id: 0,
        };
        let folder = Url::from_file_path(folder).unwrap();
        let init = client.request(
            "initialize",
            json!({ "capabilities": {}, "rootUri": folder }),
        );
        assert_eq!(
            init.0["capabilities"]["executeCommandProvider"]["commands"],
            json!(["socle.tester"])
        );
        assert!(init.0["capabilities"]["codeLensProvider"].is_object());
        client.notify("initialized", json!({}));
        client
    }

    fn notify(&self, method: &str, params: Value) {
        let n = Notification::new(method.to_owned(), params);
        self.conn.sender.send(Message::Notification(n)).unwrap();
    }

    /// The result of a request, and what was sent before it and right after it (the server
    /// sends a command's notifications after its response: a ping collects them).
    fn request(&mut self, method: &str, params: Value) -> (Value, Sent) {
        let mut sent = Sent::default();
        let result = self.one(method, params, &mut sent);
        if method != "shutdown" && method != "initialize" {
            self.one(
                "workspace/symbol",
                json!({ "query": "zzz-ping" }),
                &mut sent,
            );
        }
        (result, sent)
    }

    fn one(&mut self, method: &str, params: Value, sent: &mut Sent) -> Value {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        let r = Request::new(id.clone(), method.to_owned(), params);
        self.conn.sender.send(Message::Request(r)).unwrap();
        loop {
            match self.conn.receiver.recv().unwrap() {
                Message::Response(r) if r.id == id => {
                    assert!(r.error.is_none(), "{method}: {:?}", r.error);
                    return r.result.unwrap_or(Value::Null);
                }
                Message::Notification(n) if n.method == "textDocument/publishDiagnostics" => {
                    sent.published.push(n.params)
                }
                Message::Notification(n) if n.method == "window/showMessage" => {
                    sent.messages.push(n.params)
                }
                _ => {}
            }
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        self.one("shutdown", Value::Null, &mut Sent::default());
        self.notify("exit", Value::Null);
        if let Some(s) = self.server.take() {
            let ending = s.join().unwrap();
            if !std::thread::panicking() {
                assert_eq!(ending, socle_lsp::Ending::Exit);
            }
        }
    }
}

/// The diagnostics last published for `uri`.
fn last_for(sent: &Sent, uri: &Url) -> Vec<Value> {
    sent.published
        .iter()
        .rev()
        .find(|p| p["uri"] == uri.as_str())
        .map(|p| p["diagnostics"].as_array().unwrap().clone())
        .unwrap_or_else(|| panic!("nothing published for {uri}"))
}

#[test]
fn lenses_run_the_golden_cases_and_publish_failures() {
    let repo = Repo::new("tester");
    let mut c = Client::start(&repo.0);
    let toml = "dept/tests/aide.toml";
    let socle = "dept/aide.socle";

    // One lens per case, on its `id` line, and one per dispositif.
    let (lenses, _) = c.request(
        "textDocument/codeLens",
        json!({ "textDocument": { "uri": repo.uri(toml) } }),
    );
    let lenses = lenses.as_array().unwrap().clone();
    assert_eq!(lenses.len(), 1, "{lenses:?}");
    assert_eq!(lenses[0]["command"]["title"], "▶ tester ce cas");
    assert_eq!(lenses[0]["command"]["command"], "socle.tester");
    let id_line = repo
        .text(toml)
        .lines()
        .position(|l| l.starts_with("id ="))
        .unwrap();
    assert_eq!(lenses[0]["range"]["start"]["line"], id_line);
    let arguments = lenses[0]["command"]["arguments"].clone();
    assert_eq!(arguments[1], "domicile-gir-2");

    let (dispositifs, _) = c.request(
        "textDocument/codeLens",
        json!({ "textDocument": { "uri": repo.uri(socle) } }),
    );
    let dispositifs = dispositifs.as_array().unwrap().clone();
    assert_eq!(dispositifs.len(), 1, "{dispositifs:?}");
    assert_eq!(dispositifs[0]["command"]["title"], "▶ tester (1 cas)");
    assert_eq!(dispositifs[0]["command"]["arguments"][2], "aide");

    // A passing case: no error, « 1 cas réussi ».
    let execute = json!({ "command": "socle.tester", "arguments": arguments });
    let (summary, sent) = c.request("workspace/executeCommand", execute.clone());
    assert_eq!(summary, "1 cas réussi, 0 échoué");
    assert_eq!(last_for(&sent, &repo.uri(toml)), Vec::<Value>::new());
    assert_eq!(sent.messages.len(), 1);
    assert_eq!(sent.messages[0]["message"], "1 cas réussi, 0 échoué");
    let (summary, _) = c.request(
        "workspace/executeCommand",
        json!({ "command": "socle.tester", "arguments": dispositifs[0]["command"]["arguments"] }),
    );
    assert_eq!(summary, "1 cas réussi, 0 échoué");

    // A wrong amount on disk: one error on the case's `id` line, expected and obtained.
    let good = repo.text(toml);
    let wrong = good.replace(
        "eligible = true",
        "eligible = true\nvaleurs = { montant = \"1.00\" }",
    );
    std::fs::write(repo.path(toml), &wrong).unwrap();
    let (summary, sent) = c.request("workspace/executeCommand", execute.clone());
    assert_eq!(summary, "0 cas réussi, 1 échoué");
    assert_eq!(sent.messages[0]["type"], 1);
    let diagnostics = last_for(&sent, &repo.uri(toml));
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    let d = &diagnostics[0];
    assert_eq!(d["severity"], 1);
    assert_eq!(d["source"], "socle test");
    assert_eq!(d["range"]["start"]["line"], id_line);
    assert_eq!(
        d["range"]["end"]["character"],
        "id = \"domicile-gir-2\"".len()
    );
    let message = d["message"].as_str().unwrap();
    assert!(
        message.contains("attendu") && message.contains("obtenu"),
        "{message}"
    );
    assert!(
        message.contains("1.00") && message.contains("900.00"),
        "{message}"
    );

    // Fixed: the diagnostic is cleared.
    std::fs::write(repo.path(toml), &good).unwrap();
    let (summary, sent) = c.request("workspace/executeCommand", execute.clone());
    assert_eq!(summary, "1 cas réussi, 0 échoué");
    assert_eq!(last_for(&sent, &repo.uri(toml)), Vec::<Value>::new());

    // The same in the editor, unsaved: the run reads the open document's text, and the
    // failure stays next to the file's own checks as it is typed.
    c.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": repo.uri(toml), "languageId": "toml", "version": 1, "text": good } }),
    );
    let change = |version: i32, text: &str| json!({ "textDocument": { "uri": repo.uri(toml), "version": version }, "contentChanges": [{ "text": text }] });
    c.notify("textDocument/didChange", change(2, &wrong));
    let (summary, sent) = c.request("workspace/executeCommand", execute.clone());
    assert_eq!(summary, "0 cas réussi, 1 échoué");
    let diagnostics = last_for(&sent, &repo.uri(toml));
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert!(diagnostics[0]["message"]
        .as_str()
        .unwrap()
        .contains("obtenu"));
    c.notify("textDocument/didChange", change(3, &format!("{wrong}\n")));
    let (_, sent) = c.request("workspace/symbol", json!({ "query": "zzz" }));
    assert_eq!(last_for(&sent, &repo.uri(toml)).len(), 1);
    c.notify("textDocument/didChange", change(4, &good));
    let (summary, sent) = c.request("workspace/executeCommand", execute);
    assert_eq!(summary, "1 cas réussi, 0 échoué");
    assert_eq!(last_for(&sent, &repo.uri(toml)), Vec::<Value>::new());
}
