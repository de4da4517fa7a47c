"""A loaded config: its data plus the source position of every value."""

from __future__ import annotations

import bisect
import re
from functools import cached_property
from typing import Any

from ..records import Record
from ..targets import shape_of, target_module

# A line ends at \n, \r\n or a lone \r, as git, editors and GitHub count lines. (YAML 1.1
# also breaks lines at NEL, U+2028 and U+2029; PyYAML's own line numbers do, and would
# point annotations at the wrong line.)
LINE_BREAK = re.compile(r"\r\n|\r|\n")


class LineIndex:
    """1-based (line, column) of a character offset in a text."""

    __slots__ = ("_starts",)

    def __init__(self, text: str) -> None:
        self._starts = [0] + [m.end() for m in LINE_BREAK.finditer(text)]

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self._starts, offset)
        return line, offset - self._starts[line - 1] + 1


class Position(Record):
    """1-based line and column of a value, and of its key when it sits in a mapping.

    `raw` keeps the source text of an unquoted YAML scalar that was read as
    something other than a string (`no` -> false), so a diagnostic can say so.
    A built config (building/) mixes files: `file` is the file this value was written in
    (None: the document's own), `origin` how it got here when not plainly ("${VOICE}",
    "--set", ...), `key_file` where the key is, when not in `file` (a value from {$file: ...}).
    `start`/`end` (and `key_start`/`key_end`) are the character offsets of the value's text
    (and its key's) in its file, end exclusive (None where there is no such text: a merge key,
    an --set, a value inherited from a parent). `shared`: the text is not the value's alone (an
    alias, an anchored value or one inside an anchored collection, which an alias may show
    elsewhere too): never edited. `line` is None only for a value given on the command line.

    yaml_parser makes these with positional arguments, the fields in this order: a new
    field goes last. Slots: one is made per value of every file loaded.
    """

    _fields = ("line", "column", "key_line", "key_column", "raw", "file", "origin", "key_file", "start", "end",
               "key_start", "key_end", "shared")
    __slots__ = _fields

    def __init__(self, line: int | None, column: int | None, key_line: int | None = None,
                 key_column: int | None = None, raw: str | None = None, file: str | None = None,
                 origin: str | None = None, key_file: str | None = None, start: int | None = None,
                 end: int | None = None, key_start: int | None = None, key_end: int | None = None,
                 shared: bool = False) -> None:
        self.line, self.column, self.key_line, self.key_column, self.raw = line, column, key_line, key_column, raw
        self.file, self.origin, self.key_file = file, origin, key_file
        self.start, self.end, self.key_start, self.key_end, self.shared = start, end, key_start, key_end, shared


class Limits(Record):
    """Bounds that keep hostile input cheap to refuse. All are documented in the README."""

    _fields = ("max_bytes", "max_depth", "max_nodes")
    __slots__ = _fields

    def __init__(self, max_bytes: int = 1024 * 1024, max_depth: int = 100,
                 max_nodes: int = 100_000) -> None:  # max_nodes: values after YAML alias expansion
        self.max_bytes, self.max_depth, self.max_nodes = max_bytes, max_depth, max_nodes


# Python converts integers to and from decimal text up to 4,300 digits (sys.int_info); a longer
# number (hex and binary are read without that limit) would fail wherever it is shown, and a
# sexagesimal `1:59:59:...` costs quadratic time to read. Both loaders refuse longer numbers.
MAX_NUMBER_DIGITS = 4300


class LoadError(Exception):
    """The file could not be loaded; `diagnostics` says where and why."""

    def __init__(self, diagnostics: list) -> None:
        super().__init__(diagnostics)
        self.diagnostics = diagnostics

    def __str__(self) -> str:
        # read when shown, so that it carries the message after secrets were masked
        return self.diagnostics[0].message if self.diagnostics else "cannot load"


MISSING = object()  # what value_at returns for a path that names nothing


