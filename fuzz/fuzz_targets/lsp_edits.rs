//! The language server under random edit sequences: no crash, every request answered, and
//! the last diagnostics published are for the latest version.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::json;

#[derive(Arbitrary, Debug)]
enum Step {
    Replace { at: u16, len: u8, text: String },
    Hover { line: u8, character: u8 },
    Definition { line: u8, character: u8 },
    Completion { line: u8, character: u8 },
    Format,
}

fuzz_target!(|steps: Vec<Step>| {
    let dir = std::env::temp_dir().join(format!("socle-fuzz-lsp-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("r")).ok();
    let path = dir.join("r/r.socle");
    let mut text = String::from("valeur a : entier = 1\n\ndispositif d\n  condition c : a > 0\n");
    std::fs::write(&path, &text).ok();
    let uri = lsp_types::Url::from_file_path(&path).expect("absolute path");
    let (server, client) = Connection::memory();
    let today = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).expect("date");
    let handle = std::thread::spawn(move || socle_lsp::run_at(&server, today));
    let send = |m: Message| client.sender.send(m).expect("server alive");
    send(Message::Request(Request::new(RequestId::from(0), "initialize".into(), json!({ "capabilities": {} }))));
    client.receiver.recv().expect("initialize answered");
    send(Message::Notification(Notification::new("initialized".into(), json!({}))));
    send(Message::Notification(Notification::new(
        "textDocument/didOpen".into(),
        json!({ "textDocument": { "uri": uri, "languageId": "socle", "version": 0, "text": text } }),
    )));
    let mut version = 0;
    let mut id = 0;
    let mut last_version = None;
    for step in steps.into_iter().take(50) {
        id += 1;
        let position = |line: u8, character: u8| {
            json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": character } })
        };
        let (method, params) = match step {
            Step::Replace { at, len, text: new } => {
                let mut start = (at as usize).min(text.len());
                while !text.is_char_boundary(start) {
                    start -= 1;
                }
                let mut end = (start + len as usize).min(text.len());
                while !text.is_char_boundary(end) {
                    end -= 1;
                }
                text.replace_range(start..end, &new);
                version += 1;
                send(Message::Notification(Notification::new(
                    "textDocument/didChange".into(),
                    json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [{ "text": text }] }),
                )));
                continue;
            }
            Step::Hover { line, character } => ("textDocument/hover", position(line, character)),
            Step::Definition { line, character } => ("textDocument/definition", position(line, character)),
            Step::Completion { line, character } => ("textDocument/completion", position(line, character)),
            Step::Format => ("textDocument/formatting", json!({ "textDocument": { "uri": uri }, "options": { "tabSize": 2, "insertSpaces": true } })),
        };
        send(Message::Request(Request::new(RequestId::from(id), method.into(), params)));
        loop {
            match client.receiver.recv().expect("server alive") {
                Message::Response(r) if r.id == RequestId::from(id) => {
                    assert!(r.error.as_ref().is_none_or(|e| e.code != -32603), "{r:?}");
                    break;
                }
                Message::Notification(n) if n.method == "textDocument/publishDiagnostics" => {
                    last_version = n.params["version"].as_i64();
                }
                _ => {}
            }
        }
    }
    id += 1;
    send(Message::Request(Request::new(RequestId::from(id), "workspace/symbol".into(), json!({ "query": "" }))));
    loop {
        match client.receiver.recv().expect("server alive") {
            Message::Notification(n) if n.method == "textDocument/publishDiagnostics" => {
                last_version = n.params["version"].as_i64();
            }
            Message::Response(r) if r.id == RequestId::from(id) => break,
            _ => {}
        }
    }
    if version > 0 {
        assert_eq!(last_version, Some(i64::from(version)));
    }
    send(Message::Request(Request::new(RequestId::from(id + 1), "shutdown".into(), json!(null))));
    send(Message::Notification(Notification::new("exit".into(), json!(null))));
    handle.join().expect("no panic").expect("clean exit");
});
