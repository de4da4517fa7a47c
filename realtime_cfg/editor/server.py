"""`rtcfg server`: the language server over stdio (pygls). This module only translates
between the protocol and editor/: each handler reads its parameters, asks the workspace,
actions or help, and answers. A handler never lets an exception out: a bug in rtcfg is
logged to the client's output, and the editor goes on with the last answer.

Text is synchronised in full on every change: a config is small, and with the whole text
each time the server's copy can never drift from the editor's (an incremental edit applied
where the two sides count lines differently would corrupt it).
"""

from __future__ import annotations

import datetime
import json
import logging
import os
import re
import sys
from pathlib import Path
from typing import Any, Callable

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from ..building.builder import EXTENDS, INCLUDE
from ..building.paths import real_root, referenced, within
from ..report.masking import shown
from ..source import loader
from ..source.document import MISSING, value_at
from ..source.settings import PYPROJECT
from ..targets import CANONICAL, ga
from ..version import __version__
from . import actions, help
from .context import KEY, VALUE, context_at, word_end
from .positions import UTF16, Lines, from_client, to_client
from .workspace import Workspace, path_of, uri_of

NAME = "rtcfg"
# A text that does not parse yet is GA-shaped if it says so: one of targets/ga.py's MARKERS at
# the top of a YAML file; in JSON (whose top cannot be told without parsing) anywhere, but for
# `type`, which tools have too: there, `"type": "realtime"` (or transcription).
_YAML_MARKER = "|".join(map(re.escape, ga.MARKERS))
_JSON_MARKER = "|".join(re.escape(marker) for marker in ga.MARKERS if marker != "type")
GA_MARKER = re.compile(rf"""(?m)^["']?(?:{_YAML_MARKER})["']?[ \t]*:|"(?:{_JSON_MARKER})"\s*:"""
                       r'|"type"\s*:\s*"(?:realtime|transcription)"')
LINKS = (EXTENDS, INCLUDE)  # keys whose values name another file


class RtcfgServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(NAME, __version__, text_document_sync_kind=types.TextDocumentSyncKind.Full)
        self.files = Workspace()

    def publish(self, diagnostics: dict[str, list[types.Diagnostic]]) -> None:
        for uri, found in diagnostics.items():
            document = self.files.documents.get(uri)
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
                uri=uri, diagnostics=found, version=document.version if document is not None else None))


def guarded(fallback: Any = None) -> Callable:
    """Log an internal error and answer `fallback` instead of letting it end the server."""
    def wrap(handler: Callable) -> Callable:
        def run(server: RtcfgServer, params: Any) -> Any:
            try:
                return handler(server, params)
            except Exception as exc:  # noqa: BLE001 - a bug in rtcfg must not take the editor's linter down
                logging.getLogger(__name__).exception("rtcfg server: %s failed", handler.__name__)
                server.window_log_message(types.LogMessageParams(
                    type=types.MessageType.Error,
                    message=f"rtcfg: {handler.__name__} failed ({type(exc).__name__}: {str(exc)[:200]}); "
                            "this is a bug in rtcfg, please report it with the file"))
                return fallback
        run.__name__ = handler.__name__
        return run
    return wrap


server = RtcfgServer()


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
@guarded()
def did_open(ls: RtcfgServer, params: types.DidOpenTextDocumentParams) -> None:
    document = params.text_document
    ls.publish(ls.files.open(document.uri, document.text, document.version))


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
@guarded()
def did_change(ls: RtcfgServer, params: types.DidChangeTextDocumentParams) -> None:
    changes = params.content_changes
    if not changes:
        return
    text = changes[-1].text  # full synchronisation: the last change is the whole text
    ls.publish(ls.files.change(params.text_document.uri, text, params.text_document.version))


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
@guarded()
def did_close(ls: RtcfgServer, params: types.DidCloseTextDocumentParams) -> None:
    ls.publish(ls.files.close(params.text_document.uri))


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
@guarded()
def did_save(ls: RtcfgServer, params: types.DidSaveTextDocumentParams) -> None:
    path = path_of(params.text_document.uri)
    if path is not None and os.path.basename(path) == PYPROJECT:  # [tool.rtcfg] may have changed
        ls.publish(ls.files.changed_on_disk([path]))


