//! Building small programs by hand: what the compiler would emit, written tersely.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use std::str::FromStr;
use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use socle_runtime::ir::*;
use socle_runtime::{Engine, Value};

/// `(from, until, entries)` of one table version.
pub type TableVersion<'a> = (&'a str, Option<&'a str>, Vec<(Value, Value)>);

pub struct Builder {
    pub p: Program,
}

pub fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

pub fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

impl Builder {
    pub fn new(ruleset: &str) -> Self {
        Builder {
            p: Program {
                ruleset: ruleset.to_owned(),
                inputs: Vec::new(),
                input_paths: Vec::new(),
                input_docs: Vec::new(),
                decision_date_input: None,
                enums: Vec::new(),
                params: Vec::new(),
                baremes: Vec::new(),
                defs: Vec::new(),
                locals: 0,
                dispositifs: Vec::new(),
                cumuls: Vec::new(),
            },
        }
    }

    pub fn enumeration(&mut self, name: &str, variants: &[&str]) -> EnumId {
        self.p.enums.push(EnumDef {
            name: name.to_owned(),
            variants: variants.iter().map(|v| (*v).to_owned()).collect(),
        });
        (self.p.enums.len() - 1) as EnumId
    }

    /// A dossier leaf at a dotted path; `optional` applies to the leaf. Records are created
    /// required; see `optional_record`.
    pub fn input(&mut self, path: &str, ty: Ty, optional: bool) -> Expr {
        let slot = self.p.input_paths.len() as InputSlot;
        self.p.input_paths.push(path.to_owned());
        let segments: Vec<&str> = path.split('.').collect();
        let mut fields = &mut self.p.inputs;
        for segment in &segments[..segments.len() - 1] {
            let pos = match fields.iter().position(|f| f.name == *segment) {
                Some(pos) => pos,
                None => {
                    fields.push(InputField {
                        name: (*segment).to_owned(),
                        optional: false,
                        kind: InputKind::Record(Vec::new()),
                    });
                    fields.len() - 1
                }
            };
            fields = match &mut fields[pos].kind {
                InputKind::Record(sub) => sub,
                InputKind::Leaf { .. } => panic!("{segment} is a leaf"),
            };
        }
        fields.push(InputField {
            name: segments[segments.len() - 1].to_owned(),
            optional,
            kind: InputKind::Leaf {
                slot,
                ty,
                bounds: None,
            },
        });
        Expr::Input(slot)
    }

    pub fn optional_record(&mut self, name: &str) {
        let field = self.p.inputs.iter_mut().find(|f| f.name == name).unwrap();
        field.optional = true;
    }

    pub fn decision_date(&mut self, path: &str) -> Expr {
        let e = self.input(path, Ty::Date, true);
        if let Expr::Input(slot) = e {
            self.p.decision_date_input = Some(slot);
        }
        e
    }

    pub fn param(
        &mut self,
        name: &str,
        ty: Ty,
        versions: &[(&str, Option<&str>, Value)],
    ) -> ParamId {
        self.p.params.push(Param {
            name: name.to_owned(),
            ty,
            key_ty: None,
            versions: versions
                .iter()
                .map(|(from, until, v)| ParamVersion {
                    from: date(from),
                    until: until.map(date),
                    value: ParamValue::Scalar(v.clone()),
                })
                .collect(),
        });
        (self.p.params.len() - 1) as ParamId
    }

    pub fn table(&mut self, name: &str, key_ty: Ty, ty: Ty, versions: &[TableVersion]) -> ParamId {
        self.p.params.push(Param {
            name: name.to_owned(),
            ty,
            key_ty: Some(key_ty),
            versions: versions
                .iter()
                .map(|(from, until, entries)| ParamVersion {
                    from: date(from),
                    until: until.map(date),
                    value: ParamValue::Table(entries.clone()),
                })
                .collect(),
        });
        (self.p.params.len() - 1) as ParamId
    }

    pub fn bareme(
        &mut self,
        name: &str,
        input_ty: Ty,
        output_ty: Ty,
        columns: Option<EnumId>,
        versions: Vec<(&str, Vec<BaremeRow>)>,
    ) -> BaremeId {
        self.p.baremes.push(Bareme {
            name: name.to_owned(),
            input_ty,
            output_ty,
            columns,
            versions: versions
                .into_iter()
                .map(|(from, rows)| BaremeVersion {
                    from: date(from),
                    until: None,
                    rows,
                })
                .collect(),
        });
        (self.p.baremes.len() - 1) as BaremeId
    }

    pub fn def(&mut self, name: &str, ty: Ty, expr: Expr) -> DefId {
        self.def_with(name, ty, expr, Vec::new())
    }

