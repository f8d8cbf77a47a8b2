//! Running one case: decide the dossier at each date, compare with the hand-written
//! expectation, then with the snapshot. Both are always checked: an accepted snapshot is never
//! the only oracle.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde_json::Value as Json;
use socle_runtime::{published, Coverage, DecideOptions, DecodeOptions, Engine};

use crate::case::{Case, Expected};
use crate::expect::{matches, type_expected};
use crate::snapshot::{self, SnapshotStatus};

/// The outcome of one case at one date (or of a case that could not run).
#[derive(Clone, Debug)]
pub struct RunResult {
    /// `id`, or `id@date` in a sweep.
    pub name: String,
    pub case_id: String,
    pub source: String,
    pub path: PathBuf,
    pub date: Option<NaiveDate>,
    pub failures: Vec<Failure>,
    /// `None` when no decision was made.
    pub snapshot: Option<SnapshotStatus>,
    /// The line of the case's `id` in its file (1-based), when known.
    pub line: Option<usize>,
    /// Time spent on this result, when the caller gave a clock ([`crate::Options::clock`]).
    pub elapsed: Option<std::time::Duration>,
}

impl RunResult {
    pub fn passed(&self) -> bool {
        self.failures.is_empty() && !self.snapshot.as_ref().is_some_and(|s| s.is_failure())
    }
}

/// One way a case failed. Every text is French: a policy officer reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    /// `socle check` finds errors in the case itself (rendered diagnostics).
    Invalid {
        diagnostics: String,
    },
    /// The dossier does not decode with this ruleset.
    Dossier {
        message: String,
    },
    /// Evaluation failed (a parameter without a version at that date…).
    Evaluation {
        message: String,
    },
    MissingDispositif {
        dispositif: String,
    },
    Eligible {
        dispositif: String,
        /// `None`: indéterminé.
        expected: Option<bool>,
        actual: Option<bool>,
        /// The motifs the decision gives, `id : message`.
        motifs: Vec<String>,
    },
    Value {
        dispositif: String,
        name: String,
        expected: String,
        actual: String,
        /// How the actual value was obtained, from the decision's trace.
        trace: Vec<String>,
    },
    /// The aid is (not) paid: `verse`. `None`: indéterminé (or absent).
    Verse {
        dispositif: String,
        expected: Option<bool>,
        actual: Option<bool>,
    },
    Motifs {
        dispositif: String,
        expected: Vec<String>,
        actual: Vec<String>,
    },
    Manquants {
        dispositif: String,
        expected: Vec<String>,
        actual: Vec<String>,
    },
    /// The snapshot file could not be read or written.
    SnapshotIo {
        message: String,
    },
}

impl Failure {
    /// A one-line summary (JUnit's `message`, JSON's `resume`).
    pub fn summary(&self) -> String {
        match self {
            Failure::Invalid { .. } => "cas invalide (voir socle check)".into(),
            Failure::Dossier { message } => format!("dossier invalide : {message}"),
            Failure::Evaluation { message } => format!("décision impossible : {message}"),
            Failure::MissingDispositif { dispositif } => {
                format!("{dispositif} : absent de la décision")
            }
            Failure::Eligible {
                dispositif,
                expected,
                actual,
                ..
            } => format!(
                "{dispositif}.eligible : attendu {}, obtenu {}",
                outcome(*expected),
                outcome(*actual)
            ),
            Failure::Value {
                dispositif,
                name,
                expected,
                actual,
                ..
            } => format!("{dispositif}.{name} : attendu {expected}, obtenu {actual}"),
            Failure::Verse {
                dispositif,
                expected,
                actual,
            } => format!(
                "{dispositif}.verse : attendu {}, obtenu {}",
                outcome(*expected),
                outcome(*actual)
            ),
            Failure::Motifs {
                dispositif,
                expected,
                actual,
            } => format!(
                "{dispositif}.motifs_non_satisfaits : attendu [{}], obtenu [{}]",
                expected.join(", "),
                actual.join(", ")
            ),
            Failure::Manquants {
                dispositif,
                expected,
                actual,
            } => format!(
                "{dispositif}.manquants : attendu [{}], obtenu [{}]",
                expected.join(", "),
                actual.join(", ")
            ),
            Failure::SnapshotIo { message } => format!("instantané : {message}"),
        }
    }