# Files a config is built from, and the settings, change on disk without the editor: ask the
# client to say so (where it can watch files for a server), and check the configs again.
WATCHED = "**/*.{yaml,yml,json,md,markdown,txt,text,toml}"


@server.feature(types.INITIALIZED)
@guarded()
def initialized(ls: RtcfgServer, params: types.InitializedParams) -> None:
    # the column units pygls agreed with the client (UTF-16 unless it offered UTF-8 or UTF-32)
    chosen = ls.workspace.position_encoding
    ls.files.encoding = str(getattr(chosen, "value", chosen) or UTF16)
    workspace = ls.client_capabilities.workspace
    watching = workspace and workspace.did_change_watched_files
    if watching and watching.dynamic_registration:
        ls.client_register_capability(types.RegistrationParams(registrations=[types.Registration(
            id="rtcfg-watched-files", method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
            register_options=types.DidChangeWatchedFilesRegistrationOptions(
                watchers=[types.FileSystemWatcher(glob_pattern=WATCHED)]))]))


@server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
@guarded()
def watched_files_changed(ls: RtcfgServer, params: types.DidChangeWatchedFilesParams) -> None:
    paths = [path for path in (path_of(change.uri) for change in params.changes) if path is not None]
    if paths:
        ls.publish(ls.files.changed_on_disk(paths))


@server.feature(types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionOptions(
    code_action_kinds=[types.CodeActionKind.QuickFix, types.CodeActionKind.SourceFixAll], resolve_provider=True))
@guarded(fallback=[])
def code_action(ls: RtcfgServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    uri, only = params.text_document.uri, params.context.only
    found: list[types.CodeAction] = []
    if _asked(only, types.CodeActionKind.QuickFix):
        found += actions.quick_fixes(ls.files, uri, params.range, params.context.diagnostics)
    resolve = ls.client_capabilities.text_document and ls.client_capabilities.text_document.code_action
    lazy = bool(resolve and resolve.resolve_support and "edit" in resolve.resolve_support.properties)
    # "fix all" costs a check per pass of fixes: made at once only when it is asked for by
    # kind (on save), not for every light bulb of a client that cannot resolve it later
    if (only and _asked(only, types.CodeActionKind.SourceFixAll)) or (not only and lazy):
        everything = actions.fix_all(ls.files, uri, lazy)
        if everything is not None:
            found.append(everything)
    return found


def _asked(only: list[str] | None, kind: str) -> bool:
    """Whether a request for the kinds `only` (None: any) takes an action of `kind`: a kind
    takes its sub-kinds (`source` takes `source.fixAll.rtcfg`)."""
    return not only or any(kind == wanted or kind.startswith(wanted + ".") for wanted in only)


@server.feature(types.CODE_ACTION_RESOLVE)
@guarded()
def resolve_code_action(ls: RtcfgServer, action: types.CodeAction) -> types.CodeAction:
    return actions.resolve_fix_all(ls.files, action)


# -- hover, completion, definition: all start from where the cursor is ------------------------

def _lines(ls: RtcfgServer, uri: str) -> Lines | None:
    """The lines of an open config, as rtcfg reads its text (None: not an open config)."""
    document = ls.files.documents.get(uri)
    return document.lines() if document is not None and document.is_config else None


def _offset(ls: RtcfgServer, lines: Lines, position: types.Position) -> int:
    line, column = from_client(lines, position.line, position.character, ls.files.encoding)
    return lines.offset(line, column)


def _client(ls: RtcfgServer, lines: Lines, offset: int) -> types.Position:
    return types.Position(*to_client(lines, *lines.position(offset), ls.files.encoding))


def _shape_and_lookup(ls: RtcfgServer, uri: str, text: str):
    """The file's shape and its data as last built (for `type` in enclosing mappings)."""
    result = ls.files.results.get(uri)
    built = result.checked.document if result is not None else None
    if built is not None:
        return built.shape, (lambda path: value_at(built.data, path))
    return (ga.NAME if GA_MARKER.search(text) else CANONICAL), (lambda path: MISSING)


@server.feature(types.TEXT_DOCUMENT_HOVER)
@guarded()
def hover(ls: RtcfgServer, params: types.HoverParams) -> types.Hover | None:
    uri = params.text_document.uri
    result = ls.files.results.get(uri)
    lines = _lines(ls, uri)
    if result is None or result.checked.document is None or lines is None:
        return None
    document = result.checked.document
    offset = _offset(ls, lines, params.position)
    best = None  # the deepest key or value under the cursor, in this file
    for path, position in document.positions.items():
        here = (position.file or document.name) == document.name  # the value (or its key, below) is in this file
        on_key = (position.key_start is not None and position.key_start <= offset <= position.key_end
                  and (position.key_file or position.file or document.name) == document.name)
        on_value = here and position.start is not None and position.start <= offset <= position.end
        if (on_key or on_value) and (best is None or len(path) > len(best[0])):
            best = (path, on_key, position)
    if best is None or not best[0]:
        return None
    path, on_key, position = best
    lookup = lambda at: value_at(document.data, at)  # noqa: E731
    value = value_at(document.data, path)
    markdown = help.describe_key(document.shape, path, lookup)
    if not on_key and not isinstance(value, (dict, list)) and markdown:  # the value, then its field
        # a value from the environment is shown as written (`${VAR}`), never as its value
        about = help.describe_value(document.shape, path, value, lookup, _today(), written=document.templates.get(path))
        markdown = f"{about}\n\n---\n\n{markdown}" if about else markdown
    if not markdown:
        return None
    # as every report: environment values as their ${VAR}, keys masked, no terminal controls
    markdown = shown(markdown, document.redactions)
    start, end = (position.key_start, position.key_end) if on_key else (position.start, position.end)
    return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=markdown),
                       range=types.Range(_client(ls, lines, start), _client(ls, lines, end)))


