"""Wire shapes. A target turns the canonical session (see normalization.py) into the
payload one kind of server accepts, and reads a session of its shape back into the
canonical form. Which fields and values a target can carry is written in the schema
(`x-rtcfg-targets`, `x-rtcfg-value-unconfirmed`) and checked by targets.carrying.

Adding a target means a module here with `location`, `renamed`, `render` and `read`, an entry
in TARGETS, and annotations in the schema."""

from __future__ import annotations

from types import ModuleType
from typing import Any

from . import beta
from . import ga

TARGETS: dict[str, ModuleType] = {"beta": beta, "ga": ga}
DISPLAY_NAMES = {"beta": "beta", "ga": "GA"}


def target_module(target: str) -> ModuleType:
    try:
        return TARGETS[target]
    except KeyError:
        raise ValueError(f"unknown target {target!r}; choose one of: {', '.join(TARGETS)}") from None


def setting(data: Any, shape: str, name: str) -> tuple[tuple, Any]:
    """(path, value) of a session field by its flat name, wherever a session of `shape` keeps
    it (`voice` is audio.output.voice in a GA file); value None when absent."""
    path = target_module(shape).location(name)
    node: Any = data
    for part in path:
        node = node.get(part) if isinstance(node, dict) else None
    return path, node


def render_session(canonical: dict, target: str) -> dict:
    """The target's session payload, keys in the order of that shape's schema.
    Fields the target cannot carry and drops (temperature for GA) are left out."""
    from .canonical import order_like
    from ..schema.views import SHAPE_SCHEMAS, load_schema
    from .carrying import without_dropped

    session = target_module(target).render(without_dropped(canonical, target))
    return order_like(session, load_schema(SHAPE_SCHEMAS[target]))


def read_session(session: dict, shape: str) -> dict:
    """The flat form of a session written in `shape`."""
    return target_module(shape).read(session)
