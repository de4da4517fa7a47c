"""Build Python data from YAML with a source position for every value.

Works on PyYAML's event stream rather than its composer or constructor, for
three reasons: the build is iterative (10,000 levels of nesting raise a clear
error, not a RecursionError or a C stack overflow); no tag can ever construct a
Python object (only the JSON-compatible core tags are accepted); and alias
expansion is counted, so a "billion laughs" document is refused after
`Limits.max_nodes` values instead of exhausting memory.

Scalars resolve with YAML 1.1 rules, as PyYAML's safe_load does (so `no` is
false); validation points that out where a string was expected.

Parsing runs on every file of every commit, so the work per value is kept small: a plain
scalar that cannot be anything but a string skips the resolver, other plain scalars are
resolved once per text (`type`, `true`, `0.8` come back in every file), and a value's line
and column are libyaml's own wherever they count as rtcfg does (see `_Marks`). `_parse(...,
fast=False)` does all of it the plain way; tests/test_yaml_fastpath.py checks both agree.
"""

from __future__ import annotations

from functools import lru_cache

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

from .document import MAX_NUMBER_DIGITS, Document, LineIndex, Limits, LoadError, Position
from .problems import (ALIAS_EXPANSION, BAD_ENCODING, DUPLICATE_KEY, FORBIDDEN_TAG, MULTIPLE_DOCUMENTS,
                       SYNTAX_ERROR, TOO_DEEP)

# Only the loader's event parser is used (get_event), never its constructor.
# libyaml's is much faster; the pure-Python one is the fallback.
_Parser = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_TAG = "tag:yaml.org,2002:"
_RESOLVER = Resolver()
_CONSTRUCTOR = SafeConstructor()
_SCALAR_TAGS = {
    _TAG + "null", _TAG + "bool", _TAG + "int", _TAG + "float", _TAG + "str",
    _TAG + "timestamp", _TAG + "merge",
}
_TEXT_WHEN_IMPLICIT = {_TAG + "value", _TAG + "merge"}
_COLLECTION_TAGS = {yaml.MappingStartEvent: {None, "!", _TAG + "map"},
                    yaml.SequenceStartEvent: {None, "!", _TAG + "seq"}}  # `!!seq {a: 1}` is refused


# A plain scalar can be read as something other than a string (a bool, a number, null, a date,
# `<<` or `=`) only when it starts with one of these characters: the first characters the YAML
# 1.1 resolver keys its patterns by ('' for the empty scalar, which is null). Any other plain
# scalar is a string without trying the patterns. (The resolver also has a table of patterns
# tried for any first character, keyed None; PyYAML's is empty, which the tests check.)
_MAY_NOT_BE_TEXT = frozenset(Resolver.yaml_implicit_resolvers)

# What the other plain scalars were read as, by their text, keys and values apart (only a key
# can be a merge `<<`): the same keys and words (type, true, 0.8) come back in every file.
# Emptied when full, so a stream of distinct numbers cannot grow it without bound.
_READ_AS_KEY: dict[str, object] = {}
_READ_AS_VALUE: dict[str, object] = {}
_READ_LIMIT = 4096
_READ_LONGEST = 100  # a longer scalar is a sentence ("The agent..."), not a word that comes back
_NOT_READ = object()


class _Frame:
    __slots__ = ("container", "path", "key", "key_mark", "key_end", "merges", "anchor", "size", "start_mark",
                 "flow", "last_end", "shared", "is_mapping")

    def __init__(self, container, path, anchor, start_mark, flow, shared):
        self.container = container
        self.is_mapping = isinstance(container, dict)
        self.path = path
        self.start_mark = start_mark
        self.key = _NO_KEY
        self.key_mark = None
        self.key_end = None  # offset after the pending key's text (None: not editable, an alias)
        self.merges: list = []
        self.anchor = anchor
        self.size = 1
        self.flow = flow  # a flow collection ends at its bracket; a block one at its last value
        self.last_end = start_mark.index
        self.shared = shared  # inside an anchored collection: an alias may show all of it elsewhere


_NO_KEY = object()


def _scalar(event, as_key: bool) -> object:
    """What `_resolve` reads the scalar as, without trying the resolver's patterns on a plain
    scalar that cannot match any, nor twice on the same text."""
    tag = event.tag
    if tag is not None and tag != "!":
        return _resolve(event, as_key)  # an explicit tag (`!!str`, `!!int`, or one refused)
    text = event.value
    if not event.implicit[0] or text[:1] not in _MAY_NOT_BE_TEXT:
        # quoted or a block (but not `! "12"`: the `!` tag makes it read as a plain 12 is), or
        # plain and a string whatever it says
        return text
    read = _READ_AS_KEY if as_key else _READ_AS_VALUE
    value = read.get(text, _NOT_READ)
    if value is _NOT_READ:
        value = _resolve(event, as_key)  # raises for what is refused: never kept
        if len(text) <= _READ_LONGEST:  # (every value kept is immutable; .nan is PyYAML's one NaN)
            if len(read) >= _READ_LIMIT:
                read.clear()
            read[text] = value
    return value


