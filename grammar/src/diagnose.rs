//! Turns pest errors (rule names and a position) into messages a policy officer can read.

use pest::error::{Error, ErrorVariant, InputLocation};

use crate::build::nesting_error;
use crate::lexer::{lex, Tok, TokKind};
use crate::parser::Rule;
use crate::{ParseError, Span};

/// Where the failing text comes from.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Context {
    /// A whole declaration.
    Decl,
    /// The `{…}` insertion of a condition message.
    Message,
}

/// The declaration keywords, as listed to someone who typed something else.
const DECL_WORDS: &str = "dispositif, paramètre, barème, valeur, condition, fonction, \
    structure, énumération, entrée, importe ou cumul";

/// What a rule stands for, in words; `None` for rules that only matter through another one.
fn phrase(rule: Rule) -> Option<(&'static str, Group)> {
    use Group::*;
    let p = match rule {
        Rule::expr
        | Rule::if_expr
        | Rule::or_expr
        | Rule::and_expr
        | Rule::not_expr
        | Rule::cmp_expr
        | Rule::add_expr
        | Rule::mul_expr
        | Rule::unary
        | Rule::postfix
        | Rule::postfix_no_at
        | Rule::paren
        | Rule::round
        | Rule::lit_number
        | Rule::lit_true
        | Rule::lit_false
        | Rule::op_neg
        | Rule::op_not
        | Rule::kw_si
        | Rule::kw_arrondi
        | Rule::message_expr => ("une expression", Expression),
        Rule::op_ne
        | Rule::op_le
        | Rule::op_ge
        | Rule::op_eq
        | Rule::op_lt
        | Rule::op_gt
        | Rule::op_add
        | Rule::op_sub
        | Rule::op_mul
        | Rule::op_div
        | Rule::cmp_binary
        | Rule::in_set
        | Rule::in_range
        | Rule::contains_any
        | Rule::contains
        | Rule::kw_et
        | Rule::kw_ou
        | Rule::kw_dans
        | Rule::kw_contient
        | Rule::field_access
        | Rule::call_args
        | Rule::index
        | Rule::at_date
        | Rule::kw_au => ("un opérateur", Operator),
        Rule::ident | Rule::field_name => ("un nom", Masculine),
        Rule::type_expr
        | Rule::table_type
        | Rule::ty_list
        | Rule::ty_money
        | Rule::ty_simple
        | Rule::ty_duration => ("un type (entier, montant €/mois, date…)", Masculine),
        Rule::money_unit | Rule::unit_money => ("une unité (`€`, `€/mois`…)", Feminine),
        Rule::period => ("une période (heure, jour, mois ou an)", Feminine),
        Rule::lit_date => ("une date AAAA-MM-JJ", Feminine),
        Rule::lit_string | Rule::string_inner => ("un texte entre guillemets", Masculine),
        Rule::signed_literal | Rule::number => ("un nombre", Masculine),
        Rule::source | Rule::kw_source => ("`source`", Masculine),
        Rule::source_refs => ("`(`", Masculine),
        Rule::message | Rule::kw_message => ("`message`", Masculine),
        Rule::exception | Rule::kw_sauf => ("`sauf si`", Masculine),
        Rule::validity | Rule::param_version | Rule::bareme_version | Rule::kw_a_partir_du => {
            ("`à partir du`", Masculine)
        }
        Rule::since_always => ("`depuis toujours`", Masculine),
        Rule::kw_jusqu_au => ("`jusqu'au`", Masculine),
        Rule::tranche_row | Rule::kw_tranche => ("`tranche`", Masculine),
        Rule::row_number => ("un numéro de tranche", Masculine),
        Rule::row_interval | Rule::interval | Rule::lower_incl | Rule::lower_excl => {
            ("un intervalle (`[0 € ; 755 €[`)", Masculine)
        }
        Rule::upper_incl | Rule::upper_excl => ("`]` ou `[`", Masculine),
        Rule::infinity | Rule::kw_infini => ("`∞`", Masculine),
        Rule::columns | Rule::kw_colonnes => ("`colonnes`", Masculine),
        Rule::table_entries | Rule::table_entry => ("une entrée `clé => valeur`", Feminine),
        Rule::field_decl => ("un champ (`nom : type`)", Masculine),
        Rule::fn_param => ("un paramètre (`nom : type`)", Masculine),
        Rule::fn_let | Rule::let_value | Rule::kw_soit => ("`soit`", Masculine),
        Rule::fn_result | Rule::kw_resultat => ("`résultat`", Masculine),
        Rule::value_decl | Rule::kw_valeur => ("`valeur`", Masculine),
        Rule::condition_decl | Rule::kw_condition => ("`condition`", Masculine),
        Rule::payment_marker | Rule::kw_de_versement => ("`de versement`", Masculine),
        Rule::paid_marker | Rule::kw_versee | Rule::paid_side | Rule::kw_verse_any => {
            ("`versée`", Masculine)
        }
        Rule::group_use | Rule::kw_conditions => ("`conditions`", Feminine),
        Rule::kw_groupe => ("`groupe de conditions`", Masculine),
        Rule::list_lit => ("une liste `[…]`", Feminine),
        Rule::quantified | Rule::quantifier | Rule::q_all | Rule::q_some | Rule::q_none => {
            ("`tous les`, `au moins un` ou `aucun`", Masculine)
        }
        Rule::kw_verifie => ("`vérifient` (ou `vérifie`)", Masculine),
        Rule::count_of | Rule::kw_nombre_de => ("`nombre de`", Masculine),
        Rule::kw_tels_que => ("`tels que`", Masculine),
        Rule::sum_of | Rule::kw_somme_de => ("`somme de`", Feminine),
        Rule::kw_pour_chaque => ("`pour chaque`", Masculine),
        Rule::message_when | Rule::when_not | Rule::kw_satisfaite => {
            ("`satisfaite` ou `non satisfaite`", Masculine)
        }
        Rule::cumul_exclut | Rule::kw_exclut => ("`exclut`", Masculine),
        Rule::cumul_subsidiaire | Rule::kw_subsidiaire => ("`subsidiaire à`", Masculine),
        Rule::cumul_cumulable | Rule::kw_cumulable => ("`cumulable avec`", Masculine),
        Rule::set => ("`{`", Masculine),
        Rule::mode_centime_down
        | Rule::mode_centime_up
        | Rule::mode_centime_nearest
        | Rule::mode_euro_down
        | Rule::mode_euro_up
        | Rule::mode_euro_nearest
        | Rule::kw_centime
        | Rule::kw_a_l_euro => (
            "un mode d'arrondi (`au centime`, `au centime inférieur`, `à l'euro supérieur`…)",
            Masculine,
        ),
        Rule::kw_inferieur => ("`inférieur`", Masculine),
        Rule::kw_superieur => ("`supérieur`", Masculine),
        Rule::kw_le_plus_proche => ("`le plus proche`", Masculine),
        Rule::kw_alors => ("`alors`", Masculine),
        Rule::kw_sinon => ("`sinon`", Masculine),
        Rule::kw_a | Rule::kw_a_accent => ("`à`", Masculine),
        Rule::kw_avec => ("`avec`", Masculine),
        Rule::kw_un => ("`un de`", Masculine),
        Rule::kw_de => ("`de`", Masculine),
        Rule::kw_table => ("`table`", Masculine),
        Rule::kw_tranches => ("`tranches sur`", Masculine),
        Rule::kw_sur => ("`sur`", Masculine),
        Rule::kw_liste => ("`liste de`", Masculine),
        Rule::kw_montant => ("`montant`", Masculine),
        Rule::p_colon => ("`:`", Masculine),
        Rule::p_eq => ("`=`", Masculine),
        Rule::p_fatarrow => ("`=>`", Masculine),
        Rule::p_arrow => ("`->`", Masculine),
        Rule::p_lparen => ("`(`", Masculine),
        Rule::p_rparen => ("`)`", Masculine),
        Rule::p_lbracket => ("`[`", Masculine),
        Rule::p_rbracket => ("`]`", Masculine),
        Rule::p_lbrace => ("`{`", Masculine),
        Rule::p_rbrace => ("`}`", Masculine),
        Rule::p_comma => ("`,`", Masculine),
        Rule::p_semicolon => ("`;`", Masculine),
        Rule::p_pipe => ("`|`", Masculine),
        Rule::p_dotdot => ("`..`", Masculine),
        Rule::p_dot => ("`.`", Masculine),
        Rule::p_question => ("`?`", Masculine),
        Rule::EOI => ("la fin de la déclaration", End),
        _ => return None,
    };
    Some(p)
}

