"""Suppressed findings: `# rtcfg: ignore[CODE, ...]` on the offending line of a YAML
file, or a code in the project's `ignore` list ([tool.rtcfg] in pyproject.toml).

Suppressed findings do not fail a run and are not printed, but they are counted in
the summary and kept in the SARIF report (as suppressed results), so nothing
disappears without a trace. Codes F, L and B cannot be suppressed: they mean the file
was not read, parsed or built, so nothing in it was checked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Literal

from .diagnostics import Diagnostic

# The marker must be a comment: `#` at the start of the line or after white space, and
# not inside a quoted string (removed first; in YAML a plain scalar cannot hold " #").
_INLINE = re.compile(r"(?:^|\s)#\s*rtcfg:\s*ignore\[([A-Za-z0-9,\s]*)\]")
_QUOTED = re.compile(r""""(?:[^"\\]|\\.)*"|'(?:[^']|'')*'""")
UNSUPPRESSIBLE = ("F", "L", "B")


@dataclass(frozen=True)
class Suppressed:
    diagnostic: Diagnostic
    kind: Literal["inSource", "external"]  # SARIF's words: a comment in the file, or the project's list


def inline_codes(line: str | None) -> set[str]:
    """The codes a `# rtcfg: ignore[...]` comment on this line names."""
    if not line:
        return set()
    codes: set[str] = set()
    for match in _INLINE.finditer(_QUOTED.sub("", line)):
        codes.update(code.strip().upper() for code in match.group(1).split(",") if code.strip())
    return codes


def split(diagnostics: Iterable[Diagnostic], ignore: Iterable[str] = ()) -> tuple[list[Diagnostic], list[Suppressed]]:
    """(kept, suppressed). JSON needs no special case: it has no comments, and a marker
    inside a string is not one."""
    ignored = set(ignore)
    kept: list[Diagnostic] = []
    suppressed: list[Suppressed] = []
    for diagnostic in diagnostics:
        if diagnostic.code.startswith(UNSUPPRESSIBLE):
            kept.append(diagnostic)
        elif diagnostic.code in inline_codes(diagnostic.source):
            suppressed.append(Suppressed(diagnostic, "inSource"))
        elif diagnostic.code in ignored:
            suppressed.append(Suppressed(diagnostic, "external"))
        else:
            kept.append(diagnostic)
    return kept, suppressed
