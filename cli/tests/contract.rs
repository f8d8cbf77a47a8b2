//! The command-line contract of `docs/CONTRACT.md`: exit codes, JSON shapes, errors named by
//! JSON path. Runs the real binary.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value as Json;

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

fn socle_stdin(args: &[&str], input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_socle"))
        .args(args)
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("socle runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("socle ends")
}

fn code(out: &Output) -> i32 {
    out.status.code().expect("exited normally, not by a signal")
}

fn json(out: &Output) -> Json {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn example_dossier() -> Json {
    let text = std::fs::read_to_string(root().join("examples/dossier-apa.json")).expect("example");
    serde_json::from_str(&text).expect("example is JSON")
}

/// A scratch directory unique to one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("socle-contract-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

#[test]
fn check_shipped_rulesets_succeeds() {
    let out = socle(&["check", "rulesets/national", "rulesets/val-doise"]);
    assert_eq!(code(&out), 0, "{}", String::from_utf8_lossy(&out.stderr));
    let out = socle(&["check", "--format", "json"]);
    assert_eq!(code(&out), 0);
    let report = json(&out);
    assert_eq!(report["erreurs"], 0);
    assert!(report["diagnostics"].is_array());
}

#[test]
fn check_reports_errors_with_exit_1_and_positions() {
    let dir = scratch("broken").join("essai");
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(
        dir.join("regles.socle"),
        "valeur a : montant = 10 € + 5 %\n\nvaleur b : entier = inconnu + 1\n",
    )
    .expect("write");
    let path = dir.to_string_lossy().to_string();
    let out = socle(&["check", &path]);
    assert_eq!(code(&out), 1);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("E0201"), "{stderr}");
    assert!(stderr.contains("E0101"), "{stderr}");
    let out = socle(&["check", "--format", "json", &path]);
    assert_eq!(code(&out), 1);
    let report = json(&out);
    assert_eq!(report["erreurs"], 2, "{report:#}");
    let first = &report["diagnostics"][0];
    assert_eq!(first["code"], "E0201");
    assert_eq!(first["severite"], "erreur");
    assert_eq!(first["ligne"], 1);
    assert!(first["colonne"].as_u64().is_some());
}

#[test]
fn check_missing_path_is_usage_error() {
    let out = socle(&["check", "rulesets/nexiste-pas"]);
    assert_eq!(code(&out), 2);
    assert!(String::from_utf8_lossy(&out.stderr).contains("introuvable"));
}

/// The caseworker's reading of a decision: every dispositif with its status, motifs and
/// values, none of them shown as "?" (the human output reads the typed published decision).
#[test]
fn decide_prints_a_readable_decision() {
    let out = socle(&[
        "decide",
        "rulesets/val-doise",
        "--dossier",
        "examples/dossier-apa.json",
        "--format",
        "human",
    ]);
    assert_eq!(code(&out), 0, "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with("Jeu de règles val-doise, décision au 2024-11-19\n"),
        "{text}"
    );
    assert!(text.contains("\napa_domicile : éligible\n"), "{text}");
    assert!(text.contains("\naide_menagere : non éligible\n"), "{text}");
    assert!(text.contains("  ✓ age_minimum : âge "), "{text}");
    assert!(text.contains("  ✗ ressources_plafond : "), "{text}");
    assert!(text.contains("\n    plafond = 1143.09\n"), "{text}");
    // The example is complete for every aid it asks about: none is left undetermined (the
    // establishment aids are refused on the place of living, whatever their missing block).
    assert!(!text.contains(": indéterminé"), "{text}");
}

#[test]
fn decide_prints_the_contract_decision() {
    let out = socle(&[
        "decide",
        "rulesets/val-doise",
        "--dossier",
        "examples/dossier-apa.json",
    ]);
    assert_eq!(code(&out), 0, "{}", String::from_utf8_lossy(&out.stderr));
    let decision = json(&out);
    assert_eq!(decision["ruleset"], "val-doise");
    assert_eq!(decision["date"], "2024-11-19");
    let apa = &decision["dispositifs"]["apa_domicile"];
    assert_eq!(apa["eligible"], true);
    for name in ["plafond", "plan_retenu", "participation", "montant"] {
        let value = apa["valeurs"][name]
            .as_str()
            .unwrap_or_else(|| panic!("{name}: {apa:#}"));
        let (_, cents) = value.split_once('.').expect("two decimals");
        assert_eq!(cents.len(), 2, "{name} = {value}");
    }
    assert_eq!(apa["valeurs"]["plafond"], "1143.09");
    let motifs = apa["motifs"].as_array().expect("motifs");
    assert!(!motifs.is_empty());
    for motif in motifs {
        assert!(motif["id"].is_string());
        assert_eq!(motif["satisfaite"], true);
        assert!(!motif["message"].as_str().unwrap_or("").is_empty());
    }
    assert!(apa.get("trace").is_none());
}

#[test]
fn decide_explain_adds_a_trace_naming_parameter_versions() {
    let out = socle(&[
        "decide",
        "rulesets/val-doise",
        "--dossier",
        "examples/dossier-apa.json",
        "--explain",
    ]);
    assert_eq!(code(&out), 0);
    let decision = json(&out);
    let trace = decision["dispositifs"]["apa_domicile"]["trace"]
        .as_array()
        .expect("trace");
    let text = serde_json::to_string(trace).expect("json");
    assert!(text.contains("mtp"), "{text}");
    assert!(
        text.contains("2023-04-01"),
        "the MTP version of 1 April 2023: {text}"
    );
}

#[test]
fn decide_reads_stdin_and_honours_date() {
    let dossier = example_dossier().to_string();
    let out = socle_stdin(
        &[
            "decide",
            "rulesets/val-doise",
            "--dossier",
            "-",
            "--date",
            "2023-06-01",
        ],
        &dossier,
    );
    assert_eq!(code(&out), 0, "{}", String::from_utf8_lossy(&out.stderr));
    let decision = json(&out);
    assert_eq!(decision["date"], "2023-06-01");
    let out = socle(&[
        "decide",
        "rulesets/val-doise",
        "--dossier",
        "examples/dossier-apa.json",
        "--date",
        "2023-02-30",
    ]);
    assert_eq!(code(&out), 2);
}

/// Each invalid dossier exits 1 and names the JSON path, never a panic.
#[test]
fn invalid_dossiers_are_named_by_path() {
    let mut missing = example_dossier();
    missing["demandeur"]
        .as_object_mut()
        .expect("demandeur")
        .remove("gir");
    let mut wrong_type = example_dossier();
    wrong_type["demandeur"]["gir"] = Json::from("trois");
    let mut unknown_enum = example_dossier();
    unknown_enum["demandeur"]["lieu_de_vie"] = Json::from("chateau");
    let mut impossible_date = example_dossier();
    impossible_date["demandeur"]["date_naissance"] = Json::from("1938-02-30");
    let mut bad_money = example_dossier();
    bad_money["plan_aide"]["montant_mensuel"] = Json::from("beaucoup");
    // A missing field is not an error: the dispositifs that need it are undetermined (exit 1)
    // and the decision asks for it.
    let out = socle_stdin(
        &["decide", "rulesets/val-doise", "--dossier", "-"],
        &missing.to_string(),
    );
    assert_eq!(code(&out), 1);
    let decision = json(&out);
    assert_eq!(
        decision["questions"][0]["chemin"], "demandeur.gir",
        "{decision:#}"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("demandeur.gir"));
    let cases = [
        (wrong_type, "demandeur.gir"),
        (unknown_enum, "demandeur.lieu_de_vie"),
        (impossible_date, "demandeur.date_naissance"),
        (bad_money, "plan_aide.montant_mensuel"),
    ];
    for (dossier, path) in cases {
        let out = socle_stdin(
            &["decide", "rulesets/val-doise", "--dossier", "-"],
            &dossier.to_string(),
        );
        assert_eq!(
            code(&out),
            1,
            "{path}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let error = json(&out);
        assert_eq!(error["erreur"]["chemin"], path, "{error:#}");
        assert!(String::from_utf8_lossy(&out.stderr).contains(path));
    }
    let out = socle_stdin(
        &["decide", "rulesets/val-doise", "--dossier", "-"],
        "{ pas du json",
    );
    assert_eq!(code(&out), 1);
}

#[test]
fn decide_with_a_broken_ruleset_exits_2() {
    let dir = scratch("broken-decide").join("casse");
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(
        dir.join("a.socle"),
        "dispositif x\n  condition c : 1 + vrai\n",
    )
    .expect("write");
    let out = socle(&[
        "decide",
        &dir.to_string_lossy(),
        "--dossier",
        "examples/dossier-apa.json",
    ]);
    assert_eq!(code(&out), 2);
}

#[test]
fn schema_describes_the_dossier() {
    let out = socle(&["schema", "rulesets/val-doise"]);
    assert_eq!(code(&out), 0, "{}", String::from_utf8_lossy(&out.stderr));
    let schema = json(&out);
    assert!(
        schema["properties"]["demandeur"]["properties"]["gir"].is_object(),
        "{schema:#}"
    );
}

#[test]
fn batch_keeps_order_and_reports_invalid_lines() {
    let good = example_dossier().to_string();
    let input = format!("{good}\n{{\"date_demande\": 3}}\n{good}\n");
    let out = socle_stdin(&["batch", "rulesets/val-doise", "--dossiers", "-"], &input);
    assert_eq!(code(&out), 1);
    let lines: Vec<Json> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["ruleset"], "val-doise");
    assert_eq!(lines[1]["ligne"], 2);
    assert!(lines[1]["erreur"].is_string());
    assert_eq!(lines[2]["ruleset"], "val-doise");
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(code(&socle(&["nimporte-quoi"])), 2);
    assert_eq!(code(&socle(&["decide", "rulesets/val-doise"])), 2);
}

#[test]
fn decide_can_select_dispositifs() {
    let out = socle(&[
        "decide",
        "rulesets/val-doise",
        "--dossier",
        "examples/dossier-apa.json",
        "--dispositif",
        "apa_domicile",
    ]);
    assert_eq!(code(&out), 0, "{}", String::from_utf8_lossy(&out.stderr));
    let decision = json(&out);
    let ids: Vec<&String> = decision["dispositifs"]
        .as_object()
        .expect("dispositifs")
        .keys()
        .collect();
    assert_eq!(ids, ["apa_domicile"]);
    let out = socle(&[
        "decide",
        "rulesets/val-doise",
        "--dossier",
        "examples/dossier-apa.json",
        "--dispositif",
        "pch",
    ]);
    assert_eq!(code(&out), 2);
    assert!(String::from_utf8_lossy(&out.stderr).contains("apa_domicile"));
}

/// A dispositif without parameter values at the date (no ASPA ceiling is encoded before 2004)
/// says so; the others are still decided,
/// and the exit status tells a script the dossier is not fully decided.
#[test]
fn undecidable_dispositif_is_reported_not_hidden() {
    let out = socle(&[
        "decide",
        "rulesets/val-doise",
        "--dossier",
        "examples/dossier-apa.json",
        "--date",
        "2003-06-02",
    ]);
    assert_eq!(code(&out), 1, "{}", String::from_utf8_lossy(&out.stderr));
    let decision = json(&out);
    let menage = &decision["dispositifs"]["aide_menagere"];
    // Neither granted nor refused: a refusal would name a failed motif.
    assert_eq!(menage["eligible"], Json::Null);
    assert_eq!(menage["motifs"], serde_json::json!([]));
    assert!(menage.get("manquants").is_none());
    assert!(menage["erreur"]
        .as_str()
        .is_some_and(|e| e.contains("plafond_aspa")));
    assert_eq!(decision["dispositifs"]["apa_domicile"]["eligible"], true);
    assert!(String::from_utf8_lossy(&out.stderr).contains("aide_menagere"));
}

/// Issue 10: a partial dossier exits 1 with its questions in French; a typo is a warning naming
/// the field meant, an error with `--strict`; the schema of one dispositif lists only its fields.
#[test]
fn partial_dossiers_questions_warnings_and_schema_per_dispositif() {
    let mut partial = example_dossier();
    let demandeur = partial["demandeur"].as_object_mut().expect("demandeur");
    demandeur.remove("gir");
    demandeur.insert("domicile_secour".into(), "95".into());
    let out = socle_stdin(
        &[
            "decide",
            "rulesets/val-doise",
            "--dossier",
            "-",
            "--format",
            "human",
        ],
        &partial.to_string(),
    );
    assert_eq!(code(&out), 1);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("Questions à poser"), "{stdout}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("vouliez-vous dire `domicile_secours` ?"),
        "{stderr}"
    );
    let out = socle_stdin(
        &["decide", "rulesets/val-doise", "--dossier", "-", "--strict"],
        &partial.to_string(),
    );
    assert_eq!(code(&out), 1);
    let error = json(&out);
    assert_eq!(
        error["erreur"]["chemin"], "demandeur.domicile_secour",
        "{error:#}"
    );

    let out = socle(&[
        "schema",
        "rulesets/bas-rhin",
        "--dispositif",
        "apa_domicile",
    ]);
    assert_eq!(code(&out), 0);
    let schema = json(&out);
    assert_eq!(schema["required"], serde_json::json!(["date_demande"]));
    let text = schema.to_string();
    assert!(text.contains("\"gir\""), "{text}");
    assert!(!text.contains("\"deces\""), "{text}");
    let out = socle(&["schema", "rulesets/bas-rhin", "--dispositif", "pch"]);
    assert_eq!(code(&out), 2);
}

