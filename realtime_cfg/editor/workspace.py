"""The documents an editor has open, checked by the pipeline as `rtcfg validate` checks them,
and the diagnostics to show in each file.

Which files are configs: looks_like_config (other tools' YAML and JSON are left alone). A
config is checked with the text the editor holds (saved or not) for itself and for every
open file it is built from; the rest is read from disk. A finding is shown in the file it
points into: a base file or include gets the findings that configs built from it have
there, merged (and deduplicated) with its own when it is a config itself. A change to a
file re-checks every open config that was built from it.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Iterable
from urllib.parse import quote, unquote, urlparse

from lsprotocol import types

from .. import pipeline
from ..building.builder import EXTENDS, BuildOptions
from ..building import paths
from ..building.paths import real_root, within
from ..diagnostics import Diagnostic, suggest
from ..report.machine import INFORMATION_URI
from ..schema.views import GA_SCHEMA, SESSION_SCHEMA, session_properties
from ..source import loader, settings as project_settings
from ..source.document import Limits, LoadError
from ..source.problems import bad_settings
from .positions import UTF16, Lines, to_client

# The pre-commit hook's `files:` pattern (.pre-commit-hooks.yaml; a test keeps the two equal),
# searched in the path relative to the project root: a file the hook would check needs less
# to be taken for a config (looks_like_config).
HOOK_FILES = re.compile(r"""(?ix)^(?!\.github/)(?:
    (?:.*/)?(?:realtime|sessions?)/.*
  | (?:.*/)?[^/]*(?:session|realtime)[^/]*
  | .*\.rtcfg
)\.(?:ya?ml|json)$""")
# Session keys other YAML and JSON use too (package.json's `type`, an ML config's `model`, the
# Chat Completions, Responses and Assistants APIs' `modalities`, `instructions`, `tools`,
# `reasoning`, `max_output_tokens`, a TTS config's `speed`): they count for a file that has a key only Realtime sessions have
# (`voice`, `turn_detection`, `audio`, ...), but alone they do not make one a session config.
COMMON_KEYS = frozenset({"type", "model", "modalities", "tools", "tool_choice", "parallel_tool_calls", "include",
                         "prompt", "instructions", "reasoning", "temperature", "max_output_tokens", "truncation",
                         "speed", "extends"})
SESSION_TYPES = ("realtime", "transcription")
SEVERITY = {"error": types.DiagnosticSeverity.Error, "warning": types.DiagnosticSeverity.Warning,
            "info": types.DiagnosticSeverity.Information}
RULES_PAGE = INFORMATION_URI + "/blob/main/docs/rules.md"  # one heading per code (docs/rules.md)
SOURCE = "rtcfg"


def path_of(uri: str) -> str | None:
    """The file a `file:` URI names (None for untitled and other schemes)."""
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return None
    path = unquote(parsed.path)
    if os.name == "nt" and re.match(r"^/[A-Za-z]:", path):  # pragma: no cover - file:///C:/...
        path = path[1:]
    return os.path.normpath(path)


def uri_of(path: str) -> str:
    return "file://" + quote(Path(path).as_posix())


def looks_like_config(data: object, by_name: bool) -> bool:
    """Whether a file's data is a session config. A file the pre-commit hook checks by its name
    (`by_name`) is, as the hook takes it, unless its top level is a list: what fails the commit
    is what the editor shows. Any other YAML or JSON must look like a session: `type: realtime`
    or `transcription`, or a key only Realtime sessions have, with at least two thirds of its
    keys a session's (or misspelt ones: a config with typos is what rtcfg is for). An LLM
    client's or the Responses API's config (`model`, `instructions`, `reasoning`), a TTS
    config with a `voice` and keys of its own, a manifest someone pasted `voice:` into: none
    of these is underlined."""
    if by_name:
        return not isinstance(data, list)
    if not isinstance(data, dict):
        return False
    if data.get("type") in SESSION_TYPES:
        return True
    keys = [key for key in data if isinstance(key, str)]
    session_keys = sorted(_session_keys())
    known = [key for key in keys if key in _session_keys() or suggest(key, session_keys) is not None]
    distinctive = [key for key in keys if key in _session_keys() and key not in COMMON_KEYS]
    return bool(distinctive) and 3 * len(known) >= 2 * len(keys)


@lru_cache(maxsize=1)
def _session_keys() -> frozenset[str]:
    return (frozenset(session_properties(SESSION_SCHEMA)) | frozenset(session_properties(GA_SCHEMA))
            | {EXTENDS})


@lru_cache(maxsize=1)
def _candidate_keys() -> re.Pattern:
    """Keys only sessions have, written as keys: a text without one (or a `type: realtime`)
    cannot look like a config, so it is not built at all (a 500 KB OpenAPI file costs a
    search per keystroke, not a parse)."""
    names = "|".join(sorted(map(re.escape, _session_keys() - COMMON_KEYS)))
    return re.compile(rf"""(?m)^["']?(?:{names})["']?[ \t]*:|"(?:{names})"\s*:"""
                      rf"""|\btype["']?\s*:\s*["']?(?:realtime|transcription)\b|["']?(?:extends|\$file)["']?\s*:""")


