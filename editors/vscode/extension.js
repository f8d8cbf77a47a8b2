// Socle extension for VS Code: the language itself (declared in package.json, coloured by
// syntaxes/socle.tmLanguage.json) and a client for the language server `socle lsp` on stdio.
'use strict';

const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

let client;

/** The `socle` executable: the `socle.chemin` setting, or `socle` from the PATH. */
function serverCommand(config) {
  const chemin = (config.get('chemin') || '').trim();
  return chemin === '' ? 'socle' : chemin;
}

function serverOptions(command) {
  const executable = { command, args: ['lsp'], transport: TransportKind.stdio };
  return { run: executable, debug: executable };
}

async function start() {
  const config = vscode.workspace.getConfiguration('socle');
  if (!config.get('serveur.actif', true)) {
    return;
  }
  const command = serverCommand(config);
  const clientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'socle' },
      { scheme: 'untitled', language: 'socle' },
    ],
    synchronize: {
      fileEvents: vscode.workspace.createFileSystemWatcher('**/*.socle'),
    },
  };
  client = new LanguageClient('socle', 'Socle', serverOptions(command), clientOptions);
  try {
    await client.start();
  } catch (err) {
    client = undefined;
    const detail = err && err.message ? err.message : String(err);
    vscode.window.showErrorMessage(
      `Socle : le serveur de langage « ${command} lsp » n'a pas pu démarrer (${detail}). ` +
        'Installez socle dans le PATH ou indiquez son chemin dans le réglage « socle.chemin ». ' +
        'La coloration syntaxique reste disponible.'
    );
  }
}

async function stop() {
  if (client) {
    const running = client;
    client = undefined;
    await running.stop();
  }
}

async function restart() {
  await stop();
  await start();
}

async function activate(context) {
  context.subscriptions.push(
    vscode.commands.registerCommand('socle.redemarrer', restart),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('socle.chemin') || event.affectsConfiguration('socle.serveur.actif')) {
        restart();
      }
    })
  );
  await start();
}

function deactivate() {
  return stop();
}

module.exports = { activate, deactivate, serverCommand, serverOptions };
