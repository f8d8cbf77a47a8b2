//! `socle diff AVANT APRES --dossiers FICHIER`: what a new version of a ruleset changes on a
//! population, and why (`socle_diff`); `socle population`: the synthetic dossiers to run it on.

use std::path::{Path, PathBuf};

use socle_diff::{DiffError, Options, Source};

use crate::decide::parse_date;
use crate::exit::{usage_error, Status};
use crate::input;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    Texte,
    Json,
    Html,
}

#[derive(clap::Args, Debug)]
pub struct DiffArgs {
    /// Version d'avant : dossier du jeu de règles, ou DOSSIER@RÉVISION pour le lire dans git
    /// (par exemple rulesets/val-doise@origin/main).
    pub avant: String,
    /// Version d'après, de la même forme.
    pub apres: String,
    /// Fichier JSON Lines des dossiers (un par ligne), ou `-` pour l'entrée standard.
    #[arg(long)]
    pub dossiers: PathBuf,
    /// texte (résumé en français), json (pour les outils) ou html (rapport à ouvrir dans un navigateur).
    #[arg(long, value_enum, default_value = "texte")]
    pub format: DiffFormat,
    /// Nombre de dossiers modifiés listés par dispositif.
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub exemples: usize,
    /// Décide tous les dossiers à cette date AAAA-MM-JJ (par défaut : leur `date_demande`).
    #[arg(long)]
    pub date: Option<String>,
    /// Écrit le rapport dans ce fichier au lieu de la sortie standard.
    #[arg(long = "sortie", value_name = "FICHIER")]
    pub fichier_sortie: Option<PathBuf>,
    /// Nombre de fils d'exécution qui décident les dossiers (par défaut : un par cœur) ; le
    /// rapport est le même quel que soit ce nombre.
    #[arg(long, value_name = "N")]
    pub fils: Option<usize>,
    /// Code de sortie 1 si un dossier change (pour bloquer une intégration continue).
    #[arg(long)]
    pub echec_si_changement: bool,
}

fn diff_error(e: DiffError) -> Status {
    if let DiffError::Compile { rendered, .. } = &e {
        eprint!("{rendered}");
    }
    usage_error(e)
}

fn write_output(sortie: Option<&Path>, text: &str) -> Status {
    match sortie {
        Some(path) => match std::fs::write(path, text) {
            Ok(()) => Status::Ok,
            Err(e) => usage_error(format!("{} : écriture impossible ({e})", path.display())),
        },
        None => {
            out!("{text}");
            Status::Ok
        }
    }
}

pub fn run(args: &DiffArgs) -> Status {
    let date = match parse_date(args.date.as_deref()) {
        Ok(date) => date,
        Err(status) => return status,
    };
    let (before, after) = (Source::parse(&args.avant), Source::parse(&args.apres));
    let engines = before
        .compile()
        .and_then(|b| after.compile().map(|a| (b, a)));
    let (before_engine, after_engine) = match engines {
        Ok(engines) => engines,
        Err(e) => return diff_error(e),
    };
    let mut reader = match input::open(&args.dossiers) {
        Ok(r) => r,
        Err(status) => return status,
    };
    let options = Options {
        date,
        examples: args.exemples,
        before_label: before.label(),
        after_label: after.label(),
        threads: args.fils.unwrap_or_else(|| {
            std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
        }),
    };
    let report = match socle_diff::diff(&before_engine, &after_engine, &mut reader, &options) {
        Ok(report) => report,
        Err(e) => return diff_error(e),
    };
    let text = match args.format {
        DiffFormat::Texte => socle_diff::text::render(&report),
        DiffFormat::Json => serde_json::to_string_pretty(&report)
            .map(|s| s + "\n")
            .unwrap_or_default(),
        DiffFormat::Html => socle_diff::html::render(&report),
    };
    let status = write_output(args.fichier_sortie.as_deref(), &text);
    if status == Status::Ok && args.echec_si_changement && report.modifies > 0 {
        eprintln!(
            "{} dossier(s) modifié(s) (--echec-si-changement)",
            report.modifies
        );
        return Status::Failure;
    }
    status
}

#[derive(clap::Args, Debug)]
pub struct PopulationArgs {
    pub ruleset: PathBuf,
    /// Nombre de dossiers.
    #[arg(long, default_value_t = 200, value_name = "N")]
    pub n: usize,
    /// Graine du générateur : la même graine donne les mêmes dossiers.
    #[arg(long, alias = "seed", default_value_t = 1, value_name = "GRAINE")]
    pub graine: u64,
    /// Écrit les dossiers dans ce fichier au lieu de la sortie standard.
    #[arg(long = "sortie", value_name = "FICHIER")]
    pub fichier_sortie: Option<PathBuf>,
}

pub fn population(args: &PopulationArgs) -> Status {
    let engine = match socle_diff::compile_dir(&args.ruleset, &args.ruleset.display().to_string()) {
        Ok(engine) => engine,
        Err(e) => return diff_error(e),
    };
    let text = socle_diff::population::generate(engine.program(), args.n, args.graine);
    write_output(args.fichier_sortie.as_deref(), &text)
}