/// How a phrase agrees and where it goes in a list.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Group {
    Masculine,
    Feminine,
    Expression,
    Operator,
    End,
}

/// The absolute span of a token of `input`, which starts at `base` in the file.
fn tok_span(base: usize, tok: Tok) -> Span {
    Span::new(base + tok.start, base + tok.end)
}

/// A token as quoted in a message.
fn quote(input: &str, tok: Tok) -> String {
    let text = tok.text(input);
    let short: String = text.chars().take(30).collect();
    let ellipsis = if short.len() < text.len() { "…" } else { "" };
    format!("`{short}{ellipsis}`")
}

fn is_code(tok: &Tok) -> bool {
    !matches!(tok.kind, TokKind::Comment { .. })
}

pub(crate) fn pest_error(
    base: usize,
    input: &str,
    err: &Error<Rule>,
    context: Context,
) -> ParseError {
    let pos = match err.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((start, _)) => start,
    };
    let toks: Vec<Tok> = lex(input, 0).into_iter().filter(is_code).collect();
    let found = toks.iter().copied().find(|t| t.end > pos);
    let before: Vec<Tok> = toks.iter().copied().filter(|t| t.end <= pos).collect();
    let previous = before.last().copied();

    let positives = match &err.variant {
        ErrorVariant::ParsingError { positives, .. } => positives.clone(),
        ErrorVariant::CustomError { .. } => {
            // pest's own guards (stack or call limit) are the only custom errors.
            let span = found.map_or(Span::new(base + pos, base + pos), |t| tok_span(base, t));
            return nesting_error(span);
        }
    };

    if context == Context::Decl && previous.is_none() {
        return not_a_declaration(base, input, found);
    }

    let (expected, feminine) = expected_phrase(&positives);
    let agreement = if feminine { "attendue" } else { "attendu" };
    let after = previous.map_or_else(String::new, |prev| {
        after_phrase(
            input,
            prev,
            before.len().checked_sub(2).and_then(|i| before.get(i)),
        )
    });
    let (found_text, span) = match found {
        Some(t) => (quote(input, t), tok_span(base, t)),
        None => {
            let end = previous.map_or(pos, |t| t.end);
            let what = match context {
                Context::Decl => "la fin de la déclaration",
                Context::Message => "la fin de l'insertion `{…}`",
            };
            (what.to_owned(), Span::new(base + end, base + end))
        }
    };
    // « un nom attendu, trouvé `si` » is puzzling unless one knows `si` is reserved, and
    // `1 + si …` unless one knows `si … alors … sinon …` binds loosest.
    let hint = match found.map(|t| t.text(input)) {
        Some("si") if expected.contains("une expression") => {
            " (une expression `si … alors … sinon …` au milieu d'un calcul se met entre \
             parenthèses)"
                .to_owned()
        }
        Some(word) if expected.contains("un nom") && crate::is_keyword(word) => {
            format!(" (`{word}` est un mot réservé du langage)")
        }
        _ => String::new(),
    };
    let prefix = match context {
        Context::Decl => "syntaxe",
        Context::Message => "syntaxe du message",
    };
    ParseError {
        message: format!("{prefix} : {expected} {agreement}{after}, trouvé {found_text}{hint}"),
        span,
    }
}

