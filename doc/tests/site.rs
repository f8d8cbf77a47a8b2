//! Snapshot tests of the site of a small fixture ruleset (`tests/fixtures/demo`): every page,
//! so a change of layout, wording or chart is reviewed like code.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::path::Path;

fn fixture() -> socle_doc::Site {
    socle_doc::build(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/demo")).unwrap()
}

#[test]
fn every_page_of_the_fixture_site() {
    let site = fixture();
    let names: Vec<&str> = site.files.iter().map(|(n, _)| n.as_str()).collect();
    insta::assert_snapshot!("pages", names.join("\n"));
    for (name, content) in &site.files {
        if name.ends_with(".html") {
            insta::assert_snapshot!(name.trim_end_matches(".html"), content);
        }
    }
}

/// Every link between pages points to a generated file (and anchor) or to Légifrance: the site is read
/// offline, from the file system.
#[test]
fn links_are_relative_and_resolve() {
    let val_doise = Path::new(env!("CARGO_MANIFEST_DIR")).join("../rulesets/val-doise");
    for site in [fixture(), socle_doc::build(&val_doise).unwrap()] {
        check_links(&site);
    }
}

fn check_links(site: &socle_doc::Site) {
    for (name, content) in &site.files {
        for href in content.split("href=\"").skip(1) {
            let target = href.split('"').next().unwrap();
            if target.starts_with("https://www.legifrance.gouv.fr/") {
                continue;
            }
            let (file, fragment) = target.split_once('#').unwrap_or((target, ""));
            let file = if file.is_empty() { name } else { file };
            let page = site.get(file);
            assert!(
                page.is_some(),
                "{name} links to {target}, which is not generated"
            );
            if !fragment.is_empty() {
                assert!(
                    page.unwrap().contains(&format!("id=\"{fragment}\"")),
                    "{name} links to {target}, which has no such anchor"
                );
            }
        }
        assert!(!content.contains("<script"), "{name} has a script");
    }
}

/// Text from the ruleset is escaped: the fixture's title and a source contain `<`, `>`, `&`.
#[test]
fn ruleset_text_is_escaped() {
    let site = fixture();
    let page = site.get("dispositif-demo--aide.html").unwrap();
    assert!(page.contains("<title>Aide &lt;de&gt; démonstration · demo</title>"));
    assert!(!page.contains("<de>"));
    let param = site.get("parametre-demo--reference.html").unwrap();
    assert!(param.contains("revalorisation &lt;exceptionnelle&gt; &amp; provisoire"));
}

#[test]
fn a_ruleset_that_does_not_compile_is_refused() {
    let dir = std::env::temp_dir().join(format!("socle-doc-erreur-{}", std::process::id()));
    let rs = dir.join("faux");
    std::fs::create_dir_all(&rs).unwrap();
    std::fs::write(rs.join("a.socle"), "valeur a : entier = b + 1\n").unwrap();
    let error = socle_doc::build(&rs).unwrap_err();
    std::fs::remove_dir_all(&dir).ok();
    match &error {
        socle_doc::DocError::Compile {
            errors, rendered, ..
        } => {
            assert_eq!(*errors, 1);
            assert!(rendered.contains("E0"), "{rendered}");
        }
        other => panic!("{other:?}"),
    }
    assert!(error
        .to_string()
        .starts_with("le jeu de règles faux ne compile pas"));
}
