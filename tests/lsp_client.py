"""A synchronous LSP client for tests: starts the real `rtcfg server` over stdio (pygls's own
client) on an event loop in a background thread, and waits for answers and published
diagnostics by events, never by sleeping. Every wait has a generous timeout so that a
broken server fails a test instead of hanging CI; a busy machine only makes waits longer.
"""

from __future__ import annotations

import asyncio
import os
import sys
import threading
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.client import LanguageClient

TIMEOUT = 120  # seconds: a bound on a hang, never a measure of speed
RTCFG = [sys.executable, "-m", "realtime_cfg"]


class Server:
    """One `rtcfg server` process and a client talking to it."""

    def __init__(self, root: Path, capabilities: types.ClientCapabilities | None = None,
                 env: dict[str, str] | None = None, before_start: Any = None) -> None:
        self.root = root
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.client = LanguageClient("rtcfg-tests", "1")
        self.published: dict[str, list[types.PublishDiagnosticsParams]] = {}
        self.logs: list[str] = []
        self._arrived = threading.Condition()

        @self.client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def _published(ls: Any, params: types.PublishDiagnosticsParams) -> None:
            with self._arrived:
                self.published.setdefault(params.uri, []).append(params)
                self._arrived.notify_all()

        @self.client.feature(types.WINDOW_LOG_MESSAGE)
        def _logged(ls: Any, params: types.LogMessageParams) -> None:
            self.logs.append(params.message)

        if before_start is not None:  # more handlers for what the server asks of the client
            before_start(self.client)
        self.run(self.client.start_io(*RTCFG, "server", cwd=str(root), env={**os.environ, **(env or {})}))
        # read what the server writes to stderr, so that a chatty server cannot fill the pipe
        # and block, and a test can look for a traceback there
        self.stderr: list[str] = []
        asyncio.run_coroutine_threadsafe(self._drain(self.client._server.stderr), self.loop)
        self.initialized = self.run(self.client.initialize_async(types.InitializeParams(
            capabilities=capabilities or types.ClientCapabilities(), root_uri=root.as_uri(),
            workspace_folders=[types.WorkspaceFolder(root.as_uri(), root.name)])))
        self.notify(self.client.initialized, types.InitializedParams())
        self.versions: dict[str, int] = {}

    async def _drain(self, stream: Any) -> None:
        while True:
            line = await stream.readline()
            if not line:
                return
            self.stderr.append(line.decode("utf-8", "replace"))

    def run(self, coroutine: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(TIMEOUT)

    def notify(self, send: Any, params: Any) -> None:
        """Send a notification (`self.client.text_document_did_open`, ...) from the client's own
        thread: its transport is not thread-safe (a large message written from the test's
        thread while the loop writes another failed with BufferError). In order with requests."""
        self.loop.call_soon_threadsafe(send, params)

    # -- documents ---------------------------------------------------------------------------

    def open(self, path: Path, text: str | None = None, language: str | None = None) -> str:
        uri = path.as_uri()
        text = path.read_bytes().decode("utf-8") if text is None else text  # CRLF kept, as an editor keeps it
        language = language or ("json" if path.suffix == ".json" else "yaml")
        self.versions[uri] = 1
        self.notify(self.client.text_document_did_open, types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri, language, 1, text)))
        return uri

    def change(self, uri: str, text: str) -> int:
        self.versions[uri] += 1
        self.notify(self.client.text_document_did_change, types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(version=self.versions[uri], uri=uri),
            [types.TextDocumentContentChangeWholeDocument(text)]))
        return self.versions[uri]

    def close(self, uri: str) -> None:
        self.notify(self.client.text_document_did_close, types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri)))

    def diagnostics(self, uri: str, version: int | None = None, count: int = 1) -> list[types.Diagnostic]:
        """The diagnostics last published for `uri`, once at least `count` publications for it
        (for `version`, when given) have arrived."""
        def ready() -> bool:
            seen = [p for p in self.published.get(uri, []) if version is None or p.version == version]
            return len(seen) >= count

        with self._arrived:
            if not self._arrived.wait_for(ready, TIMEOUT):
                raise TimeoutError(f"no diagnostics for {uri} (version {version})")
            seen = [p for p in self.published[uri] if version is None or p.version == version]
            return list(seen[-1].diagnostics)

    def settle(self) -> None:
        """Wait until the server has handled everything sent so far (it answers in order)."""
        self.run(self.client.text_document_hover_async(types.HoverParams(
            types.TextDocumentIdentifier("file:///nowhere.yaml"), types.Position(0, 0))))

    # -- requests ------------------------------------------------------------------------------

    def hover(self, uri: str, line: int, character: int) -> types.Hover | None:
        return self.run(self.client.text_document_hover_async(types.HoverParams(
            types.TextDocumentIdentifier(uri), types.Position(line, character))))

    def complete(self, uri: str, line: int, character: int) -> list[types.CompletionItem]:
        answer = self.run(self.client.text_document_completion_async(types.CompletionParams(
            types.TextDocumentIdentifier(uri), types.Position(line, character))))
        if answer is None:
            return []
        return list(answer.items if isinstance(answer, types.CompletionList) else answer)

    def definition(self, uri: str, line: int, character: int) -> Any:
        return self.run(self.client.text_document_definition_async(types.DefinitionParams(
            types.TextDocumentIdentifier(uri), types.Position(line, character))))

    def actions(self, uri: str, start: tuple[int, int], end: tuple[int, int] | None = None,
                diagnostics: list[types.Diagnostic] = (), only: list[str] | None = None) -> list[types.CodeAction]:
        end = end or start
        return list(self.run(self.client.text_document_code_action_async(types.CodeActionParams(
            types.TextDocumentIdentifier(uri), types.Range(types.Position(*start), types.Position(*end)),
            types.CodeActionContext(diagnostics=list(diagnostics), only=only)))) or [])

    def resolve(self, action: types.CodeAction) -> types.CodeAction:
        return self.run(self.client.code_action_resolve_async(action))

    def stop(self) -> int | None:
        """Shut the server down as an editor does; its exit code."""
        try:
            self.run(self.client.shutdown_async(None))
            self.notify(self.client.exit, None)
            process = self.client._server  # pygls keeps the subprocess here
            code = self.run(asyncio.wait_for(process.wait(), TIMEOUT)) if process is not None else None
        finally:
            self.run(self.client.stop())
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(TIMEOUT)
        return code


def apply_edits(text: str, edits: list[types.TextEdit]) -> str:
    """`text` with LSP edits applied (UTF-16 columns, as the server is asked to use)."""
    from realtime_cfg.editor.positions import UTF16, Lines, from_client

    lines = Lines(text)
    spans = []
    for edit in edits:
        start = lines.offset(*from_client(lines, edit.range.start.line, edit.range.start.character, UTF16))
        end = lines.offset(*from_client(lines, edit.range.end.line, edit.range.end.character, UTF16))
        spans.append((start, end, edit.new_text))
    for start, end, new in sorted(spans, reverse=True):
        text = text[:start] + new + text[end:]
    return text
