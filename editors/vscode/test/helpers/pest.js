// Reads the keywords of grammar/src/socle.pest, so that the tests notice a new one.
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const PEST = path.resolve(__dirname, '..', '..', '..', '..', 'grammar', 'src', 'socle.pest');

/**
 * The words of the rules `kw_*`, `ty_simple`, `unit_duration`, `period`, `infinity`,
 * `lit_true`, `lit_false` and `op_not` of socle.pest, every alternative spelled out
 * (`("à" | "a") ~ inline_space+ ~ "partir"` gives « à partir » and « a partir »).
 */
function pestKeywords(pestPath = PEST) {
  const pest = fs.readFileSync(pestPath, 'utf8');
  const rules = new Map();
  const re = /^(\w+)\s*=\s*[@$_]?\{([\s\S]*?)\}\s*$/gm;
  for (const m of pest.matchAll(re)) rules.set(m[1], m[2]);
  const wanted = [...rules.keys()].filter((n) =>
    /^(kw_\w+|ty_simple|unit_duration|period|infinity|lit_true|lit_false|op_not)$/.test(n)
  );
  const words = new Map();
  for (const name of wanted) {
    for (const w of expand(rules.get(name))) {
      if (/\p{L}/u.test(w)) words.set(w, name);
    }
  }
  return words;
}

/** Spells out a pest expression made of literals, `~`, `|`, parentheses and `inline_space+`. */
function expand(body) {
  const toks = [];
  const lex = /"((?:[^"\\]|\\.)*)"|inline_space\+|!XID_CONTINUE|!\s*"[^"]*"|!\s*\w+|[()|~?+]|\S+/g;
  for (const m of body.matchAll(lex)) {
    if (m[0].startsWith('!')) continue;
    if (m[1] !== undefined) toks.push({ lit: m[1] });
    else if (m[0] === 'inline_space+') toks.push({ lit: ' ' });
    else if ('()|~'.includes(m[0])) toks.push({ op: m[0] });
    else if (m[0] === '?' || m[0] === '+') {
      // `"+"? ~ "∞"`: an optional sign, spelled out without it.
      const prev = toks[toks.length - 1];
      if (m[0] === '?' && prev && prev.lit !== undefined) prev.optional = true;
    }
  }
  let i = 0;
  function alt() {
    let out = seq();
    while (toks[i] && toks[i].op === '|') {
      i++;
      out = out.concat(seq());
    }
    return out;
  }
  function seq() {
    let out = [''];
    while (toks[i] && toks[i].op !== '|' && toks[i].op !== ')') {
      if (toks[i].op === '~') {
        i++;
        continue;
      }
      let parts;
      if (toks[i].op === '(') {
        i++;
        parts = alt();
        i++; // ')'
      } else {
        parts = toks[i].optional ? [''] : [toks[i].lit];
        i++;
      }
      out = out.flatMap((a) => parts.map((b) => a + b));
    }
    return out;
  }
  return alt();
}

/**
 * A line where each word of socle.pest stands at a place where the language gives it its
 * meaning; `{}` marks the word. Contextual words (not reserved) need their context.
 */
const CONTEXTS = {
  a: 'cumul x subsidiaire {} y',
  'à': 'cumul x subsidiaire {} y',
  avec: 'cumul x cumulable {} y',
  un: 'valeur v = l contient {} de {x}',
  de: 'valeur v : liste {} texte = l',
  table: 'paramètre p : {} entier -> taux',
  tranches: 'barème b : {} sur montant € -> taux',
  sur: 'barème b : tranches {} montant € -> taux',
  tranche: '    {} 1 : [0 € ; 10 €[ => 1 %',
  colonnes: '  {} situation_familiale',
  liste: 'entrée e : {} de texte',
  montant: 'entrée e : {} €/mois',
  centime: 'valeur v = arrondi(x, au {} inférieur)',
  'inférieur': 'valeur v = arrondi(x, au centime {})',
  inferieur: 'valeur v = arrondi(x, au centime {})',
  'supérieur': 'valeur v = arrondi(x, à l’euro {})',
  superieur: 'valeur v = arrondi(x, à l’euro {})',
  'le plus proche': 'valeur v = arrondi(x, au centime {})',
  'à partir du': '  {} 2024-01-01 : 3',
  'a partir du': '  {} 2024-01-01 : 3',
  ans: 'valeur v = 3 {}',
  an: 'valeur v = 3 {}',
  mois: 'valeur v = 3 {}',
  jours: 'valeur v = 3 {}',
  jour: 'valeur v = 3 {}',
  heure: 'valeur v = 3 €/{}',
  heures: 'valeur v = 3 {}',
  groupe: '{} de conditions g',
  conditions: '  {} public',
  satisfaite: '    message si {} "m"',
  'ne vérifient': 'valeur v = aucun h dans l {} h.a',
  'ne verifient': 'valeur v = aucun h dans l {} h.a',
  'ne vérifie': 'valeur v = aucun h dans l {} h.a',
  'ne verifie': 'valeur v = aucun h dans l {} h.a',
  'vérifient': 'valeur v = tous les h dans l {} h.a',
  verifient: 'valeur v = tous les h dans l {} h.a',
  'vérifie': 'valeur v = au moins un h dans l {} h.a',
  verifie: 'valeur v = au moins un h dans l {} h.a',
  'nombre de': 'valeur v = {} h dans l tels que h.a',
  'tels que': 'valeur v = nombre de h dans l {} h.a',
  'telles que': 'valeur v = nombre de h dans l {} h.a',
  'tel que': 'valeur v = nombre de h dans l {} h.a',
  'telle que': 'valeur v = nombre de h dans l {} h.a',
  'somme de': 'valeur v = {} h.a pour chaque h dans l',
  'pour chaque': 'valeur v = somme de h.a {} h dans l',
  'de versement': '  condition {} seuil : vrai',
  'versée': '  valeur {} montant : montant €/mois = 1 €/mois',
  versee: '  valeur {} montant : montant €/mois = 1 €/mois',
  'versé': 'cumul a {} exclut b',
  verse: 'cumul b subsidiaire à a {}',
};
const TYPE_CONTEXT = 'entrée e : {}';
const ROUNDING_CONTEXT = 'valeur v = arrondi(x, {} inférieur)';
const UNTIL_CONTEXT = '  à partir du 2024-01-01 {} 2024-12-31 : 3';
const RESERVED_CONTEXT = 'x {} y';

function contextFor(word, rule) {
  if (CONTEXTS[word]) return CONTEXTS[word];
  if (rule === 'ty_simple') return TYPE_CONTEXT;
  if (rule === 'kw_a_l_euro') return ROUNDING_CONTEXT;
  if (rule === 'kw_jusqu_au') return UNTIL_CONTEXT;
  if (rule === 'period') return 'valeur v = 3 €/{}';
  return RESERVED_CONTEXT;
}

/** One sample line per keyword of socle.pest: { word, rule, line, at } (`at`: UTF-16 index). */
function keywordSamples(pestPath = PEST) {
  return [...pestKeywords(pestPath)].map(([word, rule]) => {
    const line = contextFor(word, rule).replace('{}', word);
    return { word, rule, line, at: line.indexOf(word) };
  });
}

module.exports = { pestKeywords, keywordSamples, expand, PEST };

// `node test/helpers/pest.js`: the samples as « mot<TAB>ligne » lines, for the Vim check.
if (require.main === module) {
  for (const s of keywordSamples()) process.stdout.write(`${s.word}\t${s.line}\n`);
}

