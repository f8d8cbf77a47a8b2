//! `socle fmt [PATH…] [--check]`: the canonical layout of `socle_grammar::format`.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use socle_compiler::{read_source, replace_file, LoadError};
use socle_grammar::format::{format, FormatError};

use crate::exit::{usage_error, Status};

/// The `.socle` files to format, found by walking the given paths.
///
/// Symbolic links are followed only while they stay inside one of the given paths, and each
/// directory and file is taken once, by its canonical path: two links to `.` cannot make the
/// walk loop, and a link to a file elsewhere is not rewritten.
struct Walk {
    /// Canonical forms of the paths given on the command line.
    roots: Vec<PathBuf>,
    visited: HashSet<PathBuf>,
    /// Canonical paths of the files, in walk order: the ones read and written.
    files: Vec<PathBuf>,
}

impl Walk {
    fn inside_roots(&self, canonical: &Path) -> bool {
        self.roots.iter().any(|r| canonical.starts_with(r))
    }

    /// `path` as given on the command line: a file is taken even if it is not `.socle`-named
    /// by a link, a directory is walked.
    fn root(&mut self, path: &Path) -> Result<(), String> {
        let canonical = canonical(path)?;
        if canonical.is_file() {
            if path.extension().is_some_and(|x| x == "socle") {
                if self.visited.insert(canonical.clone()) {
                    self.files.push(canonical);
                }
                return Ok(());
            }
            return Err(format!("{} n'est pas un fichier .socle", path.display()));
        }
        self.dir(path, canonical)
    }

    /// Every `.socle` file under `dir`, sorted; hidden directories and build output skipped.
    fn dir(&mut self, shown: &Path, canonical: PathBuf) -> Result<(), String> {
        if !self.visited.insert(canonical.clone()) {
            return Ok(());
        }
        let entries = std::fs::read_dir(&canonical)
            .map_err(|e| format!("impossible de lire « {} » : {e}", shown.display()))?;
        let mut children: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        children.sort();
        for child in children {
            let name = child.file_name().map(|n| n.to_string_lossy().into_owned());
            let skipped = name
                .as_deref()
                .is_some_and(|n| n.starts_with('.') || n == "target");
            let is_socle = child.extension().is_some_and(|x| x == "socle");
            let shown_child = shown.join(child.file_name().unwrap_or_default());
            // A dangling link or an unreadable entry is not ours to format.
            let Ok(target) = std::fs::canonicalize(&child) else {
                continue;
            };
            if !self.inside_roots(&target) {
                if is_socle || target.is_dir() {
                    eprintln!(
                        "note : {} est un lien vers {}, hors des dossiers à mettre en forme : ignoré",
                        shown_child.display(),
                        target.display()
                    );
                }
                continue;
            }
            if target.is_dir() && !skipped {
                self.dir(&shown_child, target)?;
            } else if target.is_file() && is_socle && self.visited.insert(target.clone()) {
                self.files.push(target);
            }
        }
        Ok(())
    }
}

fn canonical(path: &Path) -> Result<PathBuf, String> {
    std::fs::canonicalize(path)
        .map_err(|_| format!("{} : fichier ou dossier introuvable", path.display()))
}

/// The canonical file shown relative to the current directory when it is below it, as the
/// user most likely named it.
fn shown(file: &Path) -> PathBuf {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| std::fs::canonicalize(cwd).ok())
        .and_then(|cwd| file.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| file.to_path_buf())
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
    let mut walk = Walk {
        roots: Vec::new(),
        visited: HashSet::new(),
        files: Vec::new(),
    };
    for path in paths {
        match canonical(path) {
            Ok(root) => walk.roots.push(root),
            Err(e) => return usage_error(e),
        }
    }
    for path in paths {
        if let Err(e) = walk.root(path) {
            return usage_error(e);
        }
    }
    let files = walk.files;
    let mut status = Status::Ok;
    let mut changed = 0;
    for file in &files {
        let shown = shown(file);
        // The reading of `check`: the same size limit and the same French encoding error.
        let text = match read_source(file) {
            Ok(t) => t,
            Err(e @ LoadError::Io { .. }) => return usage_error(e),
            Err(e) => {
                eprintln!("erreur : {e} (fichier laissé tel quel)");
                status = Status::Failure;
                continue;
            }
        };
        match format(&text) {
            Ok(formatted) if formatted == text => {}
            Ok(formatted) => {
                changed += 1;
                if check {
                    outln!("{} : mise en forme à refaire", shown.display());
                    status = Status::Failure;
                } else if let Err(e) = replace_file(file, formatted.as_bytes()) {
                    return usage_error(format!(
                        "impossible d'écrire « {} » : {e} (fichier laissé tel quel)",
                        shown.display()
                    ));
                }
            }
            Err(FormatError::Syntax(errors)) => {
                for error in &errors {
                    let (line, column) = line_col(&text, error.span.start as usize);
                    eprintln!(
                        "{}:{line}:{column} : fichier non formaté : erreur de syntaxe ligne {line} ({})",
                        shown.display(),
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
