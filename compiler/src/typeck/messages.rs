//! The French messages of the type checker, gathered so they can be reviewed together.
//! Each function returns one message; its parameters are the names and types it quotes.

use std::fmt::Display;

// Labels, notes and short texts.
pub(super) const FIRST_ROW_WITH_NUMBER: &str = "première tranche de ce numéro";
pub(super) const COLUMN_NAME_MISSING: &str =
    "chaque intervalle de ce barème est précédé du nom de sa colonne";
pub(super) const NOT_CALLABLE_EXPR: &str =
    "cette expression n'est pas une fonction, une table ni un barème";
pub(super) const SECOND_DEFINITION: &str = "seconde définition";
pub(super) const FIRST_DEFINITION: &str = "première définition";
pub(super) const SECOND_ENTRY: &str = "seconde entrée";
pub(super) const FIRST_ENTRY: &str = "première entrée";
pub(super) const DURATION_TOO_LARGE: &str = "durée trop grande";
pub(super) const ONLY_TABLES_INDEXED: &str = "seule une table se consulte avec `[clé]`";
pub(super) const AT_DISPOSITIF: &str = "un dispositif n'est décidé qu'à la date de la décision : son éligibilité et ses valeurs ne se lisent pas avec `au`";
pub(super) const VERSION_STARTS_HERE: &str = "cette version commence ici";
pub(super) const VERSION_STILL_VALID: &str = "alors que cette version est encore valable";
pub(super) const VERSION_PERIOD_RULE: &str = "une version vaut de sa date « à partir du » jusqu'à sa date « jusqu'au », sinon jusqu'à la veille de la version suivante";
pub(super) const WHAT_VARIANT: &str = "la variante";
pub(super) const WHAT_PARAMETER: &str = "le paramètre";
pub(super) const WHAT_FIELD: &str = "le champ";
pub(super) const WHAT_NOT_ARGUMENT: &str = "l'argument de `non`";
pub(super) const WHAT_IF_CONDITION: &str = "la condition de `si`";
pub(super) const WHAT_CONDITION: &str = "une condition";
pub(super) const WHAT_EXCEPTION_CONDITION: &str = "la condition d'une exception";
pub(super) const FIRST_EXCEPTION: &str = "première exception";
pub(super) const OTHER_EXCEPTION: &str = "autre exception";

// Messages.
pub(super) const TRANCHE_ARGUMENTS: &str =
    "`tranche` attend un barème puis une valeur : `tranche(barème, x)`";
pub(super) const TRANCHE_NOT_BAREME: &str = "le premier argument de `tranche` doit être un barème";

pub(super) fn row_twice(a: impl Display) -> String {
    format!("la tranche {a} apparaît deux fois")
}

pub(super) fn unknown_column(a: impl Display, b: impl Display) -> String {
    format!("colonne inconnue `{a}` (colonnes : {b})")
}

pub(super) fn bareme_without_columns(a: impl Display, b: impl Display) -> String {
    format!("`{a}` : le barème `{b}` n'a pas de `colonnes`")
}

pub(super) fn empty_interval(a: impl Display, b: impl Display) -> String {
    format!("intervalle vide : la borne basse {a} n'est pas en dessous de la borne haute {b}")
}

pub(super) fn row_column_twice(a: impl Display) -> String {
    format!("la tranche {a} a deux intervalles pour la même colonne")
}

pub(super) fn row_missing_column(a: impl Display, b: impl Display) -> String {
    format!("la tranche {a} n'a pas d'intervalle pour {b}")
}

pub(super) fn row_without_interval(a: impl Display) -> String {
    format!("la tranche {a} n'a pas d'intervalle")
}

pub(super) fn in_column(c: impl Display) -> String {
    format!(" (colonne {c})")
}

pub(super) fn rows_overlap(na: impl Display, nb: impl Display, col_text: impl Display) -> String {
    format!("les tranches {na} et {nb} se chevauchent{col_text}")
}

