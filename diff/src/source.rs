//! Where a version of a ruleset comes from: a directory as it is on disk, or `DIR@REV`, the
//! same directory at a git revision. A revision is read with `git ls-tree` and `git show`
//! (never a checkout, so the work tree of the caller is left alone) into a temporary
//! directory that mirrors the repository layout, because imports name sibling directories:
//! `rulesets/val-doise` imports `rulesets/national`, which must be read at the same revision.

use std::path::{Path, PathBuf};
use std::process::Command;

use socle_compiler::{EngineError, Session};
use socle_runtime::Engine;

use crate::DiffError;

/// A ruleset version named on the command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// A ruleset directory read from disk.
    Dir(PathBuf),
    /// A ruleset directory read from a git revision of the repository holding it.
    Git {
        /// The directory, as it exists in the work tree.
        dir: PathBuf,
        /// Any revision git understands (`origin/main`, `HEAD~1`, a commit).
        rev: String,
    },
}

impl Source {
    /// Reads `DIR` or `DIR@REV`. A path that exists as written is a directory even if it holds
    /// an `@`; otherwise the first `@` whose left side is an existing directory splits it.
    pub fn parse(text: &str) -> Source {
        if Path::new(text).exists() {
            return Source::Dir(PathBuf::from(text));
        }
        let splits = text.match_indices('@').map(|(i, _)| i);
        for i in splits {
            let (dir, rev) = (text.get(..i), text.get(i + 1..));
            if let (Some(dir), Some(rev)) = (dir, rev) {
                let dir = if dir.is_empty() { "." } else { dir };
                if Path::new(dir).is_dir() && !rev.is_empty() {
                    return Source::Git {
                        dir: PathBuf::from(dir),
                        rev: rev.to_owned(),
                    };
                }
            }
        }
        Source::Dir(PathBuf::from(text))
    }

    /// How a report names this version (`rulesets/val-doise@origin/main`).
    pub fn label(&self) -> String {
        match self {
            Source::Dir(dir) => dir.display().to_string(),
            Source::Git { dir, rev } => format!("{}@{rev}", dir.display()),
        }
    }

    /// The ruleset compiled, ready to decide. Errors are French: the policy team reads them.
    pub fn compile(&self) -> Result<Engine, DiffError> {
        match self {
            Source::Dir(dir) => compile_dir(dir, &self.label()),
            Source::Git { dir, rev } => {
                let checkout = export(dir, rev)?;
                compile_dir(&checkout.ruleset, &self.label())
            }
        }
    }
}

/// Compiles the ruleset in `dir` and its imports.
pub fn compile_dir(dir: &Path, label: &str) -> Result<Engine, DiffError> {
    if !dir.is_dir() {
        return Err(DiffError::NotADirectory(label.to_owned()));
    }
    let label = label.to_owned();
    Session::new().engine(dir).map_err(|e| match e {
        EngineError::Load(e) => DiffError::Load {
            label,
            message: e.to_string(),
        },
        EngineError::Compile {
            count, rendered, ..
        } => DiffError::Compile {
            label,
            count,
            rendered,
        },
        EngineError::Invalid { detail, .. } => DiffError::Load {
            label,
            message: format!("programme compilé invalide : {detail}"),
        },
    })
}

/// A ruleset directory written from a git revision; deleted when dropped.
struct Exported {
    _root: tempfile::TempDir,
    ruleset: PathBuf,
}

fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>, DiffError> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|e| DiffError::Git(format!("git ne démarre pas ({e})")))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(DiffError::Git(format!(
            "`git {}` a échoué : {}",
            args.join(" "),
            stderr.trim()
        )));
    }
    Ok(output.stdout)
}

fn git_text(dir: &Path, args: &[&str]) -> Result<String, DiffError> {
    let bytes = git(dir, args)?;
    String::from_utf8(bytes).map_err(|_| DiffError::Git("réponse de git illisible".to_owned()))
}

