//! The semantic queries: typing a ruleset then running every check on the typed tree, the
//! diagnostics of a ruleset, its compiled program.

use socle_runtime::ir::Program;

use crate::db::{Db, Ruleset};
use crate::diagnostic::{Diagnostic, FileId};
use crate::syntax::{import_check, import_closure, parse_file};
use crate::typed::TypedRuleset;
use crate::{check_cumuls, check_cycles, check_payment, check_unused, lower, typeck};

/// The checks that read a typed ruleset, in the order their diagnostics are added.
const CHECKS: &[fn(&TypedRuleset) -> Vec<Diagnostic>] = &[
    check_cumuls::check,
    check_cycles::check,
    check_payment::check,
    check_unused::check,
];

#[salsa::tracked(returns(ref))]
pub fn checked_ruleset(db: &dyn Db, r: Ruleset) -> TypedRuleset {
    let deps: Vec<&TypedRuleset> = import_closure(db, r)
        .iter()
        .map(|&dep| checked_ruleset(db, dep))
        .collect();
    let mut typed = typeck::check_ruleset(db, r, &deps);
    for check in CHECKS {
        let found = check(&typed);
        typed.diagnostics.extend(found);
    }
    typed
}

/// Every diagnostic of a ruleset's own files, sorted by file then position.
#[salsa::tracked(returns(ref))]
pub fn ruleset_diagnostics(db: &dyn Db, r: Ruleset) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for &file in r.files(db) {
        out.extend(parse_file(db, file).diagnostics.iter().cloned());
    }
    out.extend(import_check(db, r).diagnostics.iter().cloned());
    out.extend(checked_ruleset(db, r).diagnostics.iter().cloned());
    sort_diagnostics(db, r, &mut out);
    out
}

pub fn sort_diagnostics(db: &dyn Db, r: Ruleset, diags: &mut [Diagnostic]) {
    let files = r.files(db);
    let order = |f: FileId| files.iter().position(|x| *x == f.0).unwrap_or(usize::MAX);
    diags.sort_by_key(|d| {
        (
            order(d.primary.file),
            d.primary.span.start,
            d.primary.span.end,
        )
    });
}

#[salsa::tracked(returns(ref))]
pub fn compiled(db: &dyn Db, r: Ruleset) -> (Option<Program>, Vec<Diagnostic>) {
    let mut diags = ruleset_diagnostics(db, r).clone();
    let mut failed = diags.iter().any(Diagnostic::is_error);
    let mut deps = Vec::new();
    for &dep in import_closure(db, r) {
        deps.push(checked_ruleset(db, dep));
        let dep_diags = ruleset_diagnostics(db, dep);
        if dep_diags.iter().any(Diagnostic::is_error) {
            failed = true;
            diags.extend(dep_diags.iter().filter(|d| d.is_error()).cloned());
        }
    }
    if failed {
        return (None, diags);
    }
    match lower::lower(db, r, checked_ruleset(db, r), &deps) {
        Ok(program) => (Some(program), diags),
        Err(errors) => {
            diags.extend(errors);
            (None, diags)
        }
    }
}

/// What `check` reports: the ruleset's own diagnostics, plus what lowering finds once the
/// ruleset and its imports have no error, so that a ruleset `check` accepts can be used by
/// `decide` and `schema` (which lower it).
#[salsa::tracked(returns(ref))]
pub fn checked_diagnostics(db: &dyn Db, r: Ruleset) -> Vec<Diagnostic> {
    let own = ruleset_diagnostics(db, r);
    let mut out = own.clone();
    if own.iter().any(Diagnostic::is_error) {
        return out;
    }
    let deps_fail = import_closure(db, r).iter().any(|&dep| {
        ruleset_diagnostics(db, dep)
            .iter()
            .any(Diagnostic::is_error)
    });
    if deps_fail {
        // Reported when the import itself is checked.
        return out;
    }
    let (program, all) = compiled(db, r);
    if program.is_none() {
        out.extend(all.iter().skip(own.len()).cloned());
    }
    out
}