/// The gap between two rows, as an interval: « ]2 000 ; 3 000[ ».
pub(super) fn joined_bounds(
    a: impl Display,
    b: impl Display,
    c: impl Display,
    d: impl Display,
) -> String {
    format!("{a}{b} ; {c}{d}")
}

pub(super) fn gap_between_rows(hole: impl Display, col_text: impl Display) -> String {
    format!("aucune tranche ne couvre {hole}{col_text}")
}

pub(super) fn builtin_arity(name: impl Display, a: impl Display) -> String {
    format!("`{name}` attend {a}")
}

pub(super) fn not_orderable(name: impl Display, a: impl Display) -> String {
    format!("`{name}` compare des nombres, montants, taux, dates ou durées, pas {a}")
}

pub(super) fn arguments_differ(name: impl Display, ty: impl Display, a: impl Display) -> String {
    format!("les arguments de `{name}` doivent avoir le même type : {ty} et {a}")
}

pub(super) fn abs_not_numeric(a: impl Display) -> String {
    format!("`abs` ne s'applique pas à {a}")
}

pub(super) fn expects_dates(name: impl Display, a: impl Display) -> String {
    format!("`{name}` attend des dates, pas {a}")
}

pub(super) fn expects_date(name: impl Display, a: impl Display) -> String {
    format!("`{name}` attend une date, pas {a}")
}

pub(super) fn expects_money(name: impl Display, a: impl Display, b: impl Display) -> String {
    format!("`{name}` attend un montant {a}, pas {b}")
}

pub(super) fn expects_list(name: impl Display, a: impl Display) -> String {
    format!("`{name}` attend une liste, pas {a}")
}

pub(super) fn is_present_not_optional(a: impl Display) -> String {
    format!("`renseigné` s'applique à une valeur optionnelle (`T?`), pas à {a}")
}

pub(super) fn or_default_not_optional(a: impl Display) -> String {
    format!("`valeur_par_défaut` s'applique à une valeur optionnelle (`T?`), pas à {a}")
}

pub(super) fn default_type_differs(a: impl Display, b: impl Display) -> String {
    format!("la valeur par défaut est {a} alors que la valeur est {b}")
}

pub(super) fn not_declared_in(a: impl Display, b: impl Display) -> String {
    format!("`{a}` ne déclare pas `{b}`")
}

pub(super) fn table_key_type(a: impl Display, key_ty: impl Display, b: impl Display) -> String {
    format!("la table `{a}` a des clés de type {key_ty}, pas {b}")
}

pub(super) fn bareme_wants_value_and_column(a: impl Display) -> String {
    format!("le barème `{a}` attend une valeur et une colonne")
}

pub(super) fn bareme_wants_one_value(a: impl Display) -> String {
    format!("le barème `{a}` attend une seule valeur")
}

pub(super) fn bareme_input_type(a: impl Display, b: impl Display, c: impl Display) -> String {
    format!("le barème `{a}` porte sur {b}, pas sur {c}")
}

pub(super) fn bareme_column_type(a: impl Display, b: impl Display, c: impl Display) -> String {
    format!("la colonne du barème `{a}` est une valeur de `{b}`, pas {c}")
}

pub(super) fn table_one_key(a: impl Display) -> String {
    format!("la table `{a}` se consulte avec une seule clé")
}

pub(super) fn value_not_function(a: impl Display) -> String {
    format!("`{a}` est une valeur, pas une fonction")
}

pub(super) fn unknown_function(a: impl Display) -> String {
    format!("fonction inconnue : `{a}`")
}

pub(super) fn function_arity(a: impl Display, b: impl Display, c: impl Display) -> String {
    format!("la fonction `{a}` attend {b} argument(s), {c} donné(s)")
}

pub(super) fn argument_type(a: impl Display, b: impl Display, c: impl Display) -> String {
    format!("argument de type {a} alors que `{b}` attend {c}")
}

pub(super) fn is_value(a: impl Display) -> String {
    format!("`{a}` est une valeur")
}

