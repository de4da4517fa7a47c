"""Findings: the Rule a code stands for, and one Diagnostic at file:line:column.

Each rule is declared once, as a Rule, in the module that finds it (the families are listed
in check/registry.py); a diagnostic is made from its rule (`rule.at(document, path, ...)`),
so its code and severity come from the one declaration.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from .report.masking import shorten

if TYPE_CHECKING:  # pragma: no cover
    from .source.document import Document

Severity = Literal["error", "warning", "info"]
_DECLARED: dict[str, Rule] = {}  # every Rule declared so far, by code (check/registry.py loads them all)


@dataclass(frozen=True)
class Rule:
    """A code's declaration: what it checks, how severe it is, why it matters, and a bad and a
    good example (`rtcfg rules`, `rtcfg explain CODE`; the examples are tested)."""

    code: str
    name: str
    severity: Severity
    summary: str
    why: str
    bad: str  # a config (YAML) that gets this code, or a description where no file shows it
    good: str  # the same config, fixed
    example_target: str | None = None  # the --target the examples need, if not the file's own shape

    def __post_init__(self) -> None:
        _DECLARED[self.code] = self  # for a Diagnostic made by hand: its name and default severity

    def diagnostic(self, message: str, file: str, line: int | None = None, column: int | None = None,
                   path: str = "", hint: str | None = None, severity: Severity | None = None) -> Diagnostic:
        return Diagnostic(self.code, message, file, line, column, path, hint, severity or self.severity,
                          name=self.name)

    def at(self, document: Document, message: str, path: tuple, hint: str | None = None, at_key: bool = False,
           severity: Severity | None = None) -> Diagnostic:
        """A diagnostic at the value at `path` (with at_key, at its key), in the file that holds it."""
        line, column, _ = document.locate(path, at_key=at_key)
        return self.diagnostic(message, document.file_of(path, at_key), line, column, format_path(path), hint,
                               severity)


@dataclass
class Diagnostic:
    """One finding, pointing at file:line:column and the field's path."""

    code: str
    message: str
    file: str
    line: int | None = None
    column: int | None = None
    path: str = ""
    hint: str | None = None
    severity: Severity | None = None  # None: the rule's
    # the text of the offending line, for the report's excerpt (a secret in it already
    # masked); not part of the machine formats, not compared
    source: str | None = field(default=None, repr=False, compare=False)
    name: str = field(default="", compare=False)  # the rule's name: unknown-key

    def __post_init__(self) -> None:
        rule = _DECLARED.get(self.code)  # made by its Rule, or by hand once the rules are loaded
        if rule is not None:
            self.severity = self.severity or rule.severity
            self.name = self.name or rule.name
        self.severity = self.severity or "error"

    @property
    def is_io_error(self) -> bool:
        """The file could not be read at all (exit code 2, not 1)."""
        return self.code.startswith("F")

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        del data["source"]
        return data


def format_path(path: tuple) -> str:
    """Display a field path the way the server's errors do: tools[2].name. A key is cut
    to SHOWN characters (and a secret in it masked): the path is shown with every finding."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            part = shorten(str(part))
            text += f".{part}" if text else part
    return text


def suggest(word: Any, candidates: list[str]) -> str | None:
    """The candidate the user most likely meant, or None when none is close enough to mean it.

    Equal but for case, `-`, `_` and spaces wins outright; then the nearest candidate by edits
    (a swap of two neighbours counts as one), allowed one edit per three characters of the
    shorter word (none below three); then, if no candidate is that close, one that the word
    starts or that starts the word (`semantic` for `semantic_vad`), at least half of it. On a
    tie the earlier candidate wins, so callers list the names they prefer first. A looser
    measure suggested `tracing` for `reasoning`: a hint that misleads is worse than none."""
    if not isinstance(word, str) or not candidates:
        return None
    folded_word = _folded(word)
    folded = [_folded(candidate) for candidate in candidates]
    for candidate, name in zip(candidates, folded):
        if name == folded_word:
            return candidate
    best, best_distance = None, None
    for candidate, name in zip(candidates, folded):
        distance = _edits(folded_word, name, min(len(name), len(folded_word)) // 3)
        if distance is not None and (best_distance is None or distance < best_distance):
            best, best_distance = candidate, distance
    if best is not None:
        return best
    for candidate, name in zip(candidates, folded):
        shorter, longer = sorted((name, folded_word), key=len)
        if len(shorter) >= 4 and longer.startswith(shorter) and len(shorter) * 2 >= len(longer):
            return candidate
    return None


def _folded(text: str) -> str:
    return text.lower().replace("-", "_").replace(" ", "_")


def _edits(a: str, b: str, limit: int) -> int | None:
    """Edits (insert, delete, replace, swap of neighbours) from a to b, or None above `limit`."""
    if abs(len(a) - len(b)) > limit or len(a) > 200 or len(b) > 200:
        return None
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return None
        previous2, previous = previous, current
    return previous[-1] if previous[-1] <= limit else None


class ConfigError(Exception):
    """Raised by the library API when a config has errors; carries every diagnostic."""

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = diagnostics
        first = diagnostics[0] if diagnostics else None
        where = f"{first.file}:{first.line}:{first.column}: " if first and first.line else ""
        summary = f"{where}{first.code} {first.message}" if first else "invalid config"
        more = f" (and {len(diagnostics) - 1} more)" if len(diagnostics) > 1 else ""
        super().__init__(summary + more)
