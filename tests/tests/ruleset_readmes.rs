//! The rulesets' READMEs are their traceability tables (issue 4): every rule id of the index of
//! sources and rules (`docs/SOURCES.md`, which carries the seed catalogue into the repository)
//! appears in one, and every `file.socle:N` reference points into the declaration that carries
//! the quoted seed passage — formatting or editing a ruleset must keep them true.

use std::path::{Path, PathBuf};

use socle_tests::workspace_root;

fn readmes() -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(workspace_root().join("rulesets"))
        .expect("rulesets")
        .flatten()
        .map(|e| e.path().join("README.md"))
        .filter(|p| p.exists())
        .collect();
    found.sort();
    found
}

/// Ids like `VO-APA-3`, `BR-AMC-2`, `OS-4`, `CRT-1`, `CH-ARDH-1` in a text.
fn rule_ids(text: &str) -> Vec<String> {
    let mut ids = Vec::new();
    for word in text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-')) {
        let mut parts = word.split('-');
        let prefix = parts.next().unwrap_or("");
        if ["VO", "BR", "OS", "CRT", "CH"].contains(&prefix)
            && word.len() > prefix.len() + 1
            && word.chars().last().is_some_and(|c| c.is_ascii_digit())
        {
            ids.push(word.to_string());
        }
    }
    ids
}

#[test]
fn every_catalogue_rule_is_traced_in_a_ruleset_readme() {
    let catalogue_path = workspace_root().join("docs/SOURCES.md");
    let Ok(catalogue) = std::fs::read_to_string(&catalogue_path) else {
        panic!("{} introuvable", catalogue_path.display());
    };
    let tables: String = readmes()
        .iter()
        .map(|p| std::fs::read_to_string(p).expect("readme"))
        .collect();
    let mut missing: Vec<String> = rule_ids(&catalogue)
        .into_iter()
        .filter(|id| !tables.contains(id.as_str()))
        .collect();
    missing.dedup();
    assert!(
        missing.is_empty(),
        "règles absentes des README : {missing:?}"
    );
}

/// The declaration (a column-0 line and its indented lines) around line `n` (1-based).
fn declaration_around(lines: &[&str], n: usize) -> String {
    let continues = |l: &str| l.is_empty() || l.starts_with([' ', '\t', '#']);
    let mut start = n - 1;
    while start > 0 && lines.get(start).is_some_and(|l| continues(l)) {
        start -= 1;
    }
    let mut end = n;
    while lines.get(end).is_some_and(|l| continues(l)) {
        end += 1;
    }
    lines[start..end].join("\n")
}

fn check_reference(dir: &Path, row: &str, file: &str, n: usize) -> Result<(), String> {
    let path = dir.join(file);
    let path = if path.exists() {
        path
    } else {
        workspace_root().join("rulesets").join(file)
    };
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{file}: {e}"))?;
    let lines: Vec<&str> = text.lines().collect();
    let line = lines
        .get(n.wrapping_sub(1))
        .ok_or(format!("{file}:{n} au-delà de la fin du fichier"))?;
    if line.trim().is_empty() || line.trim_start().starts_with('#') {
        return Err(format!("{file}:{n} est une ligne vide ou un commentaire"));
    }
    let block = declaration_around(&lines, n);
    // The quoted seed passages of the row: at least one must be in the declaration (the
    // README may write `/` where the ruleset's source writes `|`).
    let quotes: Vec<String> = row
        .split('«')
        .skip(1)
        .filter_map(|q| q.split(['»', '…']).next())
        .map(|q| q.trim().chars().take(10).collect::<String>())
        .filter(|q| q.chars().count() >= 6)
        .collect();
    let normalised = block.replace('|', "/");
    if !quotes.is_empty() && !quotes.iter().any(|q| normalised.contains(q.as_str())) {
        return Err(format!("{file}:{n} ne cite pas « {} »", quotes[0]));
    }
    Ok(())
}

#[test]
fn readme_line_references_point_at_the_quoted_rule() {
    let mut wrong = Vec::new();
    let mut checked = 0;
    for readme in readmes() {
        let dir = readme.parent().expect("dir").to_path_buf();
        let text = std::fs::read_to_string(&readme).expect("readme");
        for row in text.lines() {
            for cell in row.split('`').skip(1).step_by(2) {
                let Some((file, n)) = cell.rsplit_once(':') else {
                    continue;
                };
                let (true, Ok(n)) = (file.ends_with(".socle"), n.parse::<usize>()) else {
                    continue;
                };
                checked += 1;
                if let Err(e) = check_reference(&dir, row, file, n) {
                    wrong.push(format!("{}: {e}", readme.display()));
                }
            }
        }
    }
    assert!(checked >= 100, "only {checked} references found");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
