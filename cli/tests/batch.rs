//! `socle batch` is line-faithful and streaming, every read is bounded, and a closed stdout
//! ends any command quietly. Runs the real binary.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use serde_json::Value as Json;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn good() -> String {
    let text = std::fs::read_to_string(root().join("examples/dossier-apa.json")).unwrap();
    serde_json::from_str::<Json>(&text).unwrap().to_string()
}

/// Runs `socle args` with `input` on stdin, written from a thread so a process that stops
/// reading early cannot block the test.
fn run(args: &[&str], input: Vec<u8>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_socle"))
        .args(args)
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        stdin.write_all(&input).ok();
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out
}

fn lines(out: &Output) -> Vec<Json> {
    String::from_utf8(out.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

const BATCH: &[&str] = &["batch", "rulesets/val-doise", "--dossiers", "-"];

#[test]
fn one_output_line_per_input_line_with_its_number() {
    let good = good();
    let mut input = Vec::new();
    for line in [
        good.as_bytes(),
        b"",
        b"   \t",
        good.as_bytes(),
        b"{\"x\": \"caf\xe9\"}",
        b"{\"date_demande\": 3}",
        b"\r",
    ] {
        input.extend_from_slice(line);
        input.push(b'\n');
    }
    // The last line has no final newline: it is a line all the same.
    input.extend_from_slice(good.as_bytes());
    let out = run(BATCH, input);
    assert_eq!(out.status.code(), Some(1));
    let lines = lines(&out);
    let numbers: Vec<u64> = lines.iter().map(|l| l["ligne"].as_u64().unwrap()).collect();
    assert_eq!(numbers, [1, 2, 3, 4, 5, 6, 7, 8]);
    let kinds: Vec<&str> = lines
        .iter()
        .map(|l| l["detail"]["type"].as_str().unwrap_or("décision"))
        .collect();
    assert_eq!(
        kinds,
        [
            "décision",
            "ligne_vide",
            "ligne_vide",
            "décision",
            "encodage_invalide",
            "dossier_invalide",
            "ligne_vide",
            "décision"
        ]
    );
    assert_eq!(lines[0]["ruleset"], "val-doise");
    assert!(
        lines[4]["erreur"].as_str().unwrap().contains("UTF-8"),
        "{}",
        lines[4]
    );
}

/// Dossiers that differ (ages and resources vary with the line), with invalid lines between.
fn many_dossiers(n: usize) -> Vec<u8> {
    let good: Json = serde_json::from_str(&good()).unwrap();
    let mut input = Vec::new();
    for i in 0..n {
        if i % 50 == 7 {
            input.extend_from_slice(b"{\"date_demande\": 3}\n");
            continue;
        }
        let mut d = good.clone();
        d["demandeur"]["date_naissance"] = format!("19{:02}-03-02", 20 + i % 50).into();
        d["demandeur"]["ressources_mensuelles"] = format!("{}.{:02}", 500 + i, i % 100).into();
        input.extend_from_slice(d.to_string().as_bytes());
        input.push(b'\n');
    }
    input
}

#[test]
fn the_output_is_the_same_whatever_the_number_of_threads() {
    let input = many_dossiers(600);
    let one = run(&[BATCH, &["--fils", "1"]].concat(), input.clone());
    let lines_one = lines(&one);
    assert_eq!(lines_one.len(), 600);
    for (i, line) in lines_one.iter().enumerate() {
        assert_eq!(line["ligne"], i + 1);
    }
    // Not all the same answer, or equal outputs would prove nothing about the order.
    assert!(lines_one[0]["dispositifs"] != lines_one[1]["dispositifs"]);
    assert_eq!(lines_one[7]["detail"]["type"], "dossier_invalide");
    for threads in ["2", "4"] {
        let many = run(&[BATCH, &["--fils", threads]].concat(), input.clone());
        assert_eq!(many.status.code(), one.status.code());
        assert!(
            many.stdout == one.stdout,
            "--fils {threads}: the output differs from --fils 1"
        );
        assert_eq!(many.stderr, one.stderr);
    }
}

#[test]
fn a_thread_count_of_zero_is_refused() {
    let out = run(&[BATCH, &["--fils", "0"]].concat(), Vec::new());
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn an_overlong_line_is_one_error_line() {
    let good = good();
    let mut input = vec![b' '; 3 * 1024 * 1024];
    input.push(b'\n');
    input.extend_from_slice(good.as_bytes());
    input.push(b'\n');
    let out = run(BATCH, input);
    let lines = lines(&out);
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[0]["detail"]["type"], "ligne_trop_longue");
    assert!(lines[0]["erreur"]
        .as_str()
        .unwrap()
        .contains("1048576 octets"));
    assert_eq!(lines[1]["ligne"], 2);
    assert_eq!(lines[1]["ruleset"], "val-doise");
}

#[test]
fn each_decision_is_written_before_the_next_line_is_read() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_socle"))
        .args(BATCH)
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    writeln!(stdin, "{}", good()).unwrap();
    stdin.flush().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut first = String::new();
        BufReader::new(stdout).read_line(&mut first).ok();
        tx.send(first).ok();
    });
    // Stdin is still open: the first decision must come out anyway.
    let first = rx.recv_timeout(Duration::from_secs(20));
    drop(stdin);
    child.kill().ok();
    child.wait().ok();
    let first: Json =
        serde_json::from_str(&first.expect("pas de décision avant la fin de l'entrée")).unwrap();
    assert_eq!(first["ligne"], 1);
}

