"""Record: the base of rtcfg's plain value classes (a finding, a position, a document, the
settings...), with the little of dataclasses they use: equality and a repr by their fields,
and `replace` for a changed copy.

Why not dataclasses: importing it imports inspect (and with it ast, dis, tokenize,
linecache), and each @dataclass executes code it generates; together about 10 ms of every
`rtcfg validate` start, a fifth of what rtcfg adds to Python and libyaml
(docs/performance.md). A subclass names its fields in `_fields`, in its __init__'s order
(and, where it is made often, uses them as its `__slots__`).
"""

from __future__ import annotations

from typing import Any, TypeVar

R = TypeVar("R", bound="Record")


class Record:
    __slots__ = ()
    _fields: tuple[str, ...] = ()  # every field, each an __init__ parameter of that name
    _compared: tuple[str, ...] | None = None  # the fields equality looks at (None: all of them)
    _unshown: tuple[str, ...] = ()  # fields the repr leaves out (long texts, nested objects)

    def _values(self, names: tuple[str, ...]) -> tuple:
        return tuple(getattr(self, name) for name in names)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        names = self._fields if self._compared is None else self._compared
        return self._values(names) == other._values(names)  # type: ignore[attr-defined]

    __hash__ = None  # type: ignore[assignment]  # mutable, as a dataclass with eq

    def __repr__(self) -> str:
        names = [name for name in self._fields if name not in self._unshown]
        return f"{type(self).__name__}({', '.join(f'{name}={getattr(self, name)!r}' for name in names)})"


class FrozenRecord(Record):
    """A record treated as a constant (a rule, the settings): hashable by its fields. Nothing
    changes one once it is made (not enforced: a guard on every assignment would cost each
    one made)."""

    __slots__ = ()

    def __hash__(self) -> int:
        return hash(self._values(self._fields if self._compared is None else self._compared))


def replace(record: R, **changes: Any) -> R:
    """A copy of `record` with `changes`, made through its __init__ (as dataclasses.replace)."""
    unknown = set(changes) - set(record._fields)
    if unknown:
        raise TypeError(f"{type(record).__name__} has no field {', '.join(sorted(unknown))}")
    values = {name: getattr(record, name) for name in record._fields}
    values.update(changes)
    return type(record)(**values)
