//! The one-pass dossier reader (`runtime/src/decode/fast.rs`) against the reference reader
//! (through a `serde_json::Value`): the same `Result` — values and their exact decimals, unknown
//! slots, warnings, or every error — on every shipped dossier, the bench workload, random
//! val-doise dossiers and thousands of mutations of them; and the fast reader really reads the
//! valid dossiers itself (a reader that always gave up would pass the equivalence alone).

use std::fmt::Write;
use std::path::Path;

use serde_json::Value as Json;
use socle_compiler::{Session, Severity};
use socle_runtime::{DecodeOptions, Decoded, DossierErrors, Engine, Value};
use socle_tests::dossiers::{apa_dossiers, SplitMix64};
use socle_tests::{engine_for, workspace_root};

const RULESETS: [&str; 5] = ["val-doise", "bas-rhin", "charente", "crt", "oscar"];

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// The tutorial's ruleset, next to a copy of `national` that it imports.
fn tutorial_engine() -> Engine {
    let root = std::env::temp_dir().join(format!("socle-decode-fast-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let rulesets = workspace_root().join("rulesets/national");
    copy_dir(&rulesets, &root.join("national"));
    let dir = root.join("mon-departement");
    copy_dir(
        &workspace_root().join("examples/tutoriel/mon-departement"),
        &dir,
    );
    let engine = engine_at(&dir);
    let _ = std::fs::remove_dir_all(&root);
    engine
}

fn engine_at(dir: &Path) -> Engine {
    let mut session = Session::new();
    let ruleset = session
        .load_ruleset_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let (program, diagnostics) = session.compile(ruleset);
    assert!(
        diagnostics.iter().all(|d| d.severity != Severity::Error),
        "{}",
        dir.display()
    );
    Engine::new(program.unwrap_or_else(|| panic!("{}", dir.display()))).unwrap()
}

/// A value with its decimals' exact bits (`1.5` and `1.50` are equal `Decimal`s, not the same).
fn value_print(v: &Value, out: &mut String) {
    match v {
        Value::Dec(d) => {
            let _ = write!(out, "Dec({d}/{:?})", d.serialize());
        }
        Value::List(items) => {
            out.push('[');
            for item in items.iter() {
                value_print(item, out);
                out.push(',');
            }
            out.push(']');
        }
        other => {
            let _ = write!(out, "{other:?}");
        }
    }
}

fn print(result: &Result<Decoded, DossierErrors>) -> String {
    let mut out = String::new();
    match result {
        Ok(decoded) => {
            for v in decoded.dossier.values() {
                value_print(v, &mut out);
                out.push(';');
            }
            let _ = write!(
                out,
                "\nunknown {:?}\nwarnings {:?}",
                decoded.dossier.unknown_slots(),
                decoded.warnings
            );
        }
        Err(e) => {
            let _ = write!(out, "errors {e:?}\n{e}");
        }
    }
    out
}

/// Checks `text` both ways, lenient and strict; whether the fast reader read it (lenient).
fn check(engine: &Engine, text: &str, what: &str) -> bool {
    let mut fast_read = false;
    for strict in [false, true] {
        let options = DecodeOptions { strict };
        let reference = engine.read_str_reference(text, &options);
        let expected = print(&reference);
        let used = engine.read_str(text, &options);
        assert_eq!(used, reference, "{what} (strict {strict}): {text}");
        assert_eq!(print(&used), expected, "{what} (strict {strict}): {text}");
        if let Some(fast) = engine.read_str_fast(text, &options) {
            assert_eq!(
                print(&Ok(fast)),
                expected,
                "{what} (strict {strict}): the fast reader accepted {text}"
            );
            fast_read |= !strict;
        }
        if !strict {
            let decoded = engine.decode_str(text);
            match (&decoded, &reference) {
                (Ok(d), Ok(r)) => assert_eq!(*d, r.dossier, "{what}: {text}"),
                (Err(e), Err(r)) => assert_eq!(Some(e), r.first(), "{what}: {text}"),
                _ => panic!("{what}: decode_str and the reference disagree on {text}"),
            }
        }
    }
    fast_read
}

/// Every dossier shipped with a ruleset directory: its golden cases and its population file.
fn shipped_dossiers(dir: &Path) -> Vec<String> {
    let mut session = Session::new();
    let (files, _) = socle_golden::suite::load_case_files(&mut session, dir);
    let mut out: Vec<String> = files
        .iter()
        .flat_map(|f| &f.cases)
        .flat_map(|c| {
            [
                serde_json::to_string(&c.dossier).unwrap(),
                serde_json::to_string_pretty(&c.dossier).unwrap(),
            ]
        })
        .collect();
    if let Ok(population) = std::fs::read_to_string(dir.join("population.jsonl")) {
        out.extend(population.lines().map(str::to_owned));
    }
    out
}

fn bench_engine() -> Engine {
    engine_at(&workspace_root().join("bench/regles/apa-menagere"))
}

fn bench_lines(n: usize) -> Vec<String> {
    socle_bench::data::dossiers(n)
        .iter()
        .map(socle_bench::data::Dossier::socle_json)
        .collect()
}

fn val_doise_lines(n: usize, seed: u64) -> Vec<String> {
    apa_dossiers(n, seed)
        .iter()
        .map(|d| serde_json::to_string(d).unwrap())
        .collect()
}

#[test]
fn shipped_dossiers_read_the_same() {
    let mut checked = 0;
    for name in RULESETS {
        let engine = engine_for(name).unwrap_or_else(|e| panic!("{name}: {e}"));
        for (i, text) in shipped_dossiers(&workspace_root().join("rulesets").join(name))
            .iter()
            .enumerate()
        {
            check(&engine, text, &format!("{name} #{i}"));
            checked += 1;
        }
    }
    let tutorial = workspace_root().join("examples/tutoriel");
    let engine = tutorial_engine();
    for (i, text) in shipped_dossiers(&tutorial.join("mon-departement"))
        .iter()
        .enumerate()
    {
        check(&engine, text, &format!("tutoriel #{i}"));
        checked += 1;
    }
    let examples = [
        ("val-doise", "examples/dossier-apa.json"),
        ("tutoriel", "examples/tutoriel/dossier-teleassistance.json"),
    ];
    for (name, file) in examples {
        let text = std::fs::read_to_string(workspace_root().join(file)).unwrap();
        let engine = match name {
            "tutoriel" => tutorial_engine(),
            other => engine_for(other).unwrap(),
        };
        assert!(
            check(&engine, &text, file),
            "{file} read by the fast reader"
        );
        checked += 1;
    }
    assert!(checked > 200, "{checked} dossiers");
}

#[test]
fn the_fast_reader_reads_valid_dossiers_itself() {
    let engine = bench_engine();
    let lines = bench_lines(2_000);
    let fast = lines
        .iter()
        .enumerate()
        .filter(|(i, l)| check(&engine, l, &format!("bench #{i}")))
        .count();
    assert!(
        fast * 100 >= lines.len() * 95,
        "bench: {fast} of {}",
        lines.len()
    );

    let engine = engine_for("val-doise").unwrap();
    let lines = val_doise_lines(2_000, 7);
    let fast = lines
        .iter()
        .enumerate()
        .filter(|(i, l)| check(&engine, l, &format!("val-doise #{i}")))
        .count();
    assert!(
        fast * 100 >= lines.len() * 95,
        "val-doise: {fast} of {}",
        lines.len()
    );
}

/// Raw JSON text to write in place of a value: `RAW` then the text.
const RAW: &str = "\u{1}RAW";

/// Number and string forms the fast reader must read, or leave to the reference.
const ODD_VALUES: [&str; 40] = [
    "1e3",
    "1E3",
    "1.5e-2",
    "-0",
    "-0.0",
    "-0.5",
    "0",
    "1.50",
    "1.500",
    "0.001",
    "007",
    "-5",
    "-5.25",
    "123456789012345678901234567890",
    "12345678901234567890",
    "9223372036854775807",
    "9223372036854775808",
    "0.1234567890123456789012345678901",
    "1.",
    ".5",
    "null",
    "true",
    "false",
    "[]",
    "{}",
    "[1, 2]",
    "[null]",
    "{\"x\": 1}",
    "\"\"",
    "\"007.50\"",
    "\"-12\"",
    "\"1 012\"",
    "\"12.345\"",
    "\"2024-02-29\"",
    "\"2023-02-29\"",
    "\"s\\u0065ul\"",
    "\"seul\"",
    "\"\\ud83d\\ude00\"",
    "\"\\ud800\"",
    "{\"$serde_json::private::Number\": \"3\"}",
];

/// Writes `v` as JSON text, with the mutation's random choices: whitespace, escaped string
/// characters, a duplicated key now and then.
struct Writer<'r> {
    rng: &'r mut SplitMix64,
    /// Per mille: whitespace around a token, an escaped character, a duplicated entry.
    space: u64,
    escape: u64,
    duplicate: u64,
}

impl Writer<'_> {
    fn chance(&mut self, per_mille: u64) -> bool {
        per_mille > 0 && self.rng.below(1000) < per_mille
    }

    fn ws(&mut self, out: &mut String) {
        if self.chance(self.space) {
            out.push_str([" ", "\n  ", "\t", "\r\n"][self.rng.below(4) as usize]);
        }
    }

    fn string(&mut self, s: &str, out: &mut String) {
        out.push('"');
        for c in s.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                c if (c as u32) < 0x20 => {
                    let _ = write!(out, "\\u{:04x}", c as u32);
                }
                c if self.chance(self.escape) => {
                    let mut units = [0u16; 2];
                    for unit in c.encode_utf16(&mut units) {
                        let _ = write!(out, "\\u{unit:04X}");
                    }
                }
                c => out.push(c),
            }
        }
        out.push('"');
    }

    fn value(&mut self, v: &Json, out: &mut String) {
        self.ws(out);
        match v {
            Json::String(s) if s.starts_with(RAW) => out.push_str(&s[RAW.len()..]),
            Json::String(s) => self.string(s, out),
            Json::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    self.value(item, out);
                }
                self.ws(out);
                out.push(']');
            }
            Json::Object(map) => {
                out.push('{');
                let mut first = true;
                for (k, item) in map {
                    let times = if self.chance(self.duplicate) { 2 } else { 1 };
                    for _ in 0..times {
                        if !first {
                            out.push(',');
                        }
                        first = false;
                        self.ws(out);
                        self.string(k, out);
                        self.ws(out);
                        out.push(':');
                        self.value(item, out);
                    }
                }
                self.ws(out);
                out.push('}');
            }
            other => out.push_str(&other.to_string()),
        }
        self.ws(out);
    }
}

