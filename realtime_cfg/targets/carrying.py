"""Which target can carry which field: read from the schema's annotations (the findings
they give are check/rules/targets.py's T001-T003).

- `x-rtcfg-targets: [ga]` on a field or union branch: only those targets know it.
  Sending it to another is an error (T001), unless the field is also marked
  `x-rtcfg-unsupported: drop`, in which case it is left out of that target's payload
  with a warning (T002; an error under --strict). Only temperature is marked so:
  GA has no temperature, and OpenAI's own converter drops it too.
- `x-rtcfg-value-unconfirmed: {marin: {targets: [beta], why: ...}}`: the sources disagree
  on whether those targets take the value, so sending it there is a warning (T003) that
  says why, not an error.
"""

from __future__ import annotations

from typing import Any, Iterator

from ..schema.views import Reaches, alternatives, branch_for, properties_of, session_properties


def _says_targets(schema: Any) -> bool:
    return any("x-rtcfg-targets" in branch or "x-rtcfg-value-unconfirmed" in branch
               for branch in alternatives(schema))


# whether the schema or anything below it says which targets have it: findings skips the rest
_marked = Reaches(_says_targets)


def findings(data: Any, schema: Any, target: str, path: tuple = ()) -> Iterator[tuple[tuple, dict, Any]]:
    """(path, schema branch, offending value or None) for each field or value `target` cannot
    carry, or (for a value marked unconfirmed there) may not carry: that branch then has
    `x-rtcfg-unconfirmed`, the reason. In document order."""
    stack = [(data, schema, path)] if _marked(schema) else []
    while stack:
        data, schema, path = stack.pop()
        branch = branch_for(schema, data)
        if branch is None:
            continue
        targets = branch.get("x-rtcfg-targets")
        if targets is not None and target not in targets:
            yield path, branch, None
            continue
        unconfirmed = branch.get("x-rtcfg-value-unconfirmed", {})
        if isinstance(data, str) and target in unconfirmed.get(data, {}).get("targets", ()):
            yield path, {**branch, "x-rtcfg-unconfirmed": unconfirmed[data]["why"]}, data
        if isinstance(data, dict):
            properties = properties_of(branch)
            below = [(value, properties[key], path + (key,)) for key, value in data.items()
                     if key in properties and _marked(properties[key])]
        elif isinstance(data, list) and "items" in branch and _marked(branch["items"]):
            below = [(value, branch["items"], path + (index,)) for index, value in enumerate(data)]
        else:
            continue
        stack.extend(reversed(below))  # the first is looked at first


def without_dropped(canonical: dict, target: str) -> dict:
    """The canonical session less the top-level fields `target` drops (see T002)."""
    properties = session_properties()
    return {
        key: value for key, value in canonical.items()
        if not (key in properties and properties[key].get("x-rtcfg-unsupported") == "drop"
                and target not in properties[key].get("x-rtcfg-targets", [target]))
    }
