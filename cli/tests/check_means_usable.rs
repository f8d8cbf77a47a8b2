//! A ruleset `socle check` accepts is one `socle schema` (and so `decide`, which compiles the
//! same way) can use, and a ruleset that cannot be compiled fails `check` with the same code,
//! by a normal exit. The rulesets are generated here: large inputs are not committed.

use std::path::PathBuf;
use std::process::{Command, Output};

/// `f{i}` calls `f{i-1}` once (plus one) or twice.
fn function_chain(levels: usize, twice: bool) -> String {
    let mut s = String::from("fonction f0(a : entier) : entier\n  résultat a + 1\n\n");
    for i in 1..=levels {
        let prev = i - 1;
        let body = if twice {
            format!("f{prev}(a) + f{prev}(a)")
        } else {
            format!("f{prev}(a) + 1")
        };
        s.push_str(&format!(
            "fonction f{i}(a : entier) : entier\n  résultat {body}\n\n"
        ));
    }
    s.push_str(&format!(
        "dispositif d \"D\"\n  valeur v : entier = f{levels}(1)\n"
    ));
    s
}

fn write(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("socle-usable-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(format!("{name}.socle"));
    std::fs::write(&path, text).expect("write");
    path
}

fn socle(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_socle"))
        .args(args)
        .output()
        .expect("socle runs")
}

#[test]
fn check_fails_exactly_when_the_ruleset_cannot_be_compiled() {
    // (name, text, code expected from both commands, or none when both succeed)
    let cases: Vec<(&str, String, Option<&str>)> = vec![
        ("chaine_courte", function_chain(10, false), None),
        // Passed `check`, failed `decide`/`schema` with E0302.
        ("chaine_longue", function_chain(300, false), Some("E0302")),
        // Made `check` abort on a memory allocation failure.
        ("chaine_double", function_chain(25, true), Some("E0303")),
    ];
    let mut wrong = Vec::new();
    for (name, text, code) in cases {
        let path = write(name, &text);
        let path = path.to_str().expect("utf-8 path");
        let check = socle(&["check", path]);
        let schema = socle(&["schema", path]);
        for (command, out) in [("check", &check), ("schema", &schema)] {
            let stderr = String::from_utf8_lossy(&out.stderr);
            let stdout = String::from_utf8_lossy(&out.stdout);
            match (code, out.status.code()) {
                (_, None) => wrong.push(format!("{name} {command} : tué par un signal")),
                (None, Some(0)) => {}
                (Some(code), Some(c)) if c != 0 => {
                    if !stderr.contains(code) && !stdout.contains(code) {
                        wrong.push(format!(
                            "{name} {command} : {code} attendu\n{stderr}{stdout}"
                        ));
                    }
                }
                (_, Some(c)) => {
                    wrong.push(format!("{name} {command} : code {c}\n{stderr}{stdout}"))
                }
            }
        }
    }
    std::fs::remove_dir_all(
        std::env::temp_dir().join(format!("socle-usable-{}", std::process::id())),
    )
    .ok();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Two imports declaring one `entrée` with two types: `check` accepted the ruleset and
/// `decide` output the dossier's date as a montant.
#[test]
fn an_entree_typed_twice_by_imports_fails_check_and_schema() {
    let root = std::env::temp_dir().join(format!("socle-usable-imports-{}", std::process::id()));
    let files = [
        (
            "aide/aide.socle",
            "importe dates\nimporte montants\n\ndispositif aide \"Aide\"\n  \
             valeur depuis : date = dates.depuis\n  valeur somme : montant = montants.somme\n",
        ),
        (
            "dates/dates.socle",
            "entrée x : date\n\nvaleur depuis : date = x\n",
        ),
        (
            "montants/montants.socle",
            "entrée x : montant\n\nvaleur somme : montant = x\n",
        ),
    ];
    for (path, text) in files {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().expect("dir")).expect("dir");
        std::fs::write(&path, text).expect("write");
    }
    let aide = root.join("aide");
    let aide = aide.to_str().expect("utf-8 path");
    for command in ["check", "schema"] {
        let out = socle(&[command, aide]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            matches!(out.status.code(), Some(c) if c != 0),
            "{command}: {stderr}"
        );
        assert!(
            stderr.contains("E0108") || stdout.contains("E0108"),
            "{command}: {stderr}{stdout}"
        );
    }
    std::fs::remove_dir_all(&root).ok();
}