/// Words that continue a declaration: at column 0 they were meant to be indented.
const CONTINUATION_WORDS: &[&str] = &[
    "soit",
    "sauf",
    "message",
    "source",
    "tranche",
    "résultat",
    "resultat",
    "à",
    "a",
    "colonnes",
    "jusqu",
];

/// The words that start a declaration, to suggest the nearest one.
const DECL_KEYWORDS: &[&str] = &[
    "dispositif",
    "paramètre",
    "parametre",
    "barème",
    "bareme",
    "valeur",
    "condition",
    "fonction",
    "structure",
    "énumération",
    "enumeration",
    "entrée",
    "entree",
    "importe",
    "cumul",
];

/// The message for a declaration whose first token starts no declaration.
fn not_a_declaration(base: usize, input: &str, first: Option<Tok>) -> ParseError {
    let span = first.map_or(Span::new(base, base), |t| tok_span(base, t));
    let Some(first) = first else {
        return ParseError {
            message: format!("ce texte ne commence pas une déclaration : attendu {DECL_WORDS}"),
            span,
        };
    };
    let text = first.text(input);
    let quoted = quote(input, first);
    let continuation = first.kind != TokKind::Word || CONTINUATION_WORDS.contains(&text);
    let message = if continuation {
        format!(
            "{quoted} en début de ligne (colonne 0) commence une nouvelle déclaration : \
             indentez cette ligne si elle continue la déclaration précédente"
        )
    } else {
        let lowered = text.to_lowercase();
        let nearest = DECL_KEYWORDS
            .iter()
            .map(|kw| (strsim::levenshtein(&lowered, kw), *kw))
            .min()
            .filter(|(distance, _)| *distance <= 2);
        let hint = nearest.map_or_else(String::new, |(_, kw)| {
            format!(" (vouliez-vous écrire `{kw}` ?)")
        });
        format!("{quoted} ne commence pas une déclaration{hint} : attendu {DECL_WORDS}")
    };
    ParseError { message, span }
}

