//! The bad-program corpus (`tests/corpus/bad/`): each file declares on its first line the
//! diagnostic codes it must produce (`# attendu : E0201`); the rendered diagnostics are
//! snapshots, so a change of wording or of span shows up in review.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use socle_compiler::Session;
use socle_tests::workspace_root;

fn corpus() -> PathBuf {
    workspace_root().join("tests/corpus/bad")
}

/// The entry point of a case: a `.socle` file, or the first ruleset of a case directory.
fn entry(path: &Path) -> PathBuf {
    if path.is_dir() {
        let mut subdirs: Vec<PathBuf> = std::fs::read_dir(path)
            .expect("case dir")
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_dir())
            .collect();
        subdirs.sort();
        subdirs
            .into_iter()
            .next()
            .expect("a ruleset in the case dir")
    } else {
        path.to_path_buf()
    }
}

fn first_socle_file(path: &Path) -> PathBuf {
    if path.is_file() {
        return path.to_path_buf();
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(path)
        .expect("ruleset dir")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "socle"))
        .collect();
    files.sort();
    files.into_iter().next().expect("a .socle file")
}

fn expected_codes(source: &str) -> BTreeSet<String> {
    let first = source.lines().next().unwrap_or("");
    let codes = first
        .strip_prefix("# attendu :")
        .unwrap_or_else(|| panic!("first line must be `# attendu : CODES`, found {first:?}"));
    codes.split_whitespace().map(str::to_string).collect()
}

#[test]
fn every_bad_program_gives_its_diagnostics() {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(corpus())
        .expect("corpus")
        .flatten()
        .map(|e| e.path())
        .collect();
    cases.sort();
    assert!(cases.len() >= 20);
    let prefix = format!("{}/", workspace_root().display());
    let mut wrong = Vec::new();
    for case in cases {
        let name = case
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("name")
            .to_string();
        let entry = entry(&case);
        let source = std::fs::read_to_string(first_socle_file(&entry)).expect("source");
        let mut session = Session::new();
        let ruleset = if entry.is_dir() {
            session.load_ruleset_dir(&entry)
        } else {
            session.load_file(&entry)
        }
        .unwrap_or_else(|e| panic!("{name}: {e}"));
        let diagnostics = session.check(ruleset);
        let codes: BTreeSet<String> = diagnostics.iter().map(|d| d.code.to_string()).collect();
        let want = expected_codes(&source);
        if codes != want {
            wrong.push(format!("{name}: attendu {want:?}, obtenu {codes:?}"));
        }
        for d in &diagnostics {
            assert!(!d.message.is_empty(), "{name}: empty message");
        }
        let rendered = session.render(&diagnostics, false).replace(&prefix, "");
        insta::with_settings!({ description => source.clone(), omit_expression => true }, {
            insta::assert_snapshot!(name, rendered);
        });
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
