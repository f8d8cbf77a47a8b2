//! The file form of a program: `Program::to_json` and `Program::from_json` round-trip, a
//! missing or other `format_version` is a typed error with a French message, and a file of
//! the right version but a broken program is left to `Engine::new`.

use socle_runtime::{Engine, Program, ProgramLoadError, FORMAT_VERSION};

const FIXTURE: &str = include_str!("fixtures/teleassistance.program.json");

#[test]
fn round_trips_through_its_file_form() {
    let program = Program::from_json(FIXTURE).unwrap();
    let again = Program::from_json(&program.to_json().unwrap()).unwrap();
    assert_eq!(program, again);
    assert!(program
        .to_json()
        .unwrap()
        .starts_with("{\n  \"format_version\": "));
    Engine::new(again).unwrap();
}

#[test]
fn another_format_is_refused_with_a_typed_error() {
    let without = FIXTURE.replacen(&format!("\"format_version\": {FORMAT_VERSION},"), "", 1);
    let future = FIXTURE.replacen(
        &format!("\"format_version\": {FORMAT_VERSION},"),
        "\"format_version\": 999,",
        1,
    );
    let textual = FIXTURE.replacen(
        &format!("\"format_version\": {FORMAT_VERSION},"),
        "\"format_version\": \"1\",",
        1,
    );
    let shapeless = FIXTURE.replacen("\"ruleset\":", "\"jeu\":", 1);
    let cases: Vec<(&str, ProgramLoadError, &str)> = vec![
        (
            &without,
            ProgramLoadError::MissingVersion {
                expected: FORMAT_VERSION,
            },
            "programme précompilé sans numéro de format (`format_version`)",
        ),
        (
            &future,
            ProgramLoadError::UnsupportedVersion {
                found: "999".into(),
                expected: FORMAT_VERSION,
            },
            "programme précompilé au format 999, cette version de Socle lit le format 2",
        ),
        (
            &textual,
            ProgramLoadError::UnsupportedVersion {
                found: "\"1\"".into(),
                expected: FORMAT_VERSION,
            },
            "programme précompilé au format \"1\"",
        ),
        (
            "[]",
            ProgramLoadError::Shape("un objet JSON est attendu".into()),
            "programme précompilé invalide : un objet JSON est attendu",
        ),
    ];
    for (text, error, message) in cases {
        let got = Program::from_json(text).unwrap_err();
        assert_eq!(got, error);
        assert!(got.to_string().starts_with(message), "{got}");
    }
    for (text, start) in [
        (
            "{\"format_version\": ",
            "programme précompilé illisible : JSON invalide",
        ),
        (
            shapeless.as_str(),
            "programme précompilé invalide : missing field `ruleset`",
        ),
    ] {
        let got = Program::from_json(text).unwrap_err().to_string();
        assert!(got.starts_with(start), "{got}");
    }
}

#[test]
fn a_broken_program_of_the_right_version_is_caught_by_the_engine() {
    let mut program = Program::from_json(FIXTURE).unwrap();
    program.input_paths.clear();
    let text = program.to_json().unwrap();
    let loaded = Program::from_json(&text).unwrap();
    assert!(Engine::new(loaded)
        .unwrap_err()
        .to_string()
        .starts_with("programme invalide"));
}