/// « `:` ou `=` », with whether the agreement is feminine.
fn expected_phrase(positives: &[Rule]) -> (String, bool) {
    let mut phrases: Vec<(&str, Group)> = positives.iter().filter_map(|r| phrase(*r)).collect();
    // A postfix operator or a name is also « une expression » / « un opérateur »: say the
    // general thing once rather than listing the pieces.
    if phrases.iter().any(|(_, g)| *g == Group::Expression) {
        phrases.retain(|(p, _)| !matches!(*p, "un nom" | "`(`" | "`{`"));
    }
    if phrases.iter().any(|(_, g)| *g == Group::Operator) {
        phrases.retain(|(p, _)| !matches!(*p, "`.`" | "`(`" | "`[`" | "`{`"));
    }
    phrases.sort_by_key(|(_, g)| match g {
        Group::Masculine | Group::Feminine => 0,
        Group::Expression | Group::Operator => 1,
        Group::End => 2,
    });
    let mut unique: Vec<(&str, Group)> = Vec::new();
    for p in phrases {
        if !unique.iter().any(|(q, _)| *q == p.0) {
            unique.push(p);
        }
    }
    match unique.as_slice() {
        [] => ("autre chose".to_owned(), false),
        [(one, group)] => (
            (*one).to_owned(),
            matches!(group, Group::Feminine | Group::Expression | Group::End),
        ),
        [init @ .., (last, _)] => {
            let init: Vec<&str> = init.iter().map(|(p, _)| *p).collect();
            (format!("{} ou {last}", init.join(", ")), false)
        }
    }
}

/// « après le nom de la condition », « après `=` », or nothing.
fn after_phrase(input: &str, prev: Tok, before_prev: Option<&Tok>) -> String {
    if prev.kind == TokKind::Word {
        if let Some(keyword) = before_prev.filter(|t| t.kind == TokKind::Word) {
            let owner = match keyword.text(input) {
                "condition" => Some("de la condition"),
                "valeur" => Some("de la valeur"),
                "soit" => Some("de la valeur `soit`"),
                "paramètre" | "parametre" => Some("du paramètre"),
                "barème" | "bareme" => Some("du barème"),
                "structure" => Some("de la structure"),
                "énumération" | "enumeration" => Some("de l'énumération"),
                "entrée" | "entree" => Some("de l'entrée"),
                "fonction" => Some("de la fonction"),
                "dispositif" => Some("du dispositif"),
                "importe" => Some("du ruleset importé"),
                _ => None,
            };
            if let Some(owner) = owner {
                return format!(" après le nom {owner}");
            }
        }
    }
    if matches!(prev.kind, TokKind::Str { .. }) || prev.end - prev.start > 30 {
        return String::new();
    }
    format!(" après {}", quote(input, prev))
}