def _today() -> datetime.date:
    from ..check.rules.open_sets import today

    try:
        return today()
    except ValueError:  # a malformed RTCFG_TODAY: the machine's date
        return datetime.date.today()


# Completion opens by itself as a word is typed, and on `"` in JSON; not on `:` or a space,
# where an editor would select the first value and Enter would write it.
@server.feature(types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(trigger_characters=['"']))
@guarded()
def completion(ls: RtcfgServer, params: types.CompletionParams) -> types.CompletionList | None:
    uri = params.text_document.uri
    lines = _lines(ls, uri)
    if lines is None:
        return None
    text, offset = lines.text, _offset(ls, lines, params.position)
    json_text = loader.guess_format(path_of(uri) or uri, text) == "json"
    place = context_at(text, offset, json_text)
    if place is None:
        return None
    shape, lookup = _shape_and_lookup(ls, uri, text)
    if place.kind == KEY:
        found = help.keys(shape, place.path, place.present, lookup, json_text)
        if not found and place.path and isinstance(place.path[-1], int):  # `- ` in a list of values
            found = help.values(shape, place.path, lookup, json_text, bool(place.quote), _today())
    else:
        found = help.values(shape, place.path, lookup, json_text, bool(place.quote), _today())
    # An item replaces the whole key or value under the cursor (`vo|ice` -> `voice`), a JSON
    # key with its quotes; it writes `: ` after a key only where none follows, a space before a
    # value right after `:`, and a comma where the entry before has none (JSON, flow YAML).
    whole_key = place.kind == KEY and (json_text or bool(place.quote))  # its opening quote goes too
    start = place.start - len(place.quote) if whole_key else place.start
    end = word_end(text, offset, place.quote)
    closed = bool(place.quote) and text[end:end + 1] == place.quote
    if whole_key and closed:
        end += 1
    colon_follows = place.kind == KEY and text[end:end + 80].lstrip(" \t").startswith(":")
    space = " " if place.kind == VALUE and not place.quote and text[start - 1:start] == ":" else ""
    edit_range = types.Range(_client(ls, lines, start), _client(ls, lines, end))
    # a missing comma goes before the entry: in the item's own text where the two would meet
    # (LSP forbids an extra edit that touches the item's), else as an extra edit
    comma_first = place.comma_at is not None and place.comma_at >= start - len(place.quote)
    comma = ([types.TextEdit(range=types.Range(*[_client(ls, lines, place.comma_at)] * 2), new_text=",")]
             if place.comma_at is not None and not comma_first else None)
    items = []
    for rank, suggestion in enumerate(found):
        insert = suggestion.insert
        if place.kind == VALUE and place.quote:  # inside the user's quotes: the text, escaped for them
            insert = suggestion.label.replace("'", "''") if place.quote == "'" else json.dumps(suggestion.label)[1:-1]
            insert += "" if closed else place.quote
        if colon_follows:
            insert = insert.rstrip().removesuffix(":")
        insert = space + insert
        if comma_first:
            insert = ", " + insert.lstrip()
        items.append(types.CompletionItem(
            label=suggestion.label, kind=types.CompletionItemKind.Property if suggestion.kind == "field"
            else types.CompletionItemKind.EnumMember,
            detail=suggestion.detail or None,
            documentation=types.MarkupContent(kind=types.MarkupKind.Markdown, value=suggestion.documentation)
            if suggestion.documentation else None,
            tags=[types.CompletionItemTag.Deprecated] if suggestion.deprecated else None,
            preselect=suggestion.preselect or None, sort_text=f"{rank:04d}", filter_text=suggestion.label,
            text_edit=types.TextEdit(range=edit_range, new_text=insert), additional_text_edits=comma))
    return types.CompletionList(is_incomplete=False, items=items)


