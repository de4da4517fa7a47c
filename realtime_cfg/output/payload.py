"""The payload an application sends: the target's session, optionally wrapped in
the `session.update` client event, serialized as JSON or YAML (written by output/files.py)."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

MAX_EVENT_ID = 512  # GA caps event_id at 512 characters; beta states no cap, so the same bound is applied


def envelope(session: dict, event_id: str | None = None) -> dict:
    """Wrap a session payload as the `session.update` client event."""
    event: dict[str, Any] = {"type": "session.update"}
    if event_id is not None:
        if not event_id or len(event_id) > MAX_EVENT_ID:
            raise ValueError(f"event_id must be 1 to {MAX_EVENT_ID} characters")
        event["event_id"] = event_id
    event["session"] = session
    return event


_YAML_LINE_BREAKS = "\x85\u2028\u2029"


@lru_cache(maxsize=None)
def _yaml_dumper():
    import yaml

    class Dumper(yaml.SafeDumper):
        """Block style for multi-line strings, so instructions stay readable."""

    def represent_str(dumper, value: str):
        if any(ch in value for ch in _YAML_LINE_BREAKS):
            style = '"'  # YAML 1.1 reads these raw as line breaks; only double quotes escape them
        elif "\n" in value and not any(line != line.rstrip() for line in value.split("\n")):
            style = "|"
        else:
            style = None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    Dumper.add_representer(str, represent_str)
    return Dumper


def serialize(data: Any, fmt: str = "json") -> str:
    """Text of `data` in json (2-space indent) or yaml (block style, key order kept)."""
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    if fmt == "yaml":
        import yaml

        return yaml.dump(data, Dumper=_yaml_dumper(), sort_keys=False, allow_unicode=True,
                         default_flow_style=False, width=100)
    raise ValueError(f"unknown format {fmt!r}; choose json or yaml")