    /// The summary and its details (trace, motifs, diagnostics), indented by `indent`.
    pub fn details(&self, indent: &str) -> String {
        let mut out = format!("{indent}{}\n", self.summary());
        let lines: Vec<&str> = match self {
            Failure::Invalid { diagnostics } => diagnostics.lines().collect(),
            Failure::Eligible { motifs, .. } => motifs.iter().map(String::as_str).collect(),
            Failure::Value { trace, .. } => trace.iter().map(String::as_str).collect(),
            _ => Vec::new(),
        };
        for line in lines {
            let _ = writeln!(out, "{indent}  {line}");
        }
        out
    }
}

/// Decides `case` at each of its dates, adding to `coverage`, and checks each decision
/// against the expectation and the snapshot (rewritten first with `bless`).
pub fn run_case(
    engine: &Engine,
    case: &Case,
    ruleset_dir: &Path,
    coverage: &mut Coverage,
    bless: bool,
) -> Vec<RunResult> {
    case.dates
        .iter()
        .map(|dated| {
            let (mut result, decision) = run_date(engine, case, dated.date, coverage);
            if let Some(decision) = decision {
                let path = snapshot::snapshot_path(ruleset_dir, &result.name);
                match snapshot::check(&path, &snapshot::snapshot_contents(&decision), bless) {
                    Ok(status) => result.snapshot = Some(status),
                    Err(e) => result.failures.push(Failure::SnapshotIo {
                        message: format!("{} : {e}", path.display()),
                    }),
                }
            }
            result
        })
        .collect()
}

/// Decides `case` at `date` (with the trace) and compares the decision with the hand-written
/// expectation only; the published decision is returned for the snapshot check.
pub fn run_date(
    engine: &Engine,
    case: &Case,
    date: NaiveDate,
    coverage: &mut Coverage,
) -> (RunResult, Option<published::Decision>) {
    let mut result = RunResult {
        name: case.run_name(date),
        case_id: case.id.clone(),
        source: case.source.clone(),
        path: case.path.clone(),
        date: Some(date),
        failures: Vec::new(),
        snapshot: None,
        line: None,
        elapsed: None,
    };
    let shifted;
    let written = match case.dates.first() {
        Some(first) if case.shift_dates => {
            shifted = crate::overrides::shift_dates(&case.dossier, first.date, date);
            &shifted
        }
        _ => &case.dossier,
    };
    let dossier = match engine
        .read_json(written, &DecodeOptions::default())
        .map(|read| read.dossier)
    {
        Ok(d) => d,
        Err(e) => {
            result.failures.push(Failure::Dossier {
                message: e.to_string(),
            });
            return (result, None);
        }
    };
    let options = DecideOptions {
        date: Some(date),
        explain: true,
    };
    let decision = match engine.decide_covered(&dossier, &options, coverage) {
        Ok(d) => d.published(),
        Err(e) => {
            result.failures.push(Failure::Evaluation {
                message: e.to_string(),
            });
            return (result, None);
        }
    };
    for expected in case.expected_at(date) {
        compare(engine, &expected, &decision, &mut result.failures);
    }
    (result, Some(decision))
}

