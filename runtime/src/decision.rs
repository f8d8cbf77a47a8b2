//! The result of deciding one dossier, and its JSON form (CONTRACT.md, « Decision »).

mod json;
mod keys;
pub(crate) mod reuse;

use std::fmt;
use std::sync::Arc;

use chrono::NaiveDate;
use serde_json::Value as Json;

use crate::error::EvalError;
use crate::ir::{EnumDef, Expr, InputSlot, Message, MessagePart, Outcomes, Program, Ty};
use crate::json_text::is_plain;
use crate::published;
use crate::render::{render_human, value_to_json, write_human, HumanWrite};
use crate::trace::TraceEntry;
use crate::value::Value;

/// The engine's result for one dossier: compact values, published on demand ([`Decision::published`], [`Decision::to_json`]).
#[derive(Clone, Debug)]
pub struct Decision {
    /// The ruleset that decided (`val-doise`).
    pub ruleset: Arc<str>,
    /// The decision date every parameter version was selected at.
    pub date: NaiveDate,
    /// One per dispositif, in program order.
    pub dispositifs: Vec<DispositifDecision>,
    /// How many rules were computed (each at most once): a measure of the work done.
    pub rules_computed: u32,
    /// Needed to render enumeration values by name.
    program: Arc<Program>,
    /// Outputs set aside while their dispositif is not eligible (`decide_into`).
    spare: reuse::Spare,
    /// The JSON of the names written last time (`write_json_reusing`).
    keys: keys::JsonKeys,
}

/// The decision on one dispositif.
#[derive(Clone, Debug, PartialEq)]
pub struct DispositifDecision {
    /// The dispositif identifier (`apa_domicile`).
    pub id: Arc<str>,
    /// Its title as declared, if any.
    pub title: Option<Arc<str>>,
    /// `Some(true)` granted, `Some(false)` refused, `None` undetermined: the dossier lacks facts
    /// (`manquants`) that could change the outcome.
    pub eligible: Option<bool>,
    /// Whether the aid is paid, for a dispositif with payment conditions (`versement`).
    pub payment: Payment,
    /// Named outputs, in order; empty when not eligible. An undetermined dispositif shows the
    /// values computable from the facts given; the others are absent. When a payment
    /// condition fails, the paid outputs (`valeur versée`) are zero and the others shown.
    pub values: Vec<OutputValue>,
    /// Every condition that decided eligibility, in order, then the cumul exclusion if any.
    pub motifs: Vec<Motif>,
    /// The missing dossier fields (input slots, sorted) whose values could change this
    /// decision: its eligibility when undetermined, or a value of an eligible dispositif.
    /// Empty when the dispositif is fully decided.
    pub missing: Vec<InputSlot>,
    /// Present when the decision was made with `explain`.
    pub trace: Option<Vec<TraceEntry>>,
    /// Why this dispositif could not be decided (e.g. no parameter version at the decision
    /// date). It is then not eligible, without motifs nor values; the other dispositifs of the
    /// ruleset are still decided.
    pub error: Option<EvalError>,
}

/// Whether an aid is paid: an open right (`eligible`) may still not be paid, e.g. an APA below
/// the national non-payment threshold (CASF D232-31).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Payment {
    /// Nothing to say: the dispositif has no payment condition (eligible means paid), or its
    /// right is not open.
    NotApplicable,
    /// Eligible, and every payment condition holds.
    Paid,
    /// Not paid although the right is open: a payment condition fails.
    Withheld,
    /// Eligibility or a payment condition depends on facts the dossier does not give.
    Unknown,
}

impl Payment {
    /// The published `verse`: absent without payment conditions or open right, `null` when
    /// unknown.
    pub fn verse(self) -> Option<Option<bool>> {
        match self {
            Payment::NotApplicable => None,
            Payment::Paid => Some(Some(true)),
            Payment::Withheld => Some(Some(false)),
            Payment::Unknown => Some(None),
        }
    }
}

/// One named output of an eligible dispositif.
#[derive(Clone, Debug, PartialEq)]
pub struct OutputValue {
    /// The output's name (`montant`).
    pub name: Arc<str>,
    /// Its value.
    pub value: Value,
    /// Its type, to render it (money with two decimals, enumerations by name).
    pub ty: Ty,
}

/// Why a dispositif is (not) granted. The message is rendered when read (`message()`,
/// `Decision::to_json`): deciding keeps only the values it shows, so a caller that reads
/// eligibility and amounts alone never pays for French number formatting.
#[derive(Clone)]
pub struct Motif {
    /// `None` when the condition depends on facts the dossier does not give (`manquants`).
    pub satisfied: Option<bool>,
    /// A condition of payment (`condition de versement`): when it fails the right stays open
    /// and only the payment is withheld.
    pub payment: bool,
    /// The missing input slots the condition waits for (empty when it is settled).
    pub missing: Vec<InputSlot>,
    text: MotifText,
}

