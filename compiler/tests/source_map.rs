//! The editor's go-to-definition and references follow the names as typing resolved them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use socle_compiler::ide::Host;

const TEXT: &str = "énumération situation : seul | couple

structure personne
  situation : situation

entrée demandeur : personne

valeur seul : booléen = vrai

dispositif aide
  condition isole : demandeur.situation = seul
  condition aussi : seul
";

fn line_of(offset: usize) -> &'static str {
    TEXT[..offset].lines().last().unwrap_or("")
}

#[test]
fn a_variant_expected_by_its_enumeration_wins_over_a_homonym() {
    let mut host = Host::new();
    let dir = std::env::temp_dir().join(format!("socle-source-map-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("aide.socle");
    std::fs::write(&path, TEXT).unwrap();
    host.set_file(&path, TEXT.to_owned()).unwrap();
    let diagnostics = host.diagnostics(&path);
    std::fs::remove_dir_all(&dir).ok();
    assert!(
        diagnostics.iter().all(|(_, d)| d.is_empty()),
        "{diagnostics:?}"
    );
    let compared = TEXT.find("= seul").unwrap() + 2;
    let def = host.definition(&path, compared).unwrap();
    assert_eq!(line_of(def.span.start as usize), "énumération situation : ");
    let alone = TEXT.rfind("seul").unwrap();
    let def = host.definition(&path, alone).unwrap();
    assert_eq!(line_of(def.span.start as usize), "valeur ");
    let refs = host.references(&path, alone, false);
    let lines: Vec<&str> = refs
        .iter()
        .map(|l| line_of(l.span.start as usize))
        .collect();
    assert_eq!(lines, ["  condition aussi : "]);
    let field = TEXT.find(".situation").unwrap() + 1;
    let def = host.definition(&path, field).unwrap();
    assert_eq!(line_of(def.span.start as usize), "  ");
    assert_eq!(&TEXT[def.span.range()], "situation");
}
