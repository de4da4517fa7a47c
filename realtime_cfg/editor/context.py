"""Where the cursor is in a config as the editor holds it: the field path, whether a key or a
value is being written, and what has been typed of it.

Completion is asked for while a line is half written (`tur`, `"voice": "ma`), so the text
seldom parses: this reads the text around the cursor instead, by indentation in block YAML
and by brackets and quotes in JSON and YAML flow collections (`{type: server_vad, |}`).
Each request reads the text once, so its cost grows with the text, never faster.
"""

from __future__ import annotations

import re

from .positions import Lines

KEY, VALUE = "key", "value"
# a block mapping entry: a key (quoted, or plain up to the first `: `), the colon, the rest.
# No pattern here backtracks: a hostile line costs its length, never its square.
_QUOTED_KEY = re.compile(r"""("(?:[^"\\]|\\.)*"|'(?:[^']|'')*')[ \t]*:(?:[ \t]+|$)""")
_COLON = re.compile(r":(?:[ \t]+|$)")
_NOT_A_KEY = " \t#'\"{[]},:-?|>&*!%@`"
_PLAIN_WORD = re.compile(r"^[^\s#:{}\[\],\"']*$")
_COMMENT = re.compile(r"(?:^|\s)#")


class Context:
    """The cursor's place: `path` is the mapping whose key is being written (kind KEY) or the
    field whose value is (kind VALUE, also a list item); `prefix` is what is typed of it, from
    offset `start`; `present` the keys the mapping already has, with their scalar values."""

    __slots__ = ("path", "kind", "prefix", "start", "present", "quote", "comma_at")

    def __init__(self, path: tuple, kind: str, prefix: str, start: int, present: dict | None = None,
                 quote: str = "", comma_at: int | None = None) -> None:
        self.path, self.kind, self.prefix, self.start = path, kind, prefix, start
        self.present = present or {}
        self.quote = quote  # the quote the prefix opened with, if any
        self.comma_at = comma_at  # where a comma is missing before this entry (JSON, flow YAML)

    def __repr__(self) -> str:
        return f"Context({self.path!r}, {self.kind}, {self.prefix!r}, present={sorted(self.present)!r})"


def context_at(text: str, offset: int, json: bool) -> Context | None:
    """The context at a character offset (None: a comment, inside a block scalar, or nothing
    a field could be written at)."""
    offset = max(0, min(offset, len(text)))
    if json:
        return _flow(text, 0, offset, ())
    return _block(text, offset)


def word_end(text: str, offset: int, quote: str, stops: str = " \t\r\n:,#{}[]\"'") -> int:
    """Where the key or value under the cursor ends: at its closing quote, or where a plain word
    stops (at a space, `:`, `,`, a bracket, a comment, the line's end; or at `stops`). A quote
    not closed before a space, `,`, `:` or a bracket ends there: the rest of the line is not
    the string's."""
    end = offset
    ends = (quote + " \t\r\n,:{}[]#") if quote else stops
    while end < len(text) and text[end] not in ends:
        end += 1
    return end


# -- block YAML: by indentation ------------------------------------------------------------

def _shape(line: str) -> tuple[int, int, int, str]:
    """(indent, the column of its last `- ` item marker or -1, the content's column, the
    content) of a line."""
    indent = len(line) - len(line.lstrip(" "))
    column, dash = indent, -1
    while line.startswith("-", column) and (column + 1 == len(line) or line[column + 1] == " "):
        dash = column
        column += 1
        while column < len(line) and line[column] == " ":
            column += 1
    return indent, dash, column, line[column:]


def _entry(content: str) -> tuple[str, str] | None:
    """(key, the rest of the line after `: `) of a mapping entry, or None."""
    if content[:1] in ("\"", "'"):
        quoted = _QUOTED_KEY.match(content)
        return (quoted.group(1), content[quoted.end():]) if quoted else None
    colon = _COLON.search(content)
    if not content or content[0] in _NOT_A_KEY or colon is None or _COMMENT.search(content, 0, colon.start()):
        return None
    return content[:colon.start()], content[colon.end():]


def comment_start(line: str) -> int | None:
    """Where a YAML comment starts on a line: the first `#` at its start or after white space,
    outside a quoted scalar (a quote opens one only where a scalar starts: `don't` is plain)."""
    quote, index = "", 0
    while index < len(line):
        char = line[index]
        if quote:
            if char == "\\" and quote == '"':
                index += 1  # an escaped character, `\"` included
            elif char == quote and line[index + 1:index + 2] == quote == "'":
                index += 1  # '' in a single-quoted scalar
            elif char == quote:
                quote = ""
        elif char in ("\"", "'") and (index == 0 or line[index - 1] in " \t:[{,-?"):
            quote = char
        elif char == "#" and (index == 0 or line[index - 1] in " \t"):
            return index
        index += 1
    return None


def _blank(content: str) -> bool:
    return not content.strip() or content.lstrip().startswith("#")


