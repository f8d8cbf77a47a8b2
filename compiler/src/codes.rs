//! The stable registry of diagnostic codes. Codes never change meaning once published:
//! CI pipelines and editors filter on them.
//!
//! Each code is declared once, in the table below: its constant (used where diagnostics are
//! made), its severity, its short French title and its explanation, read from
//! `explanations/CODE.md` next to this file so that policy officers can also read it on the
//! forge. A code without its file does not compile.

use crate::diagnostic::Severity;

/// One diagnostic code of the registry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Code {
    /// The stable identifier (`E0203`): `E` for errors, `W` for warnings, four digits.
    pub id: &'static str,
    /// The severity of every diagnostic with this code.
    pub severity: Severity,
    /// The short French title, shown by `socle explain` and in the docs.
    pub title: &'static str,
    /// The French explanation in Markdown, with an example and its correction.
    pub explanation: &'static str,
}

macro_rules! registry {
    ($($name:ident = $id:literal, $severity:ident, $title:literal;)*) => {
        $(
            #[doc = concat!("`", $id, "` : ", $title, ".")]
            pub const $name: &str = $id;
        )*

        /// Every code, in identifier order.
        pub const ALL: &[Code] = &[$(Code {
            id: $id,
            severity: Severity::$severity,
            title: $title,
            explanation: include_str!(concat!("explanations/", $id, ".md")),
        }),*];
    };
}

registry! {
    SYNTAX = "E0001", Error, "erreur de syntaxe";
    BIDI_CONTROL = "E0002", Error, "caractère de contrôle bidirectionnel";
    UNKNOWN_NAME = "E0101", Error, "nom inconnu";
    UNKNOWN_MEMBER = "E0102", Error, "champ, valeur de dispositif ou variante inconnu";
    DUPLICATE = "E0103", Error, "définition en double";
    IMPORT_NOT_FOUND = "E0104", Error, "jeu de règles importé introuvable";
    IMPORT_CYCLE = "E0105", Error, "cycle d'importations";
    WRONG_KIND = "E0106", Error, "mauvaise sorte de nom";
    TOO_MANY_DECLS = "E0107", Error, "trop de déclarations dans un jeu de règles";
    INPUT_CONFLICT = "E0108", Error, "entrée déclarée avec un autre type par un jeu importé";
    TYPE_MISMATCH = "E0201", Error, "types ou unités incompatibles";
    DECLARED_TYPE = "E0202", Error, "type différent du type déclaré";
    BAD_ARGUMENTS = "E0203", Error, "mauvais arguments";
    NOT_BOOLEAN = "E0204", Error, "condition qui n'est pas un booléen";
    BAD_CONSTANT = "E0205", Error, "constante de paramètre, de table ou de barème invalide";
    BAD_BOUNDS = "E0206", Error, "bornes d'entier invalides";
    DEFINITION_CYCLE = "E0301", Error, "cycle entre définitions";
    TOO_DEEP = "E0302", Error, "expression trop profonde";
    TOO_BIG = "E0303", Error, "programme trop grand après dépliage des fonctions";
    VALIDITY_OVERLAP = "E0401", Error, "périodes de validité qui se chevauchent";
    TRANCHE_GAP = "E0402", Error, "trou entre deux tranches";
    TRANCHE_OVERLAP = "E0403", Error, "tranches qui se chevauchent";
    MALFORMED_BAREME = "E0404", Error, "barème mal formé";
    DUPLICATE_KEY = "E0405", Error, "clé de table en double";
    NO_VERSION = "E0407", Error, "paramètre ou barème sans version";
    CUMUL_CONTRADICTION = "E0601", Error, "règles de cumul contradictoires";
    PAYMENT_WITHOUT_AMOUNT = "E0602", Error, "condition de versement sans valeur versée";
    PAID_NOT_MONEY = "E0603", Error, "valeur versée qui n'est pas un montant";
    CONTRADICTORY_EXCEPTIONS = "E0703", Error, "exceptions contradictoires : même condition, valeurs différentes";
    CASE_TOML = "E0801", Error, "fichier de cas de test illisible (TOML invalide)";
    CASE_MALFORMED = "E0802", Error, "cas de test mal formé";
    CASE_UNKNOWN_DISPOSITIF = "E0803", Error, "dispositif inconnu dans un cas de test";
    CASE_UNKNOWN_OUTPUT = "E0804", Error, "valeur de dispositif inconnue dans un cas de test";
    CASE_VALUE_TYPE = "E0805", Error, "valeur attendue d'un mauvais type";
    CASE_UNKNOWN_MOTIF = "E0806", Error, "motif inconnu dans un cas de test";
    CASE_DUPLICATE_ID = "E0807", Error, "identifiant de cas de test en double";
    CASE_DATES = "E0808", Error, "dates d'un cas de test incohérentes";
    CASE_DOSSIER = "E0809", Error, "dossier d'un cas de test invalide";
    LOOKALIKE_NAME = "W0003", Warning, "nom contenant un caractère trompeur";
    MISSING_VARIANTS = "W0406", Warning, "table sans valeur pour certaines variantes";
    VERSION_GAP = "W0408", Warning, "trou entre deux versions d'un paramètre ou d'un barème";
    UNUSED = "W0501", Warning, "définition inutilisée";
    PAID_WITHOUT_CONDITION = "W0604", Warning, "valeur versée sans condition de versement";
    SAME_EXCEPTION = "W0702", Warning, "deux exceptions avec la même condition";
    OVERLAPPING_EXCEPTIONS = "W0704", Warning, "exceptions qui peuvent s'appliquer ensemble avec des valeurs différentes";
    REPEATED_NUMBER = "W0901", Warning, "message qui recopie la valeur d'un paramètre au lieu de la citer";
}

/// The registry entry of a code (`E0203`), if there is one.
pub fn lookup(id: &str) -> Option<&'static Code> {
    ALL.iter().find(|code| code.id == id)
}

/// The French title of a code, if it is in the registry.
pub fn title(id: &str) -> Option<&'static str> {
    lookup(id).map(|code| code.title)
}

#[cfg(test)]
mod tests {
    use super::{lookup, Severity, ALL};

    #[test]
    fn ids_are_unique_and_well_formed() {
        let mut seen = std::collections::BTreeSet::new();
        for code in ALL {
            let id = code.id;
            assert!(seen.insert(id), "{id} en double");
            let (prefix, digits) = id.split_at(1);
            let expected = match code.severity {
                Severity::Error => "E",
                Severity::Warning => "W",
            };
            assert_eq!(prefix, expected, "{id}");
            assert!(
                digits.len() == 4 && digits.bytes().all(|b| b.is_ascii_digit()),
                "{id}"
            );
            assert!(!code.title.is_empty(), "{id}");
        }
        // `socle explain` lists the codes in this order.
        assert!(ALL.windows(2).all(|w| matches!(w, [a, b] if a.id < b.id)));
    }

    #[test]
    fn every_explanation_file_belongs_to_a_code() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/explanations");
        let Ok(entries) = std::fs::read_dir(&dir) else {
            panic!("{} illisible", dir.display())
        };
        let mut files = 0;
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let id = name.strip_suffix(".md").unwrap_or(&name);
            assert!(lookup(id).is_some(), "{name} ne correspond à aucun code");
            files += 1;
        }
        assert_eq!(files, ALL.len());
    }
}
