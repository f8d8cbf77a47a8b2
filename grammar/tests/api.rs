//! Public helpers, spans, and spelling variants.

#![allow(clippy::indexing_slicing)]

mod support;

use socle_grammar::ast::{DeclKind, DispositifItemKind, ExprKind, MessagePart};
use socle_grammar::{is_keyword, parse, KEYWORDS};

#[test]
fn every_keyword_is_refused_as_a_name() {
    for kw in KEYWORDS {
        assert!(is_keyword(kw));
        let (file, errors) = parse(&format!("valeur {kw} = 1\n"));
        assert!(file.decls.is_empty(), "`{kw}` was accepted as a name");
        assert_eq!(errors.len(), 1, "{kw}");
    }
}

#[test]
fn contextual_words_and_keyword_prefixes_are_names() {
    for word in [
        "montant",
        "date",
        "table",
        "tranche",
        "tranches",
        "liste",
        "colonnes",
        "plafond",
        "a",
        "un",
        "de",
        "mois",
        "an",
        "texte",
        "entier",
        "dansant",
        "sinonx",
        "soit_x",
        "sources",
        "sia",
        "éligible",
        "eligible",
        "avec",
        "sur",
        "centime",
        "_x",
        "âge",
        "x1",
    ] {
        assert!(!is_keyword(word), "{word}");
        let (file, errors) = parse(&format!("valeur {word} = {word}\n"));
        assert!(errors.is_empty(), "`{word}`: {errors:?}");
        let DeclKind::Value(v) = &file.decls[0].kind else {
            panic!("not a value")
        };
        assert_eq!(v.name.name, word);
        assert!(matches!(&v.expr.kind, ExprKind::Name(n) if n.name == word));
    }
}

/// Removes ` @start..end` markers so that texts of different byte lengths compare.
fn without_spans(printed: &str) -> String {
    let mut out = String::new();
    let mut chars = printed.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '@' && chars.peek().is_some_and(|d| d.is_ascii_digit()) {
            while chars
                .peek()
                .is_some_and(|d| d.is_ascii_digit() || *d == '.')
            {
                chars.next();
            }
            if out.ends_with(' ') {
                out.pop();
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn unaccented_keywords_give_the_same_tree() {
    let accented = "énumération e : a | b
entrée x : durée
paramètre p : booléen
  à partir du 2024-01-01 jusqu'au 2024-12-31 : vrai
barème b : tranches sur décimal -> montant
  à partir du 2024-01-01 :
    tranche 1 : [0 ; ∞[ => 1 €
fonction f() : entier
  résultat arrondi(1, à l'euro inférieur) + arrondi(1, au centime supérieur)
cumul a subsidiaire à b
";
    let plain = "enumeration e : a | b
entree x : duree
parametre p : booleen
  a partir du 2024-01-01 jusqu’au 2024-12-31 : vrai
bareme b : tranches sur decimal -> montant
  a partir du 2024-01-01 :
    tranche 1 : [0 ; infini[ => 1 €
fonction f() : entier
  resultat arrondi(1, a l'euro inferieur) + arrondi(1, au centime superieur)
cumul a subsidiaire a b
";
    let (a, errors_a) = parse(accented);
    let (b, errors_b) = parse(plain);
    assert!(
        errors_a.is_empty() && errors_b.is_empty(),
        "{errors_a:?} {errors_b:?}"
    );
    assert_eq!(
        without_spans(&support::print_file(&a)),
        without_spans(&support::print_file(&b))
    );
}

#[test]
fn spans_point_into_the_original_text() {
    let text = "\u{feff}## Doc.\r\ndispositif d \"D\"\r\n  condition gir_ok : demandeur.gir dans 1..4\r\n    message \"GIR {  demandeur.gir } !\"\r\n";
    let (file, errors) = parse(text);
    assert!(errors.is_empty(), "{errors:?}");
    let decl = &file.decls[0];
    assert_eq!(
        &text[decl.span.range()].lines().next(),
        &Some("dispositif d \"D\"")
    );
    assert!(text[decl.span.range()].ends_with("!\""));
    assert_eq!(decl.meta.doc.as_deref(), Some("Doc."));
    let DeclKind::Dispositif(d) = &decl.kind else {
        panic!("not a dispositif")
    };
    assert_eq!(&text[d.name.span.range()], "d");
    let DispositifItemKind::Condition(c) = &d.items[0].kind else {
        panic!("not a condition")
    };
    assert_eq!(&text[c.name.span.range()], "gir_ok");
    assert_eq!(&text[c.expr.span.range()], "demandeur.gir dans 1..4");
    let message = c.message.as_ref().unwrap();
    assert_eq!(
        &text[message.span.range()],
        "message \"GIR {  demandeur.gir } !\""
    );
    let [MessagePart::Text(before), MessagePart::Expr(e), MessagePart::Text(after)] =
        message.parts.as_slice()
    else {
        panic!("{:?}", message.parts)
    };
    assert_eq!((before.as_str(), after.as_str()), ("GIR ", " !"));
    assert_eq!(&text[e.span.range()], "demandeur.gir");
    let ExprKind::Field(base, field) = &e.kind else {
        panic!("{e:?}")
    };
    assert_eq!(&text[base.span.range()], "demandeur");
    assert_eq!(&text[field.span.range()], "gir");
}

#[test]
fn error_spans_point_at_the_offending_token() {
    let text = "valeur a = 1\n\ncondition c >= 60 ans\nvaleur b = 2\n";
    let (file, errors) = parse(text);
    assert_eq!(file.decls.len(), 2);
    assert_eq!(errors.len(), 1);
    assert_eq!(&text[errors[0].span.range()], ">=");
    assert_eq!(
        errors[0].message,
        "syntaxe : `:` attendu après le nom de la condition, trouvé `>=`"
    );
    // Inside a message, the span is in the file, not in the message.
    let text = "condition c : vrai\n  message \"x {a +* b}\"\n";
    let (_, errors) = parse(text);
    assert_eq!(&text[errors[0].span.range()], "*");
}

#[test]
fn empty_and_comment_only_files_are_fine() {
    for text in [
        "",
        "\n\n",
        "# rien\n## doc orpheline\n",
        "\u{feff}",
        "\u{feff}# x",
    ] {
        let (file, errors) = parse(text);
        assert!(file.decls.is_empty() && errors.is_empty(), "{text:?}");
    }
    let (file, _) = parse("# a\n## b\r\n");
    let texts: Vec<(&str, bool)> = file
        .comments
        .iter()
        .map(|c| (c.text.as_str(), c.doc))
        .collect();
    assert_eq!(texts, [(" a", false), (" b", true)]);
}
