// Starts the real server exactly as extension.js describes it (command, arguments, stdio) and
// talks LSP to it with vscode-jsonrpc, the transport of vscode-languageclient. Skipped when no
// `socle` executable is found: $SOCLE_BINAIRE, target/release/socle, target/debug/socle, or
// `socle` in the PATH.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');
const { spawn, spawnSync } = require('node:child_process');
const { pathToFileURL } = require('node:url');
const rpc = require('vscode-jsonrpc/node');

const REPO = path.resolve(__dirname, '..', '..', '..');

function findSocle() {
  const candidates = [
    process.env.SOCLE_BINAIRE,
    path.join(REPO, 'target', 'release', 'socle'),
    path.join(REPO, 'target', 'debug', 'socle'),
  ].filter(Boolean);
  for (const c of candidates) if (fs.existsSync(c)) return c;
  const which = spawnSync('sh', ['-c', 'command -v socle'], { encoding: 'utf8' });
  return which.status === 0 ? which.stdout.trim() : null;
}

/** extension.js's serverOptions, loaded with stand-ins for the VS Code modules. */
function serverOptions(command) {
  const original = Module._load;
  Module._load = function (request, ...rest) {
    if (request === 'vscode') return {};
    if (request === 'vscode-languageclient/node') return { LanguageClient: class {}, TransportKind: { stdio: 0 } };
    return original.call(this, request, ...rest);
  };
  try {
    const file = require.resolve('../extension.js');
    delete require.cache[file];
    return require(file).serverOptions(command);
  } finally {
    Module._load = original;
  }
}

const socle = findSocle();

test('le serveur « socle lsp » lancé comme par l’extension répond et publie des diagnostics', { skip: socle ? false : 'exécutable socle introuvable' }, async () => {
  const { run } = serverOptions(socle);
  assert.equal(run.transport, 0, 'stdio');
  const child = spawn(run.command, run.args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const connection = rpc.createMessageConnection(
    new rpc.StreamMessageReader(child.stdout),
    new rpc.StreamMessageWriter(child.stdin)
  );
  const root = path.join(REPO, 'rulesets', 'national');
  const file = path.join(root, 'aide_sociale.socle');
  const published = new Promise((resolve) => {
    connection.onNotification('textDocument/publishDiagnostics', (params) => {
      if (params.uri === pathToFileURL(file).href && params.diagnostics.length > 0) resolve(params);
    });
  });
  connection.listen();
  try {
    const result = await connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: pathToFileURL(root).href,
      workspaceFolders: [{ uri: pathToFileURL(root).href, name: 'national' }],
      capabilities: {},
    });
    assert.ok(result.capabilities, 'initialize sans capacités');
    assert.ok(result.capabilities.textDocumentSync !== undefined, 'pas de synchronisation des documents');
    await connection.sendNotification('initialized', {});
    // A name that does not exist: the server must say so.
    const text = fs.readFileSync(file, 'utf8') + '\nvaleur essai_editeur = nom_qui_n_existe_pas\n';
    await connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri: pathToFileURL(file).href, languageId: 'socle', version: 1, text },
    });
    let timer;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error('aucun diagnostic publié en 20 s')), 20_000);
    });
    const diagnostics = await Promise.race([published, timeout]).finally(() => clearTimeout(timer));
    assert.equal(diagnostics.uri, pathToFileURL(file).href);
    assert.ok(
      diagnostics.diagnostics.some((d) => d.range.start.line === text.split('\n').length - 2),
      `pas de diagnostic sur la ligne ajoutée : ${JSON.stringify(diagnostics.diagnostics)}`
    );
    await connection.sendRequest('shutdown');
    await connection.sendNotification('exit');
  } finally {
    connection.dispose();
    child.kill(); // the server does not exit on `exit` (docs/CONTRACT.md, known limits)
  }
});
