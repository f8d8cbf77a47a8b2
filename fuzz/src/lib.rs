//! Shared pieces of the fuzz targets: a grammar-aware program generator, and the shipped
//! rulesets compiled once.

use std::path::{Path, PathBuf};

use arbitrary::{Arbitrary, Result, Unstructured};

const NAMES: &[&str] = &[
    "a",
    "b",
    "plafond",
    "montant",
    "seuil",
    "demandeur",
    "national",
    "x",
];
const TYPES: &[&str] = &[
    "entier",
    "décimal",
    "montant",
    "montant €/mois",
    "taux",
    "date",
    "durée",
    "booléen",
    "texte",
    "situation",
    "personne",
    "liste de entier",
    "entier?",
];
const LITERALS: &[&str] = &[
    "1",
    "0",
    "-3",
    "1,5",
    "10 €",
    "7,39 €/mois",
    "25 %",
    "60 ans",
    "3 mois",
    "15 jours",
    "2024-01-01",
    "vrai",
    "faux",
    "\"95\"",
    "seul",
    "couple",
    "99999999999999999999999999",
    "0,0000000000000000000000000001",
    "∞",
];
const BINARY: &[&str] = &[
    "+", "-", "×", "/", "<", "<=", ">", ">=", "=", "≠", "et", "ou",
];
const CALLS: &[&str] = &[
    "min",
    "max",
    "arrondi",
    "âge",
    "mensuel",
    "annuel",
    "plafond",
    "national.plafond_apa",
];

fn pick<'a>(u: &mut Unstructured, list: &[&'a str]) -> Result<&'a str> {
    Ok(*u.choose(list)?)
}

fn expr(u: &mut Unstructured, depth: u32, out: &mut String) -> Result<()> {
    let choice = if depth > 6 {
        u.int_in_range(0..=1)?
    } else {
        u.int_in_range(0..=6)?
    };
    match choice {
        0 => out.push_str(pick(u, LITERALS)?),
        1 => {
            out.push_str(pick(u, NAMES)?);
            if u.arbitrary()? {
                out.push('.');
                out.push_str(pick(u, &["gir", "date_naissance", "situation", "montant"])?);
            }
        }
        2 | 3 => {
            expr(u, depth + 1, out)?;
            out.push(' ');
            out.push_str(pick(u, BINARY)?);
            out.push(' ');
            expr(u, depth + 1, out)?;
        }
        4 => {
            out.push_str(pick(u, CALLS)?);
            out.push('(');
            for i in 0..u.int_in_range(0..=3)? {
                if i > 0 {
                    out.push_str(", ");
                }
                expr(u, depth + 1, out)?;
            }
            if u.arbitrary()? {
                out.push_str(", au centime");
            }
            out.push(')');
        }
        5 => {
            out.push_str("si ");
            expr(u, depth + 1, out)?;
            out.push_str(" alors ");
            expr(u, depth + 1, out)?;
            out.push_str(" sinon ");
            expr(u, depth + 1, out)?;
        }
        _ => {
            out.push('(');
            expr(u, depth + 1, out)?;
            out.push(')');
        }
    }
    Ok(())
}

fn decl(u: &mut Unstructured, out: &mut String) -> Result<()> {
    let name = pick(u, NAMES)?;
    match u.int_in_range(0..=8)? {
        0 => out.push_str("importe national\n"),
        1 => out.push_str("énumération situation : seul | couple\n"),
        2 => out.push_str("structure personne\n  gir : entier\n  situation : situation\n  date_naissance : date\n"),
        3 => out.push_str(&format!("entrée {name} : {}\n", pick(u, TYPES)?)),
        4 => {
            out.push_str(&format!("paramètre {name} : {}\n", pick(u, TYPES)?));
            for _ in 0..u.int_in_range(1..=3)? {
                out.push_str(&format!("  à partir du {} : ", pick(u, &["2024-01-01", "2023-04-01", "2024-12-31"])?));
                expr(u, 5, out)?;
                out.push('\n');
            }
        }
        5 => {
            out.push_str(&format!("barème {name} : tranches sur montant -> taux\n"));
            if u.arbitrary()? {
                out.push_str("  colonnes situation\n");
            }
            out.push_str("  à partir du 2004-01-01 :\n");
            for i in 1..=u.int_in_range(1..=3)? {
                let open = pick(u, &["[", "]"])?;
                let close = pick(u, &["[", "]"])?;
                out.push_str(&format!(
                    "    tranche {i} : {open}{} ; {}{close} => {}\n",
                    pick(u, LITERALS)?,
                    pick(u, LITERALS)?,
                    pick(u, LITERALS)?
                ));
            }
        }
        6 => {
            out.push_str(&format!("dispositif {name} \"Aide\"\n"));
            for _ in 0..u.int_in_range(0..=4)? {
                let item = pick(u, &["condition", "valeur", "soit"])?;
                let item_name = pick(u, NAMES)?;
                if item == "condition" {
                    out.push_str(&format!("  condition {item_name} : "));
                } else {
                    out.push_str(&format!("  {item} {item_name} : {} = ", pick(u, TYPES)?));
                }
                expr(u, 0, out)?;
                out.push('\n');
            }
        }
        7 => out.push_str(&format!("cumul {name} {} {}\n", pick(u, &["exclut", "cumulable avec", "subsidiaire à"])?, pick(u, NAMES)?)),
        _ => {
            out.push_str(&format!("valeur {name} : {} = ", pick(u, TYPES)?));
            expr(u, 0, out)?;
            out.push('\n');
            if u.arbitrary()? {
                out.push_str("  sauf si ");
                expr(u, 3, out)?;
                out.push_str(" : ");
                expr(u, 3, out)?;
                out.push('\n');
            }
        }
    }
    Ok(())
}

/// A ruleset text built from the language's declarations, types and operators: mostly
/// well-formed, so that fuzzing reaches name resolution, type checking and lowering.
#[derive(Debug)]
pub struct Program(pub String);

impl<'a> Arbitrary<'a> for Program {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let mut out = String::new();
        for _ in 0..u.int_in_range(1..=8)? {
            decl(u, &mut out)?;
            out.push('\n');
        }
        Ok(Program(out))
    }
}

/// The workspace's `rulesets/` directory.
pub fn rulesets_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../rulesets")
}

/// Every shipped ruleset that compiles, as engines.
pub fn shipped_engines() -> Vec<socle_runtime::Engine> {
    let mut engines = Vec::new();
    let Ok(entries) = std::fs::read_dir(rulesets_dir()) else {
        return engines;
    };
    let mut dirs: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    for dir in dirs {
        let mut session = socle_compiler::Session::new();
        let Ok(r) = session.load_ruleset_dir(&dir) else {
            continue;
        };
        if let (Some(program), _) = session.compile(r) {
            if let Ok(engine) = socle_runtime::Engine::new(program) {
                engines.push(engine);
            }
        }
    }
    engines
}
