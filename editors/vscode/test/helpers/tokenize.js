// Loads syntaxes/socle.tmLanguage.json with vscode-textmate + vscode-oniguruma (the engine
// VS Code itself uses) and tokenises text line by line.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const vsctm = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');

const GRAMMAR_PATH = path.join(__dirname, '..', '..', 'syntaxes', 'socle.tmLanguage.json');
const ROOT_SCOPE = 'source.socle';

let grammarPromise;

function loadGrammar() {
  if (!grammarPromise) {
    const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
    const onigLib = oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength)).then(() => ({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }));
    const registry = new vsctm.Registry({
      onigLib,
      loadGrammar: async (scopeName) => {
        if (scopeName !== ROOT_SCOPE) return null;
        const raw = fs.readFileSync(GRAMMAR_PATH, 'utf8');
        return vsctm.parseRawGrammar(raw, GRAMMAR_PATH);
      },
    });
    grammarPromise = registry.loadGrammar(ROOT_SCOPE);
  }
  return grammarPromise;
}

/**
 * Tokenises `text`; returns one array per line of { text, start, end, scopes }.
 */
async function tokenize(text) {
  const grammar = await loadGrammar();
  let state = vsctm.INITIAL;
  const out = [];
  for (const line of text.split(/\r?\n/)) {
    const r = grammar.tokenizeLine(line, state);
    out.push(
      r.tokens.map((t) => ({
        text: line.slice(t.startIndex, t.endIndex),
        start: t.startIndex,
        end: t.endIndex,
        scopes: t.scopes,
      }))
    );
    state = r.ruleStack;
  }
  return out;
}

/** The innermost scopes of every token of `line` that contains `word` (exact token text). */
function scopesOf(lineTokens, word) {
  return lineTokens.filter((t) => t.text.trim() === word).map((t) => t.scopes);
}

module.exports = { tokenize, loadGrammar, ROOT_SCOPE };