#[derive(Clone)]
enum MotifText {
    /// A condition's message and the values computed for its `{…}` parts, in order (`None`
    /// when a value could not be computed).
    Condition {
        template: Arc<MotifTemplate>,
        values: Shown,
    },
    /// A cumul rule's exclusion: identifier and message are fixed per program.
    Cumul { id: Arc<str>, message: Arc<str> },
}

/// The values of one message, in order. Messages rarely show more than two values: those are
/// kept in place, so that deciding does not allocate for them.
#[derive(Clone, Default)]
pub(crate) struct Shown {
    head: [Option<Value>; 2],
    more: Vec<Option<Value>>,
    len: usize,
}

impl Shown {
    #[inline]
    pub(crate) fn push(&mut self, value: Option<Value>) {
        match self.head.get_mut(self.len) {
            Some(slot) => *slot = value,
            None => self.more.push(value),
        }
        self.len += 1;
    }

    /// The place of the next value, counted: whatever it held stays until the caller overwrites
    /// it (`None` for a place never used), so that a value of the same kind can be written over
    /// the previous one in place.
    #[inline]
    pub(crate) fn next_slot(&mut self) -> Option<&mut Option<Value>> {
        let i = self.len;
        self.len += 1;
        if i >= self.head.len() {
            self.more.push(None);
            return self.more.last_mut();
        }
        self.head.get_mut(i)
    }

    /// Empties the values. Those kept in place stay until the next `push` overwrites them
    /// (never read past `len`): dropping them here would drop each twice per decision.
    #[inline]
    fn clear(&mut self) {
        if !self.more.is_empty() {
            self.more.clear();
        }
        self.len = 0;
    }

    fn iter(&self) -> impl Iterator<Item = &Option<Value>> {
        self.head.iter().take(self.len).chain(&self.more)
    }
}

/// A condition's message prepared once per program: constant values already rendered,
/// neighbouring texts merged.
#[derive(Debug)]
pub(crate) struct MotifTemplate {
    id: Arc<str>,
    pieces: Vec<Piece>,
    /// A lower bound of the rendered length, to allocate the message once.
    text_len: usize,
    enums: Arc<[EnumDef]>,
    /// No text of the template needs escaping in JSON: the decision's JSON copies them.
    plain: bool,
    /// `{"id":"…","satisfaite":`, the start of the motif's JSON object.
    json_head: Box<[u8]>,
    /// The start up to the message's opening quote, for a condition that is not one of
    /// payment, held, failed and unknown: `{"id":"…","satisfaite":true,"message":"`.
    message_heads: [Box<[u8]>; 3],
}

#[derive(Debug)]
enum Piece {
    Text(String),
    Value(Ty),
    Choice {
        satisfied: String,
        failed: String,
        unknown: &'static str,
    },
    /// Only the outcomes listed show the pieces that follow.
    Shown(Outcomes),
}

impl MotifTemplate {
    pub(crate) fn new(id: &str, message: &Message, enums: Arc<[EnumDef]>) -> Self {
        let mut pieces: Vec<Piece> = Vec::with_capacity(message.parts.len());
        let push_text = |pieces: &mut Vec<Piece>, text: &str| match pieces.last_mut() {
            Some(Piece::Text(last)) => last.push_str(text),
            _ => pieces.push(Piece::Text(text.to_owned())),
        };
        if message.parts.is_empty() {
            push_text(&mut pieces, "condition ");
            push_text(&mut pieces, id);
            pieces.push(Piece::Choice {
                satisfied: " satisfaite".to_owned(),
                failed: " non satisfaite".to_owned(),
                unknown: " indéterminée",
            });
        }
        for part in &message.parts {
            match part {
                MessagePart::Text(text) => push_text(&mut pieces, text),
                MessagePart::Value(Expr::Const(value), ty) => {
                    push_text(&mut pieces, &render_human(value, ty, &enums))
                }
                MessagePart::Value(_, ty) => pieces.push(Piece::Value(ty.clone())),
                MessagePart::Choice { satisfied, failed } => pieces.push(Piece::Choice {
                    satisfied: satisfied.clone(),
                    failed: failed.clone(),
                    unknown: " ? ",
                }),
                MessagePart::Shown(outcomes) => pieces.push(Piece::Shown(*outcomes)),
            }
        }
        let text_len = pieces
            .iter()
            .map(|p| match p {
                Piece::Text(t) => t.len(),
                Piece::Value(_) => 16,
                Piece::Shown(_) => 0,
                Piece::Choice {
                    satisfied, failed, ..
                } => satisfied.len().max(failed.len()),
            })
            .sum();
        let plain = pieces.iter().all(|p| match p {
            Piece::Text(t) => is_plain(t),
            Piece::Choice {
                satisfied,
                failed,
                unknown,
            } => is_plain(satisfied) && is_plain(failed) && is_plain(unknown),
            Piece::Value(_) | Piece::Shown(_) => true,
        });
        let mut json_head = b"{\"id\":".to_vec();
        crate::json_text::string(&mut json_head, id);
        json_head.extend_from_slice(b",\"satisfaite\":");
        let message_head = |held: &[u8]| {
            let mut head = json_head.clone();
            head.extend_from_slice(held);
            head.extend_from_slice(b",\"message\":\"");
            head.into_boxed_slice()
        };
        let message_heads = [
            message_head(b"true"),
            message_head(b"false"),
            message_head(b"null"),
        ];
        MotifTemplate {
            id: Arc::from(id),
            pieces,
            text_len,
            enums,
            plain,
            json_head: json_head.into_boxed_slice(),
            message_heads,
        }
    }

