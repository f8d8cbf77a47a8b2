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

module.exports = { pestKeywords, expand, PEST };