/// A random object or list inside `v` (possibly `v` itself).
fn pick_container<'a>(rng: &mut SplitMix64, v: &'a mut Json) -> &'a mut Json {
    let descend = match &*v {
        Json::Object(m) => !m.is_empty() && rng.below(3) > 0,
        Json::Array(a) => !a.is_empty() && rng.below(3) > 0,
        _ => false,
    };
    if !descend {
        return v;
    }
    let child_is_container = |c: &Json| matches!(c, Json::Object(_) | Json::Array(_));
    let n = match &*v {
        Json::Object(m) => m.len(),
        Json::Array(a) => a.len(),
        _ => 0,
    };
    let i = rng.below(n as u64) as usize;
    let go = match &*v {
        Json::Object(m) => m.values().nth(i).is_some_and(child_is_container),
        Json::Array(a) => a.get(i).is_some_and(child_is_container),
        _ => false,
    };
    if !go {
        return v;
    }
    match v {
        Json::Object(m) => pick_container(rng, m.values_mut().nth(i).unwrap()),
        Json::Array(a) => pick_container(rng, &mut a[i]),
        other => other,
    }
}

fn typo(rng: &mut SplitMix64, key: &str) -> String {
    let mut chars: Vec<char> = key.chars().collect();
    let i = rng.below(chars.len() as u64 + 1) as usize;
    match rng.below(3) {
        0 if i < chars.len() => {
            chars.remove(i);
        }
        1 => chars.insert(i.min(chars.len()), 'x'),
        _ => chars.push('é'),
    }
    chars.into_iter().collect()
}

