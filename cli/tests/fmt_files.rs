//! `socle fmt` and `socle test --bless` on hostile file trees: symbolic links (loops, links out
//! of the tree), oversized and non-UTF-8 files, and writes that fail half-way.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const UNFORMATTED: &str = "valeur a : entier = 1   \n\n\n";
const FORMATTED: &str = "valeur a : entier = 1\n";

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("socle-{name}-{}", std::process::id()));
    std::fs::remove_dir_all(&dir).ok();
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `program args` in `dir`, killed (and the test failed) after 20 s.
fn run(program: &str, args: &[&str], dir: &Path) -> Output {
    let mut child = Command::new(program)
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            child.kill().ok();
            child.wait().ok();
            panic!("{program} {args:?} ne s'est pas arrêté en 20 secondes");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

fn socle(args: &[&str], dir: &Path) -> Output {
    run(env!("CARGO_BIN_EXE_socle"), args, dir)
}

/// `socle args` with writes to regular files limited to 512 bytes: a write past that fails
/// (EFBIG) instead of killing the process, as on a full disk.
fn socle_small_disk(args: &[&str], dir: &Path) -> Output {
    let script = "trap '' XFSZ; ulimit -f 1; exec \"$@\"";
    let mut full = vec!["-c", script, "sh", env!("CARGO_BIN_EXE_socle")];
    full.extend_from_slice(args);
    run("sh", &full, dir)
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn symlinks_neither_loop_nor_lead_out_of_the_tree() {
    let dir = tmp("fmt-links");
    let tree = dir.join("tree");
    std::fs::create_dir_all(tree.join("r")).unwrap();
    std::fs::create_dir_all(dir.join("outside")).unwrap();
    std::fs::write(tree.join("r/a.socle"), UNFORMATTED).unwrap();
    std::fs::write(dir.join("outside/o.socle"), UNFORMATTED).unwrap();
    let link = |target: &str, name: &str| {
        std::os::unix::fs::symlink(target, tree.join("r").join(name)).unwrap()
    };
    link(".", "boucle1");
    link("..", "boucle2");
    link("../../outside/o.socle", "lien.socle");
    link("../../outside", "dehors");
    link("a.socle", "alias.socle");
    let out = socle(&["fmt", "tree"], &dir);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(tree.join("r/a.socle")).unwrap(),
        FORMATTED
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("outside/o.socle")).unwrap(),
        UNFORMATTED
    );
    for name in ["lien.socle", "alias.socle"] {
        let meta = std::fs::symlink_metadata(tree.join("r").join(name)).unwrap();
        assert!(meta.file_type().is_symlink(), "{name} n'est plus un lien");
    }
    assert!(
        stderr(&out).contains("hors des dossiers"),
        "{}",
        stderr(&out)
    );
    // One file formatted, however many paths lead to it.
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("1 fichier(s) mis en forme sur 1"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_failed_write_leaves_the_file_whole() {
    let dir = tmp("fmt-full");
    let long = format!("valeur b : entier = 2   \n# {}\n\n\n", "x".repeat(2000));
    std::fs::write(dir.join("b.socle"), &long).unwrap();
    let out = socle_small_disk(&["fmt", "b.socle"], &dir);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("impossible d'écrire"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read_to_string(dir.join("b.socle")).unwrap(), long);
    let names: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().collect();
    assert_eq!(names.len(), 1, "fichier temporaire laissé : {names:?}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn oversized_and_non_utf8_files_get_the_errors_of_check() {
    let dir = tmp("fmt-limits");
    let big = format!("# {}\n", "x".repeat(5 * 1024 * 1024));
    std::fs::write(dir.join("gros.socle"), &big).unwrap();
    std::fs::write(
        dir.join("latin1.socle"),
        b"# r\xe8gle\nvaleur a : entier = 1\n",
    )
    .unwrap();
    for (file, expected) in [
        ("gros.socle", "taille maximale"),
        ("latin1.socle", "n'est pas encodé en UTF-8"),
    ] {
        let out = socle(&["fmt", file], &dir);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert!(stderr(&out).contains(expected), "{file}: {}", stderr(&out));
        let checked = socle(&["check", file], &dir);
        assert!(
            stderr(&checked).contains(expected)
                || String::from_utf8_lossy(&checked.stdout).contains(expected),
            "check {file}"
        );
    }
    assert_eq!(
        std::fs::read(dir.join("gros.socle")).unwrap(),
        big.as_bytes()
    );
    std::fs::remove_dir_all(&dir).ok();
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

#[test]
fn a_failed_bless_leaves_the_snapshot_whole() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let dir = tmp("bless-full");
    copy_dir(&root.join("rulesets"), &dir.join("rulesets"));
    let snapshots = dir.join("rulesets/val-doise/tests/snapshots");
    let snapshot = std::fs::read_dir(&snapshots)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "snap"))
        .unwrap();
    let drifted = std::fs::read_to_string(&snapshot)
        .unwrap()
        .replace("\"eligible\": true", "\"eligible\": false")
        .replace("\"eligible\": false", "\"eligible\": null");
    std::fs::write(&snapshot, &drifted).unwrap();
    let out = socle_small_disk(&["test", "--bless", "rulesets/val-doise"], &dir);
    assert_ne!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&snapshot).unwrap(), drifted);
    let temporaries: Vec<_> = std::fs::read_dir(&snapshots)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
        .collect();
    assert!(temporaries.is_empty(), "{temporaries:?}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_syntax_error_is_reported_with_its_line_and_the_file_left_whole() {
    let dir = tmp("fmt-syntax");
    let broken = "valeur a : entier = 1\n\nvaleur b : entier = 1 +\n";
    std::fs::write(dir.join("c.socle"), broken).unwrap();
    for args in [&["fmt", "c.socle"][..], &["fmt", "--check", "c.socle"][..]] {
        let out = socle(args, &dir);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert!(
            stderr(&out).contains("fichier non formaté : erreur de syntaxe ligne 3"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    assert_eq!(
        std::fs::read_to_string(dir.join("c.socle")).unwrap(),
        broken
    );
    std::fs::remove_dir_all(&dir).ok();
}