/// The example dossier with a small plan and modest resources: an APA of 30,00 €, under the
/// national non-payment threshold of 2024 (3 × 11,88 = 35,64 €).
fn apa_below_payment_threshold() -> String {
    let mut dossier = example_dossier();
    dossier["demandeur"]["gir"] = 4.into();
    dossier["demandeur"]["ressources_mensuelles"] = "800.00".into();
    dossier["plan_aide"]["montant_mensuel"] = "30.00".into();
    dossier.to_string()
}

#[test]
fn decide_keeps_an_unpaid_apa_eligible_with_its_values() {
    let out = socle_stdin(
        &["decide", "rulesets/val-doise", "--dossier", "-"],
        &apa_below_payment_threshold(),
    );
    assert_eq!(code(&out), 0, "{}", String::from_utf8_lossy(&out.stderr));
    let decision = json(&out);
    let apa = &decision["dispositifs"]["apa_domicile"];
    assert_eq!(apa["eligible"], true, "{apa:#}");
    assert_eq!(apa["verse"], false, "{apa:#}");
    assert_eq!(apa["valeurs"]["plafond"], "762.87");
    assert_eq!(apa["valeurs"]["plan_retenu"], "30.00");
    assert_eq!(apa["valeurs"]["participation"], "0.00");
    assert_eq!(apa["valeurs"]["montant"], "0.00");
    let failed: Vec<&Json> = apa["motifs"]
        .as_array()
        .expect("motifs")
        .iter()
        .filter(|m| m["satisfaite"] == false)
        .collect();
    assert_eq!(failed.len(), 1, "{apa:#}");
    assert_eq!(failed[0]["id"], "versement_minimum");
    assert_eq!(failed[0]["versement"], true);
    assert!(
        failed[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("30,00")),
        "the motif shows the computed amount: {apa:#}"
    );
    // The cumul rule reads the open right: the aide ménagère stays excluded.
    let menagere = &decision["dispositifs"]["aide_menagere"];
    assert_eq!(menagere["eligible"], false);
    assert!(menagere.get("verse").is_none(), "{menagere:#}");

    let out = socle_stdin(
        &[
            "decide",
            "rulesets/val-doise",
            "--dossier=-",
            "--format=human",
        ],
        &apa_below_payment_threshold(),
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("\napa_domicile : éligible (droit ouvert), non versé\n"),
        "{text}"
    );
    assert!(
        text.contains("  ✗ versement_minimum (versement) : "),
        "{text}"
    );
    assert!(text.contains("\n    montant = 0.00\n"), "{text}");
}

