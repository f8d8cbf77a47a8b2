//! The command line in French: clap writes its help and its errors in English (« Print help »,
//! « Usage: », « unrecognized subcommand »), so the command tree is rewritten before parsing
//! (French headings, flags and value names, defaults and possible values in the help text) and
//! clap's errors are reworded from their kind and context. Also where colour is allowed.

use std::ffi::OsString;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgAction, ColorChoice, Command};

/// Value names shown in usage lines, by argument id.
const VALUE_NAMES: &[(&str, &str)] = &[
    ("ruleset", "JEU_DE_RÈGLES"),
    ("rulesets", "JEUX_DE_RÈGLES"),
    ("paths", "CHEMINS"),
    ("dossier", "FICHIER"),
    ("dossiers", "FICHIER"),
    ("sortie", "DOSSIER"),
    ("code", "CODE"),
    ("format", "FORMAT"),
    ("filter", "TEXTE"),
    ("date", "AAAA-MM-JJ"),
    ("dispositif", "DISPOSITIF"),
    ("what", "QUOI"),
    ("port", "PORT"),
    ("adresse", "ADRESSE"),
    ("avant", "AVANT"),
    ("apres", "APRÈS"),
];

/// Help texts for arguments that the derive leaves without one, by argument id.
const DEFAULT_HELP: &[(&str, &str)] = &[
    (
        "ruleset",
        "Dossier du jeu de règles (par exemple rulesets/val-doise)",
    ),
    ("format", "Format de sortie"),
];

/// Whether diagnostics may be coloured: on a terminal, unless `NO_COLOR` is set to a non-empty
/// value (<https://no-color.org>).
pub fn use_colour(is_terminal: bool, no_color: Option<OsString>) -> bool {
    is_terminal && no_color.is_none_or(|v| v.is_empty())
}

/// [`use_colour`] for standard error, from the environment.
pub fn colour_on_stderr() -> bool {
    use_colour(
        std::io::IsTerminal::is_terminal(&std::io::stderr()),
        std::env::var_os("NO_COLOR"),
    )
}

/// The command tree with French help: every command and subcommand.
pub fn localise(cmd: Command) -> Command {
    let colour = if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
        ColorChoice::Never
    } else {
        ColorChoice::Auto
    };
    let mut cmd = localise_one(cmd, true).color(colour);
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in names {
        cmd = cmd.mut_subcommand(name, |sub| localise_one(sub, false));
    }
    cmd
}

fn localise_one(cmd: Command, root: bool) -> Command {
    let mut cmd = cmd
        .disable_help_flag(true)
        .disable_help_subcommand(true)
        .subcommand_help_heading("Commandes")
        .subcommand_value_name("COMMANDE")
        .arg(
            Arg::new("aide")
                .short('h')
                .long("help")
                .visible_alias("aide")
                .action(ArgAction::Help)
                .help("Affiche cette aide"),
        );
    if root {
        cmd = cmd.disable_version_flag(true).arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help("Affiche la version"),
        );
    }
    let cmd = cmd.mut_args(french_arg);
    let template = template(&cmd);
    cmd.help_template(template)
}

fn french_arg(arg: Arg) -> Arg {
    let id = arg.get_id().as_str().to_string();
    let mut arg = arg;
    if let Some((_, name)) = VALUE_NAMES.iter().find(|(i, _)| *i == id) {
        if arg.get_action().takes_values() {
            arg = arg.value_name(*name);
        }
    }
    if arg.get_help().is_none() {
        if let Some((_, help)) = DEFAULT_HELP.iter().find(|(i, _)| *i == id) {
            arg = arg.help(*help);
        }
    }
    let mut extra = Vec::new();
    let values: Vec<String> = arg
        .get_possible_values()
        .iter()
        .filter(|v| !v.is_hide_set())
        .map(|v| v.get_name().to_string())
        .collect();
    if !values.is_empty() && arg.get_action().takes_values() {
        extra.push(format!("valeurs : {}", values.join(", ")));
    }
    let defaults: Vec<String> = arg
        .get_default_values()
        .iter()
        .map(|v| v.to_string_lossy().into_owned())
        .collect();
    if !defaults.is_empty() && arg.get_action().takes_values() {
        extra.push(format!("par défaut : {}", defaults.join(", ")));
    }
    if extra.is_empty() {
        return arg;
    }
    let help = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
    let help = if help.is_empty() {
        format!("({})", extra.join(" ; "))
    } else {
        format!("{help} ({})", extra.join(" ; "))
    };
    arg.help(help)
        .hide_default_value(true)
        .hide_possible_values(true)
}

