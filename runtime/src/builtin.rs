//! The built-in functions: the one table of their names and arities. The compiler types them
//! from it (one exhaustive match for the signatures), evaluation matches on it exhaustively,
//! validation checks arities with it and the editor offers its names. Adding a built-in is a
//! variant here, its evaluation, its signature in the compiler: a forgotten place does not
//! compile.

use serde::{Deserialize, Serialize};

/// How many arguments a built-in takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arity {
    /// Exactly this many arguments.
    Exactly(usize),
    /// This many arguments or more (`min`, `max`).
    AtLeast(usize),
}

impl Arity {
    /// Whether a call with `n` arguments is well formed.
    pub fn accepts(self, n: usize) -> bool {
        match self {
            Arity::Exactly(k) => n == k,
            Arity::AtLeast(k) => n >= k,
        }
    }
}

/// Declares the enum and its [`Builtin::ALL`] together, so that no variant is missing from it.
macro_rules! builtins {
    ($($(#[$doc:meta])* $variant:ident,)*) => {
        /// A built-in function of the language (`min`, `âge`, `mensuel`…).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum Builtin {
            $($(#[$doc])* $variant,)*
        }

        impl Builtin {
            /// Every built-in, in the order the documentation lists them.
            pub const ALL: &'static [Builtin] = &[$(Builtin::$variant,)*];
        }
    };
}

builtins! {
    /// `min(a, b, …)`: the smallest value.
    Min,
    /// `max(a, b, …)`: the largest value.
    Max,
    /// `plafond(x, p)`: the smaller of two values.
    Ceiling,
    /// `plancher(x, p)`: the larger of two values.
    Floor,
    /// `abs(x)`: the absolute value.
    Abs,
    /// `âge(naissance, date)`: complete years, as a months-family duration.
    Age,
    /// Complete months, as a months-family duration.
    MonthsBetween,
    /// `fin − début` in days, as a days-family duration.
    DaysBetween,
    /// `jours_entre_inclus(début, fin)`: the days from `début` to `fin`, both counted
    /// (`fin − début + 1`), as texts count a stay « du … au … inclus ».
    DaysBetweenInclusive,
    /// `début_année(date)`: the 1st of January of that year.
    StartOfYear,
    /// `année(date)`: the year, as an integer.
    Year,
    /// `jour(d)`: the day of the month.
    DayOfMonth,
    /// `jours_du_mois(d)`: how many days the month of `d` has.
    DaysInMonth,
    /// `fin_de_mois(d)`: the last day of the month of `d`.
    EndOfMonth,
    /// `début_mois_suivant(d)`: the first day of the month after `d`'s.
    StartOfNextMonth,
    /// ÷ 12
    Monthly,
    /// × 12
    Yearly,
    /// `nombre(liste)`: how many elements.
    Count,
    /// `nombre_distincts(liste)`: how many different elements.
    CountDistinct,
    /// `renseigné(champ)`: whether an optional dossier field is present.
    IsPresent,
    /// `valeur_par_défaut(champ, valeur)`: the field, or the value when it is absent.
    OrDefault,
}

impl Builtin {
    /// The name a ruleset author writes (with its accents).
    pub fn name(self) -> &'static str {
        match self {
            Builtin::Min => "min",
            Builtin::Max => "max",
            Builtin::Ceiling => "plafond",
            Builtin::Floor => "plancher",
            Builtin::Abs => "abs",
            Builtin::Age => "âge",
            Builtin::MonthsBetween => "mois_entre",
            Builtin::DaysBetween => "jours_entre",
            Builtin::DaysBetweenInclusive => "jours_entre_inclus",
            Builtin::StartOfYear => "début_année",
            Builtin::Year => "année",
            Builtin::DayOfMonth => "jour",
            Builtin::DaysInMonth => "jours_du_mois",
            Builtin::EndOfMonth => "fin_de_mois",
            Builtin::StartOfNextMonth => "début_mois_suivant",
            Builtin::Monthly => "mensuel",
            Builtin::Yearly => "annuel",
            Builtin::Count => "nombre",
            Builtin::CountDistinct => "nombre_distincts",
            Builtin::IsPresent => "renseigné",
            Builtin::OrDefault => "valeur_par_défaut",
        }
    }

    /// Other accepted spellings: the name without accents, which keyboards make easier.
    pub fn aliases(self) -> &'static [&'static str] {
        match self {
            Builtin::Age => &["age"],
            Builtin::StartOfYear => &["debut_annee"],
            Builtin::Year => &["annee"],
            Builtin::StartOfNextMonth => &["debut_mois_suivant"],
            Builtin::DayOfMonth | Builtin::DaysInMonth | Builtin::EndOfMonth => &[],
            Builtin::IsPresent => &["renseigne"],
            Builtin::OrDefault => &["valeur_par_defaut"],
            Builtin::Min
            | Builtin::Max
            | Builtin::Ceiling
            | Builtin::Floor
            | Builtin::Abs
            | Builtin::MonthsBetween
            | Builtin::DaysBetween
            | Builtin::DaysBetweenInclusive
            | Builtin::Monthly
            | Builtin::Yearly
            | Builtin::Count
            | Builtin::CountDistinct => &[],
        }
    }

    /// The built-in written `name` (or one of its unaccented aliases).
    pub fn from_name(name: &str) -> Option<Builtin> {
        Builtin::ALL
            .iter()
            .copied()
            .find(|b| b.name() == name || b.aliases().contains(&name))
    }

    /// How many arguments it takes.
    pub fn arity(self) -> Arity {
        match self {
            Builtin::Min | Builtin::Max => Arity::AtLeast(2),
            Builtin::Ceiling
            | Builtin::Floor
            | Builtin::Age
            | Builtin::MonthsBetween
            | Builtin::DaysBetween
            | Builtin::DaysBetweenInclusive
            | Builtin::OrDefault => Arity::Exactly(2),
            Builtin::Abs
            | Builtin::StartOfYear
            | Builtin::Year
            | Builtin::DayOfMonth
            | Builtin::DaysInMonth
            | Builtin::EndOfMonth
            | Builtin::StartOfNextMonth
            | Builtin::Monthly
            | Builtin::Yearly
            | Builtin::Count
            | Builtin::CountDistinct
            | Builtin::IsPresent => Arity::Exactly(1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spelling_names_one_builtin() {
        let mut seen = std::collections::HashSet::new();
        for &b in Builtin::ALL {
            for name in std::iter::once(b.name()).chain(b.aliases().iter().copied()) {
                assert!(seen.insert(name), "`{name}` names two built-ins");
                assert_eq!(Builtin::from_name(name), Some(b));
            }
        }
        assert_eq!(
            Builtin::from_name("jours_entre"),
            Some(Builtin::DaysBetween)
        );
        assert_eq!(Builtin::from_name("inconnue"), None);
    }
}