pub(super) fn is_input(n: impl Display) -> String {
    format!("`{n}` est une entrée du dossier")
}

pub(super) fn is_table(a: impl Display) -> String {
    format!("`{a}` est une table")
}

pub(super) fn is_param(a: impl Display) -> String {
    format!("`{a}` est un paramètre")
}

pub(super) fn is_bareme(a: impl Display) -> String {
    format!("`{a}` est un barème")
}

pub(super) fn is_function(a: impl Display) -> String {
    format!("`{a}` est une fonction")
}

pub(super) fn is_dispositif(a: impl Display) -> String {
    format!("`{a}` est un dispositif")
}

pub(super) fn is_group(a: impl Display) -> String {
    format!("`{a}` est un groupe de conditions")
}

pub(super) fn is_enum(a: impl Display) -> String {
    format!("`{a}` est une énumération")
}

pub(super) fn is_struct(a: impl Display) -> String {
    format!("`{a}` est une structure")
}

pub(super) fn not_callable(a: impl Display) -> String {
    format!("{a} : seuls une fonction, une table ou un barème s'appellent avec des arguments")
}

pub(super) fn already_defined(a: impl Display) -> String {
    format!("`{a}` est déjà défini")
}

pub(super) fn member_already_defined(what: impl Display, a: impl Display) -> String {
    format!("{what} `{a}` est déjà défini")
}

pub(super) fn not_a_type(a: impl Display) -> String {
    format!("`{a}` n'est pas un type (énumération ou structure)")
}

pub(super) fn unknown_type(a: impl Display) -> String {
    format!("type inconnu : `{a}`")
}

pub(super) fn not_a_variant_of(a: impl Display, b: impl Display) -> String {
    format!("`{a}` n'est pas une variante de `{b}`")
}

pub(super) fn constant_expected(expected: impl Display) -> String {
    format!("une constante de type {expected} était attendue (un littéral)")
}

pub(super) fn constant_type(ty: impl Display, expected: impl Display) -> String {
    format!("constante de type {ty} alors que le type déclaré est {expected}")
}

pub(super) fn table_key_kind(a: impl Display) -> String {
    format!("une clé de table est un entier, un texte ou une énumération, pas {a}")
}

pub(super) fn duplicate_table_key(a: impl Display) -> String {
    format!("clé en double dans la table `{a}`")
}

pub(super) fn table_missing_key(a: impl Display, b: impl Display) -> String {
    format!("la table `{a}` n'a pas de valeur pour {b}")
}

pub(super) fn table_versions_give_entries(a: impl Display) -> String {
    format!("`{a}` est une table : chaque version donne des entrées `clé => valeur`")
}

pub(super) fn param_versions_give_one_value(a: impl Display) -> String {
    format!("`{a}` n'est pas une table : chaque version donne une seule valeur")
}

pub(super) fn bareme_input_kind(a: impl Display) -> String {
    format!("un barème porte sur un nombre, un montant ou un taux, pas sur {a}")
}

pub(super) fn columns_not_enum(a: impl Display) -> String {
    format!("`colonnes` attend une énumération ; `{a}` n'en est pas une")
}

pub(super) fn declared_type_differs(
    a: impl Display,
    declared: impl Display,
    b: impl Display,
) -> String {
    format!("`{a}` est déclaré {declared} mais son expression est {b}")
}

pub(super) fn declared_here(declared: impl Display) -> String {
    format!("déclaré {declared} ici")
}

pub(super) fn unknown_dispositif(a: impl Display) -> String {
    format!("dispositif inconnu : `{a}`")
}

pub(super) fn not_boolean(what: impl Display, a: impl Display) -> String {
    format!("{what} doit être un booléen, pas {a}")
}

pub(super) fn too_deep(max_depth: impl Display) -> String {
    format!("expression trop imbriquée (plus de {max_depth} niveaux)")
}

