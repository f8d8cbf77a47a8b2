//! The three forms of a test run: text for people, JSON for programs, JUnit XML for CI.

use std::fmt::Write as _;

use serde_json::{json, Value as Json};

use crate::run::RunResult;
use crate::snapshot::SnapshotStatus;
use crate::suite::RulesetOutcome;

/// `(passed, failed)` over every ruleset.
pub fn totals(outcomes: &[RulesetOutcome]) -> (usize, usize) {
    outcomes
        .iter()
        .fold((0, 0), |(p, f), o| (p + o.passed(), f + o.failed()))
}

/// The last line of every run, exactly as CONTRACT.md fixes it.
pub fn summary_line(outcomes: &[RulesetOutcome]) -> String {
    let (passed, failed) = totals(outcomes);
    format!("{passed} passed, {failed} failed")
}

fn snapshot_text(result: &RunResult, outcome: &RulesetOutcome) -> Option<String> {
    let path = crate::snapshot::snapshot_path(&outcome.dir, &result.name);
    match result.snapshot.as_ref()? {
        SnapshotStatus::Matches => None,
        SnapshotStatus::Blessed => Some(format!("  instantané réécrit : {}\n", path.display())),
        SnapshotStatus::Missing => Some(format!(
            "  instantané absent : {} (relisez la décision puis `socle test --bless`)\n",
            path.display()
        )),
        SnapshotStatus::Drift { diff } => {
            let mut out = format!(
                "  instantané différent : {} (- enregistré, + obtenu ; `socle test --bless` pour accepter)\n",
                path.display()
            );
            for line in diff.lines() {
                let _ = writeln!(out, "    {line}");
            }
            Some(out)
        }
    }
}

/// The human report; `coverage` appends each ruleset's coverage. Ends with the summary line.
pub fn human(outcomes: &[RulesetOutcome], coverage: bool) -> String {
    let mut out = String::new();
    for o in outcomes {
        let _ = writeln!(out, "jeu de règles {} ({})", o.name, o.dir.display());
        if let Some(errors) = &o.compile_errors {
            let _ = writeln!(out, "ÉCHEC {} : le jeu de règles ne compile pas", o.name);
            out.push_str(errors);
            continue;
        }
        for (path, diagnostics) in &o.file_errors {
            let _ = writeln!(out, "ÉCHEC fichier de cas {} illisible", path.display());
            out.push_str(diagnostics);
        }
        for r in &o.results {
            if r.passed() {
                let blessed = matches!(r.snapshot, Some(SnapshotStatus::Blessed));
                let _ = writeln!(
                    out,
                    "ok    {}{}",
                    r.name,
                    if blessed {
                        " (instantané réécrit)"
                    } else {
                        ""
                    }
                );
                continue;
            }
            let _ = writeln!(out, "ÉCHEC {} ({})", r.name, r.path.display());
            let _ = writeln!(out, "  source : {}", r.source);
            if let Some(date) = r.date {
                let _ = writeln!(out, "  date de décision : {date}");
            }
            for f in &r.failures {
                out.push_str(&f.details("  "));
            }
            if let Some(text) = snapshot_text(r, o) {
                out.push_str(&text);
            }
        }
        for orphan in &o.orphans {
            let _ = writeln!(
                out,
                "attention : instantané orphelin {} (aucun cas ne le produit ; `socle test --bless` le supprime)",
                orphan.display()
            );
        }
        if o.results.is_empty() && o.file_errors.is_empty() {
            let _ = writeln!(
                out,
                "aucun cas exécuté : pas de cas dans {}, ou aucun ne correspond au filtre",
                o.dir.join("tests").display()
            );
        }
        if coverage {
            if let Some(c) = &o.coverage {
                out.push_str(&c.to_text());
            }
        }
    }
    out.push_str(&summary_line(outcomes));
    out.push('\n');
    out
}

fn snapshot_word(status: Option<&SnapshotStatus>) -> Json {
    match status {
        None => Json::Null,
        Some(SnapshotStatus::Matches) => json!("identique"),
        Some(SnapshotStatus::Missing) => json!("absent"),
        Some(SnapshotStatus::Drift { .. }) => json!("different"),
        Some(SnapshotStatus::Blessed) => json!("reecrit"),
    }
}

