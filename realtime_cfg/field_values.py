"""Rules about the values of fields the API leaves open, and about what OpenAI retires.

The schema marks the fields (annotations on `schemas/session.schema.json`); this module
finds them in a config of either shape and reports:

- R005 / R013 / R014: a name an open set does not know (`x-rtcfg-open-set`: the model,
  the voice, the transcription model). The API takes any string there, so an unknown name
  is a warning with the nearest known one; a project adds its own names (Azure deployment
  names, say) in [tool.rtcfg] under the set's name (`models = [...]`).
- R006 (and any other code a value mistake names): a value people write that is known to be
  wrong (`x-rtcfg-value-mistakes`: the text-to-speech voices).
- R015: a model with an announced shutdown date (`x-rtcfg-lifecycle`); a warning before the
  date and an error after it. Today is the machine's date, or RTCFG_TODAY (YYYY-MM-DD).
- R016: a deprecated field (`x-rtcfg-deprecated`: MCP connector_id).
"""

from __future__ import annotations

import datetime
import os
import re
from functools import lru_cache
from typing import Any, Iterator, Mapping

from .diagnostics import Diagnostic, diagnostic_at, suggest
from .document import Document
from .schema import items_schema, load_schema, object_properties, resolve_local
from .targets import target_module

EACH = "[]"  # a pattern part that stands for every item of a list
DATED = re.compile(r"-\d{4}-\d{2}-\d{2}$")  # a dated snapshot: gpt-realtime-2025-08-28
DEPRECATIONS_PAGE = "https://developers.openai.com/api/docs/deprecations"


@lru_cache(maxsize=None)
def annotated(annotation: str) -> tuple[tuple[tuple, dict], ...]:
    """(flat path pattern, resolved schema) of every field of the authoring schema that carries
    `annotation`; list items appear as EACH. Worked out once, from the schema alone."""
    found: list[tuple[tuple, dict]] = []

    def walk(schema: Any, path: tuple) -> None:
        resolved = resolve_local(schema)
        if not isinstance(resolved, dict):
            return
        if annotation in resolved:
            found.append((path, resolved))
        if len(path) > 6:  # the schema is shallow; this only stops a reference loop
            return
        for key, sub in object_properties(schema).items():
            walk(sub, path + (key,))
        items = items_schema(schema)
        if items is not None:
            walk(items, path + (EACH,))

    walk(load_schema(), ())
    return tuple(found)


def values_at(data: Any, pattern: tuple, shape: str) -> Iterator[tuple[tuple, Any]]:
    """(path, value) of each value at a flat pattern, in a session of `shape`."""
    if not pattern:
        return
    path = target_module(shape).location(pattern[0]) + pattern[1:]

    def walk(node: Any, rest: tuple, at: tuple) -> Iterator[tuple[tuple, Any]]:
        if not rest:
            yield at, node
        elif rest[0] == EACH:
            if isinstance(node, list):
                for index, item in enumerate(node):
                    yield from walk(item, rest[1:], at + (index,))
        elif isinstance(node, dict) and rest[0] in node:
            yield from walk(node[rest[0]], rest[1:], at + (rest[0],))

    yield from walk(data, path, ())


def today() -> datetime.date:
    """The date shutdowns are compared with: RTCFG_TODAY (YYYY-MM-DD) if set and valid, else
    the machine's. Tests set it; a user can ask how a config fares on a later day."""
    try:
        return datetime.date.fromisoformat(os.environ.get("RTCFG_TODAY", ""))
    except ValueError:
        return datetime.date.today()


def known_names(field: dict, extra: Mapping[str, Any] | None = None) -> list[str]:
    """The names an open set knows: the schema's, then the project's own (`models = [...]`)."""
    names = list(field.get("x-rtcfg-known-values")
                 or next((b["x-rtcfg-known-values"] for b in field.get("anyOf", ()) if "x-rtcfg-known-values" in b), []))
    own = (extra or {}).get(field["x-rtcfg-open-set"]["name"], ())
    return names + [name for name in own if name not in names]


def is_known(name: str, known: list[str]) -> bool:
    # a dated snapshot of a known name is known too (gpt-4o-realtime-preview-2025-06-03)
    return name in known or DATED.sub("", name) in known


def check(data: dict, document: Document, extra_known: Mapping[str, Any] | None = None) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for pattern, field in annotated("x-rtcfg-open-set"):
        for path, value in values_at(data, pattern, document.shape):
            if isinstance(value, str) and value:
                found.extend(_open_value(field, path, value, document, extra_known))
    for pattern, field in annotated("x-rtcfg-lifecycle"):
        for path, value in values_at(data, pattern, document.shape):
            if isinstance(value, str) and value in field["x-rtcfg-lifecycle"]:
                found.append(_shutdown(field, path, value, document))
    for pattern, field in annotated("x-rtcfg-deprecated"):
        for path, _ in values_at(data, pattern, document.shape):
            found.append(diagnostic_at(document, "R016", field["x-rtcfg-deprecated"], path, at_key=True,
                                       hint=f"see {DEPRECATIONS_PAGE}"))
    return found


def _open_value(field: dict, path: tuple, value: str, document: Document,
                extra_known: Mapping[str, Any] | None) -> list[Diagnostic]:
    mistake = field.get("x-rtcfg-value-mistakes", {}).get(value)
    known = known_names(field, extra_known)
    if mistake:  # a value known to be wrong, with its own code (a text-to-speech voice)
        return [diagnostic_at(document, mistake["code"], mistake["message"], path, hint=f"known: {', '.join(known)}")]
    if is_known(value, known):
        return []
    open_set = field["x-rtcfg-open-set"]
    guess = suggest(value, known)
    if guess:
        hint = f"did you mean {guess!r}?"
    else:
        listed = ", ".join(known[:10]) + (", ..." if len(known) > 10 else "")
        hint = f"known: {listed}. A name newer than rtcfg, or your own (an Azure deployment): list it in " \
               f"`{open_set['name']} = [...]` under [tool.rtcfg]"
    return [diagnostic_at(document, open_set["code"], f"unknown {open_set['what']} {value!r}", path, hint=hint)]


def _shutdown(field: dict, path: tuple, value: str, document: Document) -> Diagnostic:
    plan = field["x-rtcfg-lifecycle"][value]
    date = datetime.date.fromisoformat(plan["shutdown"])
    replacement = plan.get("replacement")
    instead = f"use {replacement!r} instead" if replacement else "move to a current model"
    hint = f"{instead}; OpenAI's deprecations page lists the recommended replacements: {DEPRECATIONS_PAGE}"
    days = (date - today()).days
    if days > 0:
        message = f"{value!r} is deprecated: OpenAI announced its shutdown for {plan['shutdown']} (in {days} days)"
        return diagnostic_at(document, "R015", message, path, hint=hint)
    message = f"{value!r} was shut down on {plan['shutdown']}: the server no longer serves it"
    return diagnostic_at(document, "R015", message, path, hint=hint, severity="error")
