//! The precompiled program the runtime's documentation loads
//! (`runtime/tests/fixtures/teleassistance.program.json`, the tutorial's ruleset): it still
//! loads and decides exactly like the ruleset compiled now. `SOCLE_BLESS=1 cargo test -p
//! socle-tests --test precompiled` rewrites it after a change of the IR (bump
//! `socle_runtime::FORMAT_VERSION` when its shape changes).

use std::path::{Path, PathBuf};

use socle_compiler::Session;
use socle_runtime::{DecideOptions, Engine, Program};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The tutorial's ruleset next to a copy of `rulesets/national`, compiled.
fn compile_tutorial() -> Program {
    let dir = std::env::temp_dir().join(format!("socle-precompiled-{}", std::process::id()));
    for (from, to) in [
        ("rulesets/national", "national"),
        ("examples/tutoriel/mon-departement", "mon-departement"),
    ] {
        std::fs::create_dir_all(dir.join(to)).unwrap();
        for entry in std::fs::read_dir(root().join(from)).unwrap().flatten() {
            if entry.path().extension().is_some_and(|e| e == "socle") {
                std::fs::copy(entry.path(), dir.join(to).join(entry.file_name())).unwrap();
            }
        }
    }
    let mut session = Session::new();
    let ruleset = session
        .load_ruleset_dir(&dir.join("mon-departement"))
        .unwrap();
    let (program, diagnostics) = session.compile(ruleset);
    std::fs::remove_dir_all(&dir).unwrap();
    program.unwrap_or_else(|| panic!("{}", session.render(&diagnostics, false)))
}

#[test]
fn the_precompiled_fixture_decides_like_the_ruleset_compiled_now() {
    let fixture = root().join("runtime/tests/fixtures/teleassistance.program.json");
    let fresh = compile_tutorial();
    if std::env::var_os("SOCLE_BLESS").is_some() {
        std::fs::write(&fixture, fresh.to_json().unwrap() + "\n").unwrap();
    }
    let loaded = Program::from_json(&std::fs::read_to_string(&fixture).unwrap()).unwrap();
    let (loaded, fresh) = (Engine::new(loaded).unwrap(), Engine::new(fresh).unwrap());
    let dossier =
        std::fs::read_to_string(root().join("examples/tutoriel/dossier-teleassistance.json"))
            .unwrap();
    let variants = [
        dossier.clone(),
        dossier.replace("\"imposable\": false", "\"imposable\": true"),
        dossier.replace("1930-03-02", "1960-03-02"),
    ];
    for text in &variants {
        for explain in [false, true] {
            let options = DecideOptions {
                date: None,
                explain,
            };
            let decide =
                |engine: &Engine| engine.decide(&engine.decode_str(text).unwrap(), &options);
            assert_eq!(
                decide(&loaded).unwrap().to_json(),
                decide(&fresh).unwrap().to_json(),
                "{text}"
            );
        }
    }
}
