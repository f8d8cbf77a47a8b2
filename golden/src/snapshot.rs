//! Golden snapshots in insta's file format, so that `cargo test` (through insta) and
//! `socle test` read and write the same `.snap` files.

use std::path::{Path, PathBuf};

use similar::{ChangeTag, TextDiff};
use socle_runtime::published;

/// The test that checks snapshots under `cargo test`; insta records it in each file's header.
pub const INSTA_SOURCE: &str = "tests/tests/golden.rs";

/// Where a ruleset's snapshots live.
pub fn snapshot_dir(ruleset_dir: &Path) -> PathBuf {
    ruleset_dir.join("tests").join("snapshots")
}

/// The file of one run (`id.snap`, or `id@date.snap` in a sweep).
pub fn snapshot_path(ruleset_dir: &Path, run_name: &str) -> PathBuf {
    snapshot_dir(ruleset_dir).join(format!("{run_name}.snap"))
}

/// What a run is compared with: the decision with its trace, as `socle decide --explain`
/// prints it.
pub fn snapshot_contents(decision: &published::Decision) -> String {
    serde_json::to_string_pretty(decision).unwrap_or_else(|e| format!("{e}"))
}

/// The contents of a `.snap` file: what follows the metadata header, normalised as insta
/// compares it (trailing whitespace and CRLF ignored).
pub fn parse(file_text: &str) -> String {
    let file_text = file_text.replace("\r\n", "\n");
    let body = match file_text.strip_prefix("---\n") {
        Some(rest) => match rest.find("\n---\n") {
            Some(end) => rest.get(end + 5..).unwrap_or_default(),
            None => rest,
        },
        None => &file_text,
    };
    normalise(body)
}

fn normalise(text: &str) -> String {
    text.trim_end().replace("\r\n", "\n")
}

/// The `.snap` file for these contents, byte for byte what insta writes for
/// `assert_snapshot!` with `omit_expression`.
pub fn render(contents: &str) -> String {
    format!(
        "---\nsource: {INSTA_SOURCE}\n---\n{}\n",
        normalise(contents)
    )
}

/// How the stored snapshot compares with the current decision.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SnapshotStatus {
    Matches,
    /// No file yet: the case has never been blessed.
    Missing,
    /// The stored decision differs: a unified diff, `-` stored, `+` current.
    Drift {
        diff: String,
    },
    /// `--bless` wrote the current decision (new or changed).
    Blessed,
}

impl SnapshotStatus {
    pub fn is_failure(&self) -> bool {
        matches!(self, SnapshotStatus::Missing | SnapshotStatus::Drift { .. })
    }
}

/// Compares (and with `bless`, rewrites) the snapshot at `path`.
pub fn check(path: &Path, current: &str, bless: bool) -> Result<SnapshotStatus, std::io::Error> {
    let stored = match std::fs::read_to_string(path) {
        Ok(text) => Some(parse(&text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e),
    };
    let current = normalise(current);
    let status = match &stored {
        Some(stored) if *stored == current => return Ok(SnapshotStatus::Matches),
        Some(stored) => SnapshotStatus::Drift {
            diff: diff(stored, &current),
        },
        None => SnapshotStatus::Missing,
    };
    if bless {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        // Never a half-written snapshot, whatever stops the write.
        socle_compiler::replace_file(path, render(&current).as_bytes())?;
        return Ok(SnapshotStatus::Blessed);
    }
    Ok(status)
}

/// A unified diff with 2 lines of context, at most 40 changed lines shown.
fn diff(stored: &str, current: &str) -> String {
    const MAX_LINES: usize = 40;
    let diff = TextDiff::from_lines(stored, current);
    let mut out = String::new();
    let mut shown = 0;
    for group in diff.grouped_ops(2) {
        out.push_str("@@\n");
        for op in group {
            for change in diff.iter_changes(&op) {
                if shown == MAX_LINES {
                    out.push_str("…\n");
                    return out;
                }
                let sign = match change.tag() {
                    ChangeTag::Delete => '-',
                    ChangeTag::Insert => '+',
                    ChangeTag::Equal => ' ',
                };
                if change.tag() != ChangeTag::Equal {
                    shown += 1;
                }
                out.push(sign);
                out.push_str(change.value().trim_end_matches('\n'));
                out.push('\n');
            }
        }
    }
    out
}

/// Snapshot files in `dir` that no run name claims.
pub fn orphans(ruleset_dir: &Path, run_names: &[String]) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(snapshot_dir(ruleset_dir)) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "snap"))
        .filter(|p| {
            p.file_stem()
                .map(|s| s.to_string_lossy())
                .is_none_or(|stem| !run_names.iter().any(|n| *n == stem))
        })
        .collect();
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn header_is_skipped_and_contents_normalised() {
        let file = render("{\n  \"a\": 1\n}\n\n");
        assert_eq!(parse(&file), "{\n  \"a\": 1\n}");
        assert_eq!(parse(&file.replace('\n', "\r\n")), "{\n  \"a\": 1\n}");
    }

    #[test]
    fn drift_shows_both_sides() {
        let dir = std::env::temp_dir().join(format!("socle-snap-{}", std::process::id()));
        let path = dir.join("x.snap");
        assert_eq!(
            check(&path, "a\nb\n", false).unwrap(),
            SnapshotStatus::Missing
        );
        assert_eq!(
            check(&path, "a\nb\n", true).unwrap(),
            SnapshotStatus::Blessed
        );
        assert_eq!(
            check(&path, "a\nb", false).unwrap(),
            SnapshotStatus::Matches
        );
        let SnapshotStatus::Drift { diff } = check(&path, "a\nc\n", false).unwrap() else {
            panic!("drift expected");
        };
        assert!(diff.contains("-b") && diff.contains("+c"), "{diff}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
