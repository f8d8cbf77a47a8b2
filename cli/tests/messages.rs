//! What `socle check` quotes of the source under a diagnostic: a window of a huge line, never
//! the whole of it, and hidden characters escaped, never sent raw to the terminal.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

#[test]
fn quoted_source_is_cut_and_escaped() {
    let dir = std::env::temp_dir().join(format!("socle-messages-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("r")).unwrap();
    let text = format!(
        "valeur a : entier = \"{}\"\nvaleur b : entier = \"a\0b\u{1b}[31mc\" # \0\n\
         valeur c : entier = {} + \"d\"\n",
        "x".repeat(800_000),
        "1 + ".repeat(100)
    );
    std::fs::write(dir.join("r/r.socle"), text).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_socle"))
        .args(["check", "r"])
        .current_dir(&dir)
        .output()
        .unwrap();
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        out.stdout.len() + out.stderr.len() < 8000,
        "{}",
        out.stdout.len()
    );
    let all = [out.stdout, out.stderr].concat();
    assert!(
        !all.iter().any(|b| *b == 0 || *b == 0x1b),
        "caractère de contrôle brut"
    );
    let shown = String::from_utf8(all)
        .unwrap()
        .replace(&format!("{}/", dir.display()), "");
    insta::assert_snapshot!(shown);
}
