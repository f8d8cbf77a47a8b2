//! Turns command-line paths into rulesets loaded in a compiler session.

use std::path::{Path, PathBuf};

use socle_compiler::{has_socle_files, ruleset_dirs_in, RulesetId, Session};

/// What a PATH argument names.
#[derive(Debug, PartialEq, Eq)]
pub enum Target {
    /// A directory holding `.socle` files.
    RulesetDir(PathBuf),
    /// A single `.socle` file.
    File(PathBuf),
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
    Ok(ruleset_dirs_in(path)?
        .into_iter()
        .map(Target::RulesetDir)
        .collect())
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
