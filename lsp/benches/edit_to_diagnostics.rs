//! Time from a one-character edit of a 5 000-line ruleset to its published diagnostics, and
//! from an edit in `national` to the diagnostics of every ruleset importing it (the
//! repository's rulesets, all loaded as the workspace), through the whole server
//! (in-process connection): `cargo bench -p socle-lsp`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use lsp_server::{Connection, Message, Notification, Request, RequestId};
use lsp_types::Url;
use serde_json::json;

/// A ruleset of `lines` lines: parameters, values chained on each other, a dispositif.
fn ruleset(lines: usize) -> String {
    let mut out = String::from("paramètre base : montant €/mois\n  source \"bench\"\n  à partir du 2020-01-01 : 10,00 €\n\n");
    let mut i = 0;
    while out.lines().count() + 4 < lines {
        let previous = if i == 0 {
            "base".to_owned()
        } else {
            format!("v{}", i - 1)
        };
        out.push_str(&format!(
            "## Valeur n° {i}, « é à œ ».\nvaleur v{i} : montant €/mois = {previous} + 1,00 €\n  sauf si {previous} > 1000 € : {previous}\n\n"
        ));
        i += 1;
    }
    out.push_str(&format!(
        "dispositif d\n  condition c : v{} > 0 €/mois\n  valeur montant : montant €/mois = v{}\n",
        i - 1,
        i - 1
    ));
    out
}

fn bench(c: &mut Criterion) {
    let dir = std::env::temp_dir().join(format!("socle-bench-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("grand")).unwrap();
    let path = dir.join("grand/grand.socle");
    let text = ruleset(5000);
    std::fs::write(&path, &text).unwrap();
    let uri = Url::from_file_path(&path).unwrap();

    let (server, client) = Connection::memory();
    let today = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    let handle = std::thread::spawn(move || socle_lsp::run_at(&server, today).unwrap());
    let send = |m: Message| client.sender.send(m).unwrap();
    send(Message::Request(Request::new(
        RequestId::from(1),
        "initialize".to_owned(),
        json!({ "capabilities": {} }),
    )));
    let wait_diagnostics = || loop {
        if let Message::Notification(n) = client.receiver.recv().unwrap() {
            if n.method == "textDocument/publishDiagnostics" {
                return n.params;
            }
        }
    };
    let _ = client.receiver.recv().unwrap();
    send(Message::Notification(Notification::new(
        "initialized".to_owned(),
        json!({}),
    )));
    send(Message::Notification(Notification::new(
        "textDocument/didOpen".to_owned(),
        json!({ "textDocument": { "uri": uri, "languageId": "socle", "version": 1, "text": text } }),
    )));
    wait_diagnostics();

    // One character edited in the middle of the file: `1,00 €` ↔ `2,00 €` on one line.
    let middle = text.find("v600 : montant €/mois = v599 + 1,00").unwrap()
        + "v600 : montant €/mois = v599 + ".len();
    let mut version = 1;
    c.bench_function("édition d'un caractère → diagnostics (5 000 lignes)", |b| {
        b.iter_custom(|iterations| {
            let mut total = Duration::ZERO;
            for _ in 0..iterations {
                version += 1;
                let mut edited = text.clone();
                edited.replace_range(middle..middle + 1, if version % 2 == 0 { "2" } else { "1" });
                let start = Instant::now();
                send(Message::Notification(Notification::new(
                    "textDocument/didChange".to_owned(),
                    json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [{ "text": edited }] }),
                )));
                let published = wait_diagnostics();
                total += start.elapsed();
                assert_eq!(published["version"], version);
            }
            total
        });
    });
    send(Message::Request(Request::new(
        RequestId::from(2),
        "shutdown".to_owned(),
        json!(null),
    )));
    send(Message::Notification(Notification::new(
        "exit".to_owned(),
        json!(null),
    )));
    handle.join().unwrap();
    std::fs::remove_dir_all(&dir).ok();
}

/// An edit of `national/mtp.socle` re-checks every importer; the ping answered after it marks
/// the end of their publications (diagnostics are published before the next request runs).
fn bench_importers(c: &mut Criterion) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .unwrap();
    let path = root.join("rulesets/national/mtp.socle");
    let text = std::fs::read_to_string(&path).unwrap();
    let uri = Url::from_file_path(&path).unwrap();
    let (server, client) = Connection::memory();
    let today = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    let handle = std::thread::spawn(move || socle_lsp::run_at(&server, today).unwrap());
    let send = |m: Message| client.sender.send(m).unwrap();
    send(Message::Request(Request::new(
        RequestId::from(1),
        "initialize".to_owned(),
        json!({ "capabilities": {}, "rootUri": Url::from_file_path(&root).unwrap() }),
    )));
    let _ = client.receiver.recv().unwrap();
    send(Message::Notification(Notification::new(
        "initialized".to_owned(),
        json!({}),
    )));
    send(Message::Notification(Notification::new(
        "textDocument/didOpen".to_owned(),
        json!({ "textDocument": { "uri": uri, "languageId": "socle", "version": 1, "text": text } }),
    )));
    let mut next_id = 10;
    let mut ping = |label: &str| -> Vec<String> {
        next_id += 1;
        send(Message::Request(Request::new(
            RequestId::from(next_id),
            "workspace/symbol".to_owned(),
            json!({ "query": label }),
        )));
        let mut published = Vec::new();
        loop {
            match client.receiver.recv().unwrap() {
                Message::Notification(n) if n.method == "textDocument/publishDiagnostics" => {
                    published.push(n.params["uri"].as_str().unwrap_or("").to_owned())
                }
                Message::Response(r) if r.id == RequestId::from(next_id) => return published,
                _ => {}
            }
        }
    };
    ping("zzz");
    let at = text.find("916,31").unwrap() + 2;
    let mut version = 1;
    c.bench_function("édition dans national → diagnostics de tous les importateurs", |b| {
        b.iter_custom(|iterations| {
            let mut total = Duration::ZERO;
            for _ in 0..iterations {
                version += 1;
                let mut edited = text.clone();
                edited.replace_range(at..at + 1, if version % 2 == 0 { "7" } else { "6" });
                let start = Instant::now();
                send(Message::Notification(Notification::new(
                    "textDocument/didChange".to_owned(),
                    json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [{ "text": edited }] }),
                )));
                let published = ping("zzz");
                total += start.elapsed();
                for importer in ["val-doise/", "bas-rhin/", "charente/", "crt/", "oscar/"] {
                    assert!(published.iter().any(|u| u.contains(importer)), "{importer}");
                }
            }
            total
        });
    });
    send(Message::Request(Request::new(
        RequestId::from(2),
        "shutdown".to_owned(),
        json!(null),
    )));
    send(Message::Notification(Notification::new(
        "exit".to_owned(),
        json!(null),
    )));
    handle.join().unwrap();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = bench, bench_importers
}
criterion_main!(benches);
