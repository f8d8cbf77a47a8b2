//! The French user documentation shows real Socle: every complete ```socle block of
//! docs/REFERENCE.md, docs/GUIDE-TESTS.md and docs/TUTORIEL.md compiles without error (blocks
//! marked ```socle fragment are excerpts and are skipped), every ```toml cas <ruleset> block is a
//! case file whose hand-written expectations hold on that ruleset, and the tutorial's final
//! ruleset (examples/tutoriel/) compiles and passes its golden tests.

use std::path::{Path, PathBuf};

use socle_compiler::{Session, Severity};
use socle_golden::load::parse_case_file;
use socle_golden::run::run_date;
use socle_golden::validate::case_diagnostics;
use socle_runtime::{Coverage, Engine};
use socle_tests::workspace_root;

const DOCS: &[&str] = &[
    "docs/REFERENCE.md",
    "docs/GUIDE-TESTS.md",
    "docs/TUTORIEL.md",
    "docs/GUIDE-REDACTION.md",
];

/// A fenced code block of a Markdown file.
struct Block {
    doc: String,
    /// 1-based line of the opening fence.
    line: usize,
    info: Vec<String>,
    text: String,
}

impl Block {
    fn place(&self) -> String {
        format!("{}:{}", self.doc, self.line)
    }
}

fn blocks(doc: &str) -> Vec<Block> {
    let path = workspace_root().join(doc);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{doc}: {e}"));
    let mut out = Vec::new();
    let mut open: Option<Block> = None;
    for (i, line) in text.lines().enumerate() {
        match open.take() {
            None => {
                if let Some(info) = line.strip_prefix("```") {
                    open = Some(Block {
                        doc: doc.to_string(),
                        line: i + 1,
                        info: info.split_whitespace().map(str::to_string).collect(),
                        text: String::new(),
                    });
                }
            }
            Some(mut block) => {
                if line.trim_end() == "```" {
                    out.push(block);
                } else {
                    block.text.push_str(line);
                    block.text.push('\n');
                    open = Some(block);
                }
            }
        }
    }
    assert!(open.is_none(), "{doc}: a code block is never closed");
    out
}

fn all_blocks() -> Vec<Block> {
    DOCS.iter().flat_map(|d| blocks(d)).collect()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("temp dir");
    for entry in std::fs::read_dir(from).expect("readable").flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}

