//! The `socle` command. Exit codes and JSON shapes follow `docs/CONTRACT.md`.

/// `print!` and `println!` without their panic when stdout is closed (see `exit::print`).
macro_rules! out {
    ($($arg:tt)*) => { $crate::exit::print(format_args!($($arg)*)) };
}
macro_rules! outln {
    ($($arg:tt)*) => { $crate::exit::print(format_args!("{}\n", format_args!($($arg)*))) };
}

mod batch;
mod batch_columnar;
mod check;
mod debug;
mod decide;
mod diff_cmd;
mod discover;
mod doc_cmd;
mod exit;
mod explain;
mod fmt_cmd;
mod help;
mod input;
mod lsp_cmd;
mod schema;
mod serve_cmd;
mod test_cmd;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(
    name = "socle",
    version,
    about = "Socle : règles d'aide sociale aux personnes âgées, écrites comme du code"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Analyse les jeux de règles (syntaxe, noms, types et unités, barèmes).
    Check {
        /// Dossiers de jeux de règles, fichiers .socle, ou dossiers de jeux de règles.
        paths: Vec<PathBuf>,
        /// human, json, github (annotations GitHub Actions) ou sarif (SARIF 2.1.0).
        #[arg(long, value_enum, default_value = "human")]
        format: check::CheckFormat,
    },
    /// Décide un dossier (JSON) avec un jeu de règles.
    Decide {
        ruleset: PathBuf,
        /// Fichier JSON du dossier, ou `-` pour l'entrée standard (1 Mio au plus).
        #[arg(long)]
        dossier: PathBuf,
        #[command(flatten)]
        args: decide::DecideArgs,
        #[arg(long, value_enum, default_value = "json")]
        format: Format,
    },
    /// Décide un fichier JSON Lines de dossiers, une décision par ligne.
    Batch {
        ruleset: PathBuf,
        /// Fichier JSON Lines, ou `-` pour l'entrée standard : un dossier par ligne (1 Mio au
        /// plus par ligne), une ligne de résultat par ligne lue, avec son numéro `ligne`.
        #[arg(long)]
        dossiers: PathBuf,
        #[command(flatten)]
        args: decide::DecideArgs,
        /// Nombre de fils de calcul (par défaut : un par cœur). Les résultats sortent dans
        /// l'ordre des lignes, quel que soit ce nombre.
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
        fils: Option<u16>,
        /// Format des dossiers lus : jsonl, csv ou parquet (colonnes nommées par chemin :
        /// `demandeur.gir`).
        #[arg(long, value_enum, default_value = "jsonl")]
        entree: batch_columnar::BatchFormat,
        /// Format des résultats : jsonl, csv ou parquet (une colonne par valeur décidée).
        #[arg(long, value_enum, default_value = "jsonl")]
        sortie: batch_columnar::BatchFormat,
    },
    /// Compare deux versions d'un jeu de règles sur des dossiers : qui change, combien, pourquoi.
    Diff(diff_cmd::DiffArgs),
    /// Génère des dossiers fictifs réalistes (JSON Lines) d'après le schéma d'un jeu de règles.
    Population(diff_cmd::PopulationArgs),
    /// Affiche le schéma JSON du dossier que lit le jeu de règles (ou ce dispositif).
    Schema {
        ruleset: PathBuf,
        /// Seulement les champs que ce dispositif peut lire (option répétable).
        #[arg(long = "dispositif", value_name = "DISPOSITIF")]
        dispositifs: Vec<String>,
    },
    /// Génère le site de documentation d'un jeu de règles (HTML statique, lisible hors ligne).
    Doc {
        /// Dossier du jeu de règles.
        ruleset: PathBuf,
        /// Dossier où écrire le site (créé s'il n'existe pas ; ses fichiers sont remplacés).
        #[arg(long)]
        sortie: PathBuf,
    },
    /// Lance les tests des jeux de règles (cas écrits à la main et instantanés, docs/GUIDE-TESTS.md).
    Test {
        /// Dossiers de jeux de règles, ou dossiers de jeux de règles (par défaut : rulesets/).
        paths: Vec<PathBuf>,
        /// Ne lance que les cas dont le nom (id, ou id@date) contient ce texte.
        #[arg(long)]
        filter: Option<String>,
        #[arg(long, value_enum, default_value = "human")]
        format: test_cmd::TestFormat,
        /// Ajoute la couverture des règles : conditions, tranches, exceptions, versions.
        #[arg(long)]
        coverage: bool,
        /// Réécrit les instantanés avec les décisions obtenues (à relire avant de valider).
        #[arg(long)]
        bless: bool,
        /// Échoue (code 1) si la couverture d'un jeu de règles est sous ce pourcentage.
        #[arg(long, requires = "coverage", value_name = "POURCENTAGE")]
        seuil: Option<f64>,
        /// Écrit la couverture des règles dans ce fichier, au format lcov.
        #[arg(long, requires = "coverage", value_name = "FICHIER")]
        lcov: Option<PathBuf>,
    },
    /// Met en forme les fichiers .socle (disposition canonique), en place.
    Fmt {
        /// Fichiers .socle ou dossiers (par défaut : rulesets/).
        paths: Vec<PathBuf>,
        /// Ne modifie rien : code 1 si un fichier serait modifié.
        #[arg(long)]
        check: bool,
    },
    /// Service HTTP/JSON : décide des dossiers envoyés par d'autres applications
    /// (POST /decider/JEU ; routes décrites dans /openapi.json). SIGHUP recharge les règles.
    Serve(serve_cmd::ServeArgs),
    /// Serveur de langage (LSP) sur l'entrée et la sortie standard, pour les éditeurs.
    Lsp,
    /// Explique un code d'erreur (E0203…) avec un exemple de correction ; sans code, les liste.
    Explain {
        /// Code d'erreur ou d'avertissement, par exemple E0203.
        code: Option<String>,
    },
    /// Commandes de mise au point (AST, IR).
    #[command(hide = true)]
    Debug {
        #[arg(value_enum)]
        what: debug::What,
        ruleset: PathBuf,
    },
}

