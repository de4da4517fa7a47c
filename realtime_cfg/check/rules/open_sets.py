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
import json
import os
import re
from functools import lru_cache
from typing import Any, Mapping

from ...diagnostics import Diagnostic, Rule, same_spelling, suggest
from ...fixing.edits import replace_value
from ...report.masking import quoted
from ...schema.views import items_schema, load_schema, object_properties, resolve_local
from ...source.document import Document
from ...targets import CANONICAL, target_module
from ..subject import Subject

UNKNOWN_MODEL = Rule(
    "R005", "unknown-model", "warning", "A model name that is not one of the Realtime models rtcfg knows.",
    "A typo in the model name fails only when the socket opens. The API takes any name and new models appear "
    "often, so this is a warning with the nearest known name. On Azure `model` is a deployment name: list "
    "yours in `models = [...]` under [tool.rtcfg].",
    "model: gpt-realtime-2-mini\n", "model: gpt-realtime-2.1-mini\n", fixes=("safe", "unsafe"))
TTS_ONLY_VOICE = Rule(
    "R006", "tts-only-voice", "error",
    "A text-to-speech voice of the audio.speech API (fable, onyx, nova), which Realtime does not have.",
    "Older SDK versions listed these voices, so they look valid in an editor, but no Realtime server "
    "accepts them.",
    "voice: nova\n", "voice: coral\n")
UNKNOWN_VOICE = Rule(
    "R013", "unknown-voice", "warning", "A voice name that is not one of the built-in Realtime voices.",
    "The API takes any voice name, so this is a warning; a misspelt voice fails only when the session starts. "
    "A custom voice is written `{id: voice_...}`; a server's own voice names go in `voices = [...]` under "
    "[tool.rtcfg].",
    "voice: shimer\n", "voice: shimmer\n", fixes=("safe", "unsafe"))
UNKNOWN_TRANSCRIPTION_MODEL = Rule(
    "R014", "unknown-transcription-model", "warning",
    "A transcription model that is not one of those rtcfg knows.",
    "The API takes any transcription model name, so this is a warning with the nearest known name; a typo "
    "would otherwise only show as transcripts that never arrive. Your own names go in "
    "`transcription-models = [...]` under [tool.rtcfg].",
    "input_audio_transcription:\n  model: gpt-4o-transcriber\n",
    "input_audio_transcription:\n  model: gpt-transcribe\n", fixes=("safe", "unsafe"))
MODEL_SHUTDOWN = Rule(
    "R015", "model-shutdown", "warning",
    "A model or transcription model with a shutdown date announced by OpenAI; after that date, an error.",
    "The session stops working on the day the model is shut down. The warning names the date early enough "
    "to move; from the date on the finding is an error, since the server no longer serves the model. "
    "Today is the machine's date; RTCFG_TODAY=YYYY-MM-DD checks a config against another day.",
    "model: gpt-realtime-mini\n", "model: gpt-realtime-2.1-mini\n")
DEPRECATED_FIELD = Rule(
    "R016", "deprecated-field", "warning", "A field OpenAI has deprecated (an MCP tool's connector_id).",
    "A deprecated field stops working for newer models; the message says what to use instead.",
    "type: realtime\ntools:\n  - type: mcp\n    server_label: mail\n    connector_id: connector_gmail\n",
    "type: realtime\ntools:\n  - type: mcp\n    server_label: mail\n    server_url: https://mcp.example.com/mcp\n")

RULES = (UNKNOWN_MODEL, TTS_ONLY_VOICE, UNKNOWN_VOICE, UNKNOWN_TRANSCRIPTION_MODEL, MODEL_SHUTDOWN, DEPRECATED_FIELD)
_BY_CODE = {rule.code: rule for rule in RULES}  # the codes the schema names

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
    return tuple(field["x-rtcfg-open-set"]["name"] for _, field, _ in _fields(CANONICAL) if "x-rtcfg-open-set" in field)


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


def check(subject: Subject) -> list[Diagnostic]:
    data, document, extra_known = subject.data, subject.document, subject.known
    found: list[Diagnostic] = []
    for pattern, field, listed in _fields(document.shape):
        for path, value in values_at(data, pattern):
            if "x-rtcfg-deprecated" in field:
                found.append(DEPRECATED_FIELD.at(document, field["x-rtcfg-deprecated"], path, at_key=True,
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
        return [_BY_CODE[mistake["code"]].at(document, mistake["message"], path, hint=f"known: {', '.join(listed)}")]
    if is_known(value, listed + own):
        return []
    open_set = field["x-rtcfg-open-set"]
    retiring = field.get("x-rtcfg-lifecycle", {})
    # on a tie the first wins: the project's own names, then current ones, then those retiring
    guess = suggest(value, [*own, *(n for n in listed if n not in retiring), *(n for n in listed if n in retiring)])
    fix = None
    if guess:
        hint = f"did you mean {guess!r}?"
        # `Marin` can only mean marin; `gpt-realtme` is most likely gpt-realtime, but a guess
        fix = replace_value(document, path, guess, "safe" if same_spelling(value, guess) else "unsafe",
                            f"write {json.dumps(guess)}")
    else:
        known = listed + own
        shown = ", ".join(known[:10]) + (f" (and {len(known) - 10} more)" if len(known) > 10 else "")
        hint = f"known: {shown}. For a name newer than rtcfg, or one your server adds, list it in " \
               f"`{open_set['name']} = [...]` under [tool.rtcfg]"
    return [_BY_CODE[open_set["code"]].at(document, f"unknown {open_set['what']} {quoted(value)}", path, hint=hint,
                                          fix=fix)]


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
        return MODEL_SHUTDOWN.at(document, message, path, hint=hint)
    message = f"{what} was shut down on {plan['shutdown']}: the server no longer serves it"
    return MODEL_SHUTDOWN.at(document, message, path, hint=hint, severity="error")
