//! `socle decide`: one dossier, one decision.

use std::path::Path;

use chrono::NaiveDate;
use serde_json::{json, Value as Json};
use socle_runtime::published;

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
    /// Refuse le dossier s'il contient un champ inconnu du jeu de règles (sinon : avertissement).
    #[arg(long)]
    pub strict: bool,
}

/// A compiled ruleset with everything needed to decide dossiers the same way, and its
/// result: shared with the columnar formats and the Python package.
pub use socle_runtime::Decider;

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
    let decider =
        Decider::new(engine, date, &args.dispositifs, args.strict).map_err(usage_error)?;
    Ok(decider.with_explain(args.explain))
}

pub fn run(ruleset: &Path, dossier: &Path, args: &DecideArgs, format: Format) -> Status {
    let (decider, text) = match prepare(ruleset, dossier, args) {
        Ok(prepared) => prepared,
        Err(status) => return status,
    };
    match decider.decide(&text) {
        Ok(decided) => {
            for warning in &decided.warnings {
                eprintln!("avertissement : {warning}");
            }
            let decision = &decided.decision;
            let undecided: Vec<String> = decision
                .errors()
                .map(|(id, e)| format!("{id} : {e}"))
                .collect();
            match format {
                Format::Json => outln!("{}", pretty(&decided.to_json())),
                Format::Human => out!("{}", human(&decision.published())),
            }
            // The other dispositifs are decided, but a script must not take this dossier
            // as fully decided.
            for line in &undecided {
                eprintln!("erreur : dispositif non décidé, {line}");
            }
            for d in &decision.dispositifs {
                if d.error.is_none() && !d.is_decided() {
                    let paths: Vec<String> =
                        d.missing.iter().map(|s| decision.input_path(*s)).collect();
                    eprintln!("indéterminé : {}, il manque : {}", d.id, paths.join(", "));
                }
            }
            // Exit 1 also when a dispositif is undetermined: the dossier needs more facts.
            if undecided.is_empty() && decided.is_complete() {
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
        let status = match (d.erreur.is_some(), d.eligible) {
            (true, _) => "non décidé",
            // « Non versé » must never read as « non éligible »: the right is open.
            (false, Some(true)) if d.verse == Some(Some(false)) => {
                "éligible (droit ouvert), non versé"
            }
            (false, Some(true)) if d.verse == Some(None) => {
                "éligible (droit ouvert), versement indéterminé"
            }
            (false, Some(true)) if !d.manquants.is_empty() => "éligible, montants incomplets",
            (false, Some(true)) => "éligible",
            (false, Some(false)) => "non éligible",
            (false, None) => "indéterminé",
        };
        out.push_str(&format!("\n{id} : {status}\n"));
        if let Some(error) = &d.erreur {
            out.push_str(&format!("  ! {error}\n"));
        }
        for motif in &d.motifs {
            let mark = match motif.satisfaite {
                Some(true) => "✓",
                Some(false) => "✗",
                None => "?",
            };
            let kind = if motif.versement { " (versement)" } else { "" };
            out.push_str(&format!(
                "  {mark} {}{kind} : {}\n",
                motif.id, motif.message
            ));
        }
        for (name, value) in &d.valeurs {
            let shown = value
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| value.to_string());
            out.push_str(&format!("    {name} = {shown}\n"));
        }
        if !d.manquants.is_empty() {
            let paths: Vec<&str> = d.manquants.iter().map(|m| m.chemin.as_str()).collect();
            out.push_str(&format!("  manque : {}\n", paths.join(", ")));
        }
    }
    if !decision.questions.is_empty() {
        out.push_str("\nQuestions à poser (la plus utile d'abord) :\n");
        for (i, q) in decision.questions.iter().enumerate() {
            let n = q.dispositifs.len();
            out.push_str(&format!(
                "  {}. {} ({}) : décide {} dispositif{} ({})\n",
                i + 1,
                q.chemin,
                q.attendu,
                n,
                if n > 1 { "s" } else { "" },
                q.dispositifs.join(", ")
            ));
        }
    }
    out
}
