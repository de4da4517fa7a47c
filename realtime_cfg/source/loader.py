"""Read a config file (or stdin) into a Document with positions.

The format is chosen by extension: .json is JSON, .yaml/.yml (and anything
else) is YAML. For stdin (and text given to the library), a first non-blank character of '{'
picks JSON.
Bytes are decoded as UTF-8 (a UTF-8 BOM is skipped) or, when a BOM says so,
UTF-16/UTF-32. A file over `Limits.max_bytes` is refused without reading it all.
"""

from __future__ import annotations

import codecs
import os
import stat
import sys
from pathlib import Path
from typing import BinaryIO, Callable

from ..records import Record
from ..report.masking import prepare_for_display
from .document import Document, Limits, LoadError
from .problems import BAD_ENCODING, FILE_TOO_LARGE, NOT_A_MAPPING, unreadable

CONFIG_SUFFIXES = (".yaml", ".yml", ".json")
STDIN = "-"
STDIN_NAME = "<stdin>"
TEXT_NAME = "<text>"  # config text given to the library (realtime_cfg.fix), never a file on disk


def on_disk(name: str) -> bool:
    """Whether a name reports give is a file (not standard input or text given to the library)."""
    return name not in (STDIN_NAME, TEXT_NAME)

# (byte order mark, codec that reads it, codec that writes text after it: a fix keeps both)
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32", "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32", "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig", "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16", "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16", "utf-16-be"),
)


def _read_limited(stream: BinaryIO, name: str, limit: int) -> bytes:
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise LoadError([FILE_TOO_LARGE.diagnostic(f"file is larger than the {limit:,}-byte limit", name, 1, 1,
                                    hint="raise the limit with --max-bytes if the file is meant to be this big")])
    return data


def read_bytes(source: str | os.PathLike, limits: Limits,
               check: Callable[[int], None] | None = None) -> tuple[str, bytes]:
    """(display name, raw bytes) of a file, or of stdin for "-".

    Only a regular file is read: a named pipe, a device or a socket is F001 (opening one
    without O_NONBLOCK could wait forever). `check`, if given, is called with the open
    file descriptor before anything is read, so a confinement check looks at the file that
    was opened, not at a name that could be swapped for a symlink in between."""
    if str(source) == STDIN:
        name = STDIN_NAME
        stream = getattr(sys.stdin, "buffer", None)
        if stream is None or sys.stdin.closed:
            raise unreadable(name, "standard input is closed")
        try:
            return name, _read_limited(stream, name, limits.max_bytes)
        except (OSError, ValueError) as exc:
            raise unreadable(name, str(exc)) from None
    name = str(source)
    try:
        fd = os.open(source, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise unreadable(name, "no such file") from None
    except IsADirectoryError:
        raise unreadable(name, "it is a directory") from None
    except PermissionError:
        raise unreadable(name, "permission denied") from None
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the name
        raise unreadable(name, getattr(exc, "strerror", None) or str(exc)) from None
    try:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode):
            raise unreadable(name, f"it is {_kind(status.st_mode)}, not a regular file")
        if check is not None:
            check(fd)
        with os.fdopen(fd, "rb") as stream:
            fd = -1  # the stream owns it now
            if status.st_size > limits.max_bytes:
                raise LoadError([FILE_TOO_LARGE.diagnostic(f"file is {status.st_size:,} bytes, over the "
                                            f"{limits.max_bytes:,}-byte limit", name, 1, 1,
                                            hint="raise the limit with --max-bytes if the file is meant to be this big")])
            return name, _read_limited(stream, name, limits.max_bytes)
    except OSError as exc:
        raise unreadable(name, exc.strerror or str(exc)) from None
    finally:
        if fd >= 0:
            os.close(fd)


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a file"


def decode(raw: bytes, name: str) -> str:
    encoding = "utf-8"
    for bom, candidate, _ in _BOMS:
        if raw.startswith(bom):
            encoding = candidate
            break
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        before = raw[: exc.start].decode(encoding, errors="replace")
        line = before.count("\n") + 1
        column = len(before) - (before.rfind("\n") + 1) + 1
        raise LoadError([BAD_ENCODING.diagnostic(f"not valid {encoding.upper().replace('-SIG', '')} text "
                                    f"(byte 0x{raw[exc.start]:02x} at offset {exc.start}); is this a binary file?",
                                    name, line, column, hint="save the file as UTF-8")]) from None
    nul = text.find("\0")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        column = nul - (text.rfind("\n", 0, nul) + 1) + 1
        raise LoadError([BAD_ENCODING.diagnostic("the file contains a NUL character; is this a binary file?",
                                    name, line, column)])
    return text


def encoding_of(raw: bytes) -> tuple[str, str]:
    """(codec, byte order mark) to write a file's text back as `decode` read it from `raw`."""
    for bom, _, writer in _BOMS:
        if raw.startswith(bom):
            return writer, "\ufeff"
    return "utf-8", ""


def guess_format(name: str, text: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix == ".json":
        return "json"
    if not on_disk(name) and text.lstrip()[:1] == "{":
        return "json"
    return "yaml"


def parse(text: str, name: str, fmt: str = "yaml", limits: Limits | None = None,
          require_mapping: bool = True) -> Document:
    """Parse config text; the top level must be a mapping (unless not required: an
    included file may hold a list of tools, or one string). Raises LoadError."""
    limits = limits or Limits()
    # each parser is imported when a file needs it: a run over YAML files never loads the JSON one
    if fmt == "json":
        from .json_parser import build as builder
    else:
        from .yaml_parser import build as builder
    try:
        document = builder(text.removeprefix("\ufeff"), name, limits)
        if require_mapping and not isinstance(document.data, dict):
            kind = "empty" if document.data is None else type(document.data).__name__
            what = {"list": "a list", "str": "a string", "empty": "empty"}.get(kind, f"a {kind}")
            line, column, _ = document.locate(())
            raise LoadError([NOT_A_MAPPING.diagnostic(f"the top level is {what}; a session config is a mapping of "
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


class Discovery(Record):
    """What a list of paths names: the config files (a folder expanded into those below it,
    sorted), which of them were found by walking a folder (not named), the folders that
    held none, and the hidden folders passed over."""

    _fields = ("files", "walked", "empty", "hidden")

    def __init__(self) -> None:
        self.files: list[str] = []
        self.walked: set[str] = set()
        self.empty: list[str] = []
        self.hidden: list[str] = []


def discover(paths: list[str]) -> Discovery:
    """Expand folders into the config files below them. Files and "-" pass through.

    Symlinked folders are not followed, so a link loop cannot trap the walk. Hidden folders
    (.git, .venv, .github) are passed over and listed, so a caller can say so: they hold
    tools' files far more often than configs, and naming one checks it."""
    found = Discovery()
    for path in paths:
        if path != STDIN and os.path.isdir(path):
            below = []
            for folder, dirs, files in os.walk(path):
                found.hidden.extend(os.path.join(folder, d) for d in sorted(dirs) if d.startswith("."))
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                below.extend(os.path.join(folder, f) for f in files if f.lower().endswith(CONFIG_SUFFIXES))
            found.files.extend(sorted(below))
            found.walked.update(below)
            if not below:
                found.empty.append(path)
        else:
            found.files.append(path)
    return found
