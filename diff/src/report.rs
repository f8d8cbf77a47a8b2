//! The report of a diff and how it is accumulated dossier by dossier. Its serde form is the
//! JSON of `socle diff --format json` (French keys, money as strings with two decimals, like
//! the decisions). Amount changes are kept as a count per distinct change, so memory follows
//! the number of distinct changes, not the number of dossiers.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::amount::{self, AmountOutput};
use crate::cause::Cause;
use crate::compare::{Comparer, Outcome, Status};
use crate::Options;

/// How many invalid lines the report lists (all are counted).
const INVALID_LISTED: usize = 20;
/// Bars of an amount-change histogram.
const BINS: u32 = 10;

/// What a diff found.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    /// The version before, as named on the command line.
    pub avant: String,
    /// The version after.
    pub apres: String,
    /// The decision date imposed on every dossier (`--date`), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<NaiveDate>,
    /// Dossiers read (blank lines left out).
    pub dossiers: u64,
    /// Dossiers decided by both versions.
    pub compares: u64,
    /// Dossiers with at least one dispositif changed.
    pub modifies: u64,
    /// Lines that could not be compared.
    pub invalides: u64,
    /// The first of them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub lignes_invalides: Vec<InvalidLine>,
    /// One entry per dispositif of either version.
    pub dispositifs: Vec<DispositifReport>,
}

/// A line that could not be compared.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct InvalidLine {
    /// 1-based line number.
    pub ligne: u64,
    /// Why, in French.
    pub message: String,
}

/// What changed for one dispositif.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DispositifReport {
    /// The identifier (`apa_domicile`).
    pub id: String,
    /// Its title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub titre: Option<String>,
    /// Dossiers granted before, and after.
    pub eligibles_avant: u64,
    /// See `eligibles_avant`.
    pub eligibles_apres: u64,
    /// Dossiers that become eligible.
    pub devenus_eligibles: u64,
    /// Dossiers that become ineligible.
    pub devenus_non_eligibles: u64,
    /// Dossiers that become indéterminé.
    pub devenus_indetermines: u64,
    /// Dossiers whose right stays or becomes open but that are no longer paid (`verse: false`).
    pub devenus_non_verses: u64,
    /// Dossiers whose decision on this dispositif changed in any way.
    pub modifies: u64,
    /// The changes of its amount, if it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub montant: Option<AmountReport>,
    /// Causes, the most frequent first.
    pub causes: Vec<CauseCount>,
    /// The first changed dossiers (`--exemples`), by line: those whose status or amount
    /// changed first, completed with those where only another output changed.
    pub exemples: Vec<Change>,
}

/// The changes of a dispositif's amount, over the dossiers whose amount is known on both
/// sides (a refused dossier counts zero).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AmountReport {
    /// The output that is the amount (`montant`).
    pub valeur: String,
    /// Its unit (`€/mois`).
    pub unite: String,
    /// Dossiers whose amount changed.
    pub modifies: u64,
    /// Of them, how many rise.
    pub hausses: u64,
    /// And how many fall.
    pub baisses: u64,
    /// The smallest change (in `unite`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min: Option<String>,
    /// The median change.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mediane: Option<String>,
    /// The largest change.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max: Option<String>,
    /// The sum of the changes, in `unite`.
    pub total: String,
    /// The sum per month, when the unit converts (€/mois, €/an, €/jour).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_mensuel: Option<String>,
    /// The sum per year.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_annuel: Option<String>,
    /// The changes in equal-width bars, from `min` to `max`.
    pub histogramme: Vec<Bin>,
}

/// One bar of a histogram: the changes in `[de, a]` (the last bar includes `a`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Bin {
    /// Lower bound.
    pub de: String,
    /// Upper bound.
    pub a: String,
    /// Dossiers in it.
    pub dossiers: u64,
}

/// How many changed dossiers one cause explains.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CauseCount {
    /// The cause, as grouped ([`Cause::resume`]).
    pub cause: String,
    /// Its nature.
    pub nature: &'static str,
    /// How many dossiers.
    pub dossiers: u64,
}

/// One side of a changed dossier.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Side {
    /// `eligible`, `non_verse`, `non_eligible`, `indetermine`, `erreur` or `absent`.
    pub statut: Status,
    /// The amount, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub montant: Option<String>,
}

/// One changed dossier on one dispositif.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Change {
    /// The dossier's line in the input (1-based).
    pub ligne: u64,
    /// Before.
    pub avant: Side,
    /// After.
    pub apres: Side,
    /// The change of amount, when known on both sides and different.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ecart: Option<String>,
    /// The outputs whose value changed (when eligible on both sides).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub valeurs_modifiees: Vec<String>,
    /// Why.
    pub cause: Cause,
}

