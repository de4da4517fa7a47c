"""Build Python data from YAML with a source position for every value.

Works on PyYAML's event stream rather than its composer or constructor, for
three reasons: the build is iterative (10,000 levels of nesting raise a clear
error, not a RecursionError or a C stack overflow); no tag can ever construct a
Python object (only the JSON-compatible core tags are accepted); and alias
expansion is counted, so a "billion laughs" document is refused after
`Limits.max_nodes` values instead of exhausting memory.

Scalars resolve with YAML 1.1 rules, as PyYAML's safe_load does (so `no` is
false); validation points that out where a string was expected.
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


class _Frame:
    __slots__ = ("container", "path", "key", "key_mark", "key_end", "merges", "anchor", "size", "start_mark",
                 "flow", "last_end", "shared")

    def __init__(self, container, path, anchor, start_mark, flow, shared):
        self.container = container
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
    positions: dict[tuple, Position] = {}
    marks = _Marks(text)
    try:
        data = _build(text, positions, limits, marks)
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


class _Marks:
    """Positions of PyYAML marks, by their character offset (see document.LINE_BREAK)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = LineIndex(text)

    def __call__(self, mark) -> tuple[int | None, int | None]:
        if mark is None:
            return None, None
        return self.lines.position(mark.index)

    def reader_error(self, exc: yaml.reader.ReaderError) -> tuple[int, int]:
        offset = exc.position
        if _Parser is not yaml.SafeLoader:  # libyaml counts this one in UTF-8 bytes
            offset = len(self.text.encode("utf-8", "surrogatepass")[:offset].decode("utf-8", "ignore"))
        return self.lines.position(offset)


def _build(text: str, positions: dict, limits: Limits, marks: _Marks):
    anchors: dict[str, tuple[object, int]] = {}
    stack: list[_Frame] = []
    root = _NO_KEY
    documents = 0
    expanded = 0

    def attach(value, mark, size, raw=None, end=None, shared=False):
        """Place a finished value in its parent (or as the root) and record where it was: its
        line and column, the offsets of its text, and whether others share that text."""
        nonlocal root
        line, column = marks(mark)
        shared = shared or bool(stack and stack[-1].shared)
        start = mark.index
        if not stack:
            root = value
            positions[()] = Position(line, column, raw=raw, start=start, end=end, shared=shared)
            return
        frame = stack[-1]
        frame.size += size
        if end is not None and end > frame.last_end:
            frame.last_end = end
        if isinstance(frame.container, list):
            path = frame.path + (len(frame.container),)
            frame.container.append(value)
            positions[path] = Position(line, column, raw=raw, start=start, end=end, shared=shared)
            return
        key = frame.key
        frame.key = _NO_KEY
        if key is _MERGE:
            sources = value if isinstance(value, list) else [value]
            if not all(isinstance(s, dict) for s in sources):
                raise _Refused(SYNTAX_ERROR, "a merge key '<<' needs a mapping or a list of mappings", mark)
            frame.merges.append((sources, frame.key_mark))
            return
        key_line, key_column = marks(frame.key_mark)
        frame.container[key] = value
        key_start = frame.key_mark.index if frame.key_end is not None else None
        positions[frame.path + (key,)] = Position(line, column, key_line, key_column, raw, start=start, end=end,
                                                  key_start=key_start, key_end=frame.key_end, shared=shared)

    def take_key(value, mark, end=None):
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
            if kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise _Refused(MULTIPLE_DOCUMENTS, "more than one YAML document in the file; a session config is one document",
                                   event.start_mark, "remove the '---' separator and keep one document per file")
            elif kind is yaml.ScalarEvent or kind is yaml.AliasEvent:
                as_key = bool(stack) and isinstance(stack[-1].container, dict) and stack[-1].key is _NO_KEY
                if kind is yaml.AliasEvent:
                    if event.anchor not in anchors:
                        raise _Refused(SYNTAX_ERROR, f"alias *{event.anchor} refers to no anchor defined before it",
                                       event.start_mark)
                    value, size = anchors[event.anchor]
                    expanded += size
                    if expanded > limits.max_nodes:
                        raise _Refused(ALIAS_EXPANSION, f"aliases expand to more than {limits.max_nodes} values "
                                       "(a 'billion laughs' document?)", event.start_mark)
                    raw = None
                else:
                    value, size = _scalar(event, as_key), 1
                    raw = event.value if (event.implicit[0] and not event.style
                                          and not isinstance(value, str)) else None
                    if event.anchor:
                        anchors[event.anchor] = (value, 1)
                if as_key:
                    if value is not _MERGE and not isinstance(value, str):
                        if kind is yaml.AliasEvent:
                            raise _Refused(SYNTAX_ERROR, "a mapping key must be a plain string", event.start_mark)
                        # JSON keys are strings: keep the key as written (`on:` stays "on", not true)
                        value = event.value
                    # an alias or an anchored key is not edited in place: others share its text
                    take_key(value, event.start_mark,
                             None if kind is yaml.AliasEvent or event.anchor else event.end_mark.index)
                else:
                    attach(value, event.start_mark, size, raw, event.end_mark.index,
                           shared=kind is yaml.AliasEvent or bool(event.anchor))
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                if event.tag not in _COLLECTION_TAGS[kind]:
                    raise _Refused(FORBIDDEN_TAG, f"YAML tag {event.tag!r} is not allowed: rtcfg only reads plain "
                                   "JSON-like values", event.start_mark, "remove the tag")
                if stack and isinstance(stack[-1].container, dict) and stack[-1].key is _NO_KEY:
                    raise _Refused(SYNTAX_ERROR, "a mapping key must be a plain value, not a mapping or list",
                                   event.start_mark)
                if len(stack) >= limits.max_depth:
                    raise _Refused(TOO_DEEP, f"nesting is deeper than {limits.max_depth} levels", event.start_mark)
                container = {} if kind is yaml.MappingStartEvent else []
                # the path it will be attached under, for its children's positions
                if stack and isinstance(stack[-1].container, dict) and stack[-1].key is _MERGE:
                    path = stack[-1].path + ("<<",)  # merged in later; explicit keys keep their positions
                elif stack:
                    parent = stack[-1]
                    path = parent.path + ((len(parent.container),) if isinstance(parent.container, list)
                                          else (parent.key,))
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