def _key(raw: str) -> str:
    raw = raw.strip()
    if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "\"'":
        return raw[1:-1]
    return raw


def _scalar(rest: str):
    """A value written after a key on its line, as a string (None: nothing, or a collection)."""
    rest = _COMMENT.split(rest, 1)[0].strip()
    if not rest or rest[0] in "{[|>&*!":
        return None
    return _key(rest)


def _opens_block(rest: str) -> bool:
    """`key:` with nothing after it but a comment: its value is the lines below."""
    return not _COMMENT.split(rest, 1)[0].strip()


def _block(text: str, offset: int) -> Context | None:
    lines = Lines(text)
    index = lines.position(offset)[0]
    start, line = lines.starts[index], lines.line(index)
    before = line[:offset - start]
    if comment_start(before) is not None:
        return None
    _, dash, column, content = _shape(before)
    inside_flow = _open_flow(text, lines, index, column, offset)
    if inside_flow is not None:  # a line inside `key: {a: 1,` written over several lines
        return inside_flow
    path = _parent(lines, index, column, dash if dash >= 0 else None)
    if path is None:
        return None
    entry = _entry(content)
    if entry:
        key, rest = _key(entry[0]), entry[1]
        value_start = start + len(before) - len(rest)
        if rest[:1] in ("{", "["):  # a flow collection on the line
            return _flow(text, value_start, offset, path + (key,))
        if rest[:1] in ("|", ">"):
            return None
        quote = rest[:1] if rest[:1] in ("\"", "'") else ""
        return Context(path + (key,), VALUE, rest[len(quote):], value_start + len(quote), quote=quote)
    if content[:1] in ("{", "["):
        return _flow(text, start + column, offset, path)
    quote = content[:1] if content[:1] in ("\"", "'") else ""
    if quote and quote not in content[1:]:  # a quoted key being written: `"vo`
        present = _siblings(lines, index, column) if dash < 0 else {}
        return Context(path, KEY, content[1:], start + column + 1, present, quote)
    if not _PLAIN_WORD.match(content):
        return None
    present = {} if dash >= 0 else _siblings(lines, index, column)  # `- ` starts a new item: nothing in it yet
    present.pop(content, None)
    return Context(path, KEY, content, start + column, present)


def _open_flow(text: str, lines: Lines, index: int, column: int, offset: int) -> Context | None:
    """The context inside a flow collection opened on an earlier, less indented line and not
    closed before the cursor (None: the line is not inside one)."""
    for number in range(index - 1, -1, -1):
        start, line = lines.starts[number], lines.line(number)
        _, dash, content_column, content = _shape(line)
        if dash < 0 and _blank(content):
            continue
        if content_column >= column:
            continue
        owner = _parent(lines, number, content_column, dash if dash >= 0 else None)
        entry = _entry(content)
        if owner is None:
            return None
        if content[:1] in ("{", "["):  # `- {type: function,`: the item itself
            return _flow(text, start + content_column, offset, owner)
        if entry is not None and entry[1][:1] in ("{", "["):  # `key: {a: 1,`
            return _flow(text, start + len(line) - len(entry[1]), offset, owner + (_key(entry[0]),))
        return None  # the nearest line above that could own this one opens no flow collection
    return None


def _parent(lines: Lines, index: int, column: int, dash: int | None) -> tuple | None:
    """The path of the mapping (or, for a line that starts a list item at column `dash`, the
    item) that a line whose content is at `column` belongs to, read upwards. None where the
    line is inside a multi-line value, or the structure above is not a config's."""
    path: list = []
    count = 0  # earlier items of the sequence being walked
    for number in range(index - 1, -1, -1):
        indent, item_dash, content_column, content = _shape(lines.line(number))
        if item_dash < 0 and _blank(content):
            continue
        if dash is not None:  # in a sequence item: find the key that owns the sequence
            if item_dash == dash:
                count += 1  # an earlier item
                continue
            if indent > dash:
                continue  # inside an earlier item
        elif content_column > column:
            continue  # deeper than this mapping
        elif content_column == column:
            if item_dash >= 0:  # the mapping is the sequence item this line starts
                dash, count = item_dash, 0
            continue
        owner = _entry(content)
        if owner is None or not _opens_block(owner[1]):
            return None  # under `key: value` (a multi-line scalar) or not a mapping at all
        path[:0] = [_key(owner[0])] + ([count] if dash is not None else [])
        column, dash, count = content_column, (item_dash if item_dash >= 0 else None), 0
    return None if dash is not None else tuple(path)