/// One structural mutation of `v`.
fn mutate(rng: &mut SplitMix64, v: &mut Json) {
    let target = pick_container(rng, v);
    let kind = rng.below(8);
    match target {
        Json::Object(map) if !map.is_empty() => {
            let i = rng.below(map.len() as u64) as usize;
            match kind {
                0 => {
                    let k = map.keys().nth(i).unwrap().clone();
                    map.shift_remove(&k);
                }
                1 => {
                    let k = map.keys().nth(i).unwrap().clone();
                    let item = map.shift_remove(&k).unwrap();
                    let renamed = typo(rng, &k);
                    map.insert(renamed, item);
                }
                2 => {
                    let mut entries: Vec<(String, Json)> =
                        std::mem::take(map).into_iter().collect();
                    entries.reverse();
                    let r = rng.below(entries.len() as u64) as usize;
                    entries.rotate_left(r);
                    map.extend(entries);
                }
                3 => {
                    let nested = serde_json::json!({"a": [1, {"b": "c\u{e9}"}], "d": null});
                    let name =
                        ["inconnu", "champ_en_trop", "gir_", "date_demand"][rng.below(4) as usize];
                    map.insert(name.to_owned(), nested);
                }
                4 => {
                    let mut deep = Json::from(1);
                    for _ in 0..(55 + rng.below(15)) {
                        deep = if rng.below(2) == 0 {
                            Json::Array(vec![deep])
                        } else {
                            serde_json::json!({ "x": deep })
                        };
                    }
                    if let Some(slot) = map.values_mut().nth(i) {
                        *slot = deep;
                    }
                }
                _ => {
                    let odd = ODD_VALUES[rng.below(ODD_VALUES.len() as u64) as usize];
                    if let Some(slot) = map.values_mut().nth(i) {
                        *slot = Json::String(format!("{RAW}{odd}"));
                    }
                }
            }
        }
        Json::Array(items) if !items.is_empty() => {
            let i = rng.below(items.len() as u64) as usize;
            match kind {
                0 => {
                    items.remove(i);
                }
                1 => {
                    let copy = items[i].clone();
                    items.push(copy);
                }
                _ => {
                    let odd = ODD_VALUES[rng.below(ODD_VALUES.len() as u64) as usize];
                    items[i] = Json::String(format!("{RAW}{odd}"));
                }
            }
        }
        Json::Array(items) => items.push(Json::String("aide_sociale".to_owned())),
        _ => {}
    }
}