def value_at(data: Any, path: tuple, default: Any = MISSING) -> Any:
    """The value at `path` (keys and list indexes) in `data`, or `default` if nothing is there
    (a null that is written counts as there)."""
    node = data
    for part in path:
        if isinstance(node, dict) and not isinstance(part, int) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and -len(node) <= part < len(node):
            node = node[part]
        else:
            return default
    return node


class Document(Record):
    """A loaded (or built) config: its data and the position of every value (by path).
    `sources`: a built config's other files (name -> text), for excerpts; `redactions`: what
    must never be shown in a diagnostic, values taken from the environment (value ->
    "${VAR}"); `templates`: strings as written before ${VAR} interpolation, by path (the secret
    scan reads these); `parts`: real paths of the files taken in with {$file: ...}, parts and
    not configs of their own."""

    _fields = ("name", "data", "positions", "text", "format", "sources", "redactions", "templates", "parts")

    def __init__(self, name: str, data: Any, positions: dict[tuple, Position] | None = None, text: str = "",
                 format: str = "yaml", sources: dict[str, str] | None = None,
                 redactions: dict[str, str] | None = None, templates: dict[tuple, str] | None = None,
                 parts: frozenset[str] = frozenset()) -> None:
        self.name, self.data, self.text, self.format, self.parts = name, data, text, format, parts
        self.positions = {} if positions is None else positions
        self.sources = {} if sources is None else sources
        self.redactions = {} if redactions is None else redactions
        self.templates = {} if templates is None else templates
        self._line_indexes: dict = {}

    @cached_property
    def shape(self) -> str:
        """The target whose shape the file is written in (targets.shape_of); read many times
        per file, so worked out once."""
        return shape_of(self.data)

    @cached_property
    def session_type(self) -> str:
        """realtime, or transcription for a GA transcription-only session (`type: transcription`)."""
        return target_module(self.shape).session_type(self.data)

    def texts(self) -> dict[str, str]:
        """Every file's text by name, this document's own included."""
        return {self.name: self.text, **self.sources}

    def position(self, path: tuple) -> tuple[Position | None, bool]:
        """The position of the value at `path`, or of its nearest located ancestor, and
        whether it is the value's own."""
        probe = tuple(path)
        while True:
            position = self.positions.get(probe)
            if position is not None or not probe:
                return position, probe == tuple(path)
            probe = probe[:-1]

    def locate(self, path: tuple, at_key: bool = False) -> tuple[int | None, int | None, str | None]:
        """(line, column, raw) of the value at `path`, or of its nearest located ancestor.

        With at_key, the key's position (for unknown or conflicting keys)."""
        position, own = self.position(path)
        if position is None:
            return None, None, None
        if at_key and own and position.key_line is not None:
            return position.key_line, position.key_column, None
        return position.line, position.column, position.raw if own else None

    def end_of(self, path: tuple, at_key: bool = False) -> tuple[int | None, int | None]:
        """(line, column) just after the key or value `locate` points at; its start where the
        text's extent is not known (a --set, a merge key, an alias)."""
        position, own = self.position(path)
        if position is None:
            return None, None
        if at_key and own and position.key_line is not None:
            file, end, line, column = (position.key_file or position.file or self.name, position.key_end,
                                       position.key_line, position.key_column)
        else:
            file, end, line, column = position.file or self.name, position.end, position.line, position.column
        if end is None or line is None:
            return line, column
        return self.line_index(file).position(end)

    def line_index(self, file: str) -> LineIndex:
        """Line starts of one of the document's files, worked out once per file."""
        index = self._line_indexes.get(file)
        if index is None:
            text = self.text if file == self.name else self.sources.get(file, "")
            index = self._line_indexes[file] = LineIndex(text)
        return index

    def text_of(self, file: str) -> str | None:
        """The text of one of the document's files (None: not one of them, such as --set)."""
        return self.text if file == self.name else self.sources.get(file)

    def file_of(self, path: tuple, at_key: bool = False) -> str:
        """The file the value at `path` (with at_key, its key) was written in."""
        position, own = self.position(path)
        if position is None:
            return self.name
        if at_key and own and position.key_line is not None and position.key_file:
            return position.key_file
        return position.file or self.name
