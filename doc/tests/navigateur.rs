//! The site as a user sees it: rendered by headless Chromium. A barème page is captured as a
//! PNG (kept under the target directory, so CI can show it) and its rendered DOM must hold the
//! table and the SVG chart; the val-doise APA page must show the GIR coefficient table and the
//! MTP history chart.
//!
//! Without Chromium the test says « ignoré » and passes, unless `SOCLE_EXIGER_OUTILS=1` (the
//! project's test command installs Chromium and sets it), where it fails.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod chromium;

use std::path::{Path, PathBuf};

use chromium::{chromium_or_skip, run_chromium};

const WIDTH: u32 = 1100;
const HEIGHT: u32 = 1800;

/// `<target>/socle-doc-capture`: stable, so the screenshot can be published as an artefact.
fn capture_dir() -> PathBuf {
    // CARGO_TARGET_TMPDIR is `<target>/tmp`, whatever CARGO_TARGET_DIR says.
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    tmp.parent().unwrap_or(tmp).join("socle-doc-capture")
}

/// The width and height of a PNG, from its IHDR chunk, after checking the signature.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert!(bytes.len() > 24, "PNG trop court");
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "pas un PNG");
    assert_eq!(&bytes[12..16], b"IHDR");
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    (be(&bytes[16..20]), be(&bytes[20..24]))
}

fn rulesets() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../rulesets")
}

#[test]
fn the_site_renders_in_chromium() {
    let Some(binary) = chromium_or_skip() else {
        return;
    };
    let dir = capture_dir();
    let _ = std::fs::remove_dir_all(&dir);
    let val_doise = dir.join("val-doise");
    socle_doc::build(&rulesets().join("val-doise"))
        .unwrap()
        .write(&val_doise)
        .unwrap();
    // Val d'Oise has no barème of its own: the barème page is Bas-Rhin's aide ménagère scale.
    let bas_rhin = dir.join("bas-rhin");
    socle_doc::build(&rulesets().join("bas-rhin"))
        .unwrap()
        .write(&bas_rhin)
        .unwrap();
    let profile = dir.join("profil-chromium");
    let bareme_page = bas_rhin.join("bareme-bas-rhin--participation_amc.html");

    let png = dir.join("bareme.png");
    run_chromium(
        &binary,
        &profile,
        &bareme_page,
        &[
            format!("--screenshot={}", png.display()),
            format!("--window-size={WIDTH},{HEIGHT}"),
        ],
    );
    let bytes = std::fs::read(&png).expect("pas de capture");
    assert_eq!(png_size(&bytes), (WIDTH, HEIGHT));
    // A blank page of that size compresses to a few kilobytes; text, tables and charts do not.
    assert!(
        bytes.len() > 40_000,
        "capture suspecte : {} octets",
        bytes.len()
    );
    println!("capture de la page de barème : {}", png.display());

    let dom = run_chromium(&binary, &profile, &bareme_page, &["--dump-dom".to_owned()]);
    assert!(dom.contains("<table class=\"bareme\">"), "{dom}");
    assert_eq!(
        dom.matches("<tr><td class=\"nombre\">").count(),
        8,
        "huit tranches"
    );
    assert_eq!(
        dom.matches("<svg").count(),
        2,
        "un graphique par colonne (seul, couple)"
    );
    assert!(dom.contains("aria-label=\"Tranches de participation_amc (couple)\""));

    let apa = val_doise.join("dispositif-val-doise--apa_domicile.html");
    let dom = run_chromium(&binary, &profile, &apa, &["--dump-dom".to_owned()]);
    assert!(dom.contains("<h1>Allocation personnalisée d'autonomie à domicile</h1>"));
    assert!(
        dom.contains("<th>1</th><th>2</th><th>3</th><th>4</th>"),
        "plafond par GIR"
    );
    assert!(
        dom.contains("<td class=\"nombre\">1,615</td>"),
        "coefficient GIR 1 en 2024"
    );
    assert!(
        dom.contains("aria-label=\"Historique de mtp\""),
        "graphique de la MTP"
    );
    assert!(dom.contains("<h2 id=\"exemple\">Exemple</h2>") && dom.contains("Trace du calcul"));
    let _ = std::fs::remove_dir_all(&profile);
}
