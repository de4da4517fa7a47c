"""Editor set-ups for the language server (`rtcfg server`): the VS Code extension in
editors/vscode/ and the snippets in docs/editors.md.

CI has Python only, so the extension is checked as files: its manifest, the command it starts,
the documents it sends, its settings and its README. Where `node` is on PATH, extension.js is
also syntax-checked, and run once with stand-ins for the `vscode` and `vscode-languageclient`
modules (no npm install, no network) to see what it starts and when it restarts.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

EXTENSION = ROOT / "editors" / "vscode"
MANIFEST = EXTENSION / "package.json"
EXTENSION_JS = EXTENSION / "extension.js"
EDITORS_DOC = ROOT / "docs" / "editors.md"
INSTALL_HINT = "pip install 'rtcfg[lsp]'"

node = shutil.which("node")
needs_node = pytest.mark.skipif(node is None, reason="node is not on PATH")


def manifest() -> dict:
    return json.loads(MANIFEST.read_text(encoding="utf-8"))


def extension_source() -> str:
    return EXTENSION_JS.read_text(encoding="utf-8")


# -- package.json ------------------------------------------------------------------------------


def test_manifest_names_the_extension_and_its_entry_point() -> None:
    data = manifest()
    assert data["name"] == "rtcfg"
    assert data["displayName"] and data["publisher"] and data["version"]
    assert data["license"] == "MIT"  # the project's; vsce warns without it
    assert data["engines"]["vscode"] == "^1.82.0"
    main = data["main"]
    assert (EXTENSION / main).resolve() == EXTENSION_JS.resolve()
    assert EXTENSION_JS.is_file()


def test_manifest_activates_on_yaml_and_json() -> None:
    assert {"onLanguage:yaml", "onLanguage:json"} <= set(manifest()["activationEvents"])


def test_manifest_dependencies_and_package_script() -> None:
    data = manifest()
    assert data["dependencies"]["vscode-languageclient"].startswith("^9")
    assert "@vscode/vsce" in data["devDependencies"]
    assert data["scripts"]["package"].split()[:2] == ["vsce", "package"]


def test_configuration_keys_have_the_documented_defaults() -> None:
    properties = manifest()["contributes"]["configuration"]["properties"]
    assert properties["rtcfg.path"]["type"] == "string"
    assert properties["rtcfg.path"]["default"] == "rtcfg"
    assert properties["rtcfg.args"]["type"] == "array"
    assert properties["rtcfg.args"]["items"] == {"type": "string"}
    assert properties["rtcfg.args"]["default"] == []
    trace = properties["rtcfg.trace.server"]
    assert trace["default"] == "off"
    assert trace["enum"] == ["off", "messages", "verbose"]


def test_executable_settings_are_not_taken_from_an_untrusted_workspace() -> None:
    untrusted = manifest()["capabilities"]["untrustedWorkspaces"]
    assert untrusted["supported"] == "limited"
    assert set(untrusted["restrictedConfigurations"]) == {"rtcfg.path", "rtcfg.args"}


def test_every_contributed_command_is_registered() -> None:
    source = extension_source()
    for command in manifest()["contributes"]["commands"]:
        assert f"registerCommand('{command['command']}'" in source, command["command"]


# -- extension.js, as text -----------------------------------------------------------------------


def test_extension_starts_rtcfg_server_over_stdio() -> None:
    source = extension_source()
    assert "require('vscode-languageclient/node')" in source
    # the arguments end with 'server' (the client appends --stdio, which rtcfg server accepts)
    match = re.search(r"args:\s*\[([^\]]*)\]", source)
    assert match, "no args: [...] in the server options"
    items = [item.strip() for item in match.group(1).split(",") if item.strip()]
    assert items[-1] == "'server'"
    assert "transport: TransportKind.stdio" in source
    # the default command is rtcfg
    assert "config.get('path', 'rtcfg')" in source


def test_extension_sends_yaml_and_json_files() -> None:
    source = extension_source()
    for language in ("yaml", "json"):
        assert f"{{ scheme: 'file', language: '{language}' }}" in source


def test_extension_restarts_on_a_change_of_path_or_args() -> None:
    source = extension_source()
    assert "affectsConfiguration('rtcfg.path')" in source
    assert "affectsConfiguration('rtcfg.args')" in source


def test_extension_tells_how_to_install_the_server() -> None:
    source = extension_source()
    assert f'"{INSTALL_HINT}"' in source
    assert "rtcfg.path" in source


# -- the folder: README, ignore files, license -------------------------------------------------------


def test_readme_names_the_build_and_install_commands() -> None:
    readme = (EXTENSION / "README.md").read_text(encoding="utf-8")
    version = manifest()["version"]
    assert "npm install && npx vsce package" in readme
    assert f"code --install-extension rtcfg-{version}.vsix" in readme
    assert INSTALL_HINT in readme
    for key in ("rtcfg.path", "rtcfg.args", "rtcfg.trace.server"):
        assert f"`{key}`" in readme


def test_build_output_is_ignored_and_the_license_ships() -> None:
    ignored = (EXTENSION / ".gitignore").read_text(encoding="utf-8").split()
    assert "node_modules/" in ignored and "*.vsix" in ignored
    assert (EXTENSION / ".vscodeignore").is_file()
    # vsce asks "Do you want to continue?" when there is no LICENSE file, whatever package.json says
    assert "MIT License" in (EXTENSION / "LICENSE").read_text(encoding="utf-8")


# -- extension.js, run by node -------------------------------------------------------------------------


@needs_node
def test_extension_js_is_valid_javascript() -> None:
    result = subprocess.run([node, "--check", str(EXTENSION_JS)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


# Stand-ins for the two modules extension.js requires. The fake LanguageClient records how it
# was built and started; everything resolves at once, so the run needs no timing.
HARNESS = r"""
'use strict';
const Module = require('module');
const path = require('path');
const record = { clients: [], errors: [], commands: {}, configListeners: [] };
const settings = JSON.parse(process.env.EXT_TEST_SETTINGS);

