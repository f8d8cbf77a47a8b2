//! The stable catalogue of diagnostic codes. Codes never change meaning once published:
//! CI pipelines and editors filter on them.

/// Every code with its short French title (shown by `socle check --format json` consumers and docs).
pub const CATALOGUE: &[(&str, &str)] = &[
    ("E0001", "erreur de syntaxe"),
    ("E0101", "nom inconnu"),
    ("E0102", "champ, valeur de dispositif ou variante inconnu"),
    ("E0103", "définition en double"),
    ("E0104", "jeu de règles importé introuvable"),
    ("E0105", "cycle d'importations"),
    ("E0106", "mauvaise sorte de nom"),
    ("E0107", "trop de déclarations dans un jeu de règles"),
    ("E0201", "types ou unités incompatibles"),
    ("E0202", "type différent du type déclaré"),
    ("E0203", "mauvais arguments"),
    ("E0204", "condition qui n'est pas un booléen"),
    (
        "E0205",
        "constante de paramètre, de table ou de barème invalide",
    ),
    ("E0301", "cycle entre définitions"),
    ("E0302", "expression trop profonde"),
    ("E0401", "périodes de validité qui se chevauchent"),
    ("E0402", "trou entre deux tranches"),
    ("E0403", "tranches qui se chevauchent"),
    ("E0404", "barème mal formé"),
    ("E0405", "clé de table en double"),
    ("E0601", "règles de cumul contradictoires"),
    ("E0801", "fichier de cas de test illisible (TOML invalide)"),
    ("E0802", "cas de test mal formé"),
    ("E0803", "dispositif inconnu dans un cas de test"),
    ("E0804", "valeur de dispositif inconnue dans un cas de test"),
    ("E0805", "valeur attendue d'un mauvais type"),
    ("E0806", "motif inconnu dans un cas de test"),
    ("E0807", "identifiant de cas de test en double"),
    ("E0808", "dates d'un cas de test incohérentes"),
    ("E0809", "dossier d'un cas de test invalide"),
    ("W0406", "table sans valeur pour certaines variantes"),
    ("W0501", "définition inutilisée"),
    ("W0702", "deux exceptions avec la même condition"),
];

/// The French title of a code, if it is in the catalogue.
pub fn title(code: &str) -> Option<&'static str> {
    CATALOGUE
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, title)| *title)
}

pub const SYNTAX: &str = "E0001";
pub const UNKNOWN_NAME: &str = "E0101";
pub const UNKNOWN_MEMBER: &str = "E0102";
pub const DUPLICATE: &str = "E0103";
pub const IMPORT_NOT_FOUND: &str = "E0104";
pub const IMPORT_CYCLE: &str = "E0105";
pub const WRONG_KIND: &str = "E0106";
pub const TOO_MANY_DECLS: &str = "E0107";
pub const TYPE_MISMATCH: &str = "E0201";
pub const DECLARED_TYPE: &str = "E0202";
pub const BAD_ARGUMENTS: &str = "E0203";
pub const NOT_BOOLEAN: &str = "E0204";
pub const BAD_CONSTANT: &str = "E0205";
pub const DEFINITION_CYCLE: &str = "E0301";
pub const TOO_DEEP: &str = "E0302";
pub const VALIDITY_OVERLAP: &str = "E0401";
pub const TRANCHE_GAP: &str = "E0402";
pub const TRANCHE_OVERLAP: &str = "E0403";
pub const MALFORMED_BAREME: &str = "E0404";
pub const DUPLICATE_KEY: &str = "E0405";
pub const CUMUL_CONTRADICTION: &str = "E0601";
pub const CASE_TOML: &str = "E0801";
pub const CASE_MALFORMED: &str = "E0802";
pub const CASE_UNKNOWN_DISPOSITIF: &str = "E0803";
pub const CASE_UNKNOWN_OUTPUT: &str = "E0804";
pub const CASE_VALUE_TYPE: &str = "E0805";
pub const CASE_UNKNOWN_MOTIF: &str = "E0806";
pub const CASE_DUPLICATE_ID: &str = "E0807";
pub const CASE_DATES: &str = "E0808";
pub const CASE_DOSSIER: &str = "E0809";
pub const MISSING_VARIANTS: &str = "W0406";
pub const UNUSED: &str = "W0501";
pub const SAME_EXCEPTION: &str = "W0702";

#[cfg(test)]
mod tests {
    use super::CATALOGUE;

    #[test]
    fn codes_are_unique_and_well_formed() {
        let mut seen = std::collections::BTreeSet::new();
        for (code, title) in CATALOGUE {
            assert!(seen.insert(*code), "{code} en double");
            assert_eq!(code.len(), 5);
            assert!(code.starts_with('E') || code.starts_with('W'));
            assert!(!title.is_empty());
        }
    }
}
