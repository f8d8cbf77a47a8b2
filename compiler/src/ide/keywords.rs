//! What each reserved word means, in French, for the hover over a keyword (a policy officer
//! reading a ruleset someone else wrote meets `subsidiaire` or `sauf si` without the reference
//! at hand).

/// The French explanation of a keyword (accented or not), `None` for any other word.
pub(super) fn keyword_doc(word: &str) -> Option<&'static str> {
    Some(match word {
        "importe" => "`importe NOM` rend utilisables les déclarations du jeu de règles `NOM` (dossier voisin), écrites `NOM.déclaration`.",
        "énumération" | "enumeration" => "`énumération NOM : a | b | c` déclare un type dont les valeurs possibles sont listées.",
        "structure" => "`structure NOM` déclare un type composé de champs (`champ : type`, un par ligne).",
        "entrée" | "entree" => "`entrée NOM : type` déclare une donnée lue dans le dossier JSON de la demande.",
        "paramètre" | "parametre" => "`paramètre NOM : type` déclare une valeur datée : chaque version `à partir du AAAA-MM-JJ : valeur` cite sa source.",
        "barème" | "bareme" => "`barème NOM : tranches sur TYPE -> TYPE` déclare des tranches (bornes explicites, par colonne) et leur valeur.",
        "valeur" => "`valeur NOM : type = expression` déclare une valeur calculée.",
        "condition" => "`condition NOM : expression` déclare une condition (vraie ou fausse) ; dans un dispositif, toutes ses conditions doivent être vraies. `condition de versement NOM : …` ne décide pas du droit mais du versement.",
        "fonction" => "`fonction NOM(paramètre : type, …) : type` déclare un calcul réutilisable ; `résultat` en donne la valeur.",
        "dispositif" => "`dispositif NOM \"libellé\"` déclare une aide : ses conditions d'éligibilité et ses valeurs (dont `montant`).",
        "cumul" => "`cumul A exclut B`, `cumul A subsidiaire à B`, `cumul A cumulable avec B` : comment deux aides se combinent, selon le droit ouvert ; `cumul A versée exclut B` : seulement quand A est versée.",
        "exclut" => "`cumul A exclut B` : quand A est éligible, B ne l'est pas.",
        "subsidiaire" => "`cumul A subsidiaire à B` : A seulement quand B n'est pas éligible.",
        "cumulable" => "`cumul A cumulable avec B` : les deux aides se cumulent (la ligne documente le texte).",
        "source" => "`source \"…\"` cite le texte (loi, décret, règlement départemental) d'où vient la règle ou le chiffre.",
        "sauf" => "`sauf si CONDITION : valeur` : une exception, qui l'emporte quand sa condition est vraie.",
        "si" => "`si CONDITION alors A sinon B` choisit une valeur ; `sauf si` introduit une exception.",
        "alors" => "`si CONDITION alors A sinon B` : la valeur quand la condition est vraie.",
        "sinon" => "`si CONDITION alors A sinon B` : la valeur quand la condition est fausse.",
        "soit" => "`soit NOM = expression` nomme un calcul intermédiaire, dans une fonction ou un dispositif.",
        "résultat" | "resultat" => "`résultat expression` : la valeur que rend une fonction.",
        "message" => "`message \"…\"` : le motif lu par l'usager ; `message si satisfaite \"…\"` et `message si non satisfaite \"…\"` en donnent un par issue.",
        "et" => "`A et B` : vrai quand les deux conditions sont vraies.",
        "ou" => "`A ou B` : vrai quand l'une au moins des conditions est vraie.",
        "non" => "`non A` : vrai quand la condition A est fausse.",
        "dans" => "`x dans 1..4` : vrai quand x est dans l'intervalle (bornes incluses) ; `x dans {a, b}` : quand x est l'une des valeurs.",
        "contient" => "`liste contient x`, `liste contient un de {a, b}` : vrai quand la liste contient la valeur.",
        "au" => "`arrondi(x, au centime)`, `au centime inférieur` : la précision d'un arrondi.",
        "vrai" => "La valeur booléenne vraie.",
        "faux" => "La valeur booléenne fausse.",
        "arrondi" => "`arrondi(x, au centime)` arrondit un montant (au plus proche, ou `inférieur`/`supérieur`).",
        "infini" => "`∞` ou `infini` : la borne d'une tranche sans limite supérieure.",
        "à" => "`à partir du AAAA-MM-JJ` date une version ; `subsidiaire à` dans une règle de cumul.",
        _ => return None,
    })
}

/// The words that mean something only at one place (not reserved: they stay usable as
/// names), with what they mean there: offered by completion and explained on hover.
pub(super) const CONTEXTUAL: &[(&str, &str)] = &[
    ("groupe de conditions", "`groupe de conditions NOM` : des conditions (avec leurs messages et sources) écrites une fois pour plusieurs dispositifs."),
    ("conditions", "`conditions NOM` dans un dispositif : reprend les conditions du groupe `NOM`, chacune un motif."),
    ("satisfaite", "`message si satisfaite \"…\"` / `message si non satisfaite \"…\"` : le message lu selon l'issue de la condition."),
    ("tous les", "`tous les h dans LISTE vérifient CONDITION` : vrai si chaque élément la vérifie."),
    ("au moins un", "`au moins un h dans LISTE vérifie CONDITION` : vrai si un élément au moins la vérifie."),
    ("aucun", "`aucun h dans LISTE ne vérifie CONDITION` : vrai si aucun élément ne la vérifie."),
    ("nombre de", "`nombre de h dans LISTE tels que CONDITION` : combien d'éléments la vérifient."),
    ("somme de", "`somme de EXPRESSION pour chaque h dans LISTE` : la somme sur les éléments."),
    ("heures", "`72 heures` : une durée en heures ; `€/heure × heures` donne un montant."),
];

/// The explanation of a contextual word at the cursor (`tous` of `tous les`).
pub(super) fn contextual_doc(word: &str) -> Option<&'static str> {
    let word = match word {
        "groupe" => "groupe de conditions",
        "tous" => "tous les",
        "moins" => "au moins un",
        "nombre" | "tels" | "telles" => "nombre de",
        "somme" => "somme de",
        "vérifient" | "vérifie" | "verifient" | "verifie" => "tous les",
        "heure" => "heures",
        other => other,
    };
    CONTEXTUAL
        .iter()
        .find(|(w, _)| *w == word)
        .map(|(_, doc)| *doc)
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_keyword_is_explained() {
        for k in socle_grammar::KEYWORDS {
            assert!(super::keyword_doc(k).is_some(), "{k}");
        }
        assert!(super::keyword_doc("demandeur").is_none());
    }
}
