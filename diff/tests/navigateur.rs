//! The HTML report as a reader sees it: headless Chromium loads the page and its rendered DOM
//! holds the summary table, a histogram per changed dispositif and the changed dossiers.
//! Without Chromium the test says « ignoré » and passes, unless `SOCLE_EXIGER_OUTILS=1`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

#[path = "../../doc/tests/chromium/mod.rs"]
mod chromium;

mod common;

use chromium::{chromium_or_skip, run_chromium};
use common::{copy_changed, rulesets, GIR_1_RAISED};
use socle_diff::{compile_dir, diff, Options};

#[test]
fn the_html_report_renders_in_chromium() {
    let Some(binary) = chromium_or_skip() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    // Val d'Oise with the GIR 1 coefficient of 2024 raised, on its committed population.
    copy_changed(
        &dir.path().join("regles"),
        &["val-doise", "national"],
        &[GIR_1_RAISED],
    );
    let before = compile_dir(&rulesets().join("val-doise"), "avant").unwrap();
    let after = compile_dir(&dir.path().join("regles/val-doise"), "après").unwrap();
    let population = socle_diff::population::generate(before.program(), 1000, 3);
    let report = diff(
        &before,
        &after,
        &mut population.as_bytes(),
        &Options::default(),
    )
    .unwrap();
    assert!(report.modifies > 0);
    let page = dir.path().join("rapport.html");
    std::fs::write(&page, socle_diff::html::render(&report)).unwrap();

    let profile = dir.path().join("profil-chromium");
    let dom = run_chromium(&binary, &profile, &page, &["--dump-dom".to_owned()]);
    assert!(dom.contains("<table class=\"resume\">"), "{dom}");
    assert!(dom.contains("<caption>Résumé par dispositif</caption>"));
    assert_eq!(
        dom.matches("<tr><td>").count(),
        report.dispositifs.len(),
        "une ligne par dispositif"
    );
    assert!(dom.contains("aria-label=\"Écarts de montant de apa_domicile\""));
    assert!(dom.contains("<table class=\"dossiers\">"));
    assert!(dom.contains("paramètre national.coefficient_gir, version du 2024-01-01, clé 1"));
}