/// A fresh temporary directory holding a copy of `rulesets/national`, so that a ruleset
/// written next to it can `importe national`.
fn scratch(tag: &str) -> PathBuf {
    let root = std::env::temp_dir().join(format!("socle-docs-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    copy_dir(
        &workspace_root().join("rulesets/national"),
        &root.join("national"),
    );
    root
}

/// Compiles the ruleset directory `dir`: the engine, or the rendered errors.
fn compile(session: &mut Session, dir: &Path) -> Result<Engine, String> {
    let ruleset = session.load_ruleset_dir(dir).map_err(|e| e.to_string())?;
    let (program, diagnostics) = session.compile(ruleset);
    let errors: Vec<_> = diagnostics
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    match program {
        Some(p) if errors.is_empty() => Engine::new(p).map_err(|e| e.to_string()),
        _ => Err(session.render(&errors, false)),
    }
}

#[test]
fn the_french_docs_exist_and_their_socle_blocks_are_marked() {
    let blocks = all_blocks();
    for b in &blocks {
        if b.info.first().map(String::as_str) == Some("socle") {
            assert!(
                b.info.len() == 1 || (b.info.len() == 2 && b.info[1] == "fragment"),
                "{}: a socle block is either complete (```socle) or ```socle fragment, not {:?}",
                b.place(),
                b.info
            );
        }
        assert!(
            !b.info.is_empty() || b.text.trim().is_empty() || !b.text.contains("dispositif "),
            "{}: a block of Socle code without an info string escapes the check",
            b.place()
        );
    }
}

#[test]
fn every_complete_socle_block_of_the_french_docs_compiles() {
    let root = scratch("blocks");
    let mut checked = 0;
    let mut failures = Vec::new();
    for (n, b) in all_blocks().iter().enumerate() {
        if b.info != ["socle"] {
            continue;
        }
        let dir = root.join(format!("exemple_{n}"));
        std::fs::create_dir_all(&dir).expect("temp dir");
        std::fs::write(dir.join("exemple.socle"), &b.text).expect("write block");
        let mut session = Session::new();
        if let Err(errors) = compile(&mut session, &dir) {
            failures.push(format!("{} :\n{}", b.place(), errors));
        }
        checked += 1;
    }
    let _ = std::fs::remove_dir_all(&root);
    assert!(
        failures.is_empty(),
        "{} bloc(s) de la documentation ne compilent pas :\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(
        checked >= 20,
        "only {checked} complete socle blocks: the docs must show compiled examples"
    );
}

/// A ```toml cas <ruleset> block is a case file: its expectations must hold on
/// `rulesets/<ruleset>` at each of its dates.
#[test]
fn every_case_block_of_the_french_docs_holds_on_its_ruleset() {
    let mut checked = 0;
    let mut failures = Vec::new();
    for b in all_blocks() {
        if b.info.first().map(String::as_str) != Some("toml")
            || b.info.get(1).map(String::as_str) != Some("cas")
        {
            continue;
        }
        let Some(name) = b.info.get(2) else {
            failures.push(format!("{}: ```toml cas needs a ruleset name", b.place()));
            continue;
        };
        let dir = workspace_root().join("rulesets").join(name);
        let mut session = Session::new();
        let engine = match compile(&mut session, &dir) {
            Ok(e) => e,
            Err(e) => {
                failures.push(format!("{}: {name}: {e}", b.place()));
                continue;
            }
        };
        let path = PathBuf::from(&b.doc);
        let file = session.add_data_file(&path, b.text.clone());
        let (case_file, diagnostics) = parse_case_file(&path, file, &b.text);
        if !diagnostics.is_empty() {
            failures.push(format!(
                "{} :\n{}",
                b.place(),
                session.render(&diagnostics, false)
            ));
            continue;
        }
        let files = [case_file];
        for d in case_diagnostics(&engine, &files) {
            if !d.is_empty() {
                failures.push(format!("{} :\n{}", b.place(), session.render(&d, false)));
            }
        }
        let mut coverage = Coverage::new(engine.program());
        for case in &files[0].cases {
            for dated in &case.dates {
                let (result, _) = run_date(&engine, case, dated.date, &mut coverage);
                for f in &result.failures {
                    failures.push(format!(
                        "{} {} :\n{}",
                        b.place(),
                        result.name,
                        f.details("  ")
                    ));
                }
                checked += 1;
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} écart(s) dans les cas de la documentation :\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(checked >= 2, "only {checked} case runs checked in the docs");
}

/// The tutorial's final ruleset, next to a copy of `national` as in `rulesets/`: it compiles,
/// its example dossier is decided as the tutorial says, and its golden tests pass.
#[test]
fn the_tutorial_ruleset_compiles_and_passes_its_golden_tests() {
    let root = scratch("tutoriel");
    let dir = root.join("mon-departement");
    copy_dir(
        &workspace_root().join("examples/tutoriel/mon-departement"),
        &dir,
    );
    let mut session = Session::new();
    let engine = compile(&mut session, &dir).unwrap_or_else(|e| panic!("{e}"));

    let dossier_path = workspace_root().join("examples/tutoriel/dossier-teleassistance.json");
    let dossier_text = std::fs::read_to_string(&dossier_path).expect("example dossier");
    let json: serde_json::Value = serde_json::from_str(&dossier_text).expect("dossier JSON");
    let dossier = engine.decode_json(&json).expect("dossier decodes");
    let decision = engine
        .decide(&dossier, &Default::default())
        .expect("decided")
        .to_json();
    let teleassistance = &decision["dispositifs"]["teleassistance"];
    assert_eq!(teleassistance["eligible"], true, "{decision:#}");
    // 25 % × 189,90 € = 47,475 € → 47,48 € (au centime le plus proche).
    assert_eq!(
        teleassistance["valeurs"]["aide_appareil"], "47.48",
        "{decision:#}"
    );

    let ruleset = session.load_ruleset_dir(&dir).expect("loaded");
    let outcome = socle_golden::test_ruleset(&mut session, ruleset, &dir, &Default::default());
    let _ = std::fs::remove_dir_all(&root);
    assert!(
        outcome.compile_errors.is_none(),
        "{:?}",
        outcome.compile_errors
    );
    assert!(outcome.file_errors.is_empty(), "{:?}", outcome.file_errors);
    let failed: Vec<String> = outcome
        .results
        .iter()
        .filter(|r| !r.passed())
        .map(|r| format!("{} : {:?} {:?}", r.name, r.failures, r.snapshot))
        .collect();
    assert!(failed.is_empty(), "{}", failed.join("\n"));
    assert_eq!(outcome.results.len(), 5, "the tutorial's five test runs");
}

/// What the tutorial shows as the final files is what examples/tutoriel/ holds, byte for byte.
#[test]
fn the_tutorial_shows_the_committed_example_files() {
    let tutorial_blocks: Vec<String> = blocks("docs/TUTORIEL.md")
        .into_iter()
        .map(|b| b.text)
        .collect();
    for file in [
        "examples/tutoriel/mon-departement/teleassistance.socle",
        "examples/tutoriel/mon-departement/tests/teleassistance.toml",
        "examples/tutoriel/dossier-teleassistance.json",
    ] {
        let text = std::fs::read_to_string(workspace_root().join(file)).expect(file);
        assert!(
            tutorial_blocks.contains(&text),
            "docs/TUTORIEL.md must show {file} exactly as committed"
        );
    }
}