#[test]
fn decide_leaves_payment_undetermined_without_the_plan() {
    let mut dossier = example_dossier();
    dossier.as_object_mut().expect("object").remove("plan_aide");
    let out = socle_stdin(
        &[
            "decide",
            "rulesets/val-doise",
            "--dossier",
            "-",
            "--dispositif",
            "apa_domicile",
        ],
        &dossier.to_string(),
    );
    assert_eq!(code(&out), 1, "{}", String::from_utf8_lossy(&out.stderr));
    let apa = &json(&out)["dispositifs"]["apa_domicile"];
    assert_eq!(apa["eligible"], true, "{apa:#}");
    assert!(
        apa["verse"].is_null() && apa.get("verse").is_some(),
        "{apa:#}"
    );
    assert!(apa["valeurs"].get("montant").is_none(), "{apa:#}");
    assert_eq!(apa["valeurs"]["plafond"], "1143.09");
    assert_eq!(apa["manquants"][0]["chemin"], "plan_aide.montant_mensuel");
}

#[test]
fn an_unreadable_dossier_is_explained_in_french() {
    for (path, reason) in [
        ("examples/absent.json", "fichier introuvable"),
        ("examples", "c'est un répertoire"),
    ] {
        let out = socle(&["decide", "rulesets/val-doise", "--dossier", path]);
        assert_eq!(code(&out), 2, "{path}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(reason), "{path}: {stderr}");
        assert!(!stderr.contains("os error"), "{path}: {stderr}");
    }
}