/// Variants of one dossier text: structural mutations written with random whitespace, escapes
/// and duplicated keys, then text cuts and additions.
fn variants(rng: &mut SplitMix64, text: &str, count: usize) -> Vec<String> {
    let json: Json = serde_json::from_str(text.trim_start_matches('\u{feff}')).unwrap();
    let mut out = Vec::with_capacity(count);
    for n in 0..count {
        let mut v = json.clone();
        for _ in 0..rng.below(3) {
            mutate(rng, &mut v);
        }
        let mut writer = Writer {
            space: [0, 0, 100, 500][rng.below(4) as usize],
            escape: [0, 0, 20, 300][rng.below(4) as usize],
            duplicate: [0, 0, 0, 30][rng.below(4) as usize],
            rng,
        };
        let mut written = String::new();
        writer.value(&v, &mut written);
        match n % 10 {
            0 => {
                let mut cut = rng.below(written.len() as u64) as usize;
                while !written.is_char_boundary(cut) {
                    cut -= 1;
                }
                written.truncate(cut);
            }
            1 => written.push_str([" x", ",", " {}", "\u{0}", "\n\n", "}"][rng.below(6) as usize]),
            2 => written.insert(0, '\u{feff}'),
            3 => written.insert_str(0, "\u{feff}\u{feff}"),
            _ => {}
        }
        out.push(written);
    }
    out
}