pub(super) fn struct_as_value(name: impl Display) -> String {
    format!("cette expression est une structure {name} : utilisez un de ses champs")
}

pub(super) fn only_tables_indexed(a: impl Display) -> String {
    format!("{a} : seule une table se consulte avec `[clé]`")
}

pub(super) fn at_expects_date(a: impl Display) -> String {
    format!("`au` attend une date, pas {a}")
}

pub(super) fn negation_type(a: impl Display) -> String {
    format!("le signe `-` ne s'applique pas à {a}")
}

pub(super) fn if_branches_differ(a: impl Display, b: impl Display) -> String {
    format!("les deux branches de `si` n'ont pas le même type : {a} et {b}")
}

pub(super) fn not_comparable(a: impl Display, b: impl Display) -> String {
    format!("impossible de comparer {a} et {b}")
}

pub(super) fn list_element_type(elem: impl Display, a: impl Display) -> String {
    format!("la liste contient des {elem}, pas {a}")
}

pub(super) fn round_type(a: impl Display) -> String {
    format!("`arrondi` s'applique à un montant, un décimal ou un taux, pas à {a}")
}

pub(super) fn contains_not_list(a: impl Display) -> String {
    format!("`contient` s'applique à une liste, pas à {a}")
}

pub(super) fn too_many_decls(limit: impl Display) -> String {
    format!("trop de déclarations : un jeu de règles en compte au plus {limit}")
}

pub(super) fn ruleset_as_value(name: impl Display) -> String {
    format!("`{name}` est un jeu de règles importé : écrivez `{name}.nom`")
}

pub(super) fn ambiguous_variant(name: impl Display) -> String {
    format!("`{name}` est une variante de plusieurs énumérations : le contexte ne dit pas laquelle")
}

pub(super) fn not_a_variant_of_expected(name: impl Display, a: impl Display) -> String {
    format!("`{name}` n'est pas une variante de `{a}`")
}

pub(super) fn unknown_name(name: impl Display) -> String {
    format!("nom inconnu : `{name}`")
}

pub(super) fn table_as_value(name: impl Display) -> String {
    format!("`{name}` est une table : elle se consulte avec une clé, `{name}[clé]`")
}

pub(super) fn bareme_as_value(name: impl Display) -> String {
    format!("`{name}` est un barème : il s'applique à une valeur, `{name}(x)`")
}

pub(super) fn function_as_value(name: impl Display) -> String {
    format!("`{name}` est une fonction : elle s'appelle avec ses arguments, `{name}(…)`")
}

pub(super) fn dispositif_as_value(name: impl Display) -> String {
    format!("`{name}` est un dispositif : écrivez `{name}.éligible` ou `{name}.<valeur>`")
}

pub(super) fn group_as_value(name: impl Display) -> String {
    format!(
        "`{name}` est un groupe de conditions, pas une valeur : il s'utilise dans un dispositif \
         avec `conditions {name}`"
    )
}

pub(super) fn not_a_group(name: impl Display, what: impl Display) -> String {
    format!(
        "`conditions {name}` : {what}, pas un groupe de conditions (`groupe de conditions {name}`)"
    )
}

pub(super) fn unknown_group(name: impl Display) -> String {
    format!("groupe de conditions inconnu : `{name}`")
}

pub(super) fn group_condition_clash(
    name: impl Display,
    group: impl Display,
    dispositif: impl Display,
) -> String {
    format!(
        "la condition `{name}` du groupe `{group}` est aussi définie dans le dispositif `{dispositif}` : \
         chaque motif d'un dispositif a un nom différent"
    )
}

pub(super) fn enum_as_value(name: impl Display) -> String {
    format!("`{name}` est une énumération, pas une valeur")
}

pub(super) fn struct_type_as_value(a: impl Display) -> String {
    format!("`{a}` est une structure, pas une valeur")
}

pub(super) fn unknown_output(a: impl Display, b: impl Display) -> String {
    format!("le dispositif `{a}` n'a pas de valeur de sortie `{b}`")
}

