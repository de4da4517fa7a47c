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
from typing import Any, Mapping

from ..diagnostics import Diagnostic, diagnostic_at, quoted, suggest
from ..source.document import Document
from ..schema.views import items_schema, load_schema, object_properties, resolve_local
from ..targets import target_module

EACH = "[]"  # a pattern part that stands for every item of a list
DATED = re.compile(r"-\d{4}-\d{2}-\d{2}$")  # a dated snapshot: gpt-realtime-2025-08-28
DEPRECATIONS_PAGE = "https://developers.openai.com/api/docs/deprecations"


ANNOTATIONS = ("x-rtcfg-open-set", "x-rtcfg-lifecycle", "x-rtcfg-deprecated")


@lru_cache(maxsize=None)
def _fields(shape: str) -> tuple[tuple[tuple, dict, tuple[str, ...]], ...]:
    """Every field of the authoring schema with one of ANNOTATIONS: its path in a session of
    `shape` (list items as EACH), its schema and the names its open set lists. Worked out
    once per shape from the schema alone, so a file costs one short walk per field."""
    found: list[tuple[tuple, dict, tuple[str, ...]]] = []

    def walk(schema: Any, path: tuple) -> None:
        resolved = resolve_local(schema)
        if not isinstance(resolved, dict):
            return
        if path and any(annotation in resolved for annotation in ANNOTATIONS):
            where = target_module(shape).location(path[0]) + path[1:]
            found.append((where, resolved, _listed(resolved)))
        if len(path) > 6:  # the schema is shallow; this only stops a reference loop
            return
        for key, sub in object_properties(schema).items():
            walk(sub, path + (key,))
        items = items_schema(schema)
        if items is not None:
            walk(items, path + (EACH,))

    walk(load_schema(), ())
    return tuple(found)


def _listed(field: dict) -> tuple[str, ...]:
    """The names an open set lists, on the field or on its string branch (voice)."""
    for branch in (field, *field.get("anyOf", ())):
        if "x-rtcfg-known-values" in branch:
            return tuple(branch["x-rtcfg-known-values"])
    return ()


def values_at(data: Any, pattern: tuple) -> list[tuple[tuple, Any]]:
    """(path, value) of each value at a path pattern (EACH: every item of a list)."""
    found = [((), data)]
    for part in pattern:
        step = []
        for path, node in found:
            if part == EACH:
                if isinstance(node, list):
                    step.extend((path + (index,), item) for index, item in enumerate(node))
            elif isinstance(node, dict) and part in node:
                step.append((path + (part,), node[part]))
        found = step
    return found


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def today() -> datetime.date:
    """The date shutdowns are compared with: RTCFG_TODAY (YYYY-MM-DD) if set, else the
    machine's. Tests set it; a user can ask how a config fares on a later day. ValueError for
    a value that is not such a date (the message does not repeat it: it is an environment value)."""
    written = os.environ.get("RTCFG_TODAY")
    if written is None:
        return datetime.date.today()
    try:
        if not _ISO_DATE.fullmatch(written):
            raise ValueError
        return datetime.date.fromisoformat(written)
    except ValueError:
        raise ValueError("RTCFG_TODAY must be a date written YYYY-MM-DD, such as 2027-01-20") from None


def open_set_names() -> tuple[str, ...]:
    """The names of the open value sets a project can add to: models, voices, transcription-models."""
    return tuple(field["x-rtcfg-open-set"]["name"] for _, field, _ in _fields("beta") if "x-rtcfg-open-set" in field)


def check_known(known: Any) -> dict[str, tuple[str, ...]]:
    """A project's own names ({set name: names}), checked: TypeError or ValueError that names
    what is wrong, as [tool.rtcfg] reports it for the command line."""
    if known is None:
        return {}
    if not isinstance(known, Mapping):
        raise TypeError("known must be a mapping of set names to lists of names, such as {'models': ['my-deployment']}")
    sets = open_set_names()
    checked = {}
    for name, names in known.items():
        if name not in sets:
            raise ValueError(f"known has no set {name!r}; the sets are {', '.join(sets)}")
        if not isinstance(names, (list, tuple, set, frozenset)) or not all(isinstance(item, str) and item
                                                                          for item in names):
            raise TypeError(f"known[{name!r}] must be a list of names (non-empty strings)")
        checked[name] = tuple(names)
    return checked