#[derive(Default)]
struct Acc {
    eligible_before: u64,
    eligible_after: u64,
    became_eligible: u64,
    became_ineligible: u64,
    became_undetermined: u64,
    became_unpaid: u64,
    changed: u64,
    deltas: BTreeMap<Decimal, u64>,
    causes: HashMap<String, (u64, &'static str, u64)>,
    examples: Vec<Change>,
    /// Changed dossiers whose status and amount did not change (another output did): listed
    /// only when there are fewer than `--exemples` of the others.
    minor: Vec<Change>,
}

/// Accumulates outcomes into a [`Report`].
pub struct Builder {
    report: Report,
    ids: Vec<String>,
    titles: Vec<Option<String>>,
    amounts: Vec<Option<AmountOutput>>,
    accs: Vec<Acc>,
    examples: usize,
    /// Order of first appearance of causes, so ties sort the same on every run.
    cause_order: u64,
}

impl Builder {
    pub fn new(comparer: &Comparer, options: &Options) -> Builder {
        let title = |id: &str| {
            [comparer.after, comparer.before].iter().find_map(|e| {
                let d = e.program().dispositifs.iter().find(|d| d.name == id)?;
                d.title.clone()
            })
        };
        Builder {
            report: Report {
                avant: options.before_label.clone(),
                apres: options.after_label.clone(),
                date: options.date,
                dossiers: 0,
                compares: 0,
                modifies: 0,
                invalides: 0,
                lignes_invalides: Vec::new(),
                dispositifs: Vec::new(),
            },
            titles: comparer.ids.iter().map(|id| title(id)).collect(),
            accs: comparer.ids.iter().map(|_| Acc::default()).collect(),
            ids: comparer.ids.clone(),
            amounts: comparer.amounts.clone(),
            examples: options.examples,
            cause_order: 0,
        }
    }

    pub fn invalid(&mut self, line: u64, message: String) {
        self.report.dossiers += 1;
        self.report.invalides += 1;
        if self.report.lignes_invalides.len() < INVALID_LISTED {
            self.report.lignes_invalides.push(InvalidLine {
                ligne: line,
                message,
            });
        }
    }

    pub fn add(&mut self, line: u64, outcome: Outcome) {
        self.report.dossiers += 1;
        self.report.compares += 1;
        let mut any = false;
        for (acc, d) in self.accs.iter_mut().zip(outcome.dispositifs) {
            // The open right: paid or not.
            let open = |s: Status| matches!(s, Status::Eligible | Status::NonVerse);
            acc.eligible_before += u64::from(open(d.before));
            acc.eligible_after += u64::from(open(d.after));
            if !d.changed {
                continue;
            }
            any = true;
            acc.changed += 1;
            if d.before != d.after {
                match d.after {
                    Status::Eligible if d.before != Status::NonVerse => acc.became_eligible += 1,
                    Status::Eligible => {}
                    Status::NonVerse => acc.became_unpaid += 1,
                    Status::NonEligible => acc.became_ineligible += 1,
                    Status::Indetermine => acc.became_undetermined += 1,
                    Status::Erreur | Status::Absent => {}
                }
            }
            let delta = match (d.before_amount, d.after_amount) {
                (Some(b), Some(a)) if a != b => a.checked_sub(b),
                _ => None,
            };
            if let Some(delta) = delta {
                *acc.deltas.entry(delta.normalize()).or_insert(0) += 1;
            }
            let Some(cause) = d.cause else { continue };
            let order = self.cause_order;
            let entry = acc
                .causes
                .entry(cause.resume.clone())
                .or_insert((0, cause.nature, order));
            if entry.0 == 0 {
                self.cause_order += 1;
            }
            entry.0 += 1;
            let major = d.before != d.after || delta.is_some();
            let list = if major {
                &mut acc.examples
            } else {
                &mut acc.minor
            };
            if list.len() < self.examples {
                let side = |statut, montant: Option<Decimal>| Side {
                    statut,
                    montant: montant.map(amount::json),
                };
                list.push(Change {
                    ligne: line,
                    avant: side(d.before, d.before_amount),
                    apres: side(d.after, d.after_amount),
                    ecart: delta.map(amount::json),
                    valeurs_modifiees: d.outputs,
                    cause,
                });
            }
        }
        self.report.modifies += u64::from(any);
    }

