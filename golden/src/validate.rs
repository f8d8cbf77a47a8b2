//! Checks of case files against the compiled ruleset: dispositifs, output names and types,
//! motif ids, dossiers, unique ids (E0803…E0809). `socle check` and `socle test` both run them.

use socle_compiler::{codes, Diagnostic, FileId};
use socle_runtime::ir::{Dispositif, Program};
use socle_runtime::{DecodeOptions, Engine};

use crate::case::{Case, CaseFile, DispositifExpectation};
use crate::expect::type_expected;

/// Every diagnostic of these case files for this engine's ruleset.
pub fn validate(engine: &Engine, files: &[CaseFile]) -> Vec<Diagnostic> {
    case_diagnostics(engine, files)
        .into_iter()
        .flatten()
        .collect()
}

/// The diagnostics of each case, in file then case order (one list per case).
pub fn case_diagnostics(engine: &Engine, files: &[CaseFile]) -> Vec<Vec<Diagnostic>> {
    let mut out = Vec::new();
    let mut seen: Vec<&Case> = Vec::new();
    for case in files.iter().flat_map(|f| &f.cases) {
        let mut diagnostics = Vec::new();
        if let Some(first) = seen.iter().find(|c| c.id == case.id) {
            diagnostics.push(
                Diagnostic::error(
                    codes::CASE_DUPLICATE_ID,
                    case.file,
                    case.id_span,
                    format!("deux cas s'appellent « {} » dans ce jeu de règles", case.id),
                )
                .with_label(first.file, first.id_span, "premier cas de ce nom")
                .with_note("l'identifiant nomme l'instantané du cas : il doit être unique"),
            );
        } else {
            seen.push(case);
        }
        diagnostics.extend(validate_case(engine, case));
        out.push(diagnostics);
    }
    out
}

fn validate_case(engine: &Engine, case: &Case) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let program = engine.program();
    let sets = std::iter::once(&case.attendu).chain(case.par_date.iter().map(|p| &p.attendu));
    for expectation in sets.flatten() {
        check_expectation(program, case.file, expectation, &mut out);
    }
    // Every error of the dossier, each at its position in the case file.
    if let Err(errors) = engine.read_json(&case.dossier, &DecodeOptions::default()) {
        for e in &errors.errors {
            out.push(
                Diagnostic::error(
                    codes::CASE_DOSSIER,
                    case.file,
                    case.dossier_span_of(e.path()),
                    format!("dossier du cas « {} » invalide : {e}", case.id),
                )
                .with_primary_message("ici"),
            );
        }
    }
    out
}

fn check_expectation(
    program: &Program,
    file: FileId,
    expectation: &DispositifExpectation,
    out: &mut Vec<Diagnostic>,
) {
    let found = program
        .dispositifs
        .iter()
        .enumerate()
        .find(|(_, d)| d.name == expectation.dispositif);
    let Some((index, dispositif)) = found else {
        let known: Vec<&str> = program
            .dispositifs
            .iter()
            .map(|d| d.name.as_str())
            .collect();
        out.push(
            Diagnostic::error(
                codes::CASE_UNKNOWN_DISPOSITIF,
                file,
                expectation.span,
                format!(
                    "le jeu de règles {} n'a pas de dispositif `{}`",
                    program.ruleset, expectation.dispositif
                ),
            )
            .with_primary_message("dispositif inconnu")
            .with_note(format!("dispositifs : {}", known.join(", "))),
        );
        return;
    };
    if expectation.eligible == Some(Some(false)) && !expectation.valeurs.is_empty() {
        let first = expectation
            .valeurs
            .first()
            .map_or(expectation.span, |v| v.name.span);
        out.push(
            Diagnostic::error(
                codes::CASE_MALFORMED,
                file,
                first,
                format!(
                    "`{}` est attendu non éligible, mais des valeurs sont attendues : une décision non éligible n'a pas de valeurs",
                    dispositif.name
                ),
            ),
        );
    }
    if expectation.verse.is_some() && !dispositif.conditions.iter().any(|c| c.payment) {
        out.push(
            Diagnostic::error(
                codes::CASE_MALFORMED,
                file,
                expectation.span,
                format!(
                    "`verse` est attendu pour `{}`, qui n'a aucune condition de versement : il est versé dès qu'il est éligible",
                    dispositif.name
                ),
            )
            .with_note("vérifiez plutôt `eligible`, ou écrivez la `condition de versement` du texte"),
        );
    }
    for value in &expectation.valeurs {
        let Some(output) = dispositif
            .outputs
            .iter()
            .find(|o| o.name == value.name.name)
        else {
            let known: Vec<&str> = dispositif.outputs.iter().map(|o| o.name.as_str()).collect();
            out.push(
                Diagnostic::error(
                    codes::CASE_UNKNOWN_OUTPUT,
                    file,
                    value.name.span,
                    format!(
                        "le dispositif `{}` n'a pas de valeur `{}`",
                        dispositif.name, value.name.name
                    ),
                )
                .with_primary_message("valeur inconnue")
                .with_note(format!("valeurs du dispositif : {}", known.join(", "))),
            );
            continue;
        };
        if let Err(reason) = type_expected(&value.literal, &output.ty, &program.enums) {
            out.push(
                Diagnostic::error(
                    codes::CASE_VALUE_TYPE,
                    file,
                    value.span,
                    format!(
                        "valeur attendue de `{}.{}` mal typée : {reason}",
                        dispositif.name, value.name.name
                    ),
                )
                .with_primary_message("mauvais type"),
            );
        }
    }
    let motif_ids = motif_ids(program, index, dispositif);
    for motif in expectation.motifs_non_satisfaits.iter().flatten() {
        if !motif_ids.contains(&motif.name) {
            out.push(
                Diagnostic::error(
                    codes::CASE_UNKNOWN_MOTIF,
                    file,
                    motif.span,
                    format!(
                        "le dispositif `{}` n'a pas de condition `{}`",
                        dispositif.name, motif.name
                    ),
                )
                .with_primary_message("motif inconnu")
                .with_note(format!("motifs possibles : {}", motif_ids.join(", "))),
            );
        }
    }
    for manquant in expectation.manquants.iter().flatten() {
        if !program.input_paths.contains(&manquant.name) {
            out.push(
                Diagnostic::error(
                    codes::CASE_MALFORMED,
                    file,
                    manquant.span,
                    format!(
                        "`manquants` : le jeu de règles {} ne lit aucun champ `{}` du dossier",
                        program.ruleset, manquant.name
                    ),
                )
                .with_primary_message("champ inconnu")
                .with_note("un élément de `manquants` est un chemin du dossier, par exemple \"demandeur.gir\""),
            );
        }
    }
}

/// The ids a motif of this dispositif can have: its conditions, and `cumul_<winner>` for
/// each cumul rule that can exclude it.
fn motif_ids(program: &Program, index: usize, dispositif: &Dispositif) -> Vec<String> {
    let conditions = dispositif.conditions.iter().map(|c| c.id.clone());
    let cumuls = program
        .cumuls
        .iter()
        .filter(|c| c.excluded as usize == index)
        .filter_map(|c| program.dispositifs.get(c.winner as usize))
        .map(|w| format!("cumul_{}", w.name));
    conditions.chain(cumuls).collect()
}