def may_be_config(text: str) -> bool:
    """A quick look before a file not named as a config is built: it holds a key only sessions
    have, `type: realtime|transcription`, or `extends:`/`$file:` (built to see), and is not
    larger than rtcfg reads (a package-lock.json is not searched at all)."""
    return len(text) <= Limits().max_bytes and _candidate_keys().search(text) is not None


def hook_would_check(path: str) -> bool:
    root = real_root(Path(path).parent)
    real = os.path.realpath(path)
    relative = os.path.relpath(real, root) if within(Path(real), root) else os.path.basename(real)
    return HOOK_FILES.search(relative.replace(os.sep, "/")) is not None


LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class OpenDocument:
    """A document as the editor holds it. `text` is what rtcfg checks: without a byte order
    mark (`bom` remembers one, for columns on line 0), and with a lone surrogate (which a file
    on disk cannot hold, but JSON-RPC can carry) as U+FFFD, one character and one UTF-16 unit
    like it, so that no position moves."""

    __slots__ = ("uri", "path", "real", "text", "bom", "version", "is_config")

    def __init__(self, uri: str, text: str, version: int | None) -> None:
        self.uri, self.version = uri, version
        self.set_text(text)
        self.path = path_of(uri)
        self.real = os.path.realpath(self.path) if self.path is not None else None
        # decided again by each check whose text parses (workspace.looks_like_config); kept
        # while it does not, so a config being typed into does not flicker
        self.is_config: bool | None = None

    def set_text(self, text: str) -> None:
        self.bom = text.startswith("\ufeff")
        self.text = LONE_SURROGATE.sub("\ufffd", text[1:] if self.bom else text)

    def lines(self) -> Lines:
        return Lines(self.text, self.bom)


class Result:
    """The last check of one open config."""

    __slots__ = ("version", "checked", "texts", "files", "options", "decided_by")

    def __init__(self, version: int | None, checked: pipeline.Checked, texts: dict[str, str],
                 files: set[str], options: pipeline.Options | None) -> None:
        self.version = version
        self.checked = checked
        self.texts = texts  # real path -> the text checked (what the editor held, else the disk's)
        self.files = files  # real paths of every file it was built from (it included)
        self.options = options  # what it was checked with (None: its pyproject.toml could not be read)
        self.decided_by = None  # the document that tells whether it is a config, when not `checked`'s


