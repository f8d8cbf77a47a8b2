//! Validity periods of parameters and barèmes: sorted, `until` filled, overlaps rejected
//! (E0401), no version at all rejected (E0407), a hole between two versions reported (W0408).

use socle_grammar::ast::{Ident, Validity};
use socle_grammar::Span;

use super::messages;
use super::Ctx;
use crate::codes;
use crate::diagnostic::{Diagnostic, FileId};
use crate::typed::Version;

fn date_text(d: chrono::NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// Checks the versions' periods and builds each version's value with `value` (by index in
/// the declaration). Versions whose value is invalid are left out (already reported).
pub(crate) fn versions<T>(
    ctx: &mut Ctx<'_>,
    file: FileId,
    name: &Ident,
    validities: Vec<(&Validity, Span)>,
    mut value: impl FnMut(&mut Ctx<'_>, usize) -> Option<T>,
) -> Vec<Version<T>> {
    if validities.is_empty() {
        // Every decision reading it would fail: refused here rather than at the first dossier.
        ctx.push(Diagnostic::error(
            codes::NO_VERSION,
            file,
            name.span,
            format!(
                "`{}` n'a aucune version : ajoutez au moins une ligne `à partir du AAAA-MM-JJ : …`",
                name.name
            ),
        ));
    }
    let mut order: Vec<usize> = (0..validities.len()).collect();
    order.sort_by_key(|i| validities.get(*i).map(|(v, _)| v.from));
    for (i, (v, _)) in validities.iter().enumerate() {
        if let Some((until, span)) = v.until {
            if until < v.from {
                ctx.push(Diagnostic::error(
                    codes::VALIDITY_OVERLAP,
                    file,
                    span,
                    messages::version_ends_before_start(
                        &i + 1,
                        &name.name,
                        date_text(until),
                        date_text(v.from),
                    ),
                ));
            }
        }
    }
    for pair in order.windows(2) {
        let [a, b] = pair else { continue };
        let (Some((va, sa)), Some((vb, _))) = (validities.get(*a), validities.get(*b)) else {
            continue;
        };
        let overlap = match va.until {
            Some((until, _)) => until >= vb.from,
            None => va.from == vb.from,
        };
        let gap = va
            .until
            .and_then(|(until, _)| until.succ_opt())
            .filter(|next| *next < vb.from);
        if let Some(first_day) = gap {
            let last_day = vb.from.pred_opt().unwrap_or(vb.from);
            let d = Diagnostic::warning(
                codes::VERSION_GAP,
                file,
                vb.from_span,
                format!(
                    "`{}` n'a aucune version du {} au {} : une décision à ces dates échouerait",
                    name.name,
                    date_text(first_day),
                    date_text(last_day)
                ),
            )
            .with_label(file, *sa, "la version précédente se termine avant");
            ctx.push(d);
        }
        if overlap {
            let mut d = Diagnostic::error(
                codes::VALIDITY_OVERLAP,
                file,
                vb.from_span,
                messages::versions_overlap(&name.name, date_text(vb.from)),
            )
            .with_primary_message(messages::VERSION_STARTS_HERE)
            .with_label(file, *sa, messages::VERSION_STILL_VALID)
            .with_note(messages::VERSION_PERIOD_RULE);
            // The mechanical fix: the earlier version ends the day before the next starts.
            if let (Some((_, until_span)), Some(end)) = (va.until, vb.from.pred_opt()) {
                d = d.with_fix(
                    until_span,
                    end.format("%Y-%m-%d").to_string(),
                    format!("Terminer la version précédente le {}", date_text(end)),
                );
            }
            ctx.push(d);
        }
    }
    let mut out = Vec::new();
    for (pos, i) in order.iter().enumerate() {
        let Some((v, span)) = validities.get(*i) else {
            continue;
        };
        let next_from = order
            .get(pos + 1)
            .and_then(|n| validities.get(*n))
            .map(|(n, _)| n.from);
        let until = match v.until {
            Some((u, _)) => Some(u),
            None => next_from.and_then(|d| d.pred_opt()),
        };
        if let Some(value) = value(ctx, *i) {
            out.push(Version {
                from: v.from,
                until,
                value,
                span: *span,
            });
        }
    }
    out
}
