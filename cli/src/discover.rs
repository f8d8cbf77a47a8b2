//! Turns command-line paths into rulesets loaded in a compiler session.

use std::path::{Path, PathBuf};

use socle_compiler::{RulesetId, Session};

/// What a PATH argument names.
#[derive(Debug, PartialEq, Eq)]
pub enum Target {
    /// A directory holding `.socle` files.
    RulesetDir(PathBuf),
    /// A single `.socle` file.
    File(PathBuf),
}

fn has_socle_files(dir: &Path) -> bool {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .any(|e| e.path().extension().is_some_and(|x| x == "socle"))
        })
        .unwrap_or(false)
}

/// A ruleset directory, a `.socle` file, or a folder of ruleset directories (sorted by name).
pub fn targets(path: &Path) -> Result<Vec<Target>, String> {
    if path.is_file() {
        return if path.extension().is_some_and(|x| x == "socle") {
            Ok(vec![Target::File(path.to_path_buf())])
        } else {
            Err(format!(
                "{} n'est pas un fichier .socle ni un dossier de jeu de règles",
                path.display()
            ))
        };
    }
    if !path.is_dir() {
        return Err(format!(
            "{} : fichier ou dossier introuvable",
            path.display()
        ));
    }
    if has_socle_files(path) {
        return Ok(vec![Target::RulesetDir(path.to_path_buf())]);
    }
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(|e| format!("{} : lecture impossible ({e})", path.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir() && has_socle_files(p))
        .collect();
    dirs.sort();
    if dirs.is_empty() {
        return Err(format!(
            "{} ne contient aucun fichier .socle ni aucun jeu de règles",
            path.display()
        ));
    }
    Ok(dirs.into_iter().map(Target::RulesetDir).collect())
}

pub fn load(session: &mut Session, target: &Target) -> Result<RulesetId, String> {
    match target {
        Target::RulesetDir(dir) => session.load_ruleset_dir(dir),
        Target::File(file) => session.load_file(file),
    }
    .map_err(|e| e.to_string())
}

/// Loads the one ruleset that `decide`, `batch` and `schema` work on.
pub fn load_single(session: &mut Session, path: &Path) -> Result<RulesetId, String> {
    let mut found = targets(path)?;
    if found.len() != 1 {
        return Err(format!(
            "{} contient plusieurs jeux de règles : indiquez-en un seul",
            path.display()
        ));
    }
    let target = found.remove(0);
    load(session, &target)
}
