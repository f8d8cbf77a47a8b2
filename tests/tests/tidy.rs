//! Repository hygiene, checked on every `cargo test` (rust-analyzer's `xtask/src/tidy.rs` is the
//! model): every Rust file says what it is for in a module doc comment, no library source file
//! grows past the size where it should be split, library crates forbid `unwrap`/`expect`/indexing
//! through clippy, and nothing in the repository reads or links a directory outside it.

use std::path::{Path, PathBuf};

use socle_tests::workspace_root;

/// A source file longer than this is a sign that it does several jobs.
const MAX_SOURCE_LINES: usize = 800;

/// Crates whose `src/` is library code: no panics on user input, small files.
const LIBRARY_CRATES: &[&str] = &[
    "grammar", "compiler", "runtime", "golden", "lsp", "doc", "serve", "diff", "columnar", "python",
];

/// Directories never walked: build output, fuzzing scratch space, VCS data, node modules.
const SKIPPED_DIRS: &[&str] = &["target", ".git", "artifacts", "corpus", "node_modules"];

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if kind.is_dir() {
            if !SKIPPED_DIRS.contains(&name.as_ref()) {
                walk(&path, out);
            }
        } else if kind.is_file() {
            out.push(path);
        }
    }
}

fn files(extension: &str) -> Vec<PathBuf> {
    let mut all = Vec::new();
    walk(&workspace_root(), &mut all);
    all.retain(|p| p.extension().is_some_and(|e| e == extension));
    all.sort();
    all
}

fn relative(path: &Path) -> String {
    path.strip_prefix(workspace_root())
        .unwrap_or(path)
        .display()
        .to_string()
}

#[test]
fn every_rust_file_has_a_module_doc_comment() {
    let missing: Vec<String> = files("rs")
        .into_iter()
        .filter(|p| {
            let text = std::fs::read_to_string(p).unwrap_or_default();
            let first = text
                .lines()
                .find(|l| !l.trim().is_empty() && !l.starts_with("#!"));
            !first.is_some_and(|l| l.starts_with("//!"))
        })
        .map(|p| relative(&p))
        .collect();
    assert!(
        missing.is_empty(),
        "files without a `//!` module doc comment:\n{}",
        missing.join("\n")
    );
}

#[test]
fn no_library_source_file_is_too_long() {
    let root = workspace_root();
    let long: Vec<String> = files("rs")
        .into_iter()
        .filter(|p| {
            LIBRARY_CRATES
                .iter()
                .chain(&["cli"])
                .any(|c| p.starts_with(root.join(c).join("src")))
        })
        .filter_map(|p| {
            let lines = std::fs::read_to_string(&p).ok()?.lines().count();
            (lines > MAX_SOURCE_LINES).then(|| format!("{} ({lines} lines)", relative(&p)))
        })
        .collect();
    assert!(
        long.is_empty(),
        "source files over {MAX_SOURCE_LINES} lines, split them by construct:\n{}",
        long.join("\n")
    );
}

#[test]
fn library_crates_deny_unwrap_expect_and_indexing() {
    let root = workspace_root();
    let lax: Vec<&str> = LIBRARY_CRATES
        .iter()
        .copied()
        .filter(|c| root.join(c).join("src/lib.rs").exists())
        .filter(|c| {
            let lib = std::fs::read_to_string(root.join(c).join("src/lib.rs")).unwrap_or_default();
            !["unwrap_used", "expect_used", "indexing_slicing"]
                .iter()
                .all(|lint| lib.contains(&format!("clippy::{lint}")) && lib.contains("#![deny("))
        })
        .collect();
    assert!(
        lax.is_empty(),
        "library crates without #![deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]: {lax:?}"
    );
}

#[test]
fn nothing_reads_or_links_outside_the_repository() {
    // Built at run time so that this file does not match itself.
    let outside = ["..", "/shared"].concat();
    let mut found = Vec::new();
    for ext in [
        "rs", "md", "toml", "socle", "sh", "lua", "json", "yml", "yaml",
    ] {
        for path in files(ext) {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            for (n, line) in text.lines().enumerate() {
                if line.contains(&outside) {
                    found.push(format!("{}:{}: {}", relative(&path), n + 1, line.trim()));
                }
            }
        }
    }
    let scripts = [".ci/run", "scripts/test", "fuzz/run-ci"];
    for script in scripts {
        let text = std::fs::read_to_string(workspace_root().join(script)).unwrap_or_default();
        if text.contains(&outside) {
            found.push(script.to_string());
        }
    }
    assert!(
        found.is_empty(),
        "a clone of the repository has no such directory:\n{}",
        found.join("\n")
    );
}
