//! The CI formats: `socle check --format github|sarif` (annotations and a SARIF 2.1.0 log
//! checked against the properties the SARIF schema requires), relative paths in every output,
//! `socle test --format junit` with times and case lines, `--coverage --seuil` and `--lcov`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value as Json;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn socle_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_socle"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

/// A directory holding `faux/a.socle`, with one type error and one unused definition.
struct Broken(PathBuf);

impl Broken {
    fn new(name: &str) -> Broken {
        let dir = std::env::temp_dir().join(format!("socle-ci-{}-{name}", std::process::id()));
        std::fs::create_dir_all(dir.join("faux")).unwrap();
        std::fs::write(
            dir.join("faux/a.socle"),
            "valeur x : montant € = 1 € + 10 %\n",
        )
        .unwrap();
        Broken(dir)
    }
}

impl Drop for Broken {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn github_annotations_name_the_relative_file_line_column_and_code() {
    let dir = Broken::new("github");
    let out = socle_in(&dir.0, &["check", "faux", "--format", "github"]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    let first = text.lines().next().unwrap();
    assert_eq!(
        first,
        "::error file=faux/a.socle,line=1,endLine=1,col=24,endColumn=34,title=E0201::impossible \
         d'additionner un montant et un taux%0Afaux/a.socle:1:24 : montant%0Afaux/a.socle:1:30 : taux"
    );
    for line in text.lines() {
        assert!(
            line.starts_with("::error file=") || line.starts_with("::warning file="),
            "{line}"
        );
    }
}

#[test]
fn every_output_of_check_shows_paths_relative_to_the_current_directory() {
    let dir = Broken::new("relative");
    let absolute = dir.0.canonicalize().unwrap().display().to_string();
    let human = socle_in(&dir.0, &["check", "faux"]);
    let stderr = String::from_utf8_lossy(&human.stderr);
    assert!(stderr.contains("┌─ faux/a.socle:1:24"), "{stderr}");
    let json: Json = serde_json::from_str(&stdout(&socle_in(
        &dir.0,
        &["check", "faux", "--format", "json"],
    )))
    .unwrap();
    let diagnostic = &json["diagnostics"][0];
    assert_eq!(diagnostic["fichier"], "faux/a.socle");
    assert_eq!(diagnostic["etiquettes"][0]["fichier"], "faux/a.socle");
    for format in ["human", "json", "github", "sarif"] {
        let out = socle_in(&dir.0, &["check", "faux", "--format", format]);
        let all = format!("{}{}", stdout(&out), String::from_utf8_lossy(&out.stderr));
        assert!(!all.contains(&absolute), "{format}: {all}");
    }
}

#[test]
fn a_ruleset_that_does_not_compile_is_shown_with_relative_paths_by_every_command() {
    let dir = Broken::new("relative-decide");
    let absolute = dir.0.canonicalize().unwrap().display().to_string();
    std::fs::write(dir.0.join("d.json"), "{}").unwrap();
    for args in [
        &["decide", "faux", "--dossier", "d.json"][..],
        &["batch", "faux", "--dossiers", "d.json"][..],
        &["schema", "faux"][..],
    ] {
        let out = socle_in(&dir.0, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("faux/a.socle:1:24"), "{args:?}: {stderr}");
        assert!(!stderr.contains(&absolute), "{args:?}: {stderr}");
    }
}

fn object<'a>(value: &'a Json, what: &str) -> &'a serde_json::Map<String, Json> {
    value
        .as_object()
        .unwrap_or_else(|| panic!("{what} must be an object: {value}"))
}

fn array<'a>(value: &'a Json, what: &str) -> &'a Vec<Json> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("{what} must be an array: {value}"))
}