def _resolve(event, as_key: bool) -> object:
    """The scalar as a JSON-like value, read as PyYAML's safe_load reads it (or refused)."""
    tag = event.tag
    if tag in (None, "!"):
        tag = _RESOLVER.resolve(ScalarNode, event.value, event.implicit)
        if tag in _TEXT_WHEN_IMPLICIT and not (as_key and tag == _TAG + "merge"):
            # `=` (YAML 1.1's "value" type) and a `<<` that is not a merge key are just text
            tag = _TAG + "str"
    if tag not in _SCALAR_TAGS or (tag == _TAG + "merge" and not as_key):
        raise _Refused(FORBIDDEN_TAG, f"YAML tag {event.tag!r} is not allowed: rtcfg only reads plain JSON-like values",
                       event.start_mark, "remove the tag; write the value as a plain string, number or mapping")
    if tag == _TAG + "timestamp" and not SafeConstructor.timestamp_regexp.match(event.value):
        raise _Refused(SYNTAX_ERROR, f"cannot read {event.value[:40]!r} as a timestamp", event.start_mark,
                       "write a date such as 2026-12-01, or remove the !!timestamp tag")
    if tag == _TAG + "str" or tag == _TAG + "timestamp":
        # A payload is JSON, so a date can only travel as the text that was written.
        return event.value
    if tag == _TAG + "null":
        return None
    if tag == _TAG + "merge":
        return _MERGE
    node = ScalarNode(tag, event.value)
    kind = tag[len(_TAG):]
    if kind in ("int", "float") and len(event.value) > MAX_NUMBER_DIGITS:
        raise _Refused(SYNTAX_ERROR, f"the number {event.value[:20]!r}... is {len(event.value):,} characters long; rtcfg "
                       f"reads numbers of at most {MAX_NUMBER_DIGITS:,}", event.start_mark,
                       "quote it if it is meant to be text")
    try:
        if tag == _TAG + "bool":
            return _CONSTRUCTOR.construct_yaml_bool(node)
        if tag == _TAG + "int":
            value = _CONSTRUCTOR.construct_yaml_int(node)
            if abs(value) >= _largest_int():  # 0x + 4,000 digits: more decimal digits than Python prints
                raise ValueError(f"it has more than {MAX_NUMBER_DIGITS:,} decimal digits")
            return value
        return _CONSTRUCTOR.construct_yaml_float(node)
    except (ValueError, KeyError, IndexError, ArithmeticError) as exc:  # `!!int abc`, `!!float ""`, 5000 digits
        raise _Refused(SYNTAX_ERROR, f"cannot read {event.value[:40]!r} as {kind}: {exc}", event.start_mark) from None


@lru_cache(maxsize=None)
def _largest_int() -> int:
    return 10 ** MAX_NUMBER_DIGITS


_MERGE = object()


class _Refused(Exception):
    def __init__(self, code, message, mark, hint=None):
        super().__init__(message)
        self.rule, self.message, self.mark, self.hint = code, message, mark, hint


def build(text: str, name: str, limits: Limits) -> Document:
    """Parse YAML text into a Document, or raise LoadError."""
    return _parse(text, name, limits, fast=True)


def _parse(text: str, name: str, limits: Limits, fast: bool) -> Document:
    """build(), or with fast=False the plain way: every scalar through the resolver, every
    position from its offset (what the fast way must agree with; the tests compare them)."""
    positions: dict[tuple, Position] = {}
    marks = _Marks(text, trust_lines=fast)
    try:
        data = _build(text, positions, limits, marks, _scalar if fast else _resolve)
    except _Refused as refusal:
        line, column = marks(refusal.mark)
        raise LoadError([refusal.rule.diagnostic(refusal.message, name, line, column, hint=refusal.hint)]) from None
    except yaml.MarkedYAMLError as exc:
        line, column = marks(exc.problem_mark or exc.context_mark)
        problem = exc.problem or exc.context or "invalid YAML"
        if exc.context and exc.problem and exc.context_mark:
            context_line, context_column = marks(exc.context_mark)
            problem += f" ({exc.context} that starts at line {context_line}, column {context_column})"
        if "maximum nesting depth" in problem:  # PyYAML >= 6.0.4 has a scanner depth limit of its own
            raise LoadError([TOO_DEEP.diagnostic(f"nesting is deeper than the YAML parser allows ({problem})",
                                        name, line, column)]) from None
        raise LoadError([SYNTAX_ERROR.diagnostic(f"invalid YAML: {problem}", name, line, column)]) from None
    except yaml.reader.ReaderError as exc:
        line, column = marks.reader_error(exc)
        character = chr(exc.character) if isinstance(exc.character, int) else exc.character
        raise LoadError([BAD_ENCODING.diagnostic(f"character {character!r} is not allowed in YAML", name, line, column,
                                    hint="remove control characters; escape them in a double-quoted string")]) from None
    except yaml.YAMLError as exc:  # any other parser complaint
        raise LoadError([SYNTAX_ERROR.diagnostic(f"invalid YAML: {exc}", name, 1, 1)]) from None
    return Document(name, data, positions, text, "yaml")


