"""Starter configs for `rtcfg init`: presets shipped in realtime_cfg/presets/, in the flat
authoring format with comments; the GA shape is produced from them by migration."""

from __future__ import annotations

from importlib.resources import files

from .schema import GA_SCHEMA, SESSION_SCHEMA

PRESETS = ("voice-agent", "text", "telephony", "transcription")


def preset_text(preset: str) -> str:
    if preset not in PRESETS:
        raise ValueError(f"unknown preset {preset!r}; choose one of: {', '.join(PRESETS)}")
    return files("realtime_cfg").joinpath("presets", f"{preset}.yaml").read_text(encoding="utf-8")


def starter(preset: str, shape: str = "beta", schema_dir: str = ".") -> str:
    """The text of a new config: the yaml-language-server modeline, then the preset
    (for the GA shape, migrated; YAML comments do not survive that, so a header says what it is)."""
    schema = GA_SCHEMA if shape == "ga" else SESSION_SCHEMA
    modeline = f"# yaml-language-server: $schema={schema_dir.rstrip('/')}/{schema}\n"
    text = preset_text(preset)
    if shape != "ga":
        return modeline + text
    from .loader import parse
    from .migration import migrate
    from .normalization import normalize
    from .rendering import serialize

    session, _ = migrate(normalize(parse(text, f"{preset}.yaml").data), "beta", "ga")
    return (modeline + f"# rtcfg init --preset {preset}, in the GA shape (see `rtcfg init --preset {preset}` "
            "for the commented flat version).\n" + serialize(session, "yaml"))