/// The arguments, or the exit status after clap's help, version or a French usage error.
fn parse() -> Result<Cli, ExitCode> {
    let usage_error = |e: &clap::Error| {
        eprint!("{}", help::french_error(e));
        ExitCode::from(2)
    };
    let matches = help::localise(Cli::command())
        .try_get_matches()
        .map_err(|e| match e.kind() {
            ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
                let _ = e.print();
                ExitCode::SUCCESS
            }
            ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
                let _ = e.print();
                ExitCode::from(2)
            }
            _ => usage_error(&e),
        })?;
    Cli::from_arg_matches(&matches).map_err(|e| usage_error(&e))
}

fn main() -> ExitCode {
    let cli = match parse() {
        Ok(cli) => cli,
        Err(code) => return code,
    };
    let code = match cli.command {
        Command::Check { paths, format } => check::run(&paths, format),
        Command::Decide {
            ruleset,
            dossier,
            args,
            format,
        } => decide::run(&ruleset, &dossier, &args, format),
        Command::Batch {
            ruleset,
            dossiers,
            args,
            fils,
            entree: batch_columnar::BatchFormat::Jsonl,
            sortie: batch_columnar::BatchFormat::Jsonl,
        } => batch::run(&ruleset, &dossiers, &args, fils.map(usize::from)),
        Command::Batch {
            ruleset,
            dossiers,
            args,
            entree,
            sortie,
            ..
        } => batch_columnar::run(&ruleset, &dossiers, &args, entree, sortie),
        Command::Schema {
            ruleset,
            dispositifs,
        } => schema::run(&ruleset, &dispositifs),
        Command::Diff(args) => diff_cmd::run(&args),
        Command::Population(args) => diff_cmd::population(&args),
        Command::Doc { ruleset, sortie } => doc_cmd::run(&ruleset, &sortie),
        Command::Test {
            paths,
            filter,
            format,
            coverage,
            bless,
            seuil,
            lcov,
        } => test_cmd::run(test_cmd::TestArgs {
            paths,
            filter,
            format,
            coverage,
            bless,
            threshold: seuil,
            lcov,
        }),
        Command::Debug { what, ruleset } => debug::run(what, &ruleset),
        Command::Explain { code } => explain::run(code.as_deref()),
        Command::Fmt { paths, check } => fmt_cmd::run(&paths, check),
        Command::Lsp => lsp_cmd::run(),
        Command::Serve(args) => serve_cmd::run(args),
    };
    code.into()
}