/// One JSON object for the whole run.
pub fn json(outcomes: &[RulesetOutcome], coverage: bool) -> Json {
    let (passed, failed) = totals(outcomes);
    let rulesets: Vec<Json> = outcomes
        .iter()
        .map(|o| {
            let cases: Vec<Json> = o
                .results
                .iter()
                .map(|r| {
                    let mut echecs: Vec<Json> = r
                        .failures
                        .iter()
                        .map(|f| json!({ "resume": f.summary(), "details": f.details("") }))
                        .collect();
                    if let Some(SnapshotStatus::Drift { diff }) = &r.snapshot {
                        echecs.push(json!({ "resume": "instantané différent", "details": diff }));
                    }
                    if let Some(SnapshotStatus::Missing) = &r.snapshot {
                        echecs.push(json!({ "resume": "instantané absent", "details": "" }));
                    }
                    json!({
                        "nom": r.name,
                        "id": r.case_id,
                        "date": r.date.map(|d| d.to_string()),
                        "fichier": r.path.display().to_string(),
                        "source": r.source,
                        "reussi": r.passed(),
                        "instantane": snapshot_word(r.snapshot.as_ref()),
                        "echecs": echecs,
                    })
                })
                .collect();
            json!({
                "jeu_de_regles": o.name,
                "dossier": o.dir.display().to_string(),
                "erreurs_compilation": o.compile_errors,
                "fichiers_illisibles": o.file_errors.iter().map(|(p, d)| json!({
                    "fichier": p.display().to_string(), "diagnostics": d,
                })).collect::<Vec<_>>(),
                "reussis": o.passed(),
                "echoues": o.failed(),
                "cas": cases,
                "instantanes_orphelins": o.orphans.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
                "couverture": if coverage { o.coverage.as_ref().map(|c| c.to_json()) } else { None },
            })
        })
        .collect();
    json!({ "jeux_de_regles": rulesets, "passed": passed, "failed": failed })
}

fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 forbids most control characters, even escaped.
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\t' | '\r') => out.push('?'),
            c => out.push(c),
        }
    }
    out
}

/// Seconds with millisecond precision, as JUnit's `time` attributes write them.
fn seconds(results: &[RunResult]) -> String {
    let total: std::time::Duration = results.iter().filter_map(|r| r.elapsed).sum();
    format!("{:.3}", total.as_secs_f64())
}

/// JUnit XML: one `<testsuite>` per ruleset, one `<testcase>` per case and date, each with its
/// `time` in seconds (0 when the run was not timed), its `file` and the `line` of its `id`.
pub fn junit(outcomes: &[RulesetOutcome]) -> String {
    let (passed, failed) = totals(outcomes);
    let all: Vec<RunResult> = outcomes.iter().flat_map(|o| o.results.clone()).collect();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"socle test\" tests=\"{}\" failures=\"{failed}\" time=\"{}\">",
        passed + failed,
        seconds(&all)
    );
    for o in outcomes {
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" time=\"{}\">",
            xml_escape(&o.name),
            o.passed() + o.failed(),
            o.failed(),
            seconds(&o.results)
        );
        let class = xml_escape(&o.name);
        if let Some(errors) = &o.compile_errors {
            let _ = writeln!(
                out,
                "    <testcase name=\"compilation\" classname=\"{class}\">\n      <failure message=\"le jeu de règles ne compile pas\">{}</failure>\n    </testcase>",
                xml_escape(errors)
            );
        }
        for (path, diagnostics) in &o.file_errors {
            let _ = writeln!(
                out,
                "    <testcase name=\"{}\" classname=\"{class}\" file=\"{}\">\n      <failure message=\"fichier de cas illisible\">{}</failure>\n    </testcase>",
                xml_escape(&path.display().to_string()),
                xml_escape(&path.display().to_string()),
                xml_escape(diagnostics)
            );
        }
        for r in &o.results {
            let _ = write!(
                out,
                "    <testcase name=\"{}\" classname=\"{class}\" file=\"{}\"",
                xml_escape(&r.name),
                xml_escape(&r.path.display().to_string())
            );
            if let Some(line) = r.line {
                let _ = write!(out, " line=\"{line}\"");
            }
            let _ = write!(out, " time=\"{}\"", seconds(std::slice::from_ref(r)));
            if r.passed() {
                out.push_str("/>\n");
                continue;
            }
            out.push_str(">\n");
            let message = r
                .failures
                .first()
                .map(|f| f.summary())
                .unwrap_or_else(|| "instantané différent".into());
            let mut body = format!("source : {}\n", r.source);
            for f in &r.failures {
                body.push_str(&f.details(""));
            }
            if let Some(text) = snapshot_text(r, o) {
                body.push_str(&text);
            }
            let _ = writeln!(
                out,
                "      <failure message=\"{}\">{}</failure>\n    </testcase>",
                xml_escape(&message),
                xml_escape(&body)
            );
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}
