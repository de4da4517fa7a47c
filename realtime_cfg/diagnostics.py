"""Diagnostics: one finding at file:line:column, with its code (see catalog.py)."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from .catalog import RULES, Severity
from .document import LINE_BREAK, Document


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
    severity: Severity | None = None
    # the text of the offending line, for the report's excerpt (a secret in it already
    # masked); not part of the machine formats, not compared
    source: str | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.severity is None:
            self.severity = RULES[self.code].severity

    @property
    def name(self) -> str:
        return RULES[self.code].name

    @property
    def is_io_error(self) -> bool:
        """The file could not be read at all (exit code 2, not 1)."""
        return self.code.startswith("F")

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        del data["source"]
        data["name"] = self.name
        return data


def diagnostic_at(document: Document, code: str, message: str, path: tuple, hint: str | None = None,
                  at_key: bool = False, severity: Severity | None = None) -> Diagnostic:
    """A diagnostic at the value at `path` (with at_key, at its key), in the file that holds it."""
    line, column, _ = document.locate(path, at_key=at_key)
    return Diagnostic(code, message, document.file_of(path, at_key), line, column, format_path(path), hint, severity)


# What an OpenAI API key (sk-, sk-proj-, sk-svcacct-, sk-admin-), an ephemeral client
# secret (ek_) or a bearer token looks like. Rule R012 reports them; no report shows one whole.
# Not `\b`: `key_sk-proj-...` has a word character before the key and must match too.
SECRET = re.compile(r"(?<![A-Za-z0-9])(?:sk-[A-Za-z0-9_-]{20,}|ek_[A-Za-z0-9_-]{16,}"
                    r"|(?i:bearer)[\s_]+[A-Za-z0-9._~+/-]{16,}=*)")
_SHOWN_OF_SECRET = 6


def mask_secret(secret: str) -> str:
    """`sk-pro…` (31 characters): enough to recognise which key it is, not to use it."""
    return f"{secret[:_SHOWN_OF_SECRET]}…"


def mask_secrets(text: str, keep_length: bool = False) -> str:
    """Every secret in `text` masked; with keep_length, as `sk-pro*****...` of the same
    length, so that columns in a source line still line up."""
    def masked(match: re.Match) -> str:
        secret = match.group()
        if keep_length:
            return secret[:_SHOWN_OF_SECRET] + "*" * (len(secret) - _SHOWN_OF_SECRET)
        return mask_secret(secret)

    return SECRET.sub(masked, text)


def redact(text: str, redactions: dict[str, str]) -> str:
    """`text` with each value of `redactions` replaced by its name: as written, as a message
    quotes it (JSON- or repr-escaped), and where a message cut it short ("abcdef...")."""
    for value, name in redactions.items():
        for form in dict.fromkeys((value, json.dumps(value, ensure_ascii=False)[1:-1], repr(value)[1:-1])):
            text = text.replace(form, name)
            for ellipsis in ("...", "…"):
                at = text.find(ellipsis)
                while at != -1:
                    start = next((at - n for n in range(min(len(form), at), _SHOWN_OF_SECRET - 1, -1)
                                  if text[at - n:at] == form[:n]), None)
                    if start is not None:
                        text = text[:start] + name + text[at:]
                        at = start + len(name)
                    at = text.find(ellipsis, at + len(ellipsis))
    return text


def prepare_for_display(diagnostics: list[Diagnostic], texts: dict[str, str],
                        redactions: dict[str, str] | None = None) -> list[Diagnostic]:
    """Give each diagnostic the text of its line (from `texts`, file name -> text), for the
    report's excerpt, and keep secrets out of what a report shows: anything that looks like
    one is masked, and each value in `redactions` (taken from the environment) is replaced
    by its `${VAR}`."""
    if not diagnostics:  # the common case: nothing to show
        return diagnostics
    lines_of: dict[str, list[str]] = {}

    def clean(text: str) -> str:
        return mask_secrets(redact(text, redactions or {}))

    for diagnostic in diagnostics:
        text = texts.get(diagnostic.file)
        if text is not None and diagnostic.line is not None:
            if diagnostic.file not in lines_of:
                lines_of[diagnostic.file] = LINE_BREAK.split(text.removeprefix("\ufeff"))
            lines = lines_of[diagnostic.file]
            if 0 < diagnostic.line <= len(lines):
                diagnostic.source = mask_secrets(lines[diagnostic.line - 1], keep_length=True)
        diagnostic.message = clean(diagnostic.message)
        diagnostic.path = clean(diagnostic.path)
        if diagnostic.hint:
            diagnostic.hint = clean(diagnostic.hint)
    return diagnostics


def format_path(path: tuple) -> str:
    """Display a field path the way the server's errors do: tools[2].name."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
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
