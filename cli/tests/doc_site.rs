//! `socle doc RULESET --sortie DIR`: writes the site, or refuses a ruleset that does not compile
//! with exit 2 and a French error. Runs the real binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

fn socle(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_socle"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("socle runs")
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn val_doise_site_has_the_apa_page_with_its_tables_and_charts() {
    let out = scratch("doc-val-doise");
    let run = socle(&[
        "doc",
        "rulesets/val-doise",
        "--sortie",
        out.to_str().expect("utf-8"),
    ]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("pages écrites dans"), "{stderr}");
    let read = |name: &str| std::fs::read_to_string(out.join(name)).expect(name);
    assert!(read("style.css").contains("font-family"));
    let index = read("index.html");
    assert!(index.contains("href=\"dispositif-val-doise--apa_domicile.html\""));
    let apa = read("dispositif-val-doise--apa_domicile.html");
    assert!(
        apa.contains("<th>1</th><th>2</th><th>3</th><th>4</th>"),
        "coefficients par GIR"
    );
    assert!(
        apa.contains("aria-label=\"Historique de mtp\""),
        "graphique de la MTP"
    );
    assert!(apa.contains("https://www.legifrance.gouv.fr/search/code?"));
    std::fs::remove_dir_all(&out).ok();
}

#[test]
fn a_ruleset_with_errors_is_refused_with_exit_2() {
    let dir = scratch("doc-faux");
    let ruleset = dir.join("faux");
    std::fs::create_dir_all(&ruleset).expect("mkdir");
    std::fs::write(ruleset.join("a.socle"), "valeur a : entier = b + 1\n").expect("write");
    let out = dir.join("site");
    let run = socle(&[
        "doc",
        ruleset.to_str().expect("utf-8"),
        "--sortie",
        out.to_str().expect("utf-8"),
    ]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("erreur : le jeu de règles faux ne compile pas (1 erreur(s))"),
        "{stderr}"
    );
    assert!(!out.exists(), "no site for a ruleset that does not compile");
    std::fs::remove_dir_all(&dir).ok();
}