    fn render(&self, held: Option<bool>, values: &Shown) -> String {
        let mut out = String::with_capacity(self.text_len);
        self.render_into(held, values, &mut out);
        out
    }

    /// The message appended to `out`: a `String`, or the escaping writer of the decision's
    /// JSON text, so that both say the same words.
    fn render_into<W: HumanWrite + ?Sized>(&self, held: Option<bool>, values: &Shown, out: &mut W) {
        // The template's own texts, checked once.
        let text = |out: &mut W, text: &str| {
            if self.plain {
                out.plain(text);
            } else {
                // Writing into memory cannot fail.
                let _ = out.write_str(text);
            }
        };
        let mut values = values.iter();
        let mut shown = true;
        for piece in &self.pieces {
            match piece {
                Piece::Shown(outcomes) => shown = outcomes.contains(held),
                // A hidden value is still taken, so the next ones stay in step.
                Piece::Value(_) if !shown => {
                    values.next();
                }
                _ if !shown => {}
                Piece::Text(t) => text(out, t),
                Piece::Choice {
                    satisfied,
                    failed,
                    unknown,
                } => text(
                    out,
                    match held {
                        Some(true) => satisfied,
                        Some(false) => failed,
                        None => unknown,
                    },
                ),
                Piece::Value(ty) => match values.next() {
                    Some(Some(value)) => write_human(out, value, ty, &self.enums),
                    _ if held.is_none() => out.plain("(inconnu)"),
                    _ => out.plain("(non calculable)"),
                },
            }
        }
    }
}

impl Motif {
    pub(crate) fn condition(
        template: Arc<MotifTemplate>,
        satisfied: Option<bool>,
        values: Shown,
    ) -> Self {
        Motif {
            satisfied,
            payment: false,
            missing: Vec::new(),
            text: MotifText::Condition { template, values },
        }
    }

    pub(crate) fn cumul(id: Arc<str>, message: Arc<str>) -> Self {
        Motif {
            satisfied: Some(false),
            payment: false,
            missing: Vec::new(),
            text: MotifText::Cumul { id, message },
        }
    }

    /// The condition identifier (`age_minimum`), or `cumul_<dispositif>` for an exclusion.
    pub fn id(&self) -> &str {
        match &self.text {
            MotifText::Condition { template, .. } => &template.id,
            MotifText::Cumul { id, .. } => id,
        }
    }

    /// The sentence shown to the applicant (`âge 86 ans ≥ 60 ans`).
    pub fn message(&self) -> String {
        match &self.text {
            MotifText::Condition { template, values } => template.render(self.satisfied, values),
            MotifText::Cumul { message, .. } => message.to_string(),
        }
    }
}

impl PartialEq for Motif {
    fn eq(&self, other: &Self) -> bool {
        self.satisfied == other.satisfied
            && self.missing == other.missing
            && self.id() == other.id()
            && self.message() == other.message()
    }
}

impl Eq for Motif {}

impl fmt::Debug for Motif {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Motif")
            .field("id", &self.id())
            .field("satisfaite", &self.satisfied)
            .field("message", &self.message())
            .finish()
    }
}

