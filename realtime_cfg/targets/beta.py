"""The beta Realtime shape (`OpenAI-Beta: realtime=v1`): flat session fields.

The canonical form already is this shape with beta wire names, so the payload
is a copy of it. Servers that still speak beta: Azure OpenAI's beta endpoint and
compatible servers or proxies; OpenAI's own endpoint now wants the GA shape."""

from __future__ import annotations

import copy


def location(name: str) -> tuple[str, ...]:
    return (name,)


def render(canonical: dict) -> dict:
    return copy.deepcopy(canonical)


def read(session: dict) -> dict:
    return session