const vscode = {
  workspace: {
    workspaceFolders: [{ uri: { fsPath: process.env.EXT_TEST_FOLDER } }],
    getConfiguration: (section) => ({
      get: (key, dflt) => (`${section}.${key}` in settings ? settings[`${section}.${key}`] : dflt),
    }),
    onDidChangeConfiguration: (listener) => { record.configListeners.push(listener); return { dispose() {} }; },
  },
  window: {
    createOutputChannel: () => ({ appendLine() {}, show() {}, dispose() {} }),
    showErrorMessage: (message) => { record.errors.push(message); return Promise.resolve(undefined); },
  },
  commands: {
    registerCommand: (id, fn) => { record.commands[id] = fn; return { dispose() {} }; },
    executeCommand: () => Promise.resolve(),
  },
};

class LanguageClient {
  constructor(id, name, serverOptions, clientOptions) {
    this.entry = { id, name, serverOptions, clientOptions, started: false, stopped: false };
    record.clients.push(this.entry);
  }
  createDefaultErrorHandler() { return { error: () => ({}), closed: () => ({}) }; }
  error() {}
  async start() {
    if (process.env.EXT_TEST_START === 'reject') throw new Error('Launching server failed');
    this.entry.started = true;
  }
  isRunning() { return process.env.EXT_TEST_START !== 'exits'; }
  async stop() { this.entry.stopped = true; }
  async dispose() { this.entry.stopped = true; }
}
const languageclient = { LanguageClient, TransportKind: { stdio: 0 }, CloseAction: {}, ErrorAction: {} };

const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request === 'vscode' || request === 'vscode-languageclient/node') return request;
  return resolve.call(this, request, ...rest);
};
require.cache.vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: vscode };
require.cache['vscode-languageclient/node'] = {
  id: 'vscode-languageclient/node', filename: 'vscode-languageclient/node', loaded: true, exports: languageclient,
};