def _siblings(lines: Lines, index: int, column: int) -> dict:
    """The keys (and scalar values) at `column` of the mapping the line at `index` is in."""
    present: dict = {}
    for step in (-1, 1):
        number = index + step
        while 0 <= number < len(lines):
            _, dash, content_column, content = _shape(lines.line(number))
            number += step
            if dash < 0 and _blank(content):
                continue
            if content_column < column or (dash >= 0 and content_column == column and step == 1):
                break  # the mapping's parent, or (below) the next item of its sequence
            if content_column == column:
                entry = _entry(content)
                if entry:
                    present[_key(entry[0])] = _scalar(entry[1])
                if dash >= 0:
                    break  # the first key of this item: nothing above it is in the mapping
    return present


# -- JSON and YAML flow collections: by brackets ----------------------------------------------

class _Frame:
    """An open `{` or `[`: the key being written or valued (a mapping), the item index (a
    sequence), the keys seen, and where the last value ended while no comma has followed it."""

    __slots__ = ("bracket", "key", "index", "expect_key", "keys", "value_end")

    def __init__(self, bracket: str) -> None:
        self.bracket, self.key, self.index = bracket, None, 0
        self.expect_key = bracket == "{"
        self.keys: dict = {}
        self.value_end: int | None = None

    def valued(self, value, end: int) -> None:
        if self.bracket == "{" and self.key is not None and not self.expect_key:
            self.keys[self.key] = value
        self.value_end = end


_WORD = re.compile(r"""[^\s{}\[\],:"'#]""")  # a token that is a plain word
_TOKEN = re.compile(r"""\s+|#[^\n\r]*|"(?:[^"\\]|\\.)*"?|'(?:[^']|'')*'?|[{}\[\],:]|[^\s{}\[\],:"']+""")


def _unclosed(token: str) -> bool:
    return token[:1] in ("\"", "'") and (len(token) == 1 or token[-1] != token[0])


def _flow(text: str, begin: int, offset: int, base: tuple) -> Context | None:
    """The context at `offset` of a flow collection (or JSON document) starting at `begin`."""
    stack: list[_Frame] = []
    position = begin
    pending = None  # the last string or word: a key if a colon follows it
    while position < offset:
        match = _TOKEN.match(text, position)
        token = match.group()
        end = match.end()
        # the cursor is in this token, or just after a word or a string not yet closed
        if end > offset or (end == offset and (_WORD.match(token) or _unclosed(token))):
            return _inside(stack, base, token, position, offset, text)
        position = end
        if token[0].isspace() or token[0] == "#":
            continue
        if token in ("{", "["):
            stack.append(_Frame(token))
        elif token in ("}", "]"):
            if stack:
                stack.pop()
            if not stack:
                return None  # the collection closed before the cursor
            stack[-1].valued(None, end)
        elif token == ":":
            if stack and stack[-1].bracket == "{" and pending is not None:
                frame = stack[-1]
                frame.key, frame.expect_key, frame.value_end = pending, False, None
        elif token == ",":
            if stack:
                frame = stack[-1]
                frame.index += 1
                frame.expect_key, frame.value_end = frame.bracket == "{", None
        else:
            pending = _key(token)
            if stack and not stack[-1].expect_key:
                stack[-1].valued(pending, end)
    return _inside(stack, base, "", offset, offset, text)


def _inside(stack: list[_Frame], base: tuple, token: str, start: int, offset: int, text: str) -> Context | None:
    if not stack:
        return None
    if token[:1] == "#" or token.strip() == "" and token:
        token, start = "", offset
    frame = stack[-1]
    path = base + tuple(f.key if f.bracket == "{" else f.index for f in stack[:-1])
    quote = token[:1] if token[:1] in ("\"", "'") else ""
    typed = token[len(quote):offset - start]
    comma_at = frame.value_end  # a value ended and no comma followed: the next entry needs one
    if frame.bracket == "[":
        index = frame.index + (comma_at is not None)
        return Context(path + (index,), VALUE, typed, start + len(quote), quote=quote, comma_at=comma_at)
    if frame.expect_key or comma_at is not None:
        # the mapping's keys, before and after (read from the end of the key under the cursor)
        present = {**frame.keys, **_keys_after(text, max(offset, start + len(token)))}
        present.pop(typed, None)
        return Context(path, KEY, typed, start + len(quote), present, quote, comma_at)
    return Context(path + (frame.key,), VALUE, typed, start + len(quote), frame.keys, quote)


def _keys_after(text: str, offset: int) -> dict:
    """Keys written after the cursor in the mapping it is in (up to where that mapping closes)."""
    keys: dict = {}
    depth, position, pending, expect_key = 0, offset, None, True
    limit = len(text)
    while position < limit:
        match = _TOKEN.match(text, position)
        token, position = match.group(), match.end()
        if token[0].isspace() or token[0] == "#":
            continue
        if token in ("{", "["):
            depth += 1
        elif token in ("}", "]"):
            if depth == 0:
                break
            depth -= 1
        elif depth == 0 and token == ",":
            expect_key = True
        elif depth == 0 and token == ":" and expect_key and pending is not None:
            keys[pending] = None
            expect_key = False
        elif depth == 0:
            pending = _key(token)
    return keys
