// Tests of syntaxes/socle.tmLanguage.json, run with `node --test` (see editors/test).
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { tokenize, ROOT_SCOPE } = require('./helpers/tokenize');
const { pestKeywords, keywordSamples } = require('./helpers/pest');

const REPO = path.resolve(__dirname, '..', '..', '..');
const RULESETS = path.join(REPO, 'rulesets');

function socleFiles(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...socleFiles(full));
    else if (entry.name.endsWith('.socle')) out.push(full);
  }
  return out.sort();
}

/** Every ```socle block of a Markdown file. */
function socleBlocks(file) {
  const md = fs.readFileSync(file, 'utf8');
  return [...md.matchAll(/^```socle\r?\n([\s\S]*?)^```/gm)].map((m) => m[1]);
}

const innermost = (token) => token.scopes[token.scopes.length - 1];

/**
 * Characters a grammar must scope: every non-blank character of a line. A character is
 * scoped when its token carries a scope besides the root `source.socle`.
 */
function unscoped(lines) {
  const misses = [];
  lines.forEach((tokens, i) => {
    for (const t of tokens) {
      if (t.text.trim() !== '' && t.scopes.length === 1 && t.scopes[0] === ROOT_SCOPE) {
        misses.push({ line: i + 1, column: t.start + 1, text: t.text });
      }
    }
  });
  return misses;
}

const shipped = socleFiles(RULESETS);

test('les jeux de règles livrés existent', () => {
  assert.ok(shipped.length >= 10, `seulement ${shipped.length} fichiers .socle sous rulesets/`);
});

test('chaque caractère non blanc des jeux de règles livrés reçoit une portée', async (t) => {
  for (const file of shipped) {
    await t.test(path.relative(REPO, file), async () => {
      const misses = unscoped(await tokenize(fs.readFileSync(file, 'utf8')));
      assert.deepEqual(misses, [], `caractères sans portée dans ${path.relative(REPO, file)}`);
    });
  }
});

test('chaque caractère non blanc des exemples de la documentation reçoit une portée', async () => {
  for (const doc of ['REFERENCE.md', 'TUTORIEL.md']) {
    const blocks = socleBlocks(path.join(REPO, 'docs', doc));
    assert.ok(blocks.length > 0, `aucun bloc socle dans docs/${doc}`);
    for (const block of blocks) {
      const misses = unscoped(await tokenize(block));
      assert.deepEqual(misses, [], `docs/${doc} :\n${block}`);
    }
  }
});

// ---------------------------------------------------------------- chosen lines

/** The tokens of the first line of the shipped rulesets that matches `re`. */
async function shippedLine(re) {
  for (const file of shipped) {
    const text = fs.readFileSync(file, 'utf8');
    const lines = text.split(/\r?\n/);
    const i = lines.findIndex((l) => re.test(l));
    if (i >= 0) {
      const tokens = (await tokenize(text))[i];
      return { where: `${path.relative(REPO, file)}:${i + 1}`, tokens };
    }
  }
  assert.fail(`aucune ligne des jeux de règles ne correspond à ${re}`);
}

/** Asserts that the token whose text is `word` (first one from `from`) has scope `scope`. */
function expectScope(line, word, scope, from = 0) {
  const tok = line.tokens.find((t) => t.start >= from && t.text.trim() === word);
  assert.ok(tok, `${line.where} : pas de lexème « ${word} » (${line.tokens.map((t) => t.text).join('|')})`);
  assert.ok(
    tok.scopes.some((s) => s === scope || s.startsWith(scope + '.')),
    `${line.where} : « ${word} » a ${tok.scopes.join(' ')}, attendu ${scope}`
  );
}