fn compare(
    engine: &Engine,
    expected: &Expected<'_>,
    decision: &published::Decision,
    out: &mut Vec<Failure>,
) {
    let dispositif = expected.dispositif;
    let Some(got) = decision.dispositifs.get(dispositif) else {
        out.push(Failure::MissingDispositif {
            dispositif: dispositif.to_owned(),
        });
        return;
    };
    if let Some(error) = &got.erreur {
        out.push(Failure::Evaluation {
            message: format!("{dispositif} : {error}"),
        });
        return;
    }
    if let Some(want) = expected.eligible {
        if want != got.eligible {
            let motifs = got
                .motifs
                .iter()
                .map(|m| {
                    let mark = match m.satisfaite {
                        Some(true) => "remplie",
                        Some(false) => "NON remplie",
                        None => "indéterminée",
                    };
                    format!("motif {} ({mark}) : {}", m.id, m.message)
                })
                .collect();
            out.push(Failure::Eligible {
                dispositif: dispositif.to_owned(),
                expected: want,
                actual: got.eligible,
                motifs,
            });
        }
    }
    if let Some(want) = expected.verse {
        // Absent (no open right) reads as « not paid ».
        let actual = match got.verse {
            Some(verse) => verse,
            None => Some(false),
        };
        if want != actual {
            out.push(Failure::Verse {
                dispositif: dispositif.to_owned(),
                expected: want,
                actual,
            });
        }
    }
    let program = engine.program();
    let outputs = program
        .dispositifs
        .iter()
        .find(|d| d.name == dispositif)
        .map(|d| &d.outputs[..])
        .unwrap_or(&[]);
    for value in &expected.valeurs {
        let name = &value.name.name;
        let Some(output) = outputs.iter().find(|o| o.name == *name) else {
            out.push(Failure::Value {
                dispositif: dispositif.to_owned(),
                name: name.clone(),
                expected: value.literal.describe(),
                actual: "valeur inconnue de ce dispositif".into(),
                trace: Vec::new(),
            });
            continue;
        };
        let typed = match type_expected(&value.literal, &output.ty, &program.enums) {
            Ok(t) => t,
            Err(reason) => {
                out.push(Failure::Value {
                    dispositif: dispositif.to_owned(),
                    name: name.clone(),
                    expected: value.literal.describe(),
                    actual: format!("(valeur attendue mal typée : {reason})"),
                    trace: Vec::new(),
                });
                continue;
            }
        };
        let actual = got.valeurs.get(name.as_str()).unwrap_or(&Json::Null);
        if !matches(&typed, actual) {
            let actual_text = if actual.is_null() && got.eligible == Some(false) {
                "aucune valeur (non éligible)".to_owned()
            } else if actual.is_null() && got.eligible.is_none() {
                "aucune valeur (indéterminé)".to_owned()
            } else {
                actual.to_string()
            };
            out.push(Failure::Value {
                dispositif: dispositif.to_owned(),
                name: name.clone(),
                expected: typed.to_string(),
                actual: actual_text,
                trace: trace_lines(
                    got.trace.as_deref().unwrap_or(&[]),
                    &format!("{dispositif}.{name}"),
                ),
            });
        }
    }
    if let Some(want) = expected.motifs_non_satisfaits {
        let want: Vec<String> = want.iter().map(|m| m.name.clone()).collect();
        let failed: Vec<String> = got
            .motifs
            .iter()
            .filter(|m| m.satisfaite == Some(false))
            .map(|m| m.id.clone())
            .collect();
        if want != failed {
            out.push(Failure::Motifs {
                dispositif: dispositif.to_owned(),
                expected: want,
                actual: failed,
            });
        }
    }
    if let Some(want) = expected.manquants {
        let want: Vec<String> = want.iter().map(|m| m.name.clone()).collect();
        let got: Vec<String> = got.manquants.iter().map(|m| m.chemin.clone()).collect();
        if want != got {
            out.push(Failure::Manquants {
                dispositif: dispositif.to_owned(),
                expected: want,
                actual: got,
            });
        }
    }
}

/// How an eligibility reads in a failure (`true`, `false`, `indéterminé`).
fn outcome(eligible: Option<bool>) -> String {
    eligible.map_or_else(|| "indéterminé".to_owned(), |b| b.to_string())
}

/// The trace entry of `rule`, for a person: its value, the rules it used (with their values),
/// the parameters and dated versions it read, the dossier fields, the exception applied.
fn trace_lines(trace: &[published::TraceStep], rule: &str) -> Vec<String> {
    let find = |name: &str| trace.iter().find(|e| e.regle == name);
    let Some(entry) = find(rule) else {
        return vec![format!("trace : {rule} n'a pas été calculée")];
    };
    let mut lines = vec![format!("trace : {rule} = {}", entry.valeur)];
    let uses: Vec<String> = entry
        .utilise
        .iter()
        .map(|name| match find(name) {
            Some(e) => format!("{name} = {}", e.valeur),
            None => name.clone(),
        })
        .collect();
    if !uses.is_empty() {
        lines.push(format!("  utilise : {}", uses.join(", ")));
    }
    for p in &entry.parametres {
        let mut line = format!("  paramètre : {} (version du {}", p.parametre, p.version);
        if let Some(until) = p.jusqu_au {
            let _ = write!(line, " au {until}");
        }
        line.push(')');
        if let Some(key) = &p.cle {
            let _ = write!(line, ", clé {key}");
        }
        if let Some(tranche) = p.tranche {
            let _ = write!(line, ", tranche {tranche}");
        }
        if let Some(column) = &p.colonne {
            let _ = write!(line, ", colonne {column}");
        }
        let _ = write!(line, " = {}", p.valeur);
        lines.push(line);
    }
    if !entry.entrees.is_empty() {
        lines.push(format!(
            "  entrées du dossier : {}",
            entry.entrees.join(", ")
        ));
    }
    if let Some(exception) = &entry.exception {
        lines.push(format!("  exception appliquée : sauf si {exception}"));
    }
    lines
}
