"""The beta Realtime shape (`OpenAI-Beta: realtime=v1`): flat session fields.

The canonical form already is this shape with beta wire names, so the payload
is a copy of it. Servers that still speak beta: Azure OpenAI's beta endpoint and
compatible servers or proxies; OpenAI's own endpoint now wants the GA shape."""

from __future__ import annotations

import copy

from typing import Any

from .ga import LOCATIONS

NAME = "beta"
DISPLAY = "beta"
SCHEMA = "session.schema.json"  # the authoring format: the flat beta shape plus GA-only settings
NAMES_FUNCTION_BY_STRING = True  # `tool_choice: lookup` forces the function lookup
MODEL_SCOPED_TRANSCRIPTION = False
# what a WebSocket that speaks this shape needs on OpenAI's endpoint (Azure's preview endpoint needs none)
WEBSOCKET_HEADERS = {"OpenAI-Beta": "realtime=v1"}


def recognizes(data: Any) -> bool:
    return False  # the canonical shape: whatever no other target recognizes


def session_type(data: Any) -> str:
    return "realtime"  # a transcription session has no flat form


def flat_path(path: tuple) -> tuple:
    return tuple(path)


def location(name: str) -> tuple[str, ...]:
    return (name,)


def renamed(key: str, parent: tuple) -> str | None:
    """The flat name of `key` written at the top of a flat file, when `key` is the GA name
    of a flat field (`transcription` is `input_audio_transcription`); None if none or several."""
    if parent:
        return None
    names = [name for name, location in LOCATIONS.items() if location[-1] == key and len(location) > 1]
    return names[0] if len(names) == 1 else None


def render(canonical: dict) -> dict:
    return copy.deepcopy(canonical)


def read(session: dict) -> dict:
    return session


def format_spelling(name: str) -> str | None:
    return None  # formats are written by name, as in the canonical form