/// Writes the `.socle` files of `dir`'s parent at `rev` (the ruleset and its siblings, which
/// imports may name) into a temporary directory with the same layout.
fn export(dir: &Path, rev: &str) -> Result<Exported, DiffError> {
    if !dir.is_dir() {
        return Err(DiffError::NotADirectory(dir.display().to_string()));
    }
    let top = git_text(dir, &["rev-parse", "--show-toplevel"])
        .map_err(|_| DiffError::Git(format!("{} n'est pas dans un dépôt git", dir.display())))?;
    let top = PathBuf::from(top.trim());
    let verify = format!("{rev}^{{commit}}");
    let commit = git_text(dir, &["rev-parse", "--verify", "--quiet", &verify])
        .map_err(|_| DiffError::Git(format!("révision inconnue : `{rev}`")))?;
    let commit = commit.trim().to_owned();
    // `--show-prefix` is the directory relative to the top, with a trailing slash.
    let prefix = git_text(dir, &["rev-parse", "--show-prefix"])?;
    let prefix = prefix.trim().trim_end_matches('/').to_owned();
    let (parent, name) = match prefix.rsplit_once('/') {
        Some((parent, name)) => (parent.to_owned(), name.to_owned()),
        None => (String::new(), prefix.clone()),
    };
    if name.is_empty() {
        return Err(DiffError::Git(
            "le jeu de règles doit être un sous-dossier du dépôt git".to_owned(),
        ));
    }
    let listing = git_text(
        &top,
        &[
            "ls-tree",
            "-r",
            "--name-only",
            "-z",
            &commit,
            "--",
            &format!("{parent}/"),
        ],
    )
    .or_else(|_| git_text(&top, &["ls-tree", "-r", "--name-only", "-z", &commit]))?;
    let root = tempfile::Builder::new()
        .prefix("socle-diff-")
        .tempdir()
        .map_err(|e| DiffError::Git(format!("dossier temporaire impossible ({e})")))?;
    let base = root.path().join("depot");
    let mut found = false;
    for path in listing.split('\0').filter(|p| p.ends_with(".socle")) {
        let relative = match parent.is_empty() {
            true => Some(path),
            false => path.strip_prefix(&format!("{parent}/")),
        };
        // Only `SIBLING/FILE.socle`: imports name sibling directories, never deeper ones.
        let Some((sibling, file)) = relative.and_then(|r| r.split_once('/')) else {
            continue;
        };
        if file.contains('/') {
            continue;
        }
        let text = git(&top, &["show", &format!("{commit}:{path}")])?;
        let target = base.join(sibling);
        let written =
            std::fs::create_dir_all(&target).and_then(|()| std::fs::write(target.join(file), text));
        written.map_err(|e| DiffError::Git(format!("écriture de {path} impossible ({e})")))?;
        found |= sibling == name;
    }
    if !found {
        return Err(DiffError::Git(format!(
            "{prefix} n'a aucun fichier .socle à la révision `{rev}`"
        )));
    }
    Ok(Exported {
        ruleset: base.join(&name),
        _root: root,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_revision_follows_the_first_at_after_an_existing_directory() {
        let here = env!("CARGO_MANIFEST_DIR");
        assert_eq!(
            Source::parse(&format!("{here}@origin/main")),
            Source::Git {
                dir: PathBuf::from(here),
                rev: "origin/main".into()
            }
        );
        assert_eq!(
            Source::parse(&format!("{here}@HEAD@{{1}}")),
            Source::Git {
                dir: PathBuf::from(here),
                rev: "HEAD@{1}".into()
            }
        );
        assert_eq!(Source::parse(here), Source::Dir(PathBuf::from(here)));
        assert_eq!(
            Source::parse("/nulle/part@HEAD"),
            Source::Dir(PathBuf::from("/nulle/part@HEAD"))
        );
    }
}
