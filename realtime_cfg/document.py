"""A loaded config: its data plus the source position of every value."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Position:
    """1-based line and column of a value, and of its key when it sits in a mapping.

    `raw` keeps the source text of an unquoted YAML scalar that was read as
    something other than a string (`no` -> false), so a diagnostic can say so.
    """

    line: int
    column: int
    key_line: int | None = None
    key_column: int | None = None
    raw: str | None = None


@dataclass
class Limits:
    """Bounds that keep hostile input cheap to refuse. All are documented in the README."""

    max_bytes: int = 1024 * 1024
    max_depth: int = 100
    max_nodes: int = 100_000  # values after YAML alias expansion


class LoadError(Exception):
    """The file could not be loaded; `diagnostics` says where and why."""

    def __init__(self, diagnostics: list) -> None:
        super().__init__(diagnostics[0].message if diagnostics else "cannot load")
        self.diagnostics = diagnostics


# Top-level keys that only a GA-shaped session has: a file with any of them is read as GA.
GA_MARKERS = ("type", "audio", "output_modalities")


def shape_of(data: Any) -> str:
    """"ga" for a GA-shaped session (`type`, `audio` or `output_modalities` at the top),
    else "beta": rtcfg's flat authoring format."""
    return "ga" if isinstance(data, dict) and any(key in data for key in GA_MARKERS) else "beta"


@dataclass
class Document:
    name: str
    data: Any
    positions: dict[tuple, Position] = field(default_factory=dict)
    text: str = ""
    format: str = "yaml"

    @property
    def shape(self) -> str:
        return shape_of(self.data)

    def locate(self, path: tuple, at_key: bool = False) -> tuple[int | None, int | None, str | None]:
        """(line, column, raw) of the value at `path`, or of its nearest located ancestor.

        With at_key, the key's position (for unknown or conflicting keys)."""
        probe = tuple(path)
        while True:
            position = self.positions.get(probe)
            if position is not None:
                if at_key and position.key_line is not None and probe == tuple(path):
                    return position.key_line, position.key_column, None
                raw = position.raw if probe == tuple(path) else None
                return position.line, position.column, raw
            if not probe:
                return None, None, None
            probe = probe[:-1]