/// The properties SARIF 2.1.0's schema requires (sarifLog: version, runs; run: tool;
/// toolComponent: name; reportingDescriptor: id; result: message; message: text), and the ones
/// code-scanning services rely on (ruleId, level, locations with a relative uri and a region).
fn assert_sarif_shape(log: &Json) {
    let log_object = object(log, "sarifLog");
    assert_eq!(log["version"], "2.1.0");
    assert!(log["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
    for key in log_object.keys() {
        assert!(
            ["version", "$schema", "runs"].contains(&key.as_str()),
            "{key}"
        );
    }
    for run in array(&log["runs"], "runs") {
        let driver = object(&run["tool"]["driver"], "tool.driver");
        assert!(driver["name"].as_str().is_some_and(|n| !n.is_empty()));
        let rules = array(&run["tool"]["driver"]["rules"], "driver.rules");
        for rule in rules {
            assert!(rule["id"].as_str().is_some(), "{rule}");
            let level = &rule["defaultConfiguration"]["level"];
            assert!(["error", "warning", "note", "none"].contains(&level.as_str().unwrap()));
        }
        for result in array(&run["results"], "results") {
            let id = result["ruleId"].as_str().unwrap();
            let index = result["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(rules[index]["id"], id);
            assert!(
                ["error", "warning", "note", "none"].contains(&result["level"].as_str().unwrap())
            );
            assert!(result["message"]["text"]
                .as_str()
                .is_some_and(|t| !t.is_empty()));
            let locations = array(&result["locations"], "locations");
            assert!(!locations.is_empty());
            for location in locations
                .iter()
                .chain(result["relatedLocations"].as_array().into_iter().flatten())
            {
                let physical = &location["physicalLocation"];
                let uri = physical["artifactLocation"]["uri"].as_str().unwrap();
                assert!(!uri.starts_with('/') && !uri.contains('\\'), "{uri}");
                let region = &physical["region"];
                for key in ["startLine", "startColumn", "endLine", "endColumn"] {
                    assert!(region[key].as_u64().unwrap() >= 1, "{key}");
                }
            }
        }
    }
}

#[test]
fn sarif_has_the_shape_the_schema_requires() {
    let dir = Broken::new("sarif");
    let out = socle_in(&dir.0, &["check", "faux", "--format", "sarif"]);
    assert_eq!(out.status.code(), Some(1));
    let log: Json = serde_json::from_str(&stdout(&out)).unwrap();
    assert_sarif_shape(&log);
    let results = array(&log["runs"][0]["results"], "results");
    assert_eq!(results[0]["ruleId"], "E0201");
    assert_eq!(results[0]["level"], "error");
    assert_eq!(
        results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "faux/a.socle"
    );
    assert_eq!(
        results[0]["locations"][0]["physicalLocation"]["region"]["startColumn"],
        24
    );
    // A clean ruleset: a valid log with no result, exit 0.
    let clean = socle_in(&root(), &["check", "rulesets/crt", "--format", "sarif"]);
    assert_eq!(clean.status.code(), Some(0));
    let log: Json = serde_json::from_str(&stdout(&clean)).unwrap();
    assert_sarif_shape(&log);
    assert!(array(&log["runs"][0]["results"], "results").is_empty());
}

#[test]
fn junit_cases_have_a_time_a_relative_file_and_the_line_of_their_id() {
    let out = socle_in(&root(), &["test", "rulesets/crt", "--format", "junit"]);
    assert_eq!(out.status.code(), Some(0));
    let xml = stdout(&out);
    let cases: Vec<&str> = xml
        .lines()
        .filter(|l| l.trim_start().starts_with("<testcase "))
        .collect();
    assert!(cases.len() >= 10, "{xml}");
    let toml = std::fs::read_to_string(root().join("rulesets/crt/tests/crt.toml")).unwrap();
    for case in cases {
        let attribute = |name: &str| {
            let start = case
                .find(&format!(" {name}=\""))
                .unwrap_or_else(|| panic!("{name}: {case}"))
                + name.len()
                + 3;
            let rest = case.get(start..).unwrap();
            rest.get(..rest.find('"').unwrap()).unwrap().to_owned()
        };
        assert_eq!(attribute("file"), "rulesets/crt/tests/crt.toml");
        assert!(attribute("time").parse::<f64>().is_ok_and(|t| t >= 0.0));
        let line: usize = attribute("line").parse().unwrap();
        let name = attribute("name");
        let id = name.split('@').next().unwrap();
        assert_eq!(
            toml.lines().nth(line - 1).unwrap().trim(),
            format!("id = \"{id}\""),
            "{case}"
        );
    }
    for tag in ["<testsuites ", "<testsuite "] {
        let line = xml
            .lines()
            .find(|l| l.trim_start().starts_with(tag))
            .unwrap();
        assert!(line.contains(" time=\""), "{line}");
    }
}

#[test]
fn coverage_under_the_threshold_fails_with_a_french_message() {
    // (threshold, exit code, message on stderr)
    let cases: &[(&str, i32, Option<&str>)] = &[
        ("0", 0, None),
        ("100", 1, Some("erreur : couverture de val-doise : ")),
        ("100,5", 2, None),
    ];
    for (threshold, status, message) in cases {
        let out = socle_in(
            &root(),
            &[
                "test",
                "rulesets/val-doise",
                "--coverage",
                "--seuil",
                threshold,
            ],
        );
        assert_eq!(out.status.code(), Some(*status), "{threshold}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        if let Some(message) = message {
            assert!(
                stderr.contains(message) && stderr.contains("sous le seuil de 100 %"),
                "{stderr}"
            );
        }
    }
    let without = socle_in(&root(), &["test", "rulesets/crt", "--seuil", "90"]);
    assert_eq!(without.status.code(), Some(2), "--seuil needs --coverage");
}

#[test]
fn lcov_report_counts_what_it_lists() {
    let path = std::env::temp_dir().join(format!("socle-ci-{}.info", std::process::id()));
    let out = socle_in(
        &root(),
        &[
            "test",
            "rulesets/val-doise",
            "--coverage",
            "--lcov",
            path.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    let records: Vec<&str> = text
        .split("end_of_record\n")
        .filter(|r| !r.is_empty())
        .collect();
    assert!(records.len() >= 2, "{text}");
    let mut files = Vec::new();
    for record in records {
        let lines: Vec<&str> = record.lines().collect();
        let value = |prefix: &str| -> Vec<&str> {
            lines
                .iter()
                .filter_map(|l| l.strip_prefix(prefix))
                .collect()
        };
        let file = value("SF:")[0];
        assert!(
            file.starts_with("rulesets/") && file.ends_with(".socle"),
            "{file}"
        );
        assert!(root().join(file).exists(), "{file}");
        files.push(file.to_owned());
        let da = value("DA:");
        let brda = value("BRDA:");
        let hit = |fields: &str| fields.rsplit(',').next().unwrap().parse::<u32>().unwrap() > 0;
        assert_eq!(value("LF:"), [da.len().to_string()]);
        assert_eq!(
            value("LH:"),
            [da.iter().filter(|f| hit(f)).count().to_string()]
        );
        assert_eq!(value("BRF:"), [brda.len().to_string()]);
        assert_eq!(
            value("BRH:"),
            [brda.iter().filter(|f| hit(f)).count().to_string()]
        );
    }
    assert!(files.iter().any(|f| f.starts_with("rulesets/val-doise/")));
    assert!(files.iter().any(|f| f.starts_with("rulesets/national/")));
}
