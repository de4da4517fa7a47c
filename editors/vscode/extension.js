// VS Code client for the rtcfg language server (`rtcfg server`, LSP over stdio).
//
// Plain CommonJS, no build step. The server does the work: it decides which YAML/JSON
// documents are session configs and leaves the others alone, so every file: YAML and
// JSON document is sent to it. This file only finds the executable, starts it, and
// restarts it when rtcfg.path or rtcfg.args change.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const vscode = require('vscode');
const { CloseAction, ErrorAction, LanguageClient, TransportKind } = require('vscode-languageclient/node');

const INSTALL_HINT = "pip install 'rtcfg[lsp]'";

/** A LanguageClient that, while it starts, neither restarts a server that exits nor shows
 * notifications of its own: if the start fails, rtcfg's message (with the install hint) is
 * the one shown, once. Once running, a crashed server is restarted as usual. */
class RtcfgLanguageClient extends LanguageClient {
  constructor(id, name, serverOptions, clientOptions) {
    const startPhase = {
      error: (error, message, count) =>
        this.starting ? { action: ErrorAction.Shutdown, handled: true } : this.runningHandler.error(error, message, count),
      closed: () => (this.starting ? { action: CloseAction.DoNotRestart, handled: true } : this.runningHandler.closed()),
    };
    super(id, name, serverOptions, {
      ...clientOptions,
      errorHandler: startPhase,
      // a failed initialize is reported by startClient; never retried
      initializationFailedHandler: () => false,
    });
    this.starting = true;
    this.runningHandler = this.createDefaultErrorHandler();
  }

  error(message, data, showNotification) {
    super.error(message, data, this.starting ? false : showNotification);
  }
}

/** @type {LanguageClient | undefined} */
let client;
/** @type {vscode.OutputChannel | undefined} */
let outputChannel;
/** Starts and stops run one after the other, never interleaved. */
let queue = Promise.resolve();

function firstWorkspaceFolder() {
  const folders = vscode.workspace.workspaceFolders;
  return folders && folders.length > 0 ? folders[0].uri.fsPath : undefined;
}

/** rtcfg.path as a command: ${workspaceFolder} and ~ expanded, a relative path with a
 * separator taken from the first workspace folder, a bare name left for PATH. */
function resolveCommand(raw, folder) {
  let command = typeof raw === 'string' && raw.trim() !== '' ? raw.trim() : 'rtcfg';
  if (folder) {
    command = command.split('${workspaceFolder}').join(folder);
  }
  if (command === '~' || command.startsWith('~/') || command.startsWith('~\\')) {
    command = path.join(os.homedir(), command.slice(1));
  }
  if (!path.isAbsolute(command) && /[\\/]/.test(command) && folder) {
    command = path.resolve(folder, command);
  }
  return command;
}

function isExecutableFile(file) {
  try {
    if (!fs.statSync(file).isFile()) {
      return false;
    }
    if (process.platform !== 'win32') {
      fs.accessSync(file, fs.constants.X_OK);
    }
    return true;
  } catch {
    return false;
  }
}

/** The file that would be run for `command`, or undefined if there is none. */
function findExecutable(command) {
  const extensions =
    process.platform === 'win32'
      ? [''].concat((process.env.PATHEXT || '.COM;.EXE;.BAT;.CMD').split(';').filter(Boolean))
      : [''];
  const candidates = /[\\/]/.test(command)
    ? [command]
    : (process.env.PATH || '').split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, command));
  for (const candidate of candidates) {
    for (const extension of extensions) {
      if (isExecutableFile(candidate + extension)) {
        return candidate + extension;
      }
    }
  }
  return undefined;
}

function readSettings() {
  const config = vscode.workspace.getConfiguration('rtcfg');
  const folder = firstWorkspaceFolder();
  const command = resolveCommand(config.get('path', 'rtcfg'), folder);
  const rawArgs = config.get('args', []);
  const args = Array.isArray(rawArgs) ? rawArgs.filter((a) => typeof a === 'string') : [];
  return { command, args, folder };
}

async function reportStartFailure(command, args, reason) {
  const shown = [command, ...args, 'server'].join(' ');
  const message =
    `rtcfg: the language server could not be started (${shown}): ${reason}. ` +
    `Install it with ${INSTALL_HINT} and set "rtcfg.path" to that rtcfg executable ` +
    '(for a virtual environment: .venv/bin/rtcfg).';
  if (outputChannel) {
    outputChannel.appendLine(message);
  }
  const choice = await vscode.window.showErrorMessage(message, 'Open Settings', 'Show Output');
  if (choice === 'Open Settings') {
    await vscode.commands.executeCommand('workbench.action.openSettings', 'rtcfg.path');
  } else if (choice === 'Show Output' && outputChannel) {
    outputChannel.show(true);
  }
}

async function startClient() {
  const { command, args } = readSettings();
  if (!findExecutable(command)) {
    // not awaited: the message stays up while the extension goes on
    const why = /[\\/]/.test(command) ? 'no executable file there' : 'not found on PATH';
    void reportStartFailure(command, args, `${command}: ${why}`);
    return;
  }
  // the client runs it in the first workspace folder, and appends --stdio for
  // TransportKind.stdio, which `rtcfg server` accepts
  const serverOptions = {
    command,
    args: [...args, 'server'],
    transport: TransportKind.stdio,
  };
  const clientOptions = {
    // every YAML and JSON file on disk: the server picks the session configs itself
    documentSelector: [
      { scheme: 'file', language: 'yaml' },
      { scheme: 'file', language: 'json' },
    ],
    outputChannel,
  };
  // id 'rtcfg': the client reads the rtcfg.trace.server setting by that name
  const candidate = new RtcfgLanguageClient('rtcfg', 'rtcfg', serverOptions, clientOptions);
  let failure;
  try {
    await candidate.start();
    if (!candidate.isRunning()) {
      // a server that exits during initialize can leave start() resolved but the client failed
      failure = 'the server exited while starting (its output is in the "rtcfg" output channel)';
    }
  } catch (error) {
    failure = error && error.message ? error.message : String(error);
  }
  candidate.starting = false;
  if (failure === undefined) {
    client = candidate;
    return;
  }
  try {
    await candidate.dispose();
  } catch {
    // a client that never started has nothing to stop
  }
  void reportStartFailure(command, args, failure);
}

async function stopClient() {
  const running = client;
  client = undefined;
  if (running) {
    try {
      await running.stop();
    } catch {
      // a server that already exited cannot be stopped twice
    }
  }
}

function enqueue(step) {
  queue = queue.then(step, step);
  return queue;
}

function restart() {
  return enqueue(async () => {
    await stopClient();
    await startClient();
  });
}

/** @param {vscode.ExtensionContext} context */
function activate(context) {
  outputChannel = vscode.window.createOutputChannel('rtcfg');
  context.subscriptions.push(outputChannel);
  context.subscriptions.push(
    vscode.commands.registerCommand('rtcfg.restartServer', () => restart()),
    vscode.commands.registerCommand('rtcfg.showOutput', () => outputChannel && outputChannel.show(true)),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('rtcfg.path') || event.affectsConfiguration('rtcfg.args')) {
        void restart();
      }
    }),
  );
  return enqueue(startClient);
}

function deactivate() {
  return enqueue(stopClient);
}

module.exports = { activate, deactivate, resolveCommand, findExecutable };
