//! The command line speaks French: help, usage errors and suggestions (clap's English texts
//! such as « Print help » or « unrecognized subcommand » never reach a policy officer).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::process::{Command, Output};

fn socle(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_socle"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// English words clap writes by default.
const ENGLISH: &[&str] = &[
    "Print help",
    "Print version",
    "Usage:",
    "Commands:",
    "Options:",
    "Arguments:",
    "error:",
    "unrecognized",
    "invalid value",
    "required arguments",
    "[default:",
    "[possible values:",
    "For more information",
];

fn assert_french(out: &Output) {
    let t = text(out);
    for word in ENGLISH {
        assert!(!t.contains(word), "« {word} » in:\n{t}");
    }
}

#[test]
fn help_of_every_command_is_in_french() {
    let root = socle(&["--help"]);
    assert_eq!(root.status.code(), Some(0));
    assert_french(&root);
    let t = text(&root);
    assert!(t.contains("Utilisation : socle <COMMANDE>"), "{t}");
    assert!(
        t.contains("Commandes :") && t.contains("Affiche cette aide"),
        "{t}"
    );
    for cmd in [
        "check",
        "decide",
        "batch",
        "schema",
        "doc",
        "test",
        "fmt",
        "lsp",
        "explain",
        "diff",
        "population",
    ] {
        let out = socle(&[cmd, "--help"]);
        assert_eq!(out.status.code(), Some(0), "{cmd}");
        assert_french(&out);
        assert!(text(&out).contains("Utilisation : socle"), "{cmd}");
    }
    let decide = text(&socle(&["decide", "--aide"]));
    assert!(decide.contains("<JEU_DE_RÈGLES>"), "{decide}");
    assert!(decide.contains("par défaut : json"), "{decide}");
}

#[test]
fn usage_errors_are_in_french_with_status_2() {
    for (args, expected) in [
        (
            &["decid"][..],
            "commande inconnue : `decid` ; vouliez-vous dire `decide` ?",
        ),
        (&["decide"][..], "argument obligatoire manquant"),
        (&["check", "--format", "xml"][..], "valeur invalide `xml`"),
        (&["check", "--inconnue"][..], "inattendu : `--inconnue`"),
    ] {
        let out = socle(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_french(&out);
        let t = text(&out);
        assert!(t.contains(expected), "{args:?}: {t}");
        assert!(t.contains("socle --help"), "{args:?}: {t}");
    }
}

#[test]
fn no_color_leaves_no_escape_sequence() {
    let out = socle(&["--help"]);
    assert!(!text(&out).contains('\u{1b}'));
}
