// Checks a built .vsix: unpacks it and loads extension.js and the language client from the
// unpacked copy only (with a stand-in `vscode`), so a runtime dependency left out of the
// package fails here rather than in the user's editor.
// Usage: node test/vsix-check.js FILE.vsix
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const Module = require('node:module');
const { execFileSync } = require('node:child_process');

const vsix = path.resolve(process.argv[2] || '');
if (!fs.existsSync(vsix)) {
  console.error(`vsix introuvable : ${vsix}`);
  process.exit(1);
}
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'socle-vsix-'));
try {
  // A .vsix is a zip file; unzip from Python's standard library, which is always there.
  execFileSync('python3', ['-m', 'zipfile', '-e', vsix, dir]);
  const ext = path.join(dir, 'extension');
  const manifest = JSON.parse(fs.readFileSync(path.join(ext, 'package.json'), 'utf8'));
  for (const file of [manifest.main, manifest.contributes.grammars[0].path, manifest.contributes.languages[0].configuration]) {
    if (!fs.existsSync(path.join(ext, file))) throw new Error(`${file} absent du paquet`);
  }
  for (const forbidden of ['test', path.join('node_modules', 'vscode-textmate'), path.join('node_modules', '@vscode')]) {
    if (fs.existsSync(path.join(ext, forbidden))) throw new Error(`${forbidden} ne devrait pas être dans le paquet`);
  }
  const stub = () =>
    new Proxy(function () {}, {
      get: (_, p) => (p === '__esModule' ? false : p === Symbol.toPrimitive ? () => '' : stub()),
      construct: () => stub(),
      apply: () => stub(),
    });
  const original = Module._load;
  Module._load = function (request, parent, ...rest) {
    if (request === 'vscode') return stub();
    const resolved = Module._resolveFilename(request, parent, ...rest);
    if (path.isAbsolute(resolved) && !resolved.startsWith(dir)) {
      throw new Error(`${request} chargé hors du paquet : ${resolved}`);
    }
    return original.call(this, request, parent, ...rest);
  };
  const loaded = require(path.join(ext, manifest.main));
  Module._load = original;
  if (typeof loaded.activate !== 'function') throw new Error('activate absent de extension.js');
  console.log(`ok : ${path.basename(vsix)} se charge (${manifest.name} ${manifest.version})`);
} catch (err) {
  console.error(`échec : ${err.message}`);
  process.exitCode = 1;
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
