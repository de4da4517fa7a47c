"""Wire shapes. A target turns the canonical session (see normalize.py) into the
payload one kind of server accepts. Validation never depends on the target;
adding one means adding a module here and an entry in TARGETS."""

from __future__ import annotations

from typing import Callable

from . import beta

TARGETS: dict[str, Callable[[dict], dict]] = {
    "beta": beta.render,
}
DEFAULT_TARGET = "beta"


def render_session(canonical: dict, target: str = DEFAULT_TARGET) -> dict:
    try:
        renderer = TARGETS[target]
    except KeyError:
        raise ValueError(f"unknown target {target!r}; choose one of: {', '.join(TARGETS)}") from None
    return renderer(canonical)
