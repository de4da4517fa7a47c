"""Suppressed findings: `# rtcfg: ignore[CODE, ...]` on the offending line of a YAML
file, or a code in the project's `ignore` list ([tool.rtcfg] in pyproject.toml).

Suppressed findings do not fail a run and are not printed, but they are counted in
the summary and kept in the SARIF report (as suppressed results), so nothing
disappears without a trace. Codes F, L and B cannot be suppressed: they mean the file
was not read, parsed or built, so nothing in it was checked. Nor can X001: it stands for
the findings a report left out, suppressed or not.
"""

from __future__ import annotations

import re
from typing import Iterable, Literal

from ..diagnostics import Diagnostic
from ..records import FrozenRecord
from .rules.limits import TOO_MANY_FINDINGS

# The marker must be a comment: `#` at the start of the line or after white space, and
# not inside a quoted string (removed first; in YAML a plain scalar cannot hold " #").
_INLINE = re.compile(r"(?:^|\s)#\s*rtcfg:\s*ignore\[([A-Za-z0-9,\s]*)\]")
_QUOTED = re.compile(r""""(?:[^"\\]|\\.)*"|'(?:[^']|'')*'""")
_QUOTES = {"\"'": re.compile("[\"']"), '"': re.compile('"'), "'": re.compile("'")}
UNSUPPRESSIBLE = ("F", "L", "B", TOO_MANY_FINDINGS.code)  # prefixes, for str.startswith


def why_unsuppressible(code: str) -> str | None:
    """Why a code cannot be ignored (None: it can), for the message that refuses to."""
    if not code.startswith(UNSUPPRESSIBLE):
        return None
    if code == TOO_MANY_FINDINGS.code:
        return "it stands for findings the report left out"
    return "it means the config was not read, parsed, built or (F005, F006) asked about"


class Suppressed(FrozenRecord):
    """A finding not reported, and why: `kind` in SARIF's words, "inSource" (a comment in the
    file) or "external" (the project's list)."""

    _fields = ("diagnostic", "kind")
    __slots__ = _fields

    def __init__(self, diagnostic: Diagnostic, kind: Literal["inSource", "external"]) -> None:
        self.diagnostic, self.kind = diagnostic, kind


def inline_codes(line: str | None) -> set[str]:
    """The codes a `# rtcfg: ignore[...]` comment on this line names."""
    if not line or "rtcfg" not in line:
        return set()
    codes: set[str] = set()
    for match in _INLINE.finditer(_unquoted(line)):
        codes.update(code.strip().upper() for code in match.group(1).split(",") if code.strip())
    return codes


def with_code(line: str, code: str) -> str:
    """`line` with `code` added to its `# rtcfg: ignore[...]` comment, or with such a comment
    appended (the editor's "ignore this code on this line")."""
    if inline_codes(line):
        marker = list(_INLINE.finditer(line))[-1]
        close = marker.end() - 1  # its "]"
        return f"{line[:close].rstrip()}, {code}{line[close:]}"
    return f"{line.rstrip()}  # rtcfg: ignore[{code}]"


def _unquoted(line: str) -> str:
    """`line` without its quoted strings, as _QUOTED.sub("", line) but in one pass: once a
    quote has no closing one, no later quote of its kind has one either, so none is tried
    again (trying each would cost a line of unclosed quotes its length squared)."""
    pieces, done, index, kinds = [], 0, 0, "\"'"
    while kinds:
        quote = _QUOTES[kinds].search(line, index)
        if quote is None:
            break
        string = _QUOTED.match(line, quote.start())
        if string:
            pieces.append(line[done:quote.start()])
            done = index = string.end()
        else:
            kinds = kinds.replace(quote.group(), "")
            index = quote.start() + 1
    pieces.append(line[done:])
    return "".join(pieces)


def split(diagnostics: Iterable[Diagnostic], ignore: Iterable[str] = ()) -> tuple[list[Diagnostic], list[Suppressed]]:
    """(kept, suppressed). JSON needs no special case: it has no comments, and a marker
    inside a string is not one."""
    ignored = set(ignore)
    kept: list[Diagnostic] = []
    suppressed: list[Suppressed] = []
    codes_of: dict[str | None, set[str]] = {}  # by line: many findings on one long line read it once
    for diagnostic in diagnostics:
        if diagnostic.source not in codes_of:
            codes_of[diagnostic.source] = inline_codes(diagnostic.source)
        if diagnostic.code.startswith(UNSUPPRESSIBLE):
            kept.append(diagnostic)
        elif diagnostic.code in codes_of[diagnostic.source]:
            suppressed.append(Suppressed(diagnostic, "inSource"))
        elif diagnostic.code in ignored:
            suppressed.append(Suppressed(diagnostic, "external"))
        else:
            kept.append(diagnostic)
    return kept, suppressed
