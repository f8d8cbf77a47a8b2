// Tests of the manifest and of extension.js, with `vscode` and `vscode-languageclient`
// replaced by stand-ins (the real ones only exist inside VS Code).
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');

const ROOT = path.resolve(__dirname, '..');
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

test('le manifeste déclare le langage socle, sa grammaire et sa configuration', () => {
  const [lang] = manifest.contributes.languages;
  assert.equal(lang.id, 'socle');
  assert.deepEqual(lang.extensions, ['.socle']);
  const config = JSON.parse(fs.readFileSync(path.join(ROOT, lang.configuration), 'utf8'));
  assert.equal(config.comments.lineComment, '#');
  for (const pair of [['(', ')'], ['[', ']'], ['{', '}']]) {
    assert.ok(config.brackets.some((b) => b[0] === pair[0] && b[1] === pair[1]), `paire ${pair} absente`);
  }
  assert.ok(config.autoClosingPairs.some((p) => p.open === '"' && p.close === '"'));
  // VS Code compiles a string with no flags (`new RegExp(s, '')`), an object { pattern, flags }
  // with its flags: `\p{…}` only means a Unicode class with the flag `u`.
  const compile = (r) => (typeof r === 'string' ? new RegExp(r, '') : new RegExp(r.pattern, r.flags));
  for (const r of [config.wordPattern, config.indentationRules.increaseIndentPattern, config.indentationRules.decreaseIndentPattern]) {
    const source = typeof r === 'string' ? r : r.pattern;
    if (source.includes('\\p{')) assert.ok(typeof r === 'object' && r.flags.includes('u'), `${source} : il faut le drapeau u`);
    compile(r);
  }
  const increase = compile(config.indentationRules.increaseIndentPattern);
  assert.ok(increase.test('paramètre p : entier'));
  assert.ok(increase.test('  à partir du 2024-01-01 :'));
  assert.ok(increase.test('énumération e : a | b'));
  assert.ok(!increase.test('paramètrex = 3'));
  const word = compile(config.wordPattern);
  assert.equal('  date_décision + 1'.match(word)[0], 'date_décision');
  assert.ok(!increase.test('    source "CASF L113-1"'));

  const [grammar] = manifest.contributes.grammars;
  assert.equal(grammar.language, 'socle');
  const tm = JSON.parse(fs.readFileSync(path.join(ROOT, grammar.path), 'utf8'));
  assert.equal(tm.scopeName, grammar.scopeName);
  assert.equal(manifest.main, './extension.js');
  assert.ok(fs.existsSync(path.join(ROOT, manifest.main)));
  assert.equal(manifest.license, 'EUPL-1.2');
  assert.ok(manifest.contributes.configuration.properties['socle.chemin']);
});

/** Loads extension.js with stand-ins; returns what it did. */
function loadExtension(settings, { startFails = false } = {}) {
  const seen = { clients: [], errors: [], commands: {}, configListeners: [] };
  class LanguageClient {
    constructor(id, name, serverOptions, clientOptions) {
      Object.assign(this, { id, name, serverOptions, clientOptions, stopped: false });
      seen.clients.push(this);
    }
    async start() {
      if (startFails) throw new Error('spawn socle ENOENT');
    }
    async stop() {
      this.stopped = true;
    }
  }
  const vscode = {
    workspace: {
      getConfiguration: (section) => {
        assert.equal(section, 'socle');
        return { get: (key, dflt) => (key in settings ? settings[key] : dflt) };
      },
      createFileSystemWatcher: (glob) => ({ glob }),
      onDidChangeConfiguration: (fn) => {
        seen.configListeners.push(fn);
        return { dispose() {} };
      },
    },
    window: { showErrorMessage: (msg) => seen.errors.push(msg) },
    commands: {
      registerCommand: (name, fn) => {
        seen.commands[name] = fn;
        return { dispose() {} };
      },
    },
  };
  const client = { LanguageClient, TransportKind: { stdio: 0, ipc: 1 } };
  const file = require.resolve(path.join(ROOT, 'extension.js'));
  delete require.cache[file];
  const original = Module._load;
  Module._load = function (request, ...rest) {
    if (request === 'vscode') return vscode;
    if (request === 'vscode-languageclient/node') return client;
    return original.call(this, request, ...rest);
  };
  try {
    return { ext: require(file), seen };
  } finally {
    Module._load = original;
  }
}

const context = () => ({ subscriptions: [] });

test('sans réglage, le client lance « socle lsp » trouvé dans le PATH, sur stdio', async () => {
  const { ext, seen } = loadExtension({});
  await ext.activate(context());
  assert.equal(seen.clients.length, 1);
  const { serverOptions, clientOptions } = seen.clients[0];
  assert.deepEqual(serverOptions.run, { command: 'socle', args: ['lsp'], transport: 0 });
  assert.deepEqual(serverOptions.debug, serverOptions.run);
  assert.ok(clientOptions.documentSelector.some((s) => s.language === 'socle' && s.scheme === 'file'));
  assert.deepEqual(seen.errors, []);
  assert.ok(seen.commands['socle.redemarrer']);
});

test('le réglage socle.chemin choisit l’exécutable', async () => {
  const { ext, seen } = loadExtension({ chemin: ' /opt/socle/bin/socle ' });
  await ext.activate(context());
  assert.equal(seen.clients[0].serverOptions.run.command, '/opt/socle/bin/socle');
  assert.deepEqual(seen.clients[0].serverOptions.run.args, ['lsp']);
});

test('socle.serveur.actif à false : aucun serveur, la coloration reste', async () => {
  const { ext, seen } = loadExtension({ 'serveur.actif': false });
  await ext.activate(context());
  assert.equal(seen.clients.length, 0);
});

test('un exécutable introuvable donne un message en français, sans exception', async () => {
  const { ext, seen } = loadExtension({ chemin: '/nulle/part/socle' }, { startFails: true });
  await ext.activate(context());
  assert.equal(seen.errors.length, 1);
  assert.match(seen.errors[0], /« \/nulle\/part\/socle lsp » n'a pas pu démarrer/);
  assert.match(seen.errors[0], /socle\.chemin/);
});

test('changer socle.chemin relance le serveur', async () => {
  const { ext, seen } = loadExtension({});
  await ext.activate(context());
  const [listener] = seen.configListeners;
  listener({ affectsConfiguration: (s) => s === 'socle.chemin' });
  await new Promise((r) => setImmediate(r));
  assert.equal(seen.clients.length, 2);
  assert.ok(seen.clients[0].stopped);
  await ext.deactivate();
  assert.ok(seen.clients[1].stopped);
});
