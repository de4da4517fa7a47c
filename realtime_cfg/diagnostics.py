"""Diagnostics: one finding at file:line:column, with its code (see catalog.py)."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from .catalog import RULES, Severity
from .document import LINE_BREAK


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
    """The candidate the user most likely meant, or None."""
    if not isinstance(word, str) or not candidates:
        return None

    def folded(text: str) -> str:
        return text.lower().replace("-", "_").replace(" ", "_")

    for candidate in candidates:
        if folded(candidate) == folded(word):
            return candidate
    import difflib  # only needed when something is wrong

    close = difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
    return close[0] if close else None


class ConfigError(Exception):
    """Raised by the library API when a config has errors; carries every diagnostic."""

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = diagnostics
        first = diagnostics[0] if diagnostics else None
        where = f"{first.file}:{first.line}:{first.column}: " if first and first.line else ""
        summary = f"{where}{first.code} {first.message}" if first else "invalid config"
        more = f" (and {len(diagnostics) - 1} more)" if len(diagnostics) > 1 else ""
        super().__init__(summary + more)
