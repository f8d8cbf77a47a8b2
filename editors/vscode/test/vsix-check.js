// Checks a built .vsix: unpacks it and loads extension.js and the language client from the
// unpacked copy only (with a stand-in `vscode`), so a runtime dependency left out of the
// package fails here rather than in the user's editor.
// Usage: node test/vsix-check.js FILE.vsix
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const Module = require('node:module');
const zlib = require('node:zlib');

const vsix = path.resolve(process.argv[2] || '');
if (!fs.existsSync(vsix)) {
  console.error(`vsix introuvable : ${vsix}`);
  process.exit(1);
}
/** Extracts a zip archive (a .vsix is one): stored and deflated entries, no zip64. */
function unzip(buf, dest) {
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error('pas une archive zip');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  for (let i = 0; i < count; i++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error('répertoire central de l’archive illisible');
    const method = buf.readUInt16LE(p + 10);
    const size = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nameLen);
    p += 46 + nameLen + extraLen + commentLen;
    const target = path.join(dest, name);
    if (!target.startsWith(dest + path.sep)) throw new Error(`chemin hors de l’archive : ${name}`);
    if (name.endsWith('/')) continue;
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = buf.subarray(start, start + size);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, method === 0 ? data : zlib.inflateRawSync(data));
  }
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'socle-vsix-'));
try {
  unzip(fs.readFileSync(vsix), dir);
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
