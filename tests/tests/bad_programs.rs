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

/// Writes a generated single-file ruleset under the target's temporary directory: large
/// inputs are built by the test rather than committed.
fn generated(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("socle-bad-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(format!("{name}.socle"));
    std::fs::write(&path, text).expect("write");
    path
}

fn check_codes(path: &Path) -> Vec<String> {
    let mut session = Session::new();
    let ruleset = session.load_file(path).expect("load");
    let codes = session
        .check(ruleset)
        .iter()
        .map(|d| d.code.to_string())
        .collect();
    if let Some(dir) = path.parent() {
        std::fs::remove_dir_all(dir).ok();
    }
    codes
}

/// `f{i}` calls `f{i-1}` `calls` times (or adds 1 when `calls` is 1): the chain of the issue.
fn function_chain(levels: usize, twice: bool) -> String {
    let mut s = String::from("fonction f0(a : entier) : entier\n  résultat a + 1\n\n");
    for i in 1..=levels {
        let body = if twice {
            format!("f{0}(a) + f{0}(a)", i - 1)
        } else {
            format!("f{}(a) + 1", i - 1)
        };
        s.push_str(&format!(
            "fonction f{i}(a : entier) : entier\n  résultat {body}\n\n"
        ));
    }
    s.push_str(&format!("valeur v : entier = f{levels}(1)\n"));
    s
}

/// Each level doubles the inlined size: 25 levels used to abort on a 4 GB allocation.
#[test]
fn exponential_inlining_is_refused_with_e0303() {
    let path = generated("chaine_double", &function_chain(25, true));
    assert_eq!(check_codes(&path), ["E0303"]);
}

/// 300 nested calls passed `check` and failed only in `decide` (E0302 from lowering).
#[test]
fn deep_inlining_is_reported_by_check() {
    let path = generated("chaine_longue", &function_chain(300, false));
    assert_eq!(check_codes(&path), ["E0302"]);
}

/// The duplicate-key check used to compare every key with every earlier one (167 s for
/// 350 000 keys); linear now, so the whole check takes seconds even unoptimised.
#[test]
fn table_keys_are_checked_in_linear_time() {
    let n = 350_000;
    let mut text = String::from("paramètre t : table entier -> entier\n  à partir du 2024-01-01 :");
    for i in 0..n {
        text.push_str(&format!(" {i}=>0"));
    }
    text.push_str(" 7=>1\n");
    let path = generated("cles", &text);
    let start = std::time::Instant::now();
    assert_eq!(check_codes(&path), ["E0405"]);
    assert!(start.elapsed().as_secs() < 60, "{:?}", start.elapsed());
}
