//! `socle fmt [PATH…] [--check]`: the canonical layout of `socle_grammar::format`.

use std::path::{Path, PathBuf};

use socle_grammar::format::{format, FormatError};

use crate::exit::{usage_error, Status};

/// Every `.socle` file under `path` (itself if it is one), sorted; hidden directories and
/// build output are skipped.
fn socle_files(path: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    if path.is_file() {
        if path.extension().is_some_and(|x| x == "socle") {
            out.push(path.to_path_buf());
            return Ok(());
        }
        return Err(format!("{} n'est pas un fichier .socle", path.display()));
    }
    let entries = std::fs::read_dir(path)
        .map_err(|e| format!("impossible de lire « {} » : {e}", path.display()))?;
    let mut children: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    children.sort();
    for child in children {
        let name = child.file_name().map(|n| n.to_string_lossy().into_owned());
        let skipped = name
            .as_deref()
            .is_some_and(|n| n.starts_with('.') || n == "target");
        if child.is_dir() && !skipped {
            socle_files(&child, out)?;
        } else if child.is_file() && child.extension().is_some_and(|x| x == "socle") {
            out.push(child);
        }
    }
    Ok(())
}

/// 1-based line and column (in characters) of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

pub fn run(paths: &[PathBuf], check: bool) -> Status {
    let default = [PathBuf::from("rulesets")];
    let paths = if paths.is_empty() {
        &default[..]
    } else {
        paths
    };
    let mut files = Vec::new();
    for path in paths {
        if !path.exists() {
            return usage_error(format!(
                "{} : fichier ou dossier introuvable",
                path.display()
            ));
        }
        if let Err(e) = socle_files(path, &mut files) {
            return usage_error(e);
        }
    }
    let mut status = Status::Ok;
    let mut changed = 0;
    for file in &files {
        let text = match std::fs::read_to_string(file) {
            Ok(t) => t,
            Err(e) => {
                return usage_error(format!("impossible de lire « {} » : {e}", file.display()))
            }
        };
        match format(&text) {
            Ok(formatted) if formatted == text => {}
            Ok(formatted) => {
                changed += 1;
                if check {
                    outln!("{} : mise en forme à refaire", file.display());
                    status = Status::Failure;
                } else if let Err(e) = std::fs::write(file, formatted) {
                    return usage_error(format!(
                        "impossible d'écrire « {} » : {e}",
                        file.display()
                    ));
                }
            }
            Err(FormatError::Syntax(errors)) => {
                for error in &errors {
                    let (line, column) = line_col(&text, error.span.start as usize);
                    eprintln!(
                        "{}:{line}:{column} : {} (fichier laissé tel quel)",
                        file.display(),
                        error.message
                    );
                }
                status = Status::Failure;
            }
        }
    }
    if !check && changed > 0 {
        outln!("{changed} fichier(s) mis en forme sur {}", files.len());
    }
    status
}