pub(super) fn no_fields(a: impl Display, b: impl Display) -> String {
    format!("`.{a}` : {b} n'a pas de champs")
}

pub(super) fn unknown_field(a: impl Display, b: impl Display) -> String {
    format!("la structure `{a}` n'a pas de champ `{b}`")
}

pub(super) fn already_defined_in(a: impl Display, b: impl Display) -> String {
    format!("`{a}` est déjà défini dans `{b}`")
}

pub(super) fn exception_type(a: impl Display, b: impl Display, ty: impl Display) -> String {
    format!("l'exception donne {a} alors que `{b}` est {ty}")
}

pub(super) fn version_ends_before_start(
    a: impl Display,
    b: impl Display,
    c: impl Display,
    d: impl Display,
) -> String {
    format!("la version {a} de `{b}` se termine le {c} avant de commencer le {d}")
}

pub(super) fn versions_overlap(a: impl Display, b: impl Display) -> String {
    format!("deux versions de `{a}` s'appliquent le {b}")
}

pub(super) fn same_exception(value: impl Display, condition: impl Display) -> String {
    format!("deux exceptions de `{value}` ont la même condition : « {condition} »")
}

pub(super) fn contradictory_exceptions(value: impl Display, condition: impl Display) -> String {
    format!(
        "exceptions contradictoires de `{value}` : la même condition « {condition} » donne deux valeurs différentes"
    )
}

pub(super) fn overlapping_exceptions(
    value: impl Display,
    first: impl Display,
    second: impl Display,
) -> String {
    format!(
        "les exceptions « {first} » et « {second} » de `{value}` peuvent s'appliquer ensemble avec des valeurs différentes : une décision où les deux sont vraies échouera ; imbriquez l'une sous l'autre ou rendez les conditions exclusives"
    )
}

pub(super) fn repeated_number(written: impl Display, name: impl Display) -> String {
    format!(
        "le message répète {written}, la valeur de `{name}` : écrivez {{{name}}}, le message \
         suivra la règle quand elle changera"
    )
}

pub(super) const CITE_INSTEAD: &str = "chiffre recopié";

pub(super) fn list_items(first: impl Display, other: impl Display) -> String {
    format!("les éléments d'une liste ont tous le même type : {first} puis {other}")
}

pub(super) fn quantifier_needs_list(q: impl Display, a: impl Display) -> String {
    format!("`{q}` parcourt une liste, pas {a}")
}

pub(super) fn quantifier_body(q: impl Display) -> String {
    format!("ce que vérifie `{q}`")
}

pub(super) fn sum_of(a: impl Display) -> String {
    format!("`somme de` additionne des nombres, des montants ou des durées, pas {a}")
}

/// Why durations of two families do not mix, and what to write instead.
pub(super) fn duration_families(
    a: &crate::types::Type,
    b: &crate::types::Type,
) -> Option<&'static str> {
    use crate::types::Type;
    use socle_runtime::ir::DurationFamily as F;
    let (Type::Duration(Some(x)), Type::Duration(Some(y))) =
        (a.strip_optional(), b.strip_optional())
    else {
        return None;
    };
    Some(match (x, y) {
        (F::Days, F::Months) | (F::Months, F::Days) => {
            "un mois n'a pas un nombre fixe de jours : pour « trois mois après une date », \
             comparez des dates (`date_entree + 3 mois <= date_décision`) ; pour un nombre de \
             jours, écrivez-le en jours (`90 jours`)"
        }
        (F::Hours, _) | (_, F::Hours) => {
            "des heures (d'aide) ne se comparent ni à des jours ni à des mois : comparez des \
             heures entre elles (`72 heures`), ou passez par un montant (`€/heure × heures`)"
        }
        _ => return None,
    })
}

pub(super) fn unused_group(name: impl Display) -> String {
    format!(
        "le groupe de conditions `{name}` n'est utilisé par aucun dispositif (`conditions {name}`)"
    )
}