    pub fn def_with(
        &mut self,
        name: &str,
        ty: Ty,
        expr: Expr,
        exceptions: Vec<ExceptionBranch>,
    ) -> DefId {
        self.p.defs.push(Def {
            name: name.to_owned(),
            ty,
            expr,
            exceptions,
        });
        (self.p.defs.len() - 1) as DefId
    }

    pub fn local(&mut self) -> LocalSlot {
        self.p.locals += 1;
        self.p.locals - 1
    }

    pub fn dispositif(
        &mut self,
        name: &str,
        title: Option<&str>,
        conditions: Vec<(&str, DefId, Message)>,
        outputs: Vec<(&str, DefId)>,
        trace_defs: Vec<DefId>,
    ) -> DispositifId {
        let outputs = outputs
            .into_iter()
            .map(|(n, def)| Output {
                name: n.to_owned(),
                def,
                ty: self.p.defs[def as usize].ty.clone(),
                paid: false,
            })
            .collect();
        self.p.dispositifs.push(Dispositif {
            name: name.to_owned(),
            title: title.map(str::to_owned),
            conditions: conditions
                .into_iter()
                .map(|(id, def, message)| Condition {
                    id: id.to_owned(),
                    def,
                    message,
                    payment: false,
                })
                .collect(),
            outputs,
            trace_defs,
        });
        (self.p.dispositifs.len() - 1) as DispositifId
    }

    pub fn cumul(&mut self, winner: DispositifId, excluded: DispositifId) {
        self.p.cumuls.push(Cumul {
            winner,
            excluded,
            when_paid: false,
        });
    }

    pub fn engine(self) -> Engine {
        Engine::new(self.p).unwrap()
    }
}

pub fn money() -> Ty {
    Ty::Money(None)
}

pub fn monthly() -> Ty {
    Ty::Money(Some(Period::Mois))
}

pub fn months() -> Ty {
    Ty::Duration(DurationFamily::Months)
}

pub fn int(i: i64) -> Expr {
    Expr::Const(Value::Int(i))
}

pub fn num(s: &str) -> Expr {
    Expr::Const(Value::Dec(dec(s)))
}

pub fn boolean(b: bool) -> Expr {
    Expr::Const(Value::Bool(b))
}

pub fn text(s: &str) -> Expr {
    Expr::Const(Value::Text(Arc::from(s)))
}

pub fn years(n: i64) -> Expr {
    Expr::Const(Value::Duration(n * 12, DurationFamily::Months))
}

pub fn variant(ty: EnumId, variant: u32) -> Expr {
    Expr::Const(Value::Enum { ty, variant })
}

pub fn bin(op: BinOp, a: Expr, b: Expr) -> Expr {
    Expr::Binary(op, Box::new(a), Box::new(b))
}

pub fn call(b: Builtin, args: Vec<Expr>) -> Expr {
    Expr::Call(b, args)
}

pub fn def(id: DefId) -> Expr {
    Expr::Def(id)
}

pub fn param(id: ParamId) -> Expr {
    Expr::Param {
        param: id,
        at: None,
    }
}

pub fn param_at(id: ParamId, at: Expr) -> Expr {
    Expr::Param {
        param: id,
        at: Some(Box::new(at)),
    }
}

pub fn table_get(id: ParamId, key: Expr) -> Expr {
    Expr::TableGet {
        param: id,
        key: Box::new(key),
        at: None,
    }
}

pub fn round(e: Expr, mode: RoundMode) -> Expr {
    Expr::Round(Box::new(e), mode)
}

pub fn exception(label: &str, condition: Expr, value: Expr) -> ExceptionBranch {
    ExceptionBranch {
        parent: None,
        label: label.to_owned(),
        condition,
        value,
    }
}

pub fn row(number: u32, intervals: Vec<Interval>, value: Value) -> BaremeRow {
    BaremeRow {
        number,
        intervals,
        value,
    }
}

/// `[lower ; upper[` style intervals: `iv("0", true, Some(("755", false)))`.
pub fn iv(lower: &str, lower_inclusive: bool, upper: Option<(&str, bool)>) -> Interval {
    Interval {
        lower: dec(lower),
        lower_inclusive,
        upper: upper.map(|(u, inc)| (dec(u), inc)),
    }
}

pub fn msg(parts: Vec<MessagePart>) -> Message {
    Message { parts }
}

pub fn t(s: &str) -> MessagePart {
    MessagePart::Text(s.to_owned())
}

pub fn no_message() -> Message {
    Message { parts: Vec::new() }
}
