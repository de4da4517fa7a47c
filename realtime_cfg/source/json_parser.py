"""Parse JSON with a source position for every value.

The standard json module keeps no positions and silently lets a duplicate key
overwrite the first, so this is a small iterative parser (deep nesting gives a
clear error, never a RecursionError). Strings are decoded by json's own
scanstring, so escapes behave exactly as in json.loads. NaN and Infinity are
refused: they are not JSON.
"""

from __future__ import annotations

import re
from json.decoder import JSONDecodeError, scanstring

from .document import MAX_NUMBER_DIGITS, Document, LineIndex, Limits, LoadError, Position
from .problems import BAD_ENCODING, DUPLICATE_KEY, NOT_A_MAPPING, SYNTAX_ERROR, TOO_DEEP

_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?")
_WORD = re.compile(r"[^\s,:\]}]{0,12}")
_WHITESPACE = " \t\n\r"
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_LITERALS = {"true": True, "false": False, "null": None}


class _Invalid(Exception):
    def __init__(self, code: str, message: str, offset: int) -> None:
        super().__init__(message)
        self.rule, self.message, self.offset = code, message, offset


def build(text: str, name: str, limits: Limits) -> Document:
    where = LineIndex(text).position
    positions: dict[tuple, Position] = {}
    try:
        data = _parse(text, positions, where, limits)
    except _Invalid as exc:
        line, column = where(exc.offset)
        raise LoadError([exc.rule.diagnostic(exc.message, name, line, column)]) from None
    return Document(name, data, positions, text, "json")


def _string(text: str, start: int) -> tuple[str, int]:
    """The string whose opening quote is at `start`, and the index after it."""
    try:
        value, end = scanstring(text, start + 1, True)
    except JSONDecodeError as exc:
        raise _Invalid(SYNTAX_ERROR, f"invalid JSON: {exc.msg}", exc.pos) from None
    if _LONE_SURROGATE.search(value):
        # json accepts "\ud800" alone, but no UTF-8 output can carry it
        raise _Invalid(BAD_ENCODING, "invalid JSON string: an unpaired UTF-16 surrogate escape (\\ud800-\\udfff)", start)
    return value, end


def _skip(text: str, i: int) -> int:
    n = len(text)
    while i < n and text[i] in _WHITESPACE:
        i += 1
    return i


def _parse(text: str, positions: dict, where, limits: Limits):
    n = len(text)
    # Each frame: [container, path, pending_key, key_offset, expecting, key_end]
    # expecting: "first" (just opened), "value"/"key" (after a comma), "sep" (after an item)
    stack: list[list] = []
    root = None
    have_root = False
    i = _skip(text, 0)
    if i >= n:
        raise _Invalid(NOT_A_MAPPING, "the file is empty; a session config is a JSON object", 0)

    def record(path, offset, end, key_offset=None, key_end=None):
        line, column = where(offset)
        if key_offset is None:
            positions[path] = Position(line, column, start=offset, end=end)
        else:
            key_line, key_column = where(key_offset)
            positions[path] = Position(line, column, key_line, key_column, start=offset, end=end,
                                       key_start=key_offset, key_end=key_end)

    while True:
        i = _skip(text, i)
        frame = stack[-1] if stack else None
        if frame is not None:
            container, path, _key, _key_offset, state, _key_end = frame
            is_object = isinstance(container, dict)
            if i >= n:
                raise _Invalid(SYNTAX_ERROR, "invalid JSON: unexpected end of file (an unclosed '{' or '[')", n)
            ch = text[i]
            closer = "}" if is_object else "]"
            if state in ("first", "sep") and ch == closer and frame[2] is None:
                stack.pop()
                i += 1
                positions[path].end = i  # the collection's text ends at its bracket
                if not stack:
                    break
                continue
            if state == "sep":
                if ch != ",":
                    raise _Invalid(SYNTAX_ERROR, f"invalid JSON: expected ',' or '{closer}'", i)
                frame[4] = "next"
                i += 1
                continue
            if is_object and frame[2] is None:
                if ch != '"':
                    raise _Invalid(SYNTAX_ERROR, "invalid JSON: expected a key in double quotes"
                                   + (" (trailing comma?)" if ch == "}" else ""), i)
                key_offset = i
                key, i = _string(text, i)
                key_end = i
                if key in container:
                    first = positions.get(path + (key,))
                    where_first = f" (first given at line {first.key_line})" if first else ""
                    raise _Invalid(DUPLICATE_KEY, f"duplicate key {key!r}{where_first}", key_offset)
                i = _skip(text, i)
                if i >= n or text[i] != ":":
                    raise _Invalid(SYNTAX_ERROR, "invalid JSON: expected ':' after the key", i)
                i += 1
                frame[2], frame[3] = key, key_offset
                frame[5] = key_end
                continue
            if not is_object and ch == "]" and state == "next":
                raise _Invalid(SYNTAX_ERROR, "invalid JSON: trailing comma before ']'", i)
        elif have_root:
            break
        if i >= n:
            raise _Invalid(SYNTAX_ERROR, "invalid JSON: expected a value", i)

        # -- a value starts at i ------------------------------------------------------
        ch = text[i]
        start = i
        if frame is None:
            path, key_offset, key_end = (), None, None
        elif isinstance(frame[0], dict):
            path, key_offset, key_end = frame[1] + (frame[2],), frame[3], frame[5]
        else:
            path, key_offset, key_end = frame[1] + (len(frame[0]),), None, None

        if ch == "{" or ch == "[":
            if len(stack) >= limits.max_depth:
                raise _Invalid(TOO_DEEP, f"nesting is deeper than {limits.max_depth} levels", i)
            value = {} if ch == "{" else []
            i += 1
            nested = [value, path, None, None, "first", None]
        else:
            nested = None
            if ch == '"':
                value, i = _string(text, i)
            else:
                match = _NUMBER.match(text, i)
                word = next((w for w in _LITERALS if text.startswith(w, i)), None)
                if word is not None:
                    value, i = _LITERALS[word], i + len(word)
                elif match:
                    literal = match.group()
                    if len(literal) > MAX_NUMBER_DIGITS:  # as in YAML: a float too (`0.111...` of 100,000 digits)
                        raise _Invalid(SYNTAX_ERROR, f"the number {literal[:20]}... is {len(literal):,} characters long; "
                                       f"rtcfg reads numbers of at most {MAX_NUMBER_DIGITS:,}", i)
                    value = float(literal) if match.group(1) or match.group(2) else int(literal)
                    i = match.end()
                else:
                    bad = _WORD.match(text, i).group() or text[i]
                    raise _Invalid(SYNTAX_ERROR, f"invalid JSON: unexpected {bad!r}"
                                   + (" (NaN and Infinity are not JSON)" if bad[:1] in "NI-" else ""), i)

        record(path, start, i, key_offset, key_end)
        if frame is None:
            root, have_root = value, True
        elif isinstance(frame[0], dict):
            frame[0][frame[2]] = value
            frame[2] = None
            frame[4] = "sep"
        else:
            frame[0].append(value)
            frame[4] = "sep"
        if nested is not None:
            stack.append(nested)
        elif not stack:
            break

    i = _skip(text, i)
    if i < n:
        raise _Invalid(SYNTAX_ERROR, "invalid JSON: extra data after the top-level value", i)
    return root