impl Decision {
    pub(crate) fn new(
        program: Arc<Program>,
        ruleset: Arc<str>,
        date: NaiveDate,
        dispositifs: Vec<DispositifDecision>,
        rules_computed: u32,
    ) -> Self {
        Decision {
            ruleset,
            date,
            dispositifs,
            rules_computed,
            program,
            spare: reuse::Spare::default(),
            keys: keys::JsonKeys::default(),
        }
    }

    /// The dispositifs that could not be decided, with the reason.
    pub fn errors(&self) -> impl Iterator<Item = (&str, &EvalError)> {
        self.dispositifs
            .iter()
            .filter_map(|d| d.error.as_ref().map(|e| (&*d.id, e)))
    }

    /// Fails with the first dispositif error: for callers that need every dispositif decided.
    pub fn complete(self) -> Result<Decision, EvalError> {
        let first = self.errors().next().map(|(_, e)| e.clone());
        match first {
            Some(e) => Err(e),
            None => Ok(self),
        }
    }

    /// The decision on the dispositif `id`, if it was decided.
    pub fn dispositif(&self, id: &str) -> Option<&DispositifDecision> {
        self.dispositifs.iter().find(|d| &*d.id == id)
    }

    /// The program that made this decision.
    pub fn program(&self) -> &Program {
        &self.program
    }

    /// Whether every dispositif decided is granted or refused with all its values.
    pub fn is_decided(&self) -> bool {
        self.dispositifs.iter().all(DispositifDecision::is_decided)
    }

    /// A value of this decision in its JSON form (money with two decimals, enum names…).
    pub fn value_json(&self, value: &Value, ty: &Ty) -> Json {
        value_to_json(value, ty, &self.program.enums)
    }

    /// The published JSON form (CONTRACT.md): [`Decision::published`] serialised.
    pub fn to_json(&self) -> Json {
        // Every map of the published form has string keys, the one way serialising into a
        // `Value` can fail.
        serde_json::to_value(self.published()).unwrap_or(Json::Null)
    }

    /// The published form of this decision: messages rendered, values in their JSON form.
    pub fn published(&self) -> published::Decision {
        published::Decision {
            jeu_de_regles: self.ruleset.to_string(),
            date: self.date,
            dispositifs: self
                .dispositifs
                .iter()
                .map(|d| (d.id.to_string(), self.published_dispositif(d)))
                .collect(),
            questions: self.questions(),
        }
    }

    fn published_dispositif(&self, d: &DispositifDecision) -> published::Dispositif {
        published::Dispositif {
            eligible: d.eligible,
            verse: d.payment.verse(),
            valeurs: d
                .values
                .iter()
                .map(|v| (v.name.to_string(), self.value_json(&v.value, &v.ty)))
                .collect(),
            motifs: d
                .motifs
                .iter()
                .map(|m| published::Motif {
                    id: m.id().to_owned(),
                    satisfaite: m.satisfied,
                    versement: m.payment,
                    message: m.message(),
                    manquants: m.missing.iter().map(|s| self.input_path(*s)).collect(),
                })
                .collect(),
            manquants: d.missing.iter().map(|s| self.manquant(*s)).collect(),
            erreur: d.error.as_ref().map(EvalError::to_string),
            trace: d
                .trace
                .as_ref()
                .map(|t| t.iter().map(|e| self.published_step(e)).collect()),
        }
    }

    fn published_step(&self, e: &TraceEntry) -> published::TraceStep {
        published::TraceStep {
            regle: e.rule.clone(),
            valeur: self.value_json(&e.value, &e.ty),
            parametres: e
                .parameters
                .iter()
                .map(|p| published::ParameterRead {
                    parametre: p.name.clone(),
                    version: p.from,
                    jusqu_au: p.until,
                    cle: p.key.as_ref().map(|(key, ty)| self.value_json(key, ty)),
                    tranche: p.tranche,
                    colonne: p.column.clone(),
                    valeur: self.value_json(&p.value, &p.ty),
                })
                .collect(),
            entrees: e.inputs.clone(),
            utilise: e.uses.clone(),
            exception: e.exception.clone(),
            au: e.as_of.clone(),
        }
    }
}

impl DispositifDecision {
    /// A dispositif that could not be decided: neither granted nor refused (`eligible` is
    /// `None`, like an indéterminé one), so that no reader takes the error for a refusal
    /// without motif.
    pub(crate) fn undecided(id: Arc<str>, title: Option<Arc<str>>, error: EvalError) -> Self {
        DispositifDecision {
            id,
            title,
            eligible: None,
            payment: Payment::NotApplicable,
            values: Vec::new(),
            motifs: Vec::new(),
            missing: Vec::new(),
            trace: None,
            error: Some(error),
        }
    }

