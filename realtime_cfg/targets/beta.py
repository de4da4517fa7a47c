"""The beta Realtime shape (`OpenAI-Beta: realtime=v1`): flat session fields.

The canonical form already is this shape with beta wire names, so the payload
is a copy of it. Servers that still speak beta: Azure OpenAI's beta endpoint and
compatible servers or proxies; OpenAI's own endpoint now wants the GA shape."""

from __future__ import annotations

import copy

from .ga import LOCATIONS


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
