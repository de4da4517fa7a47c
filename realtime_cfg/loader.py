"""Read a config file (or stdin) into a Document with positions.

The format is chosen by extension: .json is JSON, .yaml/.yml (and anything
else) is YAML. For stdin, a first non-blank character of '{' picks JSON.
Bytes are decoded as UTF-8 (a UTF-8 BOM is skipped) or, when a BOM says so,
UTF-16/UTF-32. A file over `Limits.max_bytes` is refused without reading it all.
"""

from __future__ import annotations

import codecs
import os
import sys
from pathlib import Path
from typing import BinaryIO

from .diagnostics import Diagnostic, prepare_for_display
from .document import Document, Limits, LoadError

CONFIG_SUFFIXES = (".yaml", ".yml", ".json")
STDIN = "-"
STDIN_NAME = "<stdin>"

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)


def _unreadable(name: str, reason: str) -> LoadError:
    return LoadError([Diagnostic("F001", f"cannot read {name}: {reason}", name)])


def _read_limited(stream: BinaryIO, name: str, limit: int) -> bytes:
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise LoadError([Diagnostic("L009", f"file is larger than the {limit:,}-byte limit", name, 1, 1,
                                    hint="raise the limit with --max-bytes if the file is meant to be this big")])
    return data


def read_bytes(source: str | os.PathLike, limits: Limits) -> tuple[str, bytes]:
    """(display name, raw bytes) of a file, or of stdin for "-"."""
    if str(source) == STDIN:
        name = STDIN_NAME
        stream = getattr(sys.stdin, "buffer", None)
        if stream is None or sys.stdin.closed:
            raise _unreadable(name, "standard input is closed")
        try:
            return name, _read_limited(stream, name, limits.max_bytes)
        except (OSError, ValueError) as exc:
            raise _unreadable(name, str(exc)) from None
    name = str(source)
    try:
        with open(source, "rb") as stream:
            size = os.fstat(stream.fileno()).st_size
            if size > limits.max_bytes:
                raise LoadError([Diagnostic("L009", f"file is {size:,} bytes, over the {limits.max_bytes:,}-byte limit",
                                            name, 1, 1, hint="raise the limit with --max-bytes if the file is meant to be this big")])
            return name, _read_limited(stream, name, limits.max_bytes)
    except FileNotFoundError:
        raise _unreadable(name, "no such file") from None
    except IsADirectoryError:
        raise _unreadable(name, "it is a directory") from None
    except PermissionError:
        raise _unreadable(name, "permission denied") from None
    except OSError as exc:
        raise _unreadable(name, exc.strerror or str(exc)) from None


def decode(raw: bytes, name: str) -> str:
    encoding = "utf-8"
    for bom, candidate in _BOMS:
        if raw.startswith(bom):
            encoding = candidate
            break
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        before = raw[: exc.start].decode(encoding, errors="replace")
        line = before.count("\n") + 1
        column = len(before) - (before.rfind("\n") + 1) + 1
        raise LoadError([Diagnostic("L008", f"not valid {encoding.upper().replace('-SIG', '')} text "
                                    f"(byte 0x{raw[exc.start]:02x} at offset {exc.start}); is this a binary file?",
                                    name, line, column, hint="save the file as UTF-8")]) from None
    nul = text.find("\0")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        column = nul - (text.rfind("\n", 0, nul) + 1) + 1
        raise LoadError([Diagnostic("L008", "the file contains a NUL character; is this a binary file?",
                                    name, line, column)])
    return text


def guess_format(name: str, text: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix == ".json":
        return "json"
    if name == STDIN_NAME and text.lstrip()[:1] == "{":
        return "json"
    return "yaml"


def parse(text: str, name: str, fmt: str = "yaml", limits: Limits | None = None,
          require_mapping: bool = True) -> Document:
    """Parse config text; the top level must be a mapping (unless not required: an
    included file may hold a list of tools, or one string). Raises LoadError."""
    limits = limits or Limits()
    # each parser is imported when a file needs it: a run over YAML files never loads the JSON one
    if fmt == "json":
        from .json_source import build as builder
    else:
        from .yaml_source import build as builder
    try:
        document = builder(text.removeprefix("\ufeff"), name, limits)
        if require_mapping and not isinstance(document.data, dict):
            kind = "empty" if document.data is None else type(document.data).__name__
            what = {"list": "a list", "str": "a string", "empty": "empty"}.get(kind, f"a {kind}")
            line, column, _ = document.locate(())
            raise LoadError([Diagnostic("L003", f"the top level is {what}; a session config is a mapping of "
                                        "session fields", name, line or 1, column or 1,
                                        hint="start the file with a key such as `model:`")])
    except LoadError as exc:
        prepare_for_display(exc.diagnostics, {name: text})
        raise
    return document


def load(source: str | os.PathLike, limits: Limits | None = None) -> Document:
    """Load a YAML or JSON config file ("-" for stdin). Raises LoadError."""
    limits = limits or Limits()
    name, raw = read_bytes(source, limits)
    text = decode(raw, name)
    return parse(text, name, guess_format(name, text), limits)


def discover(paths: list[str]) -> tuple[list[str], list[str]]:
    """(files, empty): directories expanded into the config files below them,
    sorted, and the directories that held none. Files and "-" pass through.

    Symlinked directories are not followed, so a link loop cannot trap the walk."""
    found: list[str] = []
    empty: list[str] = []
    for path in paths:
        if path != STDIN and os.path.isdir(path):
            below = []
            for folder, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                below.extend(os.path.join(folder, f) for f in files if f.lower().endswith(CONFIG_SUFFIXES))
            found.extend(sorted(below))
            if not below:
                empty.append(path)
        else:
            found.append(path)
    return found, empty
