"""Findings: the Rule a code stands for, and one Diagnostic at file:line:column, with the
Fix that would resolve it where one can be known.

Each rule is declared once, as a Rule, in the module that finds it (the families are listed
in check/registry.py); a diagnostic is made from its rule (`rule.at(document, path, ...)`),
so its code and severity come from the one declaration. The rule's module also decides the
fix (fixing/edits.py turns "write this value there" into text edits).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from .records import FrozenRecord, Record
from .report.masking import shorten

if TYPE_CHECKING:  # pragma: no cover
    from .source.document import Document

Severity = Literal["error", "warning", "info"]
Applicability = Literal["safe", "unsafe"]
_DECLARED: dict[str, Rule] = {}  # every Rule declared so far, by code (check/registry.py loads them all)


class Rule(FrozenRecord):
    """A code's declaration: what it checks, how severe it is, why it matters, and a bad and a
    good example (`rtcfg rules`, `rtcfg explain CODE`; the examples are tested)."""

    _fields = ("code", "name", "severity", "summary", "why", "bad", "good", "example_target", "fixes")
    __slots__ = _fields

    def __init__(self, code: str, name: str, severity: Severity, summary: str, why: str,
                 bad: str,  # a config (YAML) that gets this code, or a description where no file shows it
                 good: str,  # the same config, fixed
                 example_target: str | None = None,  # the --target the examples need, if not the file's own shape
                 # the kinds of fix its findings can carry ("safe", "unsafe"; `rtcfg rules` lists them)
                 fixes: tuple[Applicability, ...] = ()) -> None:
        self.code, self.name, self.severity, self.summary, self.why = code, name, severity, summary, why
        self.bad, self.good, self.example_target, self.fixes = bad, good, example_target, fixes
        _DECLARED[code] = self  # for a Diagnostic made by hand: its name and default severity

    def diagnostic(self, message: str, file: str, line: int | None = None, column: int | None = None,
                   path: str = "", hint: str | None = None, severity: Severity | None = None) -> Diagnostic:
        return Diagnostic(self.code, message, file, line, column, path, hint, severity or self.severity,
                          name=self.name)

    def at(self, document: Document, message: str, path: tuple, hint: str | None = None, at_key: bool = False,
           severity: Severity | None = None, fix: Fix | None = None) -> Diagnostic:
        """A diagnostic at the value at `path` (with at_key, at its key), in the file that holds it,
        spanning that key or value."""
        line, column, _ = document.locate(path, at_key=at_key)
        end_line, end_column = document.end_of(path, at_key)
        return Diagnostic(self.code, message, document.file_of(path, at_key), line, column, format_path(path), hint,
                          severity or self.severity, name=self.name, end_line=end_line, end_column=end_column,
                          fix=fix)


class Edit:
    """Replace the text from `start` to `end` (character offsets, end exclusive) of `file` with
    `text`; line/column of both ends for reports and editors. (Plain classes here and in Fix:
    a dataclass costs start-up.)"""

    __slots__ = ("file", "start", "end", "text", "line", "column", "end_line", "end_column")

    def __init__(self, file: str, start: int, end: int, text: str, line: int, column: int, end_line: int,
                 end_column: int) -> None:
        self.file, self.start, self.end, self.text = file, start, end, text
        self.line, self.column, self.end_line, self.end_column = line, column, end_line, end_column

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "column": self.column, "end_line": self.end_line,
                "end_column": self.end_column, "text": self.text}

    def __repr__(self) -> str:
        return f"Edit({self.file!r}, {self.start}, {self.end}, {self.text!r})"


class Fix:
    """What would resolve a finding: text edits, and whether applying them is safe (the value
    can only have been meant one way) or unsafe (a guess a person should confirm). A fix that
    cannot be made where the value is written (it comes from ${VAR}, --set or a YAML alias)
    has no edits and says why in `unavailable`."""

    __slots__ = ("applicability", "title", "edits", "unavailable")

    def __init__(self, applicability: Applicability, title: str, edits: tuple[Edit, ...] = (),
                 unavailable: str | None = None) -> None:
        self.applicability = applicability
        self.title = title  # what it does: `write "g711_ulaw"`
        self.edits = edits
        self.unavailable = unavailable

    @property
    def available(self) -> bool:
        return self.unavailable is None

    def applies(self, unsafe: bool) -> bool:
        """Whether --fix (with --unsafe-fixes: `unsafe`) applies it."""
        return self.available and (self.applicability == "safe" or unsafe)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"applicability": self.applicability, "message": self.title,
                                "edits": [edit.to_dict() for edit in self.edits]}
        if self.unavailable:
            data["unavailable"] = self.unavailable
        return data

    def __repr__(self) -> str:
        return f"Fix({self.applicability!r}, {self.title!r}, {self.edits!r}, unavailable={self.unavailable!r})"


class Diagnostic(Record):
    """One finding, pointing at file:line:column and the field's path. Equality looks at the
    finding (code, message, place, path, hint, severity), not at how it is shown."""

    _fields = ("code", "message", "file", "line", "column", "path", "hint", "severity", "source", "name",
               "end_line", "end_column", "fix")
    _compared = ("code", "message", "file", "line", "column", "path", "hint", "severity")
    _unshown = ("source", "fix")
    __slots__ = _fields

    def __init__(self, code: str, message: str, file: str, line: int | None = None, column: int | None = None,
                 path: str = "", hint: str | None = None,
                 severity: Severity | None = None,  # None: the rule's
                 # the text of the offending line, for the report's excerpt (a secret in it already
                 # masked); not part of the machine formats, not compared
                 source: str | None = None,
                 name: str = "",  # the rule's name: unknown-key
                 # where the key or value ends (just after it); the start's when not known
                 end_line: int | None = None, end_column: int | None = None,
                 fix: Fix | None = None) -> None:
        rule = _DECLARED.get(code)  # made by its Rule, or by hand once the rules are loaded
        if rule is not None:
            severity = severity or rule.severity
            name = name or rule.name
        self.code, self.message, self.file, self.line, self.column = code, message, file, line, column
        self.path, self.hint, self.severity, self.source, self.name = path, hint, severity or "error", source, name
        self.end_line, self.end_column = (line, column) if end_line is None else (end_line, end_column)
        self.fix = fix

    @property
    def is_io_error(self) -> bool:
        """Nothing could be learned about the file: it could not be read (or built, or fixed, or
        asked about with check --live): exit code 2, not 1."""
        return self.code.startswith("F")

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "file": self.file, "line": self.line,
                "column": self.column, "path": self.path, "hint": self.hint, "severity": self.severity,
                "name": self.name, "end_line": self.end_line, "end_column": self.end_column,
                "fix": self.fix.to_dict() if self.fix is not None else None}


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


def same_spelling(word: Any, candidate: str) -> bool:
    """Equal but for case, `-`, `_` and spaces: a value that can only have meant `candidate`
    (a fix to it is safe; one to a nearer guess by edits is not)."""
    return isinstance(word, str) and _folded(word) == _folded(candidate)


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
