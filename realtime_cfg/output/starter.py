"""Starter configs for `rtcfg init`: presets shipped in realtime_cfg/presets/, with comments.
Most are in the flat authoring format, and their GA shape is produced by migration; the
transcription preset is a GA transcription session, which has no flat form."""

from __future__ import annotations

from importlib.resources import files

from ..schema.views import SHAPE_SCHEMAS
from ..targets import display_name

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
    modeline, then the preset (migrated for another shape; YAML comments do not survive that,
    so a header says what it is). ValueError for a transcription preset asked for as flat."""
    from .. import pipeline
    from ..source.loader import parse
    from .payload import serialize

    text = preset_text(preset)
    document = parse(text, f"{preset}.yaml")
    shape = shape or document.shape
    modeline = f"# yaml-language-server: $schema={schema_dir.rstrip('/')}/{SHAPE_SCHEMAS[shape]}\n"
    if shape == document.shape:
        return modeline + text
    if document.session_type == "transcription":
        raise ValueError(f"the {preset} preset is a transcription session, which has no flat form; "
                         f"use --shape {document.shape}")
    checked = pipeline.check_document(document, pipeline.Options(target=shape))
    if not checked.ok:  # presets are tested valid for every shape: this is a bug, not a usage error
        raise RuntimeError(f"the {preset} preset has errors for {shape}: {checked.errors[0].message}")
    session, _ = pipeline.migrate(checked, shape)
    header = (f"# rtcfg init --preset {preset}, in the {display_name(shape)} shape (see `rtcfg init --preset "
              f"{preset}` for the commented flat version).\n")
    return modeline + header + serialize(session, "yaml")