(async () => {
  const extension = require(process.env.EXT_TEST_EXTENSION);
  await extension.activate({ subscriptions: [] });
  if (process.env.EXT_TEST_RESTART) {
    settings['rtcfg.args'] = ['--restarted'];
    for (const listener of record.configListeners) {
      listener({ affectsConfiguration: (key) => key === 'rtcfg.args' });
    }
  }
  await extension.deactivate();  // queued after any restart
  console.log(JSON.stringify({
    errors: record.errors,
    commands: Object.keys(record.commands),
    clients: record.clients.map((c) => ({
      command: c.serverOptions.command,
      args: c.serverOptions.args,
      transport: c.serverOptions.transport,
      documentSelector: c.clientOptions.documentSelector,
      id: c.id,
      started: c.started,
      stopped: c.stopped,
    })),
  }));
})().catch((error) => { console.error(error && error.stack || error); process.exit(1); });
"""


def run_extension(tmp_path: Path, settings: dict, **env: str) -> dict:
    harness = tmp_path / "harness.js"
    harness.write_text(HARNESS, encoding="utf-8")
    environment = dict(os.environ)
    environment.update(
        EXT_TEST_SETTINGS=json.dumps(settings),
        EXT_TEST_FOLDER=str(tmp_path),
        EXT_TEST_EXTENSION=str(EXTENSION_JS),
        **env,
    )
    result = subprocess.run([node, str(harness)], capture_output=True, text=True, env=environment,
                            cwd=tmp_path, timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def fake_rtcfg(tmp_path: Path) -> Path:
    """An executable file to stand for rtcfg (the fake client never runs it)."""
    executable = tmp_path / ".venv" / "bin" / "rtcfg"
    executable.parent.mkdir(parents=True)
    executable.write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
    executable.chmod(0o755)
    return executable


posix_only = pytest.mark.skipif(sys.platform == "win32", reason="uses a POSIX executable file")


@needs_node
@posix_only
def test_activate_starts_the_configured_executable_with_server_last(tmp_path: Path) -> None:
    executable = fake_rtcfg(tmp_path)
    # a path relative to the workspace folder, as a venv's bin/rtcfg is usually given
    report = run_extension(tmp_path, {"rtcfg.path": ".venv/bin/rtcfg", "rtcfg.args": ["-v"]})
    assert report["errors"] == []
    assert set(report["commands"]) == {c["command"] for c in manifest()["contributes"]["commands"]}
    [client] = report["clients"]
    assert client["id"] == "rtcfg"  # so the client reads rtcfg.trace.server
    assert client["command"] == str(executable)
    assert client["args"] == ["-v", "server"]
    assert client["transport"] == 0  # TransportKind.stdio
    assert client["documentSelector"] == [
        {"scheme": "file", "language": "yaml"},
        {"scheme": "file", "language": "json"},
    ]
    assert client["started"] and client["stopped"]  # stopped by deactivate()


@needs_node
@posix_only
def test_workspace_folder_variable_and_restart_on_args_change(tmp_path: Path) -> None:
    executable = fake_rtcfg(tmp_path)
    report = run_extension(tmp_path, {"rtcfg.path": "${workspaceFolder}/.venv/bin/rtcfg"}, EXT_TEST_RESTART="1")
    assert report["errors"] == []
    first, second = report["clients"]
    assert first["command"] == second["command"] == str(executable)
    assert first["args"] == ["server"]
    assert second["args"] == ["--restarted", "server"]
    assert first["stopped"] and second["started"]


@needs_node
def test_a_missing_executable_is_reported_with_the_install_hint(tmp_path: Path) -> None:
    report = run_extension(tmp_path, {"rtcfg.path": str(tmp_path / "nowhere" / "rtcfg")})
    assert report["clients"] == []  # nothing is started
    [message] = report["errors"]
    assert INSTALL_HINT in message and "rtcfg.path" in message


@needs_node
@posix_only
@pytest.mark.parametrize("how", ["reject", "exits"])
def test_a_server_that_does_not_start_is_reported_once(tmp_path: Path, how: str) -> None:
    fake_rtcfg(tmp_path)
    report = run_extension(tmp_path, {"rtcfg.path": ".venv/bin/rtcfg"}, EXT_TEST_START=how)
    [message] = report["errors"]
    assert INSTALL_HINT in message and "rtcfg.path" in message
    [client] = report["clients"]
    assert client["stopped"]


# -- docs/editors.md ------------------------------------------------------------------------------------

SECTION = "## Language server: `rtcfg server`"


def editors_section() -> str:
    """The language-server section of docs/editors.md, up to the next level-2 heading."""
    text = EDITORS_DOC.read_text(encoding="utf-8")
    assert SECTION in text, f"docs/editors.md has no heading {SECTION!r}"
    section = text.split(SECTION, 1)[1]
    return re.split(r"^## ", section, maxsplit=1, flags=re.MULTILINE)[0]


def code_blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", text, flags=re.MULTILINE | re.DOTALL)


def squeeze(code: str) -> str:
    return re.sub(r"\s+", " ", code).strip()


def test_docs_name_the_extra_and_the_vscode_extension() -> None:
    section = editors_section()
    assert INSTALL_HINT in section
    assert "editors/vscode/" in section
    assert "npx vsce package" in section
    for key in ("rtcfg.path", "rtcfg.args", "rtcfg.trace.server"):
        assert key in section


def test_neovim_snippet_starts_rtcfg_server_for_yaml_and_json() -> None:
    blocks = [block for block in code_blocks(editors_section(), "lua") if "vim.lsp.config" in block]
    assert len(blocks) == 1, "one ```lua block with vim.lsp.config"
    lua = squeeze(blocks[0])
    assert "vim.lsp.config('rtcfg', {" in lua
    assert "cmd = { 'rtcfg', 'server' }," in lua
    assert "filetypes = { 'yaml', 'json' }," in lua
    assert "root_markers = { 'pyproject.toml', '.git' }," in lua
    assert "vim.lsp.enable('rtcfg')" in lua


def test_neovim_010_snippet_starts_the_same_command() -> None:
    blocks = [block for block in code_blocks(editors_section(), "lua") if "vim.lsp.start" in block]
    assert len(blocks) == 1, "one ```lua block with vim.lsp.start"
    lua = squeeze(blocks[0])
    assert "pattern = { 'yaml', 'json' }," in lua
    assert "cmd = { 'rtcfg', 'server' }," in lua
    assert "vim.fs.root(args.buf, { 'pyproject.toml', '.git' })" in lua


def test_helix_snippet_defines_the_server_for_yaml_and_json() -> None:
    blocks = [block for block in code_blocks(editors_section(), "toml") if "[language-server.rtcfg]" in block]
    assert len(blocks) == 1, "one ```toml block with [language-server.rtcfg]"
    toml = blocks[0]
    assert re.search(r'^command = "rtcfg"$', toml, flags=re.MULTILINE)
    assert re.search(r'^args = \["server"\]$', toml, flags=re.MULTILINE)
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    data = tomllib.loads(toml)
    assert data["language-server"]["rtcfg"] == {"command": "rtcfg", "args": ["server"]}
    servers = {language["name"]: language["language-servers"] for language in data["language"]}
    assert "rtcfg" in servers["yaml"] and "rtcfg" in servers["json"]


def test_docs_and_extension_start_the_same_command() -> None:
    # what the VS Code extension runs by default is what the Neovim snippet runs
    assert manifest()["contributes"]["configuration"]["properties"]["rtcfg.path"]["default"] == "rtcfg"
    assert re.search(r"args:\s*\[\.\.\.args, 'server'\]", extension_source())
    assert "cmd = { 'rtcfg', 'server' }" in squeeze(editors_section())
