//! What the workspace protocol tests share: a copy of `fixtures/repo` per test.

#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use std::path::{Path, PathBuf};

use lsp_types::Url;

/// A copy of `fixtures/repo` in a fresh temporary folder, removed on drop.
pub struct Repo(pub PathBuf);

impl Repo {
    pub fn new(name: &str) -> Repo {
        let dir = std::env::temp_dir().join(format!("socle-lsp-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        copy(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/repo"),
            &dir,
        );
        Repo(dir.canonicalize().unwrap())
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.0.join("rulesets").join(rel)
    }

    pub fn uri(&self, rel: &str) -> Url {
        Url::from_file_path(self.path(rel)).unwrap()
    }

    pub fn text(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap()
    }
}

impl Drop for Repo {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            copy(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}
