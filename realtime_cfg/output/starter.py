"""Starter configs for `rtcfg init`: presets shipped in realtime_cfg/presets/, with comments.
Most are in the flat authoring format, and their GA shape is produced by migration; the
transcription preset is a GA transcription session, which has no flat form."""

from __future__ import annotations

from importlib.resources import files

from ..schema.views import SHAPE_SCHEMAS
from ..targets import CANONICAL, display_name

PRESETS = ("voice-agent", "text", "telephony", "transcription")


def preset_text(preset: str) -> str:
    if preset not in PRESETS:
        raise ValueError(f"unknown preset {preset!r}; choose one of: {', '.join(PRESETS)}")
    return files("realtime_cfg").joinpath("presets", f"{preset}.yaml").read_text(encoding="utf-8")


def preset_shape(preset: str) -> str:
    """The shape a preset is written in: flat (beta) or ga."""
    from ..source.loader import parse
    from ..targets import shape_of

    return shape_of(parse(preset_text(preset), f"{preset}.yaml").data)


def starter(preset: str, shape: str | None = None, schema_dir: str = ".") -> str:
    """The text of a new config in `shape` (default: the preset's own): the yaml-language-server
    modeline, then the preset (migrated to GA for a flat preset; YAML comments do not survive
    that, so a header says what it is). ValueError for a GA-only preset asked for as beta."""
    own = preset_shape(preset)
    shape = shape or own
    schema = SHAPE_SCHEMAS[shape]
    modeline = f"# yaml-language-server: $schema={schema_dir.rstrip('/')}/{schema}\n"
    text = preset_text(preset)
    if shape == own:
        return modeline + text
    if own != CANONICAL:  # the one such preset is a transcription session, which has no flat form
        raise ValueError(f"the {preset} preset is a {display_name(own)}-only session (type: transcription) with no "
                         f"flat form; use --shape {own}")
    from .. import pipeline
    from ..source.loader import parse
    from .payload import serialize

    checked = pipeline.check_document(parse(text, f"{preset}.yaml"), pipeline.Options(target=shape))
    session, _ = pipeline.migrate(checked, shape)  # a preset is valid for every shape (tested)
    return (modeline + f"# rtcfg init --preset {preset}, in the {display_name(shape)} shape (see `rtcfg init --preset {preset}` "
            "for the commented flat version).\n" + serialize(session, "yaml"))
