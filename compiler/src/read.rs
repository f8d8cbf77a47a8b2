//! Reading a `.socle` file from disk: bounded in size, and a non-UTF-8 file (often Latin-1 or
//! Windows-1252, as saved by office tools) reported with the place of its first bad byte.

use std::io::Read;
use std::path::Path;
use std::path::PathBuf;

/// Reading rulesets from disk.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("impossible de lire « {path} » : {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("« {0} » n'est pas un dossier de jeu de règles")]
    NotADirectory(PathBuf),
    #[error("« {0} » ne contient aucun fichier .socle")]
    NoSocleFiles(PathBuf),
    #[error("« {0} » n'est pas un fichier .socle")]
    NotASocleFile(PathBuf),
    #[error("« {path} » dépasse la taille maximale d'un fichier .socle ({max} octets)")]
    TooLarge { path: PathBuf, max: u64 },
    #[error(
        "« {path} » n'est pas encodé en UTF-8 (premier caractère illisible ligne {line}, \
         colonne {column}) : enregistrez-le en UTF-8 depuis votre éditeur"
    )]
    NotUtf8 {
        path: PathBuf,
        line: usize,
        column: usize,
    },
}

/// Largest `.socle` file accepted. The whole `rulesets/` tree is a few hundred KB; a bigger file
/// is generated or a wrong file, and reading it would only delay the error.
pub const MAX_SOURCE_BYTES: u64 = 4 * 1024 * 1024;

pub fn read_source(path: &Path) -> Result<String, LoadError> {
    let io = |source| LoadError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let mut bytes = Vec::new();
    // One byte past the limit tells an oversized file without reading all of it.
    file.take(MAX_SOURCE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > MAX_SOURCE_BYTES {
        return Err(LoadError::TooLarge {
            path: path.to_path_buf(),
            max: MAX_SOURCE_BYTES,
        });
    }
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let before = e.as_bytes().get(..valid).unwrap_or_default();
        let line = before.iter().filter(|b| **b == b'\n').count() + 1;
        let line_start = before
            .iter()
            .rposition(|b| *b == b'\n')
            .map_or(0, |i| i + 1);
        let column = String::from_utf8_lossy(before.get(line_start..).unwrap_or_default())
            .chars()
            .count()
            + 1;
        LoadError::NotUtf8 {
            path: path.to_path_buf(),
            line,
            column,
        }
    })
}

/// Whether `dir` holds `.socle` files: then it is a ruleset.
pub fn has_socle_files(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries
            .flatten()
            .any(|e| e.path().extension().is_some_and(|x| x == "socle"))
    })
}

/// The rulesets of a directory of rulesets (`rulesets/`), sorted; the French error the CLI and
/// the HTTP service both give when there are none.
pub fn ruleset_dirs_in(path: &Path) -> Result<Vec<PathBuf>, String> {
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
    Ok(dirs)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn limits_and_encoding() {
        let dir = std::env::temp_dir().join(format!("socle-read-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let latin1 = dir.join("latin1.socle");
        std::fs::write(&latin1, b"valeur a : entier = 1\n# r\xe8gle\n").unwrap();
        let e = read_source(&latin1).unwrap_err();
        assert!(
            matches!(
                e,
                LoadError::NotUtf8 {
                    line: 2,
                    column: 4,
                    ..
                }
            ),
            "{e:?}"
        );
        let big = dir.join("big.socle");
        std::fs::write(&big, vec![b'#'; MAX_SOURCE_BYTES as usize + 1]).unwrap();
        assert!(matches!(read_source(&big), Err(LoadError::TooLarge { .. })));
        std::fs::write(&big, vec![b'#'; MAX_SOURCE_BYTES as usize]).unwrap();
        assert!(read_source(&big).is_ok());
        std::fs::remove_dir_all(&dir).ok();
    }
}