# Characters after which a mark's own line and column are not rtcfg's: YAML also breaks lines
# at NEL, U+2028 and U+2029 (document.LINE_BREAK does not), and libyaml leaves a leading byte
# order mark out of its offsets and columns (the loader removes it before parsing).
_MARKS_COUNT_OTHERWISE = ("\x85", "\u2028", "\u2029", "\ufeff")


class _Marks:
    """Line and column of PyYAML marks as document.LineIndex counts them (1-based, in code
    points, lines broken at \\n, \\r\\n and \\r).

    A mark has both already, 0-based and counted the same way, unless the text holds one of
    _MARKS_COUNT_OTHERWISE: only then are they worked out from the mark's offset."""

    def __init__(self, text: str, trust_lines: bool = True) -> None:
        self.text = text
        self.direct = trust_lines and not any(c in text for c in _MARKS_COUNT_OTHERWISE)
        self._lines: LineIndex | None = None

    @property
    def lines(self) -> LineIndex:
        if self._lines is None:
            self._lines = LineIndex(self.text)
        return self._lines

    def __call__(self, mark) -> tuple[int | None, int | None]:
        if mark is None:
            return None, None
        if self.direct:
            return mark.line + 1, mark.column + 1
        return self.lines.position(mark.index)

    def reader_error(self, exc: yaml.reader.ReaderError) -> tuple[int, int]:
        offset = exc.position
        if _Parser is not yaml.SafeLoader:  # libyaml counts this one in UTF-8 bytes
            offset = len(self.text.encode("utf-8", "surrogatepass")[:offset].decode("utf-8", "ignore"))
        return self.lines.position(offset)