def is_known(name: str, known: tuple[str, ...]) -> bool:
    # a dated snapshot of a known name is known too (gpt-4o-realtime-preview-2025-06-03)
    return name in known or DATED.sub("", name) in known


def check(data: dict, document: Document, extra_known: Mapping[str, Any] | None = None) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for pattern, field, listed in _fields(document.shape):
        for path, value in values_at(data, pattern):
            if "x-rtcfg-deprecated" in field:
                found.append(diagnostic_at(document, "R016", field["x-rtcfg-deprecated"], path, at_key=True,
                                           hint=f"see {DEPRECATIONS_PAGE}"))
            if not isinstance(value, str) or not value:
                continue
            own = (extra_known or {}).get(field.get("x-rtcfg-open-set", {}).get("name"), ())
            if value in own:
                continue  # the project says it is right (an Azure deployment, a server's own voice)
            if "x-rtcfg-open-set" in field:
                found.extend(_open_value(field, listed, own, path, value, document))
            shutdown = _shutdown(field, listed, path, value, document)
            if shutdown:
                found.append(shutdown)
    return found


def _open_value(field: dict, listed: tuple[str, ...], own: tuple[str, ...], path: tuple, value: str,
                document: Document) -> list[Diagnostic]:
    mistake = field.get("x-rtcfg-value-mistakes", {}).get(value)
    if mistake:  # a value known to be wrong, with its own code (a text-to-speech voice)
        return [diagnostic_at(document, mistake["code"], mistake["message"], path, hint=f"known: {', '.join(listed)}")]
    if is_known(value, listed + own):
        return []
    open_set = field["x-rtcfg-open-set"]
    retiring = field.get("x-rtcfg-lifecycle", {})
    # on a tie the first wins: the project's own names, then current ones, then those retiring
    guess = suggest(value, [*own, *(n for n in listed if n not in retiring), *(n for n in listed if n in retiring)])
    if guess:
        hint = f"did you mean {guess!r}?"
    else:
        known = listed + own
        shown = ", ".join(known[:10]) + (f" (and {len(known) - 10} more)" if len(known) > 10 else "")
        hint = f"known: {shown}. For a name newer than rtcfg, or one your server adds, list it in " \
               f"`{open_set['name']} = [...]` under [tool.rtcfg]"
    return [diagnostic_at(document, open_set["code"], f"unknown {open_set['what']} {quoted(value)}", path, hint=hint)]


def _shutdown(field: dict, listed: tuple[str, ...], path: tuple, value: str, document: Document) -> Diagnostic | None:
    """R015 for a name with an announced shutdown; also for a snapshot no source lists of a name
    that has one (`gpt-4o-mini-transcribe-2025-03-20`): a listed snapshot has its own entry or none."""
    plans = field.get("x-rtcfg-lifecycle", {})
    base = DATED.sub("", value)
    if value in plans:
        plan, what = plans[value], repr(value)
    elif value not in listed and base in plans:
        plan, what = plans[base], f"{quoted(value)} (an unlisted snapshot of {base!r})"
    else:
        return None
    replacement = plan.get("replacement")
    instead = f"use {replacement!r} instead" if replacement else "move to a current model"
    hint = f"{instead}; OpenAI's deprecations page lists the recommended replacements: {DEPRECATIONS_PAGE}"
    days = (datetime.date.fromisoformat(plan["shutdown"]) - today()).days
    if days > 0:
        when = "in 1 day" if days == 1 else f"in {days} days"
        message = f"{what} is deprecated: OpenAI announced its shutdown for {plan['shutdown']} ({when})"
        return diagnostic_at(document, "R015", message, path, hint=hint)
    message = f"{what} was shut down on {plan['shutdown']}: the server no longer serves it"
    return diagnostic_at(document, "R015", message, path, hint=hint, severity="error")