test('mots-clés de déclaration, avec et sans accents', async () => {
  let l = await shippedLine(/^paramètre coefficient_gir : table entier -> décimal$/);
  expectScope(l, 'paramètre', 'keyword.declaration');
  expectScope(l, 'coefficient_gir', 'entity.name');
  expectScope(l, 'table', 'storage.type');
  expectScope(l, 'entier', 'storage.type');
  expectScope(l, '->', 'keyword.operator.arrow');
  expectScope(l, 'décimal', 'storage.type');
  l = await shippedLine(/^dispositif \w+ "/);
  expectScope(l, 'dispositif', 'keyword.declaration');
  l = await shippedLine(/^énumération /);
  expectScope(l, 'énumération', 'keyword.declaration');
  l = await shippedLine(/^barème /);
  expectScope(l, 'barème', 'keyword.declaration');
  expectScope(l, 'tranches', 'keyword.other');
  expectScope(l, 'sur', 'keyword.other');
  expectScope(l, 'montant', 'storage.type');
  expectScope(l, '€/mois', 'keyword.other.unit');
  const plain = (await tokenize('parametre p : entier\nbareme b : tranches sur montant € -> taux\nentree e : texte'))
    .flat()
    .filter((t) => /^(parametre|bareme|entree)$/.test(t.text));
  assert.equal(plain.length, 3);
  for (const t of plain) assert.match(innermost(t), /^keyword\.declaration/);
});

test('commentaires, commentaires de documentation, chaînes et citations', async () => {
  let l = await shippedLine(/^# Jeu de règles/);
  expectScope(l, '#', 'comment.line.number-sign');
  l = await shippedLine(/^## /);
  expectScope(l, '##', 'comment.line.double-number-sign');
  l = await shippedLine(/^\s+source "[^"]*" \(BR-/);
  expectScope(l, 'source', 'keyword.other.source');
  expectScope(l, '"', 'string.quoted.double');
  const citation = l.tokens.find((t) => t.scopes.includes('string.unquoted.citation.socle'));
  assert.ok(citation && /^BR-/.test(citation.text), `${l.where} : pas de citation entre parenthèses`);
  l = await shippedLine(/^\s+message ".*\{demandeur\.\w+\}/);
  expectScope(l, 'message', 'keyword.other.message');
  assert.ok(
    l.tokens.some((t) => t.scopes.includes('meta.interpolation.socle') && innermost(t) === 'variable.other.property.socle'),
    `${l.where} : l'insertion {…} du message n'est pas reconnue`
  );
  l = await shippedLine(/\\"/);
  expectScope(l, '\\"', 'constant.character.escape');
});

test('dates, nombres à virgule, unités et validités', async () => {
  let l = await shippedLine(/^\s+à partir du 2016-03-01 : 1 => 1,553/);
  expectScope(l, 'à partir du', 'keyword.control.validity');
  expectScope(l, '2016-03-01', 'constant.other.date');
  expectScope(l, '1,553', 'constant.numeric');
  l = await shippedLine(/= 0,76 €\/heure$/);
  expectScope(l, '0,76', 'constant.numeric');
  expectScope(l, '€/heure', 'keyword.other.unit');
  l = await shippedLine(/: 90 %$/);
  expectScope(l, '90', 'constant.numeric');
  expectScope(l, '%', 'keyword.other.unit');
  l = await shippedLine(/= 65 ans$/);
  expectScope(l, 'ans', 'keyword.other.unit');
  l = await shippedLine(/∞\[/);
  expectScope(l, '∞', 'constant.language.infinity');
  const [line] = await tokenize('valeur v : montant = 1210,90 € + 3 mois + 12 jours + 1 an');
  const tokens = { where: 'exemple', tokens: line };
  expectScope(tokens, '1210,90', 'constant.numeric');
  for (const unit of ['€', 'mois', 'jours', 'an']) expectScope(tokens, unit, 'keyword.other.unit');
});

test('fonctions prédéfinies, date de la décision et mots des expressions', async () => {
  let l = await shippedLine(/âge\(demandeur\.date_naissance, date_décision\)/);
  expectScope(l, 'âge', 'support.function.builtin');
  expectScope(l, 'date_décision', 'variable.language');
  expectScope(l, 'date_naissance', 'variable.other.property');
  l = await shippedLine(/arrondi\(.*au centime/);
  expectScope(l, 'arrondi', 'support.function.builtin');
  expectScope(l, 'au', 'keyword.other.rounding');
  expectScope(l, 'centime', 'keyword.other.rounding');
  l = await shippedLine(/\bmensuel\(/);
  expectScope(l, 'mensuel', 'support.function.builtin');
  l = await shippedLine(/\bsauf si\b/);
  expectScope(l, 'sauf', 'keyword.control');
  expectScope(l, 'si', 'keyword.control');
  const builtins = [
    'min', 'max', 'plafond', 'plancher', 'abs', 'âge', 'mois_entre', 'jours_entre', 'jours_entre_inclus', 'début_année',
    'année', 'mensuel', 'annuel', 'nombre', 'nombre_distincts', 'renseigné', 'valeur_par_défaut', 'tranche',
  ];
  for (const name of builtins) {
    const [line] = await tokenize(`valeur v = ${name}(a, b)`);
    const tok = line.find((t) => t.text === name);
    assert.equal(tok && innermost(tok), 'support.function.builtin.socle', `« ${name}(…) » n'est pas une fonction prédéfinie`);
  }
  // The same words as plain names are not built-ins.
  const [line] = await tokenize('valeur v = montant × taux_x + nombre');
  for (const name of ['montant', 'nombre']) {
    const tok = line.find((t) => t.text === name);
    assert.equal(innermost(tok), 'variable.other.socle', `« ${name} » seul est un nom`);
  }
});

// ---------------------------------------------------------------- keywords of socle.pest

test('socle.pest : l’extraction des mots-clés trouve les mots attendus', () => {
  const words = pestKeywords();
  for (const w of ['paramètre', 'parametre', 'barème', 'énumération', 'résultat', 'jusqu’au', "jusqu'au",
    'à partir du', 'a l’euro', 'le plus proche', 'booléen', 'durée', 'infini', 'mois', 'heure']) {
    assert.ok(words.has(w), `« ${w} » manque à l'extraction (${[...words.keys()].join(', ')})`);
  }
  assert.ok(words.size > 60, `seulement ${words.size} mots extraits`);
});

test('socle.pest : la grammaire colore chaque mot-clé du langage', async () => {
  const missed = [];
  for (const { word, rule, line, at } of keywordSamples()) {
    const [tokens] = await tokenize(line);
    const covering = tokens.filter((t) => t.start < at + word.length && t.end > at && t.text.trim() !== '');
    const ok =
      covering.length > 0 &&
      covering.every((t) => {
        const s = innermost(t);
        return s !== ROOT_SCOPE && !s.startsWith('variable.other') && !s.startsWith('entity.name');
      });
    if (!ok) {
      missed.push(`${rule} « ${word} » dans « ${line} » : ${covering.map((t) => `${t.text}=${innermost(t)}`).join(' ')}`);
    }
  }
  assert.deepEqual(missed, [], 'mots-clés de socle.pest que la grammaire TextMate ne colore pas');
});