class Workspace:
    """Open documents, their last checks, and what each file shows."""

    def __init__(self, encoding: str = UTF16) -> None:
        self.encoding = encoding
        self.documents: dict[str, OpenDocument] = {}
        self.results: dict[str, Result] = {}
        # shown in a file (URI) -> {the config whose check found them (URI): diagnostics}
        self.shown: dict[str, dict[str, list[tuple[Diagnostic, types.Diagnostic]]]] = {}

    # -- the protocol's notifications: each returns {URI: diagnostics} to publish ----------

    def open(self, uri: str, text: str, version: int | None = None) -> dict[str, list[types.Diagnostic]]:
        self.documents[uri] = OpenDocument(uri, text, version)
        return self._recheck(uri)

    def change(self, uri: str, text: str, version: int | None = None) -> dict[str, list[types.Diagnostic]]:
        document = self.documents.get(uri)
        if document is None:  # a change to a document never opened: take it as opened
            return self.open(uri, text, version)
        document.set_text(text)
        document.version = version
        return self._recheck(uri)

    def close(self, uri: str) -> dict[str, list[types.Diagnostic]]:
        """Forget a document: its own findings go, and configs built from it read it from disk."""
        document = self.documents.pop(uri, None)
        if document is None:
            return {}
        self.results.pop(uri, None)
        touched = self._forget(uri)
        published = self._recheck_dependents(document.path, skip=uri)
        for target in touched:
            published.setdefault(target, self.diagnostics(target))
        return published

    def changed_on_disk(self, paths: list[str]) -> dict[str, list[types.Diagnostic]]:
        """Files saved, or changed by another program (a `git checkout`): re-check the open
        configs built from them; every open config when a pyproject.toml (its settings) changed."""
        reals = {os.path.realpath(path) for path in paths}
        everything = any(os.path.basename(path) == project_settings.PYPROJECT for path in paths)
        touched: set[str] = set()
        for uri, result in list(self.results.items()):
            if everything or reals & result.files or result.checked.document is None:
                touched |= self.check(uri)
        return {target: self.diagnostics(target) for target in touched}

    # -- checking ----------------------------------------------------------------------------

    def _recheck(self, uri: str) -> dict[str, list[types.Diagnostic]]:
        document = self.documents[uri]
        touched = self.check(uri)
        published = {target: self.diagnostics(target) for target in touched}
        published.update(self._recheck_dependents(document.path, skip=uri))
        return published

    def _recheck_dependents(self, path: str | None, skip: str) -> dict[str, list[types.Diagnostic]]:
        """Re-check the open configs that were built from the file at `path`."""
        if path is None:
            return {}
        real = os.path.realpath(path)
        touched: set[str] = set()
        for other, result in list(self.results.items()):
            # a config that could not be built may have named this file before it existed
            if other != skip and (real in result.files or result.checked.document is None):
                touched |= self.check(other)
        return {target: self.diagnostics(target) for target in touched}

    def check(self, uri: str) -> set[str]:
        """Check one open document; the URIs whose diagnostics changed."""
        document = self.documents[uri]
        touched = self._forget(uri)
        self.results.pop(uri, None)
        if document.path is None or not document.path.lower().endswith(loader.CONFIG_SUFFIXES):
            return touched  # untitled, or not a file rtcfg reads: left alone
        project_settings.forget()  # a pyproject.toml or a .git made or saved since the last check counts
        paths.forget()
        by_name = hook_would_check(document.path)
        if not by_name and not document.is_config and not may_be_config(document.text):
            document.is_config = False
            return touched | {uri}  # an empty list: the client knows it was looked at
        result = self._run(document)
        verdict = _verdict(result, document, by_name)
        if verdict is not None:  # else (it does not parse) as it was: no flicker while typing
            document.is_config = verdict
        if not document.is_config:
            return touched | {uri}
        self.results[uri] = result
        by_file: dict[str, tuple[str, Lines]] = {}  # worked out once per file, not once per finding
        for finding in result.checked.findings:
            if finding.file not in by_file:
                by_file[finding.file] = (self.uri_for(finding.file, document), self.lines_of(finding.file, result))
            target, lines = by_file[finding.file]
            self.shown.setdefault(target, {}).setdefault(uri, []).append((finding, to_lsp(finding, lines, self.encoding)))
            touched.add(target)
        return touched | {uri}

    def _run(self, document: OpenDocument) -> Result:
        project = real_root(Path(document.path).parent)
        texts = {}
        for other in self.documents.values():  # unsaved text of open files inside the project
            if other.real is not None and (other is document or within(Path(other.real), project)):
                texts[other.real] = other.text
        try:
            settings = project_settings.settings_for(document.path)
        except project_settings.SettingsError as exc:  # F002, as validate reports it; whether the
            # file is a config at all is still told by its keys, read with the default settings
            name = shown_name(document.path)
            checked = pipeline.Checked(name, None, [bad_settings(name, str(exc))])
            result = Result(document.version, checked, texts, {document.real}, None)
            result.decided_by = pipeline.check(document.path, pipeline.Options(build=BuildOptions(texts=texts))).document
            return result
        build = BuildOptions(allow_outside_root=settings.allow_outside_root, texts=texts)
        options = pipeline.Options(settings.target, settings.strict, settings.ignore, settings.known, build)
        checked = pipeline.check(shown_name(document.path), options)
        names = set(checked.document.texts()) if checked.document is not None else set()
        names |= {finding.file for finding in checked.findings}
        files = {os.path.realpath(name) for name in names}
        return Result(document.version, checked, texts, files, options)

    def _forget(self, uri: str) -> set[str]:
        """Drop what the last check of `uri` showed anywhere; the URIs it was shown in."""
        touched = set()
        for target, by_source in self.shown.items():
            if by_source.pop(uri, None) is not None:
                touched.add(target)
        return touched

    # -- reading results ---------------------------------------------------------------------

    def diagnostics(self, uri: str) -> list[types.Diagnostic]:
        """What a file shows: the findings of every check that points into it, each once."""
        seen, shown = set(), []
        for pairs in self.shown.get(uri, {}).values():
            for finding, diagnostic in pairs:
                if identity(finding) not in seen:
                    seen.add(identity(finding))
                    shown.append(diagnostic)
        return shown

    def findings_in(self, uri: str) -> Iterable[tuple[str, Diagnostic, types.Diagnostic]]:
        """(the config checked, finding, its LSP diagnostic) for every finding shown in `uri`."""
        for source, pairs in self.shown.get(uri, {}).items():
            for finding, diagnostic in pairs:
                yield source, finding, diagnostic

    def uri_for(self, name: str, document: OpenDocument) -> str:
        """The URI a file a report names is shown in: the open document's own URI when it is
        one (the editor may have opened it by another path), else its real path's."""
        real = os.path.realpath(name)
        if real == document.real:
            return document.uri
        for other in self.documents.values():
            if other.real == real:
                return other.uri
        return uri_of(real)

    def lines_of(self, name: str, result: Result) -> Lines:
        """The lines of a file as it was checked (as the client counts them, for an open one)."""
        real = os.path.realpath(name)
        text = result.texts.get(real)
        bom = any(document.bom for document in self.documents.values() if document.real == real)
        if text is None and result.checked.document is not None:
            text = result.checked.document.text_of(name)
        if text is None:
            text = _read_text(name)
        return Lines(text, bom and real in result.texts)