    /// Granted or refused, every value known: nothing is missing.
    pub fn is_decided(&self) -> bool {
        self.eligible.is_some() && self.missing.is_empty() && self.error.is_none()
    }

    /// The value of a named output, if the dispositif is eligible.
    pub fn valeur(&self, name: &str) -> Option<&Value> {
        self.values
            .iter()
            .find(|v| &*v.name == name)
            .map(|v| &v.value)
    }

    /// The motif of condition `id`, if it was evaluated.
    pub fn motif(&self, id: &str) -> Option<&Motif> {
        self.motifs.iter().find(|m| m.id() == id)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use rust_decimal::Decimal;

    use super::*;
    use crate::ir::{DurationFamily, Period};

    fn template(parts: Vec<MessagePart>) -> Arc<MotifTemplate> {
        let enums: Arc<[EnumDef]> = Arc::from(vec![EnumDef {
            name: "lieu_de_vie".into(),
            variants: vec!["domicile".into(), "residence_autonomie".into()],
        }]);
        Arc::new(MotifTemplate::new("age_minimum", &Message { parts }, enums))
    }

    fn shown(values: Vec<Option<Value>>) -> Shown {
        let mut shown = Shown::default();
        for v in values {
            shown.push(v);
        }
        shown
    }

    #[test]
    fn messages_render_values_in_order_with_constants_prerendered() {
        let months = Ty::Duration(DurationFamily::Months);
        let t = template(vec![
            MessagePart::Text("âge ".into()),
            MessagePart::Value(Expr::Input(0), months.clone()),
            MessagePart::Choice {
                satisfied: " ≥ ".into(),
                failed: " < ".into(),
            },
            MessagePart::Value(
                Expr::Const(Value::Duration(720, DurationFamily::Months)),
                months,
            ),
            MessagePart::Text(", lieu : ".into()),
            MessagePart::Value(Expr::Input(1), Ty::Enum(0)),
            MessagePart::Text(", plan : ".into()),
            MessagePart::Value(Expr::Input(2), Ty::Money(Some(Period::Mois))),
            MessagePart::Text(", ressources : ".into()),
            MessagePart::Value(Expr::Input(3), Ty::Money(None)),
        ]);
        // Four computed values: two kept in place, two beyond; one could not be computed.
        let values = vec![
            Some(Value::Duration(86 * 12 + 7, DurationFamily::Months)),
            Some(Value::Enum { ty: 0, variant: 1 }),
            Some(Value::Dec(Decimal::new(114309, 2))),
            None,
        ];
        let held = Motif::condition(t.clone(), Some(true), shown(values.clone()));
        assert_eq!(held.id(), "age_minimum");
        assert_eq!(
            held.message(),
            "âge 86 ans et 7 mois ≥ 60 ans, lieu : residence autonomie, \
             plan : 1 143,09 €/mois, ressources : (non calculable)"
        );
        let failed = Motif::condition(t, Some(false), shown(values));
        assert!(failed
            .message()
            .starts_with("âge 86 ans et 7 mois < 60 ans"));
        assert_ne!(held, failed);
    }

    /// The decision's JSON renders a message into its buffer: the same text as `message()`,
    /// escaped, whether the template's own texts need escaping or not.
    #[test]
    fn json_messages_are_the_messages_escaped() {
        for text in ["plain « é » : ", "with \"quotes\", \\ and \t : "] {
            let t = template(vec![
                MessagePart::Text(text.into()),
                MessagePart::Value(Expr::Input(0), Ty::Text),
                MessagePart::Choice {
                    satisfied: " oui".into(),
                    failed: " non".into(),
                },
                MessagePart::Value(Expr::Input(1), Ty::Money(None)),
            ]);
            assert_eq!(t.plain, text.starts_with("plain"));
            for held in [Some(true), Some(false), None] {
                let values = vec![Some(Value::Text("a\"b\u{1}".into())), None];
                let m = Motif::condition(t.clone(), held, shown(values));
                let mut ours = Vec::new();
                if let MotifText::Condition { template, values } = &m.text {
                    template.render_into(held, values, &mut crate::json_text::Escaped(&mut ours));
                }
                let ours = format!("\"{}\"", String::from_utf8(ours).unwrap());
                assert_eq!(ours, serde_json::to_string(&m.message()).unwrap());
            }
        }
    }

    #[test]
    fn a_condition_without_message_names_itself() {
        let t = template(Vec::new());
        let held = Motif::condition(t.clone(), Some(true), Shown::default());
        let failed = Motif::condition(t, Some(false), Shown::default());
        assert_eq!(held.message(), "condition age_minimum satisfaite");
        assert_eq!(failed.message(), "condition age_minimum non satisfaite");
    }
}
