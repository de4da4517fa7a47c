"""Diagnostics and the registry of stable rule codes.

Codes never change meaning once released: tools and suppressions refer to them.
L = loading the file, S = the schema, R = rules the schema cannot express,
T = what the chosen target (beta or GA) can carry,
F = the file could not be read at all (an I/O problem, exit code 2).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    summary: str


RULES: dict[str, Rule] = {
    rule.code: rule
    for rule in (
        Rule("F001", "unreadable-file", "error", "The file cannot be read (missing, a directory, no permission, closed stdin)."),
        Rule("L001", "syntax-error", "error", "The file is not well-formed YAML or JSON."),
        Rule("L002", "duplicate-key", "error", "A mapping gives the same key twice; only one value could ever be used."),
        Rule("L003", "not-a-mapping", "error", "The top level of a session config must be a mapping of session fields."),
        Rule("L004", "forbidden-tag", "error", "A YAML tag that would build a non-JSON value (Python objects, binary, sets) or is unknown."),
        Rule("L005", "too-deep", "error", "Nesting deeper than the loader's limit."),
        Rule("L006", "alias-expansion", "error", "YAML aliases expand to more values than the loader's limit (a 'billion laughs' bomb)."),
        Rule("L007", "multiple-documents", "error", "A YAML stream with more than one document; a session config is one document."),
        Rule("L008", "bad-encoding", "error", "The file is not UTF-8/UTF-16 text (binary data, invalid bytes or NUL characters)."),
        Rule("L009", "file-too-large", "error", "The file is larger than the size limit."),
        Rule("S001", "unknown-key", "error", "A key the server does not know; the server rejects unknown parameters."),
        Rule("S002", "invalid-value", "error", "A value outside the field's allowed set."),
        Rule("S003", "wrong-type", "error", "A value of the wrong JSON type."),
        Rule("S004", "out-of-range", "error", "A number outside the field's documented range."),
        Rule("S005", "missing-key", "error", "A required key is missing."),
        Rule("S006", "yaml-implicit-type", "error", "YAML 1.1 read an unquoted scalar (no, off, yes, 1.10 ...) as a boolean or number where a string is required."),
        Rule("S007", "wrong-variant-field", "error", "A field that belongs to another variant of a union (a server_vad field under semantic_vad)."),
        Rule("S008", "invalid-tool-parameters", "error", "A function tool's parameters is not a valid JSON Schema object."),
        Rule("S009", "constraint", "error", "A length, pattern or uniqueness constraint is not met."),
        Rule("S010", "conflicting-keys", "error", "Two keys that set the same thing."),
        Rule("S011", "not-a-session-field", "error", "A key that exists in the API but is rejected in session.update."),
        Rule("S012", "wrong-shape-field", "error", "A beta field name in a GA-shaped file (or the reverse); the hint says where it goes."),
        Rule("R001", "non-finite-number", "error", "NaN or infinity where JSON can only carry finite numbers."),
        Rule("R002", "unknown-tool-choice", "error", "tool_choice names a function that no tool defines."),
        Rule("R003", "duplicate-tool-name", "error", "Two tools share a name; the model could not tell them apart."),
        Rule("R004", "tool-name-format", "warning", "A tool name outside letters, digits, '_' and '-' (at most 64), the rule OpenAI documents for function names."),
        Rule("T001", "not-in-target", "error", "A field or value the chosen target's API does not have (a GA-only setting rendered for beta)."),
        Rule("T002", "dropped-for-target", "warning", "A field the chosen target has no equivalent for, left out of its payload (temperature for GA); an error with --strict."),
    )
}


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
        data["name"] = self.name
        return data


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
