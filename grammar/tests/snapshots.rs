//! Snapshot tests: each snapshot shows the input, the AST (compact form, see `support`) and
//! the errors together.

mod support;

use support::check;

macro_rules! snap {
    ($name:ident, $text:expr) => {
        #[test]
        fn $name() {
            // The input is part of the snapshot body already.
            insta::with_settings!({ omit_expression => true }, {
                insta::assert_snapshot!(check($text));
            });
        }
    };
}

snap!(
    language_reference_example,
    include_str!("fixtures/language_example.socle")
);

snap!(
    literals,
    "valeur entiers = l(60, 1_000, 1\u{a0}000, 1\u{202f}000, 9223372036854775807)
valeur decimaux = l(0,725, 1.7, 1\u{a0}955,60, 0.5, 1_000.000_1)
valeur montants = l(1955,60 €, 7,39 €/mois, 26,30 €/heure, 18854,02 €/an, 3 €/jour, 0€, 1\u{a0}955,60\u{a0}€)
valeur taux = l(90 %, 0,5 %, 12,345%, 100 %)
valeur durees = l(60 ans, 1 an, 3 mois, 15 jours, 1 jour)
valeur dates = l(2024-01-01, 2024-02-29)
valeur booleens = l(vrai, faux)
valeur textes = l(\"95\", \"2A\", \"il dit \\\"oui\\\"\", \"a\\\\b\", \"\")
valeur virgules = l(min(a, b), min(1, 5), min(1,5), f(1 ,2))
valeur negatifs = l(-3, - 2,5 €, -x)
valeur espace_simple = 1 000
"
);

snap!(
    precedence,
    "valeur a = 1 + 2 × 3 - 4 / 5 * 6 ÷ 7
valeur b = a ou b et non c = d
valeur c = -x.y(z)[k] au d
valeur d = si a alors b sinon si c alors d sinon e ou f
valeur e = si si a alors b sinon c alors d sinon e
valeur f = x dans 1..4 et y dans {pch, actp} ou l contient x et l contient un de {a, b,}
valeur g = (1 + 2) × 3
valeur h = a ≠ b ou a != b ou a ≤ b ou a <= b ou a ≥ b ou a >= b ou a < b ou a > b
valeur i = national.mtp au début_année(date_décision) × 2
valeur j = 1 - 2 - 3
valeur k = non non a
valeur l = x − y
valeur m = date_décision - 2024-01-01 + 3 mois
valeur n = arrondi(x, au centime le plus proche) + arrondi(x, a l'euro) + arrondi(x, à l’euro le plus proche)
valeur o = arrondi(x, au centime superieur) + arrondi(x, à l'euro inférieur) + arrondi(x, à l'euro supérieur)
valeur p = dansant + sinonx + soit_x + source_x + sia + a.si
"
);

snap!(
    exceptions,
    "valeur age_minimum : durée = 65 ans
  sauf si demandeur.inaptitude_travail : 60 ans
  sauf si demandeur.taux_incapacite >= 80 % : 60 ans   source \"CASF L232-1\"
  source \"CASF\"
dispositif d \"D\"
  soit base : montant = 10 €
    sauf si a : 5 €
"
);

snap!(
    nested_exceptions,
    "valeur recuperation_succession : booléen = vrai
  sauf si ancien_resident_handicap : faux
    source \"CASF L344-5\"
    sauf si heritier_non_proche : vrai
      sauf si x : faux
  sauf si y : faux
\tsauf si z : vrai
valeur a = 1 sauf si b : 2
  sauf si c : 3
"
);

snap!(
    baremes,
    "## Participation.
barème participation : tranches sur montant €/mois -> taux
  source \"grille\"
  à partir du 2004-01-01 :
    tranche 1 : [0 € ; 755 €[ => 0 %
    tranche 2 : [755 € ; 809 €] => 10 %   source \"ligne 2\" (BR-1)
    tranche 3 : ]809 € ; 1000 €[ => 20 %
    tranche 4 : ]1000 € ; +∞[ => 30 %
  à partir du 2010-01-01 jusqu'au 2019-12-31 : source \"révision 2010\"
    tranche 1 : [-10 ; infini[ => 1
barème b2 : tranches sur entier -> montant €/heure
  colonnes situation_familiale
  à partir du 2004-01-01 :
    tranche 1 : seul [0 ; 10[  couple [0 ; 20[  => 1,62 €
    tranche 2 : seul [10 ; ∞[  couple [20 ; ∞[  => 2,27 €
"
);

snap!(
    parameters_and_tables,
    "paramètre plafond : table entier -> montant €/mois
  à partir du 2024-01-01 : 1 => 1955,60 €  2 => 1581,44 € ; 3 => 1143,09 €; 4 => 762,87 €
  a partir du 2004-01-01 jusqu’au 2023-12-31 :
    1 => 1125,59 €
    2 => 964,79 €
parametre par_lieu : table lieu_de_vie -> booléen
  à partir du 2024-01-01 : domicile => vrai  ehpad => faux
paramètre par_code : table texte -> entier
  à partir du 2024-01-01 : \"95\" => 1  \"2A\" => -2
paramètre seuil : montant €/an
  à partir du 2024-01-01 : 18854,02 €
  à partir du 2025-01-01 : 2 × 9500 €
paramètre taux_aide : taux
  depuis toujours : 25 %
    source \"003 · brochure de 2004, sans date d'effet\"
paramètre ancien : taux
  depuis   toujours jusqu'au 2003-12-31 : 20 %
  à partir du 2004-01-01 : 25 %
"
);

snap!(
    messages,
    r#"condition gir_eligible : demandeur.gir dans 1..4
  message "GIR {demandeur.gir} hors de {bornes.min}..{ bornes.max } \"ok\""
condition c2 : vrai
  message "{x}"
  source "s"
condition c3 : vrai message "sans insertion"
"#
);

snap!(
    payment,
    r#"dispositif apa
  condition age : age >= 60 ans
  condition de versement seuil : montant >= 3 €/mois
    message "montant {montant}"
  valeur plafond : montant €/mois = 1 €/mois
  valeur versée montant : montant €/mois = plafond
  valeur versee : entier = 1
  condition de : vrai
valeur versée hors_dispositif : entier = 1
condition de versement hors_dispositif_aussi : vrai
"#
);

snap!(
    cumul,
    "cumul apa exclut aide_menagere
cumul aide_menagere subsidiaire à apa
cumul a subsidiaire a b
cumul apa cumulable avec pch
  source \"CASF\" (art. L232-23 (al. 2))
cumul apa versée exclut aide_menagere
cumul forfait subsidiaire à prestation versé
cumul apa exclut aide versée
"
);

snap!(
    types_and_structures,
    "structure personne
  ## Date de naissance.
  date_naissance : date
  gir : entier   source \"AGGIR\"
  a : booleen
  b : booléen
  c : décimal
  d : decimal
  e : montant
  f : montant/mois
  g : €/an
  h : €
  i : montant €
  j : taux
  k : durée
  l : duree
  m : texte
  n : liste de prestation
  o : liste de entier?
  p : lieu_de_vie?
  source \"CONTRACT.md\"
entree x : montant €/jour
entrée y : montant €/heure
enumeration e :
  | a
  | b
importe national
"
);

snap!(
    functions,
    "## Participation.
## Deux lignes.
fonction f(plan : montant €/mois, r : entier,) : montant €/mois
  source \"x\"
  ## Premier seuil.
  soit s1 : montant €/mois = 0,725 × mtp   source \"y\"
  resultat s1
fonction g() : entier
  résultat 1
"
);

snap!(
    layout_crlf_tabs_bom_comments,
    "\u{feff}# en-tête\r\n## Doc de x.\r\nvaleur x =\r\n\t1 +   # commentaire\r\n\t2\r\n# entre deux\r\n\r\n## Doc de y,\r\n##   indentée.\r\nvaleur y = \"a # pas un commentaire\"\r\n"
);

snap!(
    recovery_keeps_neighbours,
    "valeur avant = 1
valeur cassee : entier = 3 +
valeur apres = 2
condition c : x >=
  message \"m\"
dispositif d \"D\"
  condition ok : vrai
valeur fin = 3
"
);

snap!(
    errors_typical,
    "condition age_ok >= 60 ans
valeur sans_valeur : entier =
paramètre p : montant
  à partir du 2024-02-30 : 3 €
foo bar
valeur x = min(a, b
valeur t = \"abc
valeur e = \"a\\nb\"
valeur r = arrondi(y, 2)
valeur s = si a 1 sinon 2
condition m : vrai
  message \"GIR {demandeur.gir\"
condition m2 : vrai
  message \"GIR {demandeur.gir +}\"
valeur d = 1,5 an
valeur n = 99999999999999999999
valeur si = 3
condition c : a < b < c
barème b : tranches sur montant -> montant
  à partir du 2024-01-01 :
    tranche 1 : [0 € ; 10 €[ 5 €
paramètre q : montant
  à partir du 2024-01-01 3 €
dispositif dd \"D\"
  conditon x : vrai
structure st
  a entier
cumul a exclu b
Valeur z = 1
paramètre per : montant
  à partir du 2024-01-01 jusqu'au 2023-01-01 : 3 €
condition dup : vrai
  message \"a\"
  message \"b\"
valeur big = 99999999999999999999999999999999 €
paramètre neg : table booléen -> entier
  à partir du 2024-01-01 : -vrai => 1
"
);

snap!(
    errors_column_zero_mistakes,
    "valeur x = min(
  a,
  b
)
soit y = 2
dispositf d \"D\"
  condition c : vrai
source \"CASF\"
Valeur z = 1
- 3
énumération e : a | si
valeur w = 1 + si a alors 1 sinon 2
"
);

snap!(
    errors_stray_indented_start,
    "  valeur x = 1
valeur y = 2
"
);

snap!(
    condition_groups,
    "## Le public commun des aides à domicile.
groupe de conditions public_domicile \"Public des aides à domicile\"
  source \"004\"
  condition age_minimum : âge(demandeur.date_naissance, date_décision) >= 65 ans
    message \"65 ans au moins\"
    source \"004 · « 65 ans et plus »\" (VO-AM-1)
  condition ressources : demandeur.ressources_mensuelles <= plafond

dispositif aide_menagere \"Aide-ménagère\"
  conditions public_domicile
    source \"004\" (VO-AM-1..4)
  condition a_domicile : demandeur.lieu_de_vie = domicile

groupe de conditions vide
"
);

snap!(
    messages_per_outcome,
    "dispositif aide
  condition percoit_apa : demandeur.apa
    message si satisfaite \"la personne perçoit l'APA ({demandeur.montant_apa})\"
    message si non satisfaite \"la personne ne perçoit pas l'APA\"
    source \"004\"
  condition age : demandeur.age >= age_minimum
    message \"âge minimum : {age_minimum}\"
    message si non satisfaite \"moins de {age_minimum}\"

dispositif b
  condition double : vrai
    message si satisfaite \"a\"
    message si satisfaite \"b\"

dispositif c
  condition mal_ecrit : vrai
    message si satisfait \"a\"
"
);

snap!(
    lists_and_quantifiers,
    "valeur a = [1, 2, 3]
valeur b = []
valeur c = tous les h dans demandeur.heritiers vérifient h.proche et h.age >= 18
valeur d = au moins un h dans demandeur.heritiers vérifie h.lien = enfant
valeur e = aucun h dans demandeur.heritiers ne vérifie h.lien dans {conjoint, enfant}
valeur f = nombre de h dans demandeur.heritiers tels que h.age < 18
valeur g = somme de h.part pour chaque h dans demandeur.heritiers
valeur h = (tous les x dans [1, 2] verifient x > 0) ou non aucun x dans [3] verifie x = 3
valeur i = nombre(tous)
valeur j = tous les h dans l
"
);
