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

from typing import Any, Callable, Iterator

from ..schema.views import alternatives, branch_for, object_properties, session_properties


# The schemas never change, so what is worked out from a node is kept, keyed by its id, with
# the node itself (which keeps the id from being reused for another object).
_PROPERTIES: dict[int, tuple[Any, dict[str, Any]]] = {}


def properties_of(schema: Any) -> dict[str, Any]:
    """object_properties(schema), worked out once a node: walks over a config ask for it at
    every mapping, and object_properties builds a new dict each call. Callers must not change
    the result."""
    hit = _PROPERTIES.get(id(schema))
    if hit is None or hit[0] is not schema:
        hit = _PROPERTIES[id(schema)] = (schema, object_properties(schema))
    return hit[1]


def _below(schema: Any) -> list[Any]:
    """The schemas a value's members are checked against, whichever branch the value takes:
    each branch's properties and items."""
    below = []
    for branch in alternatives(schema):
        below.extend(properties_of(branch).values())
        if "items" in branch:
            below.append(branch["items"])
    return below


class Reaches:
    """`Reaches(test)(schema)`: whether the schema, or one reached from it through the
    properties and items of its branches, passes `test`. Walks over a config ask it to skip
    the values below which nothing can matter (most of a config), so it is asked for nearly
    every value: each node's answer is worked out once, and kept with the node."""

    def __init__(self, test: Callable[[Any], bool]) -> None:
        self.test = test
        self.answers: dict[int, tuple[Any, bool]] = {}

    def __call__(self, schema: Any) -> bool:
        hit = self.answers.get(id(schema))
        if hit is not None and hit[0] is schema:
            return hit[1]
        # every node reached from here whose answer is not known yet, found together: a schema
        # may refer to itself, so a node's answer is settled only when nothing below changes
        nodes, below, todo = {id(schema): schema}, {}, [schema]
        while todo:
            node = todo.pop()
            below[id(node)] = _below(node)
            for sub in below[id(node)]:
                if id(sub) not in nodes and not self._known(sub):
                    nodes[id(sub)] = sub
                    todo.append(sub)
        passes = {key: self.test(node) for key, node in nodes.items()}

        def answer(sub: Any) -> bool:
            return passes[id(sub)] if id(sub) in passes else self.answers[id(sub)][1]

        changed = True
        while changed:
            changed = False
            for key in nodes:
                if not passes[key] and any(answer(sub) for sub in below[key]):
                    passes[key] = changed = True
        for key, node in nodes.items():
            self.answers[key] = (node, passes[key])
        return passes[id(schema)]

    def _known(self, schema: Any) -> bool:
        hit = self.answers.get(id(schema))
        return hit is not None and hit[0] is schema


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
