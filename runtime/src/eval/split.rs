//! Deciding an unknown condition by cases. Kleene's rules alone leave `âge >= seuil` unknown
//! when `seuil` is `65 ans sauf si inapte : 60 ans` and the inaptitude is missing, although an
//! applicant aged 50 fails it either way. When every missing fact a condition waits for has a
//! finite domain (a boolean, an enumeration, possibly absent), the condition is evaluated once
//! per combination, in a fresh evaluation; if all agree, that is its value. Sound by
//! construction (the real value is one of the combinations), and only run on the unknown path.

use super::unknown::Missing;
use super::Eval;
use crate::ir::{DefId, InputField, InputKind, Program, Ty};
use crate::trace::{NoTrace, Tracer};
use crate::value::Value;

/// At most this many combinations are tried.
const MAX_CASES: usize = 64;

/// Every value an input slot may take, if there are few.
fn domain(p: &Program, slot: u32) -> Option<Vec<Value>> {
    type Leaf<'a> = (&'a Ty, Option<(i64, i64)>, bool);
    fn find(fields: &[InputField], slot: u32) -> Option<Leaf<'_>> {
        fields.iter().find_map(|f| match &f.kind {
            InputKind::Leaf {
                slot: s,
                ty,
                bounds,
            } if *s == slot => Some((ty, *bounds, f.optional)),
            InputKind::Leaf { .. } => None,
            InputKind::Record(sub) => find(sub, slot),
        })
    }
    fn values(p: &Program, ty: &Ty, bounds: Option<(i64, i64)>) -> Option<Vec<Value>> {
        match ty {
            Ty::Bool => Some(vec![Value::Bool(false), Value::Bool(true)]),
            // `entier dans 1..6`: few enough values to try each.
            Ty::Int => {
                let (lo, hi) = bounds?;
                let count = hi.checked_sub(lo)?.checked_add(1)?;
                if count <= 0 || count > i64::try_from(MAX_CASES).ok()? {
                    return None;
                }
                Some((lo..=hi).map(Value::Int).collect())
            }
            Ty::Enum(id) => {
                let n = p.enums.get(*id as usize)?.variants.len();
                let n = u32::try_from(n).ok()?;
                Some(
                    (0..n)
                        .map(|variant| Value::Enum { ty: *id, variant })
                        .collect(),
                )
            }
            Ty::Optional(inner) => {
                let mut v = values(p, inner, bounds)?;
                v.push(Value::Absent);
                Some(v)
            }
            _ => None,
        }
    }
    let (ty, bounds, optional) = find(&p.inputs, slot)?;
    let mut v = values(p, ty, bounds)?;
    if optional && !v.contains(&Value::Absent) {
        v.push(Value::Absent);
    }
    Some(v)
}

impl<T: Tracer> Eval<'_, T> {
    /// The value of the boolean rule `def` if it is the same whatever the `missing` facts are.
    pub(super) fn split_condition(&self, def: DefId, missing: &Missing) -> Option<bool> {
        let p = self.p;
        let mut domains = Vec::with_capacity(missing.slots().len());
        let mut total = 1usize;
        for slot in missing.slots() {
            let d = domain(p, *slot)?;
            total = total.checked_mul(d.len())?;
            if total > MAX_CASES {
                return None;
            }
            domains.push((*slot, d));
        }
        let mut inputs = self.inputs.to_vec();
        let mut unknown = self.unknown_inputs.to_vec();
        for (slot, _) in &domains {
            if let Some(word) = unknown.get_mut((*slot / 64) as usize) {
                *word &= !(1u64 << (*slot % 64));
            }
        }
        let mut agreed = None;
        for case in 0..total {
            let mut rest = case;
            for (slot, values) in &domains {
                let n = values.len().max(1);
                if let (Some(target), Some(v)) =
                    (inputs.get_mut(*slot as usize), values.get(rest % n))
                {
                    *target = v.clone();
                }
                rest /= n;
            }
            let mut sub = Eval::new(p, self.layout, &inputs, &unknown, self.date, NoTrace);
            let held = match sub.def(def) {
                Ok(Value::Bool(b)) => b,
                _ => return None,
            };
            match agreed {
                Some(a) if a != held => return None,
                _ => agreed = Some(held),
            }
        }
        agreed
    }
}
