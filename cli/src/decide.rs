//! `socle decide`: one dossier, one decision.

use std::path::Path;

use chrono::NaiveDate;
use serde_json::{json, Value as Json};
use socle_runtime::{published, DecideOptions, Engine, Selection};

use crate::check::compile_single;
use crate::exit::{usage_error, Status};
use crate::Format;

pub fn parse_date(date: Option<&str>) -> Result<Option<NaiveDate>, Status> {
    date.map(|d| {
        NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| {
            usage_error(format!(
                "--date {d} : date AAAA-MM-JJ attendue (par exemple 2024-11-19)"
            ))
        })
    })
    .transpose()
}

pub fn read_input(path: &Path) -> Result<String, Status> {
    crate::input::read_dossier(path)
}

/// Why a dossier could not be decided, as CONTRACT.md's JSON error.
pub enum Refusal {
    Invalid(socle_runtime::DossierError),
    Evaluation(socle_runtime::EvalError),
}

impl Refusal {
    pub fn message(&self) -> String {
        match self {
            Refusal::Invalid(e) => e.to_string(),
            Refusal::Evaluation(e) => e.to_string(),
        }
    }

    pub fn to_json(&self) -> Json {
        match self {
            Refusal::Invalid(e) => json!({
                "type": "dossier_invalide",
                "chemin": e.path(),
                "attendu": e.expected(),
                "trouve": e.found(),
                "message": e.to_string(),
            }),
            Refusal::Evaluation(e) => json!({
                "type": "evaluation_impossible",
                "message": e.to_string(),
            }),
        }
    }
}

/// The options shared by `decide` and `batch`.
#[derive(clap::Args, Debug)]
pub struct DecideArgs {
    /// Date de décision AAAA-MM-JJ (par défaut : `date_demande` du dossier).
    #[arg(long)]
    pub date: Option<String>,
    /// Ajoute la trace : comment chaque valeur a été obtenue.
    #[arg(long)]
    pub explain: bool,
    /// Ne décide que ce dispositif (option répétable ; par défaut : tous ceux du jeu de règles).
    #[arg(long = "dispositif", value_name = "DISPOSITIF")]
    pub dispositifs: Vec<String>,
}

/// A compiled ruleset with everything needed to decide dossiers the same way.
pub struct Decider {
    engine: Engine,
    options: DecideOptions,
    selection: Option<Selection>,
}

impl Decider {
    pub fn decide(&self, text: &str) -> Result<socle_runtime::Decision, Refusal> {
        let dossier = self.engine.decode_str(text).map_err(Refusal::Invalid)?;
        match &self.selection {
            Some(selection) => self
                .engine
                .decide_selected(&dossier, &self.options, selection),
            None => self.engine.decide(&dossier, &self.options),
        }
        .map_err(Refusal::Evaluation)
    }
}

/// What `decide` and `batch` both need before deciding, checked in that order so a bad
/// `--date` or `--dispositif` is reported before reading the input.
pub fn prepare(
    ruleset: &Path,
    input: &Path,
    args: &DecideArgs,
) -> Result<(Decider, String), Status> {
    let decider = decider(ruleset, args)?;
    let text = read_input(input)?;
    Ok((decider, text))
}

/// The ruleset compiled and the options checked, before any input is read.
pub fn decider(ruleset: &Path, args: &DecideArgs) -> Result<Decider, Status> {
    let date = parse_date(args.date.as_deref())?;
    let engine = compile_single(ruleset)?;
    let selection = if args.dispositifs.is_empty() {
        None
    } else {
        Some(engine.selection(&args.dispositifs).map_err(usage_error)?)
    };
    let options = DecideOptions {
        date,
        explain: args.explain,
    };
    Ok(Decider {
        engine,
        options,
        selection,
    })
}

pub fn run(ruleset: &Path, dossier: &Path, args: &DecideArgs, format: Format) -> Status {
    let (decider, text) = match prepare(ruleset, dossier, args) {
        Ok(prepared) => prepared,
        Err(status) => return status,
    };
    match decider.decide(&text) {
        Ok(decision) => {
            let undecided: Vec<String> = decision
                .errors()
                .map(|(id, e)| format!("{id} : {e}"))
                .collect();
            match format {
                Format::Json => outln!("{}", pretty(&decision.to_json())),
                Format::Human => out!("{}", human(&decision.published())),
            }
            // The other dispositifs are decided, but a script must not take this dossier
            // as fully decided.
            for line in &undecided {
                eprintln!("erreur : dispositif non décidé, {line}");
            }
            if undecided.is_empty() {
                Status::Ok
            } else {
                Status::Failure
            }
        }
        Err(refusal) => {
            eprintln!(
                "erreur : dossier {} : {}",
                dossier.display(),
                refusal.message()
            );
            if format == Format::Json {
                outln!("{}", pretty(&json!({ "erreur": refusal.to_json() })));
            }
            Status::Failure
        }
    }
}

fn pretty(value: &Json) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
}

/// A decision as a caseworker reads it.
pub fn human(decision: &published::Decision) -> String {
    let mut out = format!(
        "Jeu de règles {}, décision au {}\n",
        decision.jeu_de_regles, decision.date
    );
    for (id, d) in &decision.dispositifs {
        let status = if d.erreur.is_some() {
            "non décidé"
        } else if d.eligible {
            "éligible"
        } else {
            "non éligible"
        };
        out.push_str(&format!("\n{id} : {status}\n"));
        if let Some(error) = &d.erreur {
            out.push_str(&format!("  ! {error}\n"));
        }
        for motif in &d.motifs {
            let mark = if motif.satisfaite { "✓" } else { "✗" };
            out.push_str(&format!("  {mark} {} : {}\n", motif.id, motif.message));
        }
        for (name, value) in &d.valeurs {
            let shown = value
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| value.to_string());
            out.push_str(&format!("    {name} = {shown}\n"));
        }
    }
    out
}
