//! Replacing a file on disk without ever leaving it half written: `socle fmt` rewrites
//! `.socle` files and `socle test --bless` snapshots, and a full disk or a killed process
//! must leave either the old contents or the new ones.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes `contents` to a temporary file next to `path` (same directory, so the same file
/// system), then renames it over `path`. The temporary file is removed if anything fails.
/// `path` should not be a symbolic link: the rename replaces the link, not its target.
pub fn replace_file(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = dir.join(format!(".{name}.{}.socle-tmp", std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&temp)?;
        file.write_all(contents)?;
        file.sync_all()?;
        // Keep the mode of the file being replaced (a read-only or group-writable file stays so).
        if let Ok(meta) = std::fs::metadata(path) {
            std::fs::set_permissions(&temp, meta.permissions())?;
        }
        std::fs::rename(&temp, path)
    })();
    if result.is_err() {
        std::fs::remove_file(&temp).ok();
    }
    result
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn replaces_and_leaves_no_temporary_file() {
        let dir = std::env::temp_dir().join(format!("socle-write-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("a.socle");
        std::fs::write(&file, "ancien").unwrap();
        replace_file(&file, b"nouveau").unwrap();
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "nouveau");
        // A directory in the way: the rename fails, the temporary file is cleaned up.
        let blocked = dir.join("sous-dossier");
        std::fs::create_dir_all(blocked.join("x")).unwrap();
        assert!(replace_file(&blocked, b"x").is_err());
        let names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
        std::fs::remove_dir_all(&dir).ok();
    }
}