/// A help template with French headings, and only the sections the command has.
fn template(cmd: &Command) -> String {
    let mut t = String::from("{before-help}{about-with-newline}\nUtilisation : {usage}\n");
    if cmd.get_subcommands().any(|s| !s.is_hide_set()) {
        t.push_str("\nCommandes :\n{subcommands}\n");
    }
    if cmd.get_positionals().any(|a| !a.is_hide_set()) {
        t.push_str("\nArguments :\n{positionals}\n");
    }
    t.push_str("\nOptions :\n{options}\n{after-help}");
    t
}

/// clap's error in French, as printed to stderr before exiting with status 2.
pub fn french_error(error: &clap::Error) -> String {
    let context = |kind: ContextKind| -> Option<String> {
        match error.get(kind)? {
            ContextValue::String(s) => Some(s.clone()),
            ContextValue::Strings(v) => Some(v.join(", ")),
            ContextValue::StyledStr(s) => Some(s.to_string()),
            ContextValue::StyledStrs(v) => Some(
                v.iter()
                    .map(|s| s.to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            ContextValue::Number(n) => Some(n.to_string()),
            _ => None,
        }
    };
    let arg = context(ContextKind::InvalidArg).unwrap_or_default();
    let value = context(ContextKind::InvalidValue).unwrap_or_default();
    let mut message = match error.kind() {
        ErrorKind::InvalidSubcommand => format!(
            "commande inconnue : `{}`",
            context(ContextKind::InvalidSubcommand).unwrap_or_default()
        ),
        ErrorKind::UnknownArgument => format!("option ou argument inattendu : `{arg}`"),
        ErrorKind::InvalidValue => {
            let mut m = format!("valeur invalide `{value}` pour `{arg}`");
            if let Some(valid) = context(ContextKind::ValidValue) {
                m.push_str(&format!(" (valeurs possibles : {valid})"));
            }
            m
        }
        ErrorKind::ValueValidation => format!("valeur invalide `{value}` pour `{arg}`"),
        ErrorKind::MissingRequiredArgument => format!("argument obligatoire manquant : {arg}"),
        ErrorKind::MissingSubcommand => "il manque une commande".to_string(),
        ErrorKind::ArgumentConflict => format!(
            "`{arg}` ne peut pas être utilisé avec `{}`",
            context(ContextKind::PriorArg).unwrap_or_default()
        ),
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues => {
            format!("nombre de valeurs incorrect pour `{arg}`")
        }
        ErrorKind::NoEquals | ErrorKind::InvalidUtf8 => {
            format!("arguments invalides ({arg})")
        }
        _ => "arguments invalides".to_string(),
    };
    let suggestion = context(ContextKind::SuggestedSubcommand)
        .or_else(|| context(ContextKind::SuggestedArg))
        .or_else(|| context(ContextKind::SuggestedValue));
    if let Some(s) = suggestion {
        message.push_str(&format!(" ; vouliez-vous dire `{s}` ?"));
    }
    let usage = context(ContextKind::Usage)
        .map(|u| u.replacen("Usage: ", "", 1))
        .unwrap_or_else(|| "socle COMMANDE".to_string());
    format!(
        "erreur : {message}\n\nUtilisation : {usage}\n\nPour plus d'informations : socle --help\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_only_on_a_terminal_without_no_color() {
        assert!(use_colour(true, None));
        assert!(!use_colour(false, None));
        assert!(!use_colour(true, Some("1".into())));
        // An empty NO_COLOR does not count (no-color.org).
        assert!(use_colour(true, Some("".into())));
    }
}
