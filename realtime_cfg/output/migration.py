"""Moving a config from one shape to the other (flat/beta <-> GA): the new session
and a report of every field that moved, changed spelling, was added or was lost."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Literal

from ..diagnostics import format_path
from ..source.document import MISSING, value_at
from ..schema.engine import json_equal
from ..schema.views import SHAPE_SCHEMAS
from ..targets import display_name, target_module
from ..targets.canonical import render_session

Kind = Literal["added", "moved", "converted", "dropped"]


@dataclass(frozen=True)
class MigrationNote:
    """One line of the report. `source` is the field's path in the input's shape,
    `destination` in the output's (None when it was not carried over)."""

    kind: Kind
    source: str | None
    destination: str | None
    old: Any = None
    new: Any = None
    reason: str | None = None

    def __str__(self) -> str:
        def show(value: Any) -> str:
            return json.dumps(value, ensure_ascii=False)

        if self.kind == "added":
            return f"+ {self.destination}: {show(self.new)}"
        if self.kind == "dropped":
            return f"- {self.source}: {show(self.old)} (not carried over: {self.reason})"
        text = f"~ {self.source} -> {self.destination}" if self.source != self.destination else f"~ {self.source}"
        return text + (f": {show(self.old)} -> {show(self.new)}" if self.kind == "converted" else "")


def migrate(canonical: dict, source_shape: str, to: str) -> tuple[dict, list[MigrationNote]]:
    """The session in shape `to`, and what happened to each field of the `source_shape` file."""
    before = render_session(canonical, source_shape)
    after = render_session(canonical, to)
    notes: list[MigrationNote] = []
    carried = {target_module(to).location(name)[0] for name in canonical}
    for key in after:
        if key not in carried:  # `type: realtime`, which GA requires
            notes.append(MigrationNote("added", None, key, new=after[key]))
    for name in canonical:
        source = target_module(source_shape).location(name)
        destination = target_module(to).location(name)
        old, new = value_at(before, source), value_at(after, destination)
        if new is MISSING:
            notes.append(MigrationNote("dropped", format_path(source), None, old=old,
                                       reason=f"the {display_name(to)} API has no {name}"))
        elif not json_equal(old, new):
            notes.append(MigrationNote("converted", format_path(source), format_path(destination), old, new))
        elif source != destination:
            notes.append(MigrationNote("moved", format_path(source), format_path(destination)))
    return after, notes


_MODELINE = re.compile(r"#\s*yaml-language-server:\s*\$schema=\S+")


def modeline(text: str, to: str) -> str:
    """The input's yaml-language-server modeline (a comment line before the first key),
    pointed at the schema of shape `to`; "" if it has none."""
    for line in text.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            break
        if _MODELINE.match(stripped):
            names = "|".join(re.escape(name) for name in sorted(SHAPE_SCHEMAS.values(), key=len, reverse=True))
            schema = re.sub(names, SHAPE_SCHEMAS[to], stripped)
            return schema + "\n"
    return ""
