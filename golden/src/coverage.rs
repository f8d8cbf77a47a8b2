//! Rule coverage of a ruleset's cases: conditions seen true and false, barème tranches
//! reached per version, exception branches taken, parameter versions read. Only what the
//! ruleset's dispositifs can reach is counted, so an imported ruleset's unused parameters
//! do not drown the report.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use chrono::NaiveDate;
use serde_json::{json, Value as Json};
use socle_runtime::ir::{Expr, Program, Ty};
use socle_runtime::Coverage;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CoverageReport {
    pub ruleset: String,
    pub decisions: u32,
    pub conditions: Vec<ConditionCoverage>,
    pub baremes: Vec<TableCoverage>,
    pub exceptions: Vec<ExceptionCoverage>,
    pub parametres: Vec<TableCoverage>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConditionCoverage {
    pub rule: String,
    pub vraie: u32,
    pub fausse: u32,
}

/// A barème (versions → tranches) or a parameter (versions, no tranches).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableCoverage {
    pub name: String,
    pub versions: Vec<VersionCoverage>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VersionCoverage {
    pub from: NaiveDate,
    pub until: Option<NaiveDate>,
    pub reads: u32,
    /// Barèmes only: `(tranche number, reads)`.
    pub tranches: Vec<(u32, u32)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExceptionCoverage {
    pub rule: String,
    /// Decisions where no exception applied.
    pub base: u32,
    /// `(label as written, decisions where it applied)`.
    pub branches: Vec<(String, u32)>,
}

/// Defs, parameters and barèmes the dispositifs of `p` can reach.
struct Reach {
    defs: BTreeSet<u32>,
    params: BTreeSet<u32>,
    baremes: BTreeSet<u32>,
}

fn reach(p: &Program) -> Reach {
    let defs: BTreeSet<u32> = p
        .dispositifs
        .iter()
        .flat_map(|d| d.trace_defs.iter().copied())
        .collect();
    let mut r = Reach {
        defs,
        params: BTreeSet::new(),
        baremes: BTreeSet::new(),
    };
    for def in r.defs.iter().filter_map(|id| p.defs.get(*id as usize)) {
        let mut stack: Vec<&Expr> = vec![&def.expr];
        for branch in &def.exceptions {
            stack.push(&branch.condition);
            stack.push(&branch.value);
        }
        while let Some(e) = stack.pop() {
            visit(e, &mut r.params, &mut r.baremes, &mut stack);
        }
    }
    r
}

fn visit<'e>(
    e: &'e Expr,
    params: &mut BTreeSet<u32>,
    baremes: &mut BTreeSet<u32>,
    stack: &mut Vec<&'e Expr>,
) {
    match e {
        Expr::Const(_)
        | Expr::Input(_)
        | Expr::Def(_)
        | Expr::Local(_)
        | Expr::DecisionDate
        | Expr::Eligible(_)
        | Expr::DispositifOutput { .. } => {}
        Expr::Let { value, body, .. } => stack.extend([&**value, &**body]),
        Expr::Param { param, at } => {
            params.insert(*param);
            stack.extend(at.as_deref());
        }
        Expr::TableGet { param, key, at } => {
            params.insert(*param);
            stack.push(key);
            stack.extend(at.as_deref());
        }
        Expr::Bareme {
            bareme,
            x,
            column,
            at,
            ..
        } => {
            baremes.insert(*bareme);
            stack.push(x);
            stack.extend(column.as_deref());
            stack.extend(at.as_deref());
        }
        Expr::Unary(_, a) | Expr::Round(a, _) => stack.push(a),
        Expr::Binary(_, a, b) | Expr::And(a, b) | Expr::Or(a, b) => stack.extend([&**a, &**b]),
        Expr::If(c, a, b) => stack.extend([&**c, &**a, &**b]),
        Expr::InRange { x, lo, hi } => stack.extend([&**x, &**lo, &**hi]),
        Expr::InSet { x, set } => {
            stack.push(x);
            stack.extend(set);
        }
        Expr::Contains { list, x } => stack.extend([&**list, &**x]),
        Expr::AsOf { expr, date } => stack.extend([&**expr, &**date]),
        Expr::ContainsAny { list, set } => {
            stack.push(list);
            stack.extend(set);
        }
        Expr::Call(_, args) | Expr::List(args) => stack.extend(args),
        Expr::Quantified { list, body, .. } => stack.extend([&**list, &**body]),
        Expr::Field { record, .. } => stack.push(record),
    }
}

/// The last day a version is in force: its `jusqu'au`, or the day before the next one.
fn until(versions: &[(NaiveDate, Option<NaiveDate>)], index: usize) -> Option<NaiveDate> {
    let (_, until) = versions.get(index)?;
    until.or_else(|| {
        versions
            .get(index + 1)
            .and_then(|(next, _)| next.pred_opt())
    })
}

impl CoverageReport {
    pub fn new(p: &Program, coverage: &Coverage) -> CoverageReport {
        let r = reach(p);
        let mut conditions = Vec::new();
        let mut exceptions = Vec::new();
        for id in &r.defs {
            let Some(def) = p.defs.get(*id as usize) else {
                continue;
            };
            if def.ty == Ty::Bool {
                let (vraie, fausse) = coverage.outcomes(*id);
                conditions.push(ConditionCoverage {
                    rule: def.name.clone(),
                    vraie,
                    fausse,
                });
            }
            if !def.exceptions.is_empty() {
                let hits = coverage.branches(*id);
                exceptions.push(ExceptionCoverage {
                    rule: def.name.clone(),
                    base: hits.first().copied().unwrap_or(0),
                    branches: def
                        .exceptions
                        .iter()
                        .enumerate()
                        .map(|(i, b)| (b.label.clone(), hits.get(i + 1).copied().unwrap_or(0)))
                        .collect(),
                });
            }
        }
        let baremes = r
            .baremes
            .iter()
            .filter_map(|id| Some((*id, p.baremes.get(*id as usize)?)))
            .map(|(id, b)| {
                let spans: Vec<_> = b.versions.iter().map(|v| (v.from, v.until)).collect();
                TableCoverage {
                    name: b.name.clone(),
                    versions: b
                        .versions
                        .iter()
                        .enumerate()
                        .map(|(vi, v)| {
                            let hits = coverage.bareme_rows(id, vi);
                            let tranches: Vec<(u32, u32)> = v
                                .rows
                                .iter()
                                .enumerate()
                                .map(|(ri, row)| (row.number, hits.get(ri).copied().unwrap_or(0)))
                                .collect();
                            VersionCoverage {
                                from: v.from,
                                until: until(&spans, vi),
                                reads: tranches.iter().map(|(_, n)| n).sum(),
                                tranches,
                            }
                        })
                        .collect(),
                }
            })
            .collect();
        let parametres = r
            .params
            .iter()
            .filter_map(|id| Some((*id, p.params.get(*id as usize)?)))
            .map(|(id, param)| {
                let spans: Vec<_> = param.versions.iter().map(|v| (v.from, v.until)).collect();
                let hits = coverage.param_versions(id);
                TableCoverage {
                    name: param.name.clone(),
                    versions: param
                        .versions
                        .iter()
                        .enumerate()
                        .map(|(vi, v)| VersionCoverage {
                            from: v.from,
                            until: until(&spans, vi),
                            reads: hits.get(vi).copied().unwrap_or(0),
                            tranches: Vec::new(),
                        })
                        .collect(),
                }
            })
            .collect();
        CoverageReport {
            ruleset: p.ruleset.clone(),
            decisions: coverage.decisions(),
            conditions,
            baremes,
            exceptions,
            parametres,
        }
    }

    /// `(covered, total)` for each of the four measures, in report order.
    pub fn totals(&self) -> [(usize, usize); 4] {
        let conditions = (
            self.conditions
                .iter()
                .filter(|c| c.vraie > 0 && c.fausse > 0)
                .count(),
            self.conditions.len(),
        );
        let tranches = self
            .baremes
            .iter()
            .flat_map(|b| &b.versions)
            .flat_map(|v| &v.tranches)
            .fold((0, 0), |(c, t), (_, n)| (c + usize::from(*n > 0), t + 1));
        let branches = self.exceptions.iter().fold((0, 0), |(c, t), e| {
            let taken = usize::from(e.base > 0) + e.branches.iter().filter(|(_, n)| *n > 0).count();
            (c + taken, t + 1 + e.branches.len())
        });
        let versions = self
            .parametres
            .iter()
            .chain(&self.baremes)
            .flat_map(|p| &p.versions)
            .fold((0, 0), |(c, t), v| (c + usize::from(v.reads > 0), t + 1));
        [conditions, tranches, branches, versions]
    }

    /// Everything covered over everything measured, in percent (100 when nothing is measured):
    /// what `socle test --coverage --seuil N` compares with N.
    pub fn percent(&self) -> f64 {
        let (covered, total) = self
            .totals()
            .iter()
            .fold((0, 0), |(c, t), (covered, total)| (c + covered, t + total));
        if total == 0 {
            100.0
        } else {
            covered as f64 * 100.0 / total as f64
        }
    }

    /// The coverage as an lcov tracefile, for CI coverage viewers. `locate` gives the file and
    /// 1-based line of a rule, parameter or barème by its name. Each condition, exception rule,
    /// parameter and barème is a line (`DA`, hit count = decisions that used it); a condition's
    /// true and false outcomes, an exception's branches and a barème's tranches are `BRDA`
    /// branches. Names `locate` does not know are left out.
    pub fn to_lcov(&self, locate: &dyn Fn(&str) -> Option<(String, usize)>) -> String {
        use std::collections::BTreeMap;
        #[derive(Default)]
        struct FileData {
            lines: BTreeMap<usize, u32>,
            /// `(line, block, branch, taken)`.
            branches: Vec<(usize, usize, usize, u32)>,
        }
        let mut files: BTreeMap<String, FileData> = BTreeMap::new();
        let mut add = |name: &str, hits: u32, branches: &[u32]| {
            let Some((file, line)) = locate(name) else {
                return;
            };
            let data = files.entry(file).or_default();
            let entry = data.lines.entry(line).or_insert(0);
            *entry = entry.saturating_add(hits);
            let block = data.branches.iter().filter(|b| b.0 == line).count();
            for (i, taken) in branches.iter().enumerate() {
                data.branches.push((line, block, i, *taken));
            }
        };
        for c in &self.conditions {
            add(
                &c.rule,
                c.vraie.saturating_add(c.fausse),
                &[c.vraie, c.fausse],
            );
        }
        for e in &self.exceptions {
            let mut taken = vec![e.base];
            taken.extend(e.branches.iter().map(|(_, n)| *n));
            add(&e.rule, taken.iter().sum(), &taken);
        }
        for p in &self.parametres {
            let taken: Vec<u32> = p.versions.iter().map(|v| v.reads).collect();
            add(&p.name, taken.iter().sum(), &taken);
        }
        for b in &self.baremes {
            let taken: Vec<u32> = b
                .versions
                .iter()
                .flat_map(|v| v.tranches.iter().map(|(_, n)| *n))
                .collect();
            add(&b.name, taken.iter().sum(), &taken);
        }
        let mut out = String::new();
        for (file, data) in &files {
            let _ = writeln!(out, "TN:{}", self.ruleset);
            let _ = writeln!(out, "SF:{file}");
            for (line, block, branch, taken) in &data.branches {
                let _ = writeln!(out, "BRDA:{line},{block},{branch},{taken}");
            }
            let _ = writeln!(out, "BRF:{}", data.branches.len());
            let _ = writeln!(
                out,
                "BRH:{}",
                data.branches.iter().filter(|b| b.3 > 0).count()
            );
            for (line, hits) in &data.lines {
                let _ = writeln!(out, "DA:{line},{hits}");
            }
            let _ = writeln!(out, "LF:{}", data.lines.len());
            let _ = writeln!(
                out,
                "LH:{}",
                data.lines.values().filter(|h| **h > 0).count()
            );
            out.push_str("end_of_record\n");
        }
        out
    }

    /// The report a policy team reads: totals, then every gap, one per line.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let [conditions, tranches, branches, versions] = self.totals();
        let _ = writeln!(
            out,
            "couverture de {} ({} décision{})",
            self.ruleset,
            self.decisions,
            if self.decisions > 1 { "s" } else { "" }
        );
        let _ = writeln!(
            out,
            "  conditions vues vraies et fausses : {}/{}",
            conditions.0, conditions.1
        );
        for c in &self.conditions {
            let gap = match (c.vraie > 0, c.fausse > 0) {
                (true, true) => continue,
                (true, false) => "jamais fausse",
                (false, true) => "jamais vraie",
                (false, false) => "jamais évaluée",
            };
            let _ = writeln!(out, "    condition {} : {gap}", c.rule);
        }
        let _ = writeln!(
            out,
            "  tranches de barèmes atteintes : {}/{}",
            tranches.0, tranches.1
        );
        for b in &self.baremes {
            // An unused version is reported once, below, rather than tranche by tranche.
            for v in b.versions.iter().filter(|v| v.reads > 0) {
                for (number, n) in &v.tranches {
                    if *n == 0 {
                        let _ = writeln!(
                            out,
                            "    barème {}, version du {} : tranche {number} jamais atteinte",
                            b.name, v.from
                        );
                    }
                }
            }
        }
        let _ = writeln!(
            out,
            "  branches d'exceptions prises : {}/{}",
            branches.0, branches.1
        );
        for e in &self.exceptions {
            if e.base == 0 {
                let _ = writeln!(out, "    {} : valeur de base jamais retenue", e.rule);
            }
            for (label, n) in &e.branches {
                if *n == 0 {
                    let _ = writeln!(
                        out,
                        "    {} : exception « sauf si {label} » jamais appliquée",
                        e.rule
                    );
                }
            }
        }
        let _ = writeln!(
            out,
            "  versions de paramètres et de barèmes utilisées : {}/{}",
            versions.0, versions.1
        );
        for (kind, list) in [("paramètre", &self.parametres), ("barème", &self.baremes)] {
            for p in list {
                for v in &p.versions {
                    if v.reads == 0 {
                        let period = match v.until {
                            Some(until) => format!("du {} au {until}", v.from),
                            None => format!("du {}", v.from),
                        };
                        let _ = writeln!(
                            out,
                            "    {kind} {}, version {period} : aucun cas ne l'utilise",
                            p.name
                        );
                    }
                }
            }
        }
        out
    }

    pub fn to_json(&self) -> Json {
        let [conditions, tranches, branches, versions] = self.totals();
        let total =
            |(covered, total): (usize, usize)| json!({ "couverts": covered, "total": total });
        let version_json = |v: &VersionCoverage| {
            let mut o = json!({
                "a_partir_du": v.from.to_string(),
                "jusqu_au": v.until.map(|d| d.to_string()),
                "lectures": v.reads,
            });
            if !v.tranches.is_empty() {
                let tranches: Json = v
                    .tranches
                    .iter()
                    .map(|(number, n)| json!({ "tranche": number, "lectures": n }))
                    .collect();
                if let Some(object) = o.as_object_mut() {
                    object.insert("tranches".into(), tranches);
                }
            }
            o
        };
        let tables = |list: &[TableCoverage]| -> Json {
            list.iter()
                .map(|t| {
                    json!({
                        "nom": t.name,
                        "versions": t.versions.iter().map(version_json).collect::<Vec<_>>(),
                    })
                })
                .collect()
        };
        json!({
            "jeu_de_regles": self.ruleset,
            "decisions": self.decisions,
            "totaux": {
                "conditions": total(conditions),
                "tranches": total(tranches),
                "branches_exceptions": total(branches),
                "versions": total(versions),
            },
            "conditions": self.conditions.iter().map(|c| json!({
                "regle": c.rule, "vraie": c.vraie, "fausse": c.fausse,
            })).collect::<Vec<_>>(),
            "baremes": tables(&self.baremes),
            "exceptions": self.exceptions.iter().map(|e| json!({
                "regle": e.rule,
                "base": e.base,
                "branches": e.branches.iter().map(|(label, n)| json!({
                    "sauf_si": label, "appliquee": n,
                })).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "parametres": tables(&self.parametres),
        })
    }
}
