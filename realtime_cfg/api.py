"""The library API: the same steps the CLI runs, for applications and scripts.

    import realtime_cfg
    event = realtime_cfg.load_session("agent.yaml", envelope=True)
    await connection.send(event)          # the exact payload `rtcfg render` prints

Every function raises instead of printing: LoadError when a file cannot be
read or parsed, ConfigError when a config has errors (both carry diagnostics).
"""

from __future__ import annotations

import os
from typing import Any, Mapping

from . import loader
from .diagnostics import ConfigError, Diagnostic
from .diffing import Change
from .diffing import diff as _diff
from .document import Document, Limits, LoadError
from .normalization import normalize as _normalize
from .rendering import payload
from .targets import DEFAULT_TARGET
from .validation import validate as _validate


def load(source: str | os.PathLike, *, limits: Limits | None = None) -> Document:
    """Read a YAML or JSON config file ("-" for stdin), keeping every value's position.

    Raises LoadError (with diagnostics) if it cannot be read or parsed."""
    return loader.load(source, limits)


def loads(text: str, *, name: str = "<string>", format: str = "yaml",
          limits: Limits | None = None) -> Document:
    """Parse config text ("yaml" or "json"). Raises LoadError."""
    return loader.parse(text, name, format, limits)


def check_file(source: str | os.PathLike, *, limits: Limits | None = None) -> tuple[Document | None, list[Diagnostic]]:
    """Load and validate one file without raising for anything the file holds.

    Returns (document, diagnostics); document is None when the file could not be
    read or parsed, and the diagnostics then say why."""
    try:
        document = loader.load(source, limits)
    except LoadError as exc:
        return None, exc.diagnostics
    return document, _validate(document)


def _as_document(config: Document | Mapping[str, Any]) -> Document:
    if isinstance(config, Document):
        return config
    return Document("<data>", dict(config))


def validate(config: Document | Mapping[str, Any]) -> list[Diagnostic]:
    """Every problem in a config (errors and warnings), sorted by position. Never raises for bad data."""
    return _validate(_as_document(config))


def normalize(config: Document | Mapping[str, Any]) -> dict:
    """Validate, then return the canonical form (see realtime_cfg.normalization).

    Raises ConfigError, carrying the errors, if the config has any."""
    document = _as_document(config)
    errors = [d for d in _validate(document) if d.severity == "error"]
    if errors:
        raise ConfigError(errors)
    return _normalize(document.data)


def render(config: Document | Mapping[str, Any], *, target: str = DEFAULT_TARGET,
           envelope: bool = False, event_id: str | None = None) -> dict:
    """The payload for `target`; with envelope (or an event_id), the whole
    `session.update` client event. Raises ConfigError if the config is invalid."""
    return payload(normalize(config), target, envelope, event_id)


def load_session(source: str | os.PathLike, *, target: str = DEFAULT_TARGET, envelope: bool = False,
                 event_id: str | None = None, limits: Limits | None = None) -> dict:
    """load + validate + normalize + render in one call: what an application sends."""
    return render(load(source, limits=limits), target=target, envelope=envelope, event_id=event_id)


def diff(old: Document | Mapping[str, Any], new: Document | Mapping[str, Any], *,
         target: str = DEFAULT_TARGET) -> list[Change]:
    """Differences between two configs after normalization, tools matched by name."""
    return _diff(render(old, target=target), render(new, target=target))
