"""R001, R012: values no config should hold, whatever the field: a number JSON cannot carry,
and anything that looks like a secret (an API key committed with the config)."""

from __future__ import annotations

import math
import re
from typing import Any

from ...diagnostics import Diagnostic, Rule, format_path
from ...report.masking import mask_secret, search_secret
from ...source.document import Document
from ..subject import Subject, walk

NON_FINITE_NUMBER = Rule(
    "R001", "non-finite-number", "error", "NaN or infinity where JSON can only carry finite numbers.",
    "JSON has no NaN or infinity: the payload could not be serialized, or would be invalid JSON.",
    "speed: .nan\n", "speed: 1.0\n")
COMMITTED_SECRET = Rule(
    "R012", "committed-secret", "error",
    "A string that looks like an OpenAI API key, a client secret or a bearer token.",
    "A key committed to a repository is leaked: rotate it. Read it from the environment at run time instead. "
    "rtcfg never prints the secret in full.",
    "type: realtime\ntools:\n  - type: mcp\n    server_label: crm\n    server_url: https://mcp.example.com\n"
    "    authorization: sk-proj-AbCdEfGhIjKlMnOpQrStUvWx\n",
    "type: realtime\ntools:\n  - type: mcp\n    server_label: crm\n    server_url: https://mcp.example.com\n")

RULES = (NON_FINITE_NUMBER, COMMITTED_SECRET)


def check(subject: Subject) -> list[Diagnostic]:
    """One walk over every value: what JSON cannot carry (R001) and what looks like a secret (R012)."""
    document = subject.document
    found: list[Diagnostic] = []
    for path, value in walk(subject.data):
        if isinstance(value, float) and not math.isfinite(value):
            found.append(NON_FINITE_NUMBER.at(document, f"{format_path(path)} is {value}, which JSON cannot carry",
                                              path, "write a finite number"))
        in_value, in_key = _secret_in(path, value, document.templates)
        if in_value or in_key:
            found.append(_secret(path, in_value, in_key, document))
    return found


def non_finite_paths(found: list[Diagnostic]) -> set[str]:
    """The paths R001 reported: a NaN gets one clear finding, not also a range or type complaint."""
    return {d.path for d in found if d.code == NON_FINITE_NUMBER.code}


def has_secrets(found: list[Diagnostic]) -> bool:
    return any(d.code == COMMITTED_SECRET.code for d in found)


def _secret_in(path: tuple, value: Any, templates: dict[tuple, str]) -> tuple[re.Match | None, re.Match | None]:
    """(secret in the value, secret in its key). A key is the last part of its path (a secret
    can be a metadata key too); a value taken from the environment (`${OPENAI_KEY}`) is
    checked as written (its template), not as expanded. Both are decoded text: escapes and
    line continuations cannot hide a secret from it."""
    if templates:  # most configs take nothing from the environment: no lookup then
        value = templates.get(path, value)
    in_value = search_secret(value) if isinstance(value, str) else None
    key = path[-1] if path else None
    in_key = search_secret(key) if isinstance(key, str) else None
    return in_value, in_key


def _secret(path: tuple, in_value: re.Match | None, in_key: re.Match | None, document: Document) -> Diagnostic:
    match = in_value or in_key
    return COMMITTED_SECRET.at(document, f"{format_path(path)} holds what looks like a secret "
                               f"({mask_secret(match.group())}, {len(match.group())} characters)", path,
                               "remove it and rotate the key; give it to the application at run time, never in a "
                               "committed file", at_key=in_value is None)


def secret_places(document: Document) -> set[tuple[str, int, int, str]]:
    """(file, line, column, secret) of every key and string value R012 finds a secret in, so
    that its excerpt masks the whole written token, even where escapes (`"sk\\x2dproj-..."`),
    a line continuation or a folded line keep the written text from looking like a secret."""
    places = set()
    for path, value in walk(document.data):
        in_value, in_key = _secret_in(path, value, document.templates)
        if not (in_value or in_key):
            continue
        position, own = document.position(path)
        if not own or position is None:
            continue
        if in_value and position.line is not None:
            places.add((position.file or document.name, position.line, position.column, in_value.group()))
        if in_key and position.key_line is not None:
            places.add((position.key_file or position.file or document.name, position.key_line, position.key_column,
                        in_key.group()))
    return places