def _build(text: str, positions: dict, limits: Limits, marks: _Marks, resolve):
    anchors: dict[str, tuple[object, int]] = {}
    stack: list[_Frame] = []
    root = _NO_KEY
    documents = 0
    expanded = 0
    direct = marks.direct  # a mark's own line and column are rtcfg's (the common case, inlined)

    def attach(value, mark, size, raw, end, shared):
        """Place a finished value in its parent (or as the root) and record where it was: its
        line and column, the offsets of its text, and whether others share that text."""
        nonlocal root
        line, column = (mark.line + 1, mark.column + 1) if direct else marks(mark)
        start = mark.index
        if not stack:
            root = value
            positions[()] = Position(line, column, raw=raw, start=start, end=end, shared=shared)
            return
        frame = stack[-1]
        shared = shared or frame.shared
        frame.size += size
        if end is not None and end > frame.last_end:
            frame.last_end = end
        # Position's fields in order, as this runs for every value: line, column, key_line,
        # key_column, raw, file, origin, key_file, start, end, key_start, key_end, shared
        if not frame.is_mapping:
            path = frame.path + (len(frame.container),)
            frame.container.append(value)
            positions[path] = Position(line, column, None, None, raw, None, None, None, start, end, None, None, shared)
            return
        key = frame.key
        frame.key = _NO_KEY
        key_mark = frame.key_mark
        if key is _MERGE:
            sources = value if isinstance(value, list) else [value]
            if not all(isinstance(s, dict) for s in sources):
                raise _Refused(SYNTAX_ERROR, "a merge key '<<' needs a mapping or a list of mappings", mark)
            frame.merges.append((sources, key_mark))
            return
        key_line, key_column = (key_mark.line + 1, key_mark.column + 1) if direct else marks(key_mark)
        frame.container[key] = value
        key_start = key_mark.index if frame.key_end is not None else None
        positions[frame.path + (key,)] = Position(line, column, key_line, key_column, raw, None, None, None,
                                                  start, end, key_start, frame.key_end, shared)

    def take_key(value, mark, end):
        frame = stack[-1]
        if value is not _MERGE and value in frame.container:
            first = positions.get(frame.path + (value,))
            where = f" (first given at line {first.key_line})" if first and first.key_line else ""
            raise _Refused(DUPLICATE_KEY, f"duplicate key {value!r}{where}", mark, "keep one of the two entries")
        frame.key = value
        frame.key_mark = mark
        frame.key_end = end

    parser = _Parser(text)
    try:
        while True:
            event = parser.get_event()
            if event is None:
                break
            kind = type(event)
            if kind is yaml.ScalarEvent:
                as_key = bool(stack) and stack[-1].is_mapping and stack[-1].key is _NO_KEY
                value = resolve(event, as_key)
                if event.anchor:
                    anchors[event.anchor] = (value, 1)
                if as_key:
                    if value is not _MERGE and not isinstance(value, str):
                        # JSON keys are strings: keep the key as written (`on:` stays "on", not true)
                        value = event.value
                    # an anchored key is not edited in place: others share its text
                    take_key(value, event.start_mark, None if event.anchor else event.end_mark.index)
                else:
                    raw = event.value if (event.implicit[0] and not event.style
                                          and not isinstance(value, str)) else None
                    attach(value, event.start_mark, 1, raw, event.end_mark.index, shared=bool(event.anchor))
            elif kind is yaml.AliasEvent:
                as_key = bool(stack) and stack[-1].is_mapping and stack[-1].key is _NO_KEY
                if event.anchor not in anchors:
                    raise _Refused(SYNTAX_ERROR, f"alias *{event.anchor} refers to no anchor defined before it",
                                   event.start_mark)
                value, size = anchors[event.anchor]
                expanded += size
                if expanded > limits.max_nodes:
                    raise _Refused(ALIAS_EXPANSION, f"aliases expand to more than {limits.max_nodes} values "
                                   "(a 'billion laughs' document?)", event.start_mark)
                if as_key:
                    if value is not _MERGE and not isinstance(value, str):
                        raise _Refused(SYNTAX_ERROR, "a mapping key must be a plain string", event.start_mark)
                    take_key(value, event.start_mark, None)  # an alias is not edited in place
                else:
                    attach(value, event.start_mark, size, None, event.end_mark.index, shared=True)
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                if event.tag not in _COLLECTION_TAGS[kind]:
                    raise _Refused(FORBIDDEN_TAG, f"YAML tag {event.tag!r} is not allowed: rtcfg only reads plain "
                                   "JSON-like values", event.start_mark, "remove the tag")
                if stack and stack[-1].is_mapping and stack[-1].key is _NO_KEY:
                    raise _Refused(SYNTAX_ERROR, "a mapping key must be a plain value, not a mapping or list",
                                   event.start_mark)
                if len(stack) >= limits.max_depth:
                    raise _Refused(TOO_DEEP, f"nesting is deeper than {limits.max_depth} levels", event.start_mark)
                container = {} if kind is yaml.MappingStartEvent else []
                # the path it will be attached under, for its children's positions
                if stack and stack[-1].is_mapping and stack[-1].key is _MERGE:
                    path = stack[-1].path + ("<<",)  # merged in later; explicit keys keep their positions
                elif stack:
                    parent = stack[-1]
                    path = parent.path + ((parent.key,) if parent.is_mapping else (len(parent.container),))
                else:
                    path = ()
                shared = bool(event.anchor) or bool(stack and stack[-1].shared)
                stack.append(_Frame(container, path, event.anchor, event.start_mark, bool(event.flow_style), shared))
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                frame = stack.pop()
                _apply_merges(frame, positions, marks)
                if frame.anchor:
                    anchors[frame.anchor] = (frame.container, frame.size)
                attach(frame.container, frame.start_mark, frame.size, None,
                       event.end_mark.index if frame.flow else frame.last_end, shared=bool(frame.anchor))
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise _Refused(MULTIPLE_DOCUMENTS, "more than one YAML document in the file; a session config is one document",
                                   event.start_mark, "remove the '---' separator and keep one document per file")
    finally:
        dispose = getattr(parser, "dispose", None)
        if dispose:
            dispose()
    if root is _NO_KEY:
        return None
    return root


def _apply_merges(frame: _Frame, positions: dict, marks: _Marks) -> None:
    """YAML 1.1 merge keys: keys written in the mapping win, then earlier merges win."""
    for sources, mark in frame.merges:
        line, column = marks(mark)
        for source in sources:
            for key, value in source.items():
                if key not in frame.container:
                    frame.container[key] = value
                    positions.setdefault(frame.path + (key,), Position(line, column, line, column))
