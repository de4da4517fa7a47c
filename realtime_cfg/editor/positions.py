"""Positions between rtcfg and an LSP client.

rtcfg counts 1-based lines broken at \\n, \\r\\n or \\r (source/document.py) and 1-based
columns in code points. LSP counts 0-based lines broken at the same three, and columns in
the encoding the two sides agreed on: UTF-16 code units unless the client offers another
(LSP 3.17 `positionEncoding`). A character outside the Basic Multilingual Plane (an emoji
in `instructions`) is one code point but two UTF-16 units, so every column is converted
with its line's text.
"""

from __future__ import annotations

from ..source.document import LINE_BREAK

UTF8, UTF16, UTF32 = "utf-8", "utf-16", "utf-32"


class Lines:
    """A text's lines (without their breaks), for column conversions. rtcfg reads a text
    without its byte order mark; a client that keeps one (VS Code does not) counts it as the
    first character of line 0, so `shift` moves that line's columns by one."""

    __slots__ = ("starts", "text", "shift")

    def __init__(self, text: str, bom: bool = False) -> None:
        self.text = text
        self.shift = 1 if bom else 0
        self.starts = [0] + [match.end() for match in LINE_BREAK.finditer(text)]

    def __len__(self) -> int:
        return len(self.starts)

    def line(self, index: int) -> str:
        """The 0-based line `index` without its line break ("" past the end)."""
        if not 0 <= index < len(self.starts):
            return ""
        end = self.starts[index + 1] if index + 1 < len(self.starts) else len(self.text)
        return self.text[self.starts[index]:end].rstrip("\r\n")

    def offset(self, line: int, character: int) -> int:
        """The offset in the text of a 0-based (line, code-point column), kept inside the text."""
        if line < 0:
            return 0
        if line >= len(self.starts):
            return len(self.text)
        return self.starts[line] + max(0, min(character, len(self.line(line))))

    def position(self, offset: int) -> tuple[int, int]:
        """The 0-based (line, code-point column) of an offset."""
        import bisect

        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(self.starts, offset) - 1
        return line, offset - self.starts[line]

    def end(self) -> tuple[int, int]:
        """The 0-based (line, column) just after the last character."""
        return len(self.starts) - 1, len(self.line(len(self.starts) - 1))


def units(text: str, encoding: str) -> int:
    """How many of the client's units `text` takes."""
    if encoding == UTF32:
        return len(text)
    if encoding == UTF8:
        return len(text.encode("utf-8", "surrogatepass"))
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def to_client(lines: Lines, line: int, column: int, encoding: str) -> tuple[int, int]:
    """A 0-based (line, code-point column) in the client's units."""
    return line, units(lines.line(line)[:column], encoding) + (lines.shift if line == 0 else 0)


def from_client(lines: Lines, line: int, character: int, encoding: str) -> tuple[int, int]:
    """The client's 0-based (line, character) as a 0-based code-point column (a position past
    the end of its line is the line's end, as LSP says; one inside a character, its start)."""
    text = lines.line(line)
    if line == 0:
        character -= lines.shift
    if encoding == UTF32:
        return line, max(0, min(character, len(text)))
    codec, width = ("utf-8", 1) if encoding == UTF8 else ("utf-16-le", 2)
    head = text.encode(codec, "surrogatepass")[:max(character, 0) * width]
    return line, len(head.decode(codec, "ignore"))  # in C: a long line costs no Python loop