@server.feature(types.TEXT_DOCUMENT_DEFINITION)
@guarded()
def definition(ls: RtcfgServer, params: types.DefinitionParams) -> types.Location | None:
    """The file an `extends:` or `$file:` value names, as the build resolves it: relative to
    this file, and inside the project unless [tool.rtcfg] allows otherwise."""
    uri = params.text_document.uri
    lines = _lines(ls, uri)
    path = path_of(uri)
    if lines is None or path is None:
        return None
    text = lines.text
    place = context_at(text, _offset(ls, lines, params.position), loader.guess_format(path, text) == "json")
    if place is None or not place.path or place.kind == KEY and not isinstance(place.path[-1], int):
        return None  # a key; but a list item of `extends:` reads as one until it has a colon
    names_file = place.path[-1] in LINKS or (len(place.path) > 1 and isinstance(place.path[-1], int)
                                             and place.path[-2] in LINKS)
    if not names_file:
        return None
    name = text[place.start:word_end(text, place.start, place.quote, stops=",]}#\r\n")].strip()
    result = ls.files.results.get(uri)
    allowed = result is not None and result.options is not None and result.options.build.allow_outside_root
    target = _resolve(path, name, allowed)
    if target is None:
        return None
    return types.Location(uri=uri_of(target), range=types.Range(types.Position(0, 0), types.Position(0, 0)))


def _resolve(including: str, name: str, allow_outside_root: bool) -> str | None:
    """The file a reference names, as the build finds it (building/builder.py resolve): None
    where the build would refuse it (absolute, or out of the project) or there is none."""
    target = referenced(including, name)
    if not name or not allow_outside_root and (os.path.isabs(name) or not within(
            Path(os.path.realpath(target)), real_root(Path(including).parent))):
        return None
    return str(target) if os.path.isfile(target) else None  # (never raises: a name too long is no file)


def serve() -> None:
    """Speak LSP on stdin and stdout until the client says exit or closes stdin. The protocol
    gets its own copy of standard output, and file descriptor 1 then points at stderr: a
    stray print anywhere cannot corrupt a message."""
    protocol_out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    sys.stdout.flush()
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    server.start_io(sys.stdin.buffer, protocol_out)