#[test]
fn mutations_read_the_same() {
    let mut rng = SplitMix64::new(0xdec0de);
    let mut seeds: Vec<(String, Engine, Vec<String>)> = Vec::new();
    seeds.push(("bench".to_owned(), bench_engine(), bench_lines(60)));
    let val_doise = engine_for("val-doise").unwrap();
    let mut texts = val_doise_lines(60, 3);
    texts.extend(
        shipped_dossiers(&workspace_root().join("rulesets/val-doise"))
            .into_iter()
            .take(80),
    );
    seeds.push(("val-doise".to_owned(), val_doise, texts));
    for name in ["bas-rhin", "charente", "crt", "oscar"] {
        let engine = engine_for(name).unwrap();
        let texts: Vec<String> = shipped_dossiers(&workspace_root().join("rulesets").join(name))
            .into_iter()
            .take(40)
            .collect();
        seeds.push((name.to_owned(), engine, texts));
    }
    let mut checked = 0;
    let mut fast = 0;
    for (name, engine, texts) in &seeds {
        for (i, text) in texts.iter().enumerate() {
            for (j, variant) in variants(&mut rng, text, 12).iter().enumerate() {
                if check(engine, variant, &format!("{name} #{i} variant {j}")) {
                    fast += 1;
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 4_000, "{checked} variants");
    // Both readers are exercised: many variants are valid, many are not.
    assert!(
        fast > checked / 10 && fast < checked * 9 / 10,
        "{fast} of {checked} read fast"
    );
}

#[test]
fn hand_written_edge_cases_read_the_same() {
    let engine = bench_engine();
    let base = r#"{"age_annees":72,"gir":3,"ressources_mensuelles":1234.56,"foyer":"seul","plan_demande":1000.00,"percoit_pch":false,"inaptitude":true}"#;
    let mut cases = vec![base.to_owned()];
    let fields = [
        (
            "\"gir\":3",
            [
                "\"gir\":-0",
                "\"gir\":3.0",
                "\"gir\":3e0",
                "\"gir\":null",
                "\"gir\":\"3\"",
                "\"gir\":99999999999999999999",
                "\"gir\":3,\"gir\":3",
                "\"g\\u0069r\":3",
            ],
        ),
        (
            "1234.56",
            [
                "1234.560",
                "1.5e3",
                "-0",
                "-0.00",
                "\"1234.56\"",
                "\"-0\"",
                "1234.567",
                "-1",
            ],
        ),
        (
            "\"seul\"",
            [
                "\"couple\"",
                "\"Seul\"",
                "\"s\\u0065ul\"",
                "\"seul\\u0000\"",
                "null",
                "1",
                "[\"seul\"]",
                "{}",
            ],
        ),
        (
            "false",
            [
                "true",
                "0",
                "\"false\"",
                "null",
                "fals",
                "false ",
                " false",
                "[]",
            ],
        ),
    ];
    for (from, tos) in fields {
        for to in tos {
            cases.push(base.replacen(from, to, 1));
        }
    }
    for extra in ["", " ", "\n", "x", "{}", "\u{feff}", "/* */", ","] {
        cases.push(format!("{base}{extra}"));
        cases.push(format!("{extra}{base}"));
    }
    cases.extend(
        [
            "",
            "{",
            "{}",
            "[]",
            "null",
            "\"x\"",
            "{\"age_annees\":72",
            r#"{"inconnu":1,"inconnu":2}"#,
            r#"{"inconnu":{"a":1,"a":2}}"#,
            r#"{"gir_":1,"age":2}"#,
            r#"{"$serde_json::private::Number":"1"}"#,
        ]
        .map(str::to_owned),
    );
    for (i, text) in cases.iter().enumerate() {
        check(&engine, text, &format!("edge case {i}"));
    }
    assert!(check(&engine, base, "base"));
    assert!(check(&engine, &base.replace(',', " ,\n\t"), "spaced"));
}

/// No shipped ruleset has a list of structures: one here, with optional and nested fields.
const STRUCTURES: &str = r#"énumération lien : conjoint | enfant | parent | autre

structure heritier
  lien : lien
  age : entier
  part : montant €
  naissance : date?
  note : texte?

structure personne
  gir : entier
  heritiers : liste de heritier
  dates : liste de date
  taux_aide : taux

entrée date_demande : date
entrée demandeur : personne

dispositif succession "Succession"
  condition heritiers_connus : nombre(demandeur.heritiers) >= 1

  condition gir_ok : demandeur.gir <= 4

  valeur parts : montant € = somme de h.part pour chaque h dans demandeur.heritiers
  valeur adultes : entier = nombre de h dans demandeur.heritiers tels que h.age >= 18
  valeur enfant : booléen = au moins un h dans demandeur.heritiers vérifie h.lien = enfant
  valeur dates : entier = nombre(demandeur.dates)
  valeur taux : taux = demandeur.taux_aide
"#;

#[test]
fn lists_of_structures_read_the_same() {
    let root = std::env::temp_dir().join(format!("socle-decode-lists-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(root.join("succession.socle"), STRUCTURES).unwrap();
    let engine = engine_at(&root);
    let _ = std::fs::remove_dir_all(&root);
    let seeds = [
        r#"{"date_demande":"2024-11-19","demandeur":{"gir":3,"heritiers":[{"lien":"conjoint","age":80,"part":"10000"},{"lien":"enfant","age":50,"part":2500.50,"naissance":"1974-01-02","note":"a\u00e9"}],"dates":["2024-01-01","2023-12-31"],"taux_aide":0.25}}"#,
        r#"{"demandeur":{"heritiers":[{"lien":"autre","age":17,"part":0,"naissance":null,"note":null}],"dates":[],"gir":5,"taux_aide":"0.5"},"date_demande":"2024-02-29"}"#,
        r#"{"date_demande":"2024-11-19","demandeur":{"gir":1,"heritiers":[],"dates":["2024-01-01"]}}"#,
        r#"{"date_demande":"2024-11-19","demandeur":{"heritiers":[{},{"age":3}]}}"#,
    ];
    let mut fast = 0;
    for (i, seed) in seeds.iter().enumerate() {
        assert!(
            check(&engine, seed, &format!("seed {i}")),
            "seed {i} read fast"
        );
    }
    let mut rng = SplitMix64::new(0x11575);
    for (i, seed) in seeds.iter().enumerate() {
        for (j, variant) in variants(&mut rng, seed, 300).iter().enumerate() {
            if check(&engine, variant, &format!("seed {i} variant {j}")) {
                fast += 1;
            }
        }
    }
    assert!(fast > 100, "{fast} variants read fast");
}