def shown_name(path: str) -> str:
    """How findings name a file: relative to the working folder (where an editor starts the
    server: the workspace's), as `rtcfg validate` run there names it; else as it is."""
    try:
        relative = os.path.relpath(path)
    except (OSError, ValueError):  # no working folder any more, another drive
        return path
    return path if relative.startswith(os.pardir) else relative


def _verdict(result: Result, document: OpenDocument, by_name: bool) -> bool | None:
    """Whether a checked file is a config: by its data as built, else (a base is missing, a
    ${VAR} unset) as the file alone reads; None where its text does not parse. A file the
    hook checks by name is one whatever it holds (the parse error shown), but a list."""
    built = result.checked.document if result.decided_by is None else result.decided_by
    if built is None:
        try:
            name = shown_name(document.path)
            built = loader.parse(document.text, name, loader.guess_format(name, document.text), Limits(), False)
        except (LoadError, RecursionError, MemoryError, ValueError):
            return True if by_name else None
    return looks_like_config(built.data, by_name)


def identity(finding: Diagnostic) -> tuple:
    """What makes two findings one, shown in one file (a base's finding, found by two configs)."""
    return finding.code, finding.line, finding.column, finding.path, finding.message


def _read_text(name: str) -> str:
    """A file a finding points into that the check did not keep (one that could not be built)."""
    try:
        with open(name, "rb") as file:
            return file.read(4 << 20).decode("utf-8", "replace")
    except OSError:
        return ""


def to_lsp(finding: Diagnostic, lines: Lines, encoding: str) -> types.Diagnostic:
    """A finding as an LSP diagnostic: rtcfg's code, message (and hint on the next line), and
    range; the rule's name, field path and hint in `data`, as `rtcfg validate --format json`."""
    start = _client_position(lines, finding.line, finding.column, encoding)
    end = _client_position(lines, finding.end_line, finding.end_column, encoding) if finding.end_line else None
    if end is None or (end.line, end.character) <= (start.line, start.character):
        # no extent known: to the end of the line, so that the editor has something to underline
        end = types.Position(start.line, _client_position(lines, (finding.line or 1), 10**9, encoding).character)
    message = finding.message if not finding.hint else f"{finding.message}\n{finding.hint}"
    name = finding.name or ""
    return types.Diagnostic(
        range=types.Range(start, end), message=message, severity=SEVERITY.get(finding.severity),
        code=finding.code, source=SOURCE,
        code_description=types.CodeDescription(href=f"{RULES_PAGE}#{finding.code.lower()}-{name}"),
        data={"path": finding.path, "name": name, "hint": finding.hint,
              "fix": finding.fix.applicability if finding.fix is not None and finding.fix.available else None})


def _client_position(lines: Lines, line: int | None, column: int | None, encoding: str) -> types.Position:
    """A 1-based rtcfg (line, column) as an LSP position (the file's start where unknown)."""
    if not line:
        return types.Position(0, 0)
    index = min(line - 1, len(lines) - 1)
    column = min(max((column or 1) - 1, 0), len(lines.line(index)))
    return types.Position(*to_client(lines, index, column, encoding))