    pub fn finish(mut self) -> Report {
        let parts = self.ids.into_iter().zip(self.titles).zip(self.amounts);
        for (((id, titre), output), acc) in parts.zip(self.accs) {
            let mut causes: Vec<(String, (u64, &'static str, u64))> =
                acc.causes.into_iter().collect();
            causes.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then(a.1 .2.cmp(&b.1 .2)));
            self.report.dispositifs.push(DispositifReport {
                id,
                titre,
                eligibles_avant: acc.eligible_before,
                eligibles_apres: acc.eligible_after,
                devenus_eligibles: acc.became_eligible,
                devenus_non_eligibles: acc.became_ineligible,
                devenus_indetermines: acc.became_undetermined,
                devenus_non_verses: acc.became_unpaid,
                modifies: acc.changed,
                montant: output.map(|o| amount_report(&o, &acc.deltas)),
                causes: causes
                    .into_iter()
                    .map(|(cause, (dossiers, nature, _))| CauseCount {
                        cause,
                        nature,
                        dossiers,
                    })
                    .collect(),
                exemples: examples(acc.examples, acc.minor, self.examples),
            });
        }
        self.report
    }
}

/// The changes of status or amount first, completed with the others, in line order.
fn examples(mut major: Vec<Change>, minor: Vec<Change>, limit: usize) -> Vec<Change> {
    let room = limit.saturating_sub(major.len());
    major.extend(minor.into_iter().take(room));
    major.sort_by_key(|c| c.ligne);
    major
}

/// The value at 0-based `rank` in the sorted multiset `deltas`.
fn nth(deltas: &BTreeMap<Decimal, u64>, rank: u64) -> Option<Decimal> {
    let mut seen = 0;
    for (value, count) in deltas {
        seen += count;
        if rank < seen {
            return Some(*value);
        }
    }
    None
}

fn amount_report(output: &AmountOutput, deltas: &BTreeMap<Decimal, u64>) -> AmountReport {
    let count: u64 = deltas.values().sum();
    let total = deltas
        .iter()
        .filter_map(|(d, n)| d.checked_mul(Decimal::from(*n)))
        .fold(Decimal::ZERO, |sum, x| sum.checked_add(x).unwrap_or(sum));
    let min = deltas.keys().next().copied();
    let max = deltas.keys().next_back().copied();
    let median = match count {
        0 => None,
        n if n % 2 == 1 => nth(deltas, n / 2),
        n => match (nth(deltas, n / 2 - 1), nth(deltas, n / 2)) {
            (Some(a), Some(b)) => a.checked_add(b).and_then(|s| s.checked_div(Decimal::TWO)),
            _ => None,
        },
    };
    let converted = amount::monthly_yearly(total, output.period);
    AmountReport {
        valeur: output.name.clone(),
        unite: amount::unit(output.period).to_owned(),
        modifies: count,
        hausses: deltas
            .range(Decimal::ZERO..)
            .filter(|(d, _)| !d.is_zero())
            .map(|(_, n)| n)
            .sum(),
        baisses: deltas.range(..Decimal::ZERO).map(|(_, n)| n).sum(),
        min: min.map(amount::json),
        mediane: median.map(amount::json),
        max: max.map(amount::json),
        total: amount::json(total),
        total_mensuel: converted.map(|(m, _)| amount::json(m)),
        total_annuel: converted.map(|(_, y)| amount::json(y)),
        histogramme: match (min, max) {
            (Some(min), Some(max)) => histogram(deltas, min, max),
            _ => Vec::new(),
        },
    }
}

fn histogram(deltas: &BTreeMap<Decimal, u64>, min: Decimal, max: Decimal) -> Vec<Bin> {
    let bins = if min == max { 1 } else { BINS };
    let width = max
        .checked_sub(min)
        .and_then(|span| span.checked_div(Decimal::from(bins)))
        .unwrap_or(Decimal::ZERO);
    let bound = |i: u32| {
        width
            .checked_mul(Decimal::from(i))
            .and_then(|w| min.checked_add(w))
            .unwrap_or(max)
    };
    let mut counts = vec![0u64; bins as usize];
    for (value, n) in deltas {
        let index = if width.is_zero() {
            0
        } else {
            value
                .checked_sub(min)
                .and_then(|x| x.checked_div(width))
                .and_then(|x| x.floor().to_u32())
                .unwrap_or(0)
                .min(bins - 1)
        };
        if let Some(c) = counts.get_mut(index as usize) {
            *c += n;
        }
    }
    counts
        .into_iter()
        .enumerate()
        .map(|(i, dossiers)| {
            let i = u32::try_from(i).unwrap_or(0);
            Bin {
                de: amount::json(bound(i)),
                a: amount::json(if i + 1 == bins { max } else { bound(i + 1) }),
                dossiers,
            }
        })
        .collect()
}