#[test]
fn decide_refuses_an_endless_dossier() {
    let input = b"y\n".repeat(2 * 1024 * 1024);
    let out = run(&["decide", "rulesets/val-doise", "--dossier", "-"], input);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("taille maximale de 1048576 octets"), "{err}");
}

#[test]
fn a_closed_stdout_ends_every_command_quietly() {
    let dossier = root().join("examples/dossier-apa.json");
    let dossier = dossier.to_str().unwrap();
    let cases: &[&[&str]] = &[
        &["decide", "rulesets/val-doise", "--dossier", dossier],
        &[
            "decide",
            "rulesets/val-doise",
            "--dossier",
            dossier,
            "--format",
            "human",
        ],
        &["batch", "rulesets/val-doise", "--dossiers", dossier],
        &["schema", "rulesets/val-doise"],
        &["explain"],
    ];
    for args in cases {
        // The read end is closed before the command starts, so that its first write fails
        // whatever the scheduling (a piped stdout dropped after spawn races with a fast child).
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let mut child = Command::new(env!("CARGO_BIN_EXE_socle"))
            .args(*args)
            .current_dir(root())
            .stdout(Stdio::from(writer))
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut err = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(141), "{args:?}: {err}");
        assert!(err.is_empty(), "{args:?}: {err}");
    }
}

/// A generated population: complete dossiers, partial ones (questions and missing fields),
/// fields the ruleset does not read (warnings), dates before every parameter version
/// (dispositifs in error), texts to escape, and lines that are not dossiers.
fn population(n: usize) -> Vec<u8> {
    let good: Json = serde_json::from_str(&good()).unwrap();
    let mut input = Vec::new();
    for i in 0..n {
        let mut d = good.clone();
        d["demandeur"]["date_naissance"] = format!("19{:02}-03-02", 20 + i % 50).into();
        d["demandeur"]["ressources_mensuelles"] = format!("{}.{:02}", 500 + 7 * i, i % 100).into();
        d["demandeur"]["gir"] = (1 + i % 6).into();
        d["plan_aide"]["montant_mensuel"] = format!("{}.50", 300 + 11 * i).into();
        match i % 9 {
            1 => {
                d["demandeur"].as_object_mut().unwrap().remove("gir");
            }
            2 => {
                d["demandeur"]
                    .as_object_mut()
                    .unwrap()
                    .remove("ressources_mensuelles");
                d.as_object_mut().unwrap().remove("plan_aide");
            }
            3 => d["champ_inconnu"] = "« \"x\" »\t\\".into(),
            4 => d["date_demande"] = "1990-01-01".into(),
            5 => d["demandeur"]["departement_residence"] = "9\"5\\".into(),
            6 => d["demandeur"]["gir"] = "trois".into(),
            _ => {}
        }
        input.extend_from_slice(d.to_string().as_bytes());
        input.push(b'\n');
        if i % 40 == 39 {
            input.extend_from_slice(b" \n");
        }
    }
    input
}

/// `socle batch` writes for each dossier `{"ligne":N,` and then the decision's published
/// object, the text of the reference form (`Decision::published()`, or the `Decided` tree
/// with its warnings, or the refusal), whatever the number of threads.
#[test]
fn each_line_is_its_number_then_the_published_decision() {
    let dir = root().join("rulesets/val-doise");
    let mut session = socle_compiler::Session::new();
    let ruleset = session.load_ruleset_dir(&dir).unwrap();
    let (program, _) = session.compile(ruleset);
    let engine = socle_runtime::Engine::new(program.unwrap()).unwrap();
    let decider = socle_runtime::Decider::new(engine, None, &[] as &[&str], false).unwrap();
    let input = population(400);
    let expected: Vec<Vec<u8>> = input
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .enumerate()
        .map(|(i, line)| {
            let text = std::str::from_utf8(line).unwrap();
            let object = match decider.decide(text) {
                _ if text.trim().is_empty() => return Vec::new(),
                Ok(decided) if decided.warnings.is_empty() => {
                    serde_json::to_vec(&decided.decision.published()).unwrap()
                }
                Ok(decided) => serde_json::to_vec(&decided.to_json()).unwrap(),
                Err(refusal) => serde_json::to_vec(&refusal.line_json()).unwrap(),
            };
            let mut line = format!("{{\"ligne\":{},", i + 1).into_bytes();
            line.extend_from_slice(&object[1..]);
            line
        })
        .collect();
    let kinds = |needle: &str| {
        expected
            .iter()
            .filter(|l| String::from_utf8_lossy(l).contains(needle))
            .count()
    };
    for needle in [
        "\"questions\"",
        "\"avertissements\"",
        "\"erreur\"",
        "\"verse\"",
        "dossier_invalide",
        "\\\"",
    ] {
        assert!(kinds(needle) > 0, "no line with {needle}");
    }
    for threads in ["1", "3"] {
        let out = run(&[BATCH, &["--fils", threads]].concat(), input.clone());
        let got: Vec<&[u8]> = out.stdout.split(|b| *b == b'\n').collect();
        assert_eq!(got.len(), expected.len() + 1, "--fils {threads}");
        for (i, (got, expected)) in got.iter().zip(&expected).enumerate() {
            if expected.is_empty() {
                assert!(String::from_utf8_lossy(got).contains("ligne_vide"));
                continue;
            }
            assert!(
                got == expected,
                "--fils {threads}, line {}\n got: {}\n expected: {}",
                i + 1,
                String::from_utf8_lossy(got),
                String::from_utf8_lossy(expected)
            );
        }
    }
}
