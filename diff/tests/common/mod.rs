//! What the tests and the benchmark of `socle-diff` share: the shipped rulesets, and copies of
//! them with a change applied (the « after » version of a diff).

#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use std::path::{Path, PathBuf};

/// The repository's `rulesets/`.
pub fn rulesets() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../rulesets")
}

/// Copies the `.socle` files of the shipped rulesets `names` into `to/NAME` (siblings, so that
/// imports resolve), replacing each `(old, new)` text; every `old` must occur somewhere.
pub fn copy_changed(to: &Path, names: &[&str], changes: &[(&str, &str)]) {
    let mut used = vec![false; changes.len()];
    for name in names {
        let dir = to.join(name);
        std::fs::create_dir_all(&dir).unwrap();
        for entry in std::fs::read_dir(rulesets().join(name)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "socle") {
                let mut text = std::fs::read_to_string(&path).unwrap();
                for (i, (old, new)) in changes.iter().enumerate() {
                    used[i] |= text.contains(old);
                    text = text.replace(old, new);
                }
                std::fs::write(dir.join(path.file_name().unwrap()), text).unwrap();
            }
        }
    }
    for ((old, _), used) in changes.iter().zip(used) {
        assert!(used, "« {old} » is in none of {names:?}");
    }
}

/// The 2024 APA GIR 1 coefficient raised from 1,615 to 1,7.
pub const GIR_1_RAISED: (&str, &str) = (
    "à partir du 2024-01-01 : 1 => 1,615",
    "à partir du 2024-01-01 : 1 => 1,7",
);

/// `val-doise` as shipped (« avant ») and with `changes` applied to it and to `national`
/// (« après »), compiled, with the committed val-doise population.
pub fn val_doise_versions(
    changes: &[(&str, &str)],
) -> (socle_runtime::Engine, socle_runtime::Engine, String) {
    let dir = tempfile::tempdir().unwrap();
    copy_changed(dir.path(), &["val-doise", "national"], changes);
    let before = socle_diff::compile_dir(&rulesets().join("val-doise"), "avant").unwrap();
    let after = socle_diff::compile_dir(&dir.path().join("val-doise"), "après").unwrap();
    let population =
        std::fs::read_to_string(rulesets().join("val-doise/population.jsonl")).unwrap();
    (before, after, population)
}
