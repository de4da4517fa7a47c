"""The GA Realtime shape (no beta header): `type: "realtime"`, audio settings nested
under `audio.input` / `audio.output`, formats as objects, `output_modalities`,
`max_output_tokens`. OpenAI's own endpoint accepts only this shape.

`render` turns the canonical (flat) session into a GA session and `read` turns a
GA session back into the flat form, following shared/reference section 4. Fields
GA cannot carry (temperature) are removed before `render` is called, with a
warning (see targets/carrying.py and check/rules/targets.py), so nothing is dropped here.

A GA session is `type: realtime` (speech to speech) or `type: transcription`
(transcription only). The flat form has no `type`: a realtime session is implied, and a
transcription session keeps `type: transcription` in it so that rendering can write it back.
"""

from __future__ import annotations

from typing import Any

# Where a flat field lives in a GA session; fields not listed keep their name.
LOCATIONS: dict[str, tuple[str, ...]] = {
    "modalities": ("output_modalities",),
    "voice": ("audio", "output", "voice"),
    "input_audio_format": ("audio", "input", "format"),
    "output_audio_format": ("audio", "output", "format"),
    "input_audio_transcription": ("audio", "input", "transcription"),
    "turn_detection": ("audio", "input", "turn_detection"),
    "input_audio_noise_reduction": ("audio", "input", "noise_reduction"),
    "speed": ("audio", "output", "speed"),
    "max_response_output_tokens": ("max_output_tokens",),
}
_FLAT_NAME = {path: name for name, path in LOCATIONS.items()}

FORMATS: dict[str, dict] = {
    "pcm16": {"type": "audio/pcm", "rate": 24000},
    "g711_ulaw": {"type": "audio/pcmu"},
    "g711_alaw": {"type": "audio/pcma"},
}
_FORMAT_NAME = {value["type"]: name for name, value in FORMATS.items()}
_TOOL_CHOICE_KEYWORDS = ("auto", "none", "required")

NAME = "ga"
DISPLAY = "GA"
SCHEMA = "session-ga.schema.json"  # GA-shaped files; it refers to the flat schema's definitions
NAMES_FUNCTION_BY_STRING = False  # a function is forced with {type: function, name}
# openai-openapi: delay "only supported with gpt-realtime-whisper in GA Realtime sessions";
# prompt "not supported with gpt-realtime-whisper in GA Realtime sessions" (R017, R018)
MODEL_SCOPED_TRANSCRIPTION = True
WEBSOCKET_HEADERS: dict[str, str] = {}  # the GA endpoint takes no header of its own
# Top-level keys that only a GA-shaped session has: a file with any of them is read as GA.
MARKERS = ("type", "audio", "output_modalities")


def recognizes(data: Any) -> bool:
    return isinstance(data, dict) and any(key in data for key in MARKERS)


def session_type(data: Any) -> str:
    return "transcription" if isinstance(data, dict) and data.get("type") == "transcription" else "realtime"


def flat_path(path: tuple) -> tuple | None:
    """The flat path a GA path holds: audio.output.voice is voice, audio.input.format.rate is
    input_audio_format.rate; None for the empty path."""
    best = None
    for name in (*LOCATIONS, path[0] if path else None):
        if name is None:
            continue
        where = location(name)
        if tuple(path[:len(where)]) == where and (best is None or len(where) > len(best[1])):
            best = (name, where)
    if best is None:
        return None
    name, where = best
    return (name,) + tuple(path[len(where):])


def location(name: str) -> tuple[str, ...]:
    return LOCATIONS.get(name, (name,))


def renamed(key: str, parent: tuple) -> str | None:
    """The GA name of `key` written under `parent`, when `key` is the flat name of a field
    that lives there (`input_audio_transcription` under audio.input is `transcription`)."""
    location = LOCATIONS.get(key)
    return location[-1] if location and location[:-1] == tuple(parent) else None


def _to_ga(name: str, value: Any) -> Any:
    if name in ("input_audio_format", "output_audio_format"):
        return dict(FORMATS[value])
    if name == "modalities":  # GA allows one: audio (which carries a transcript) or text
        return ["audio"] if "audio" in value else ["text"]
    if name == "tool_choice" and isinstance(value, str) and value not in _TOOL_CHOICE_KEYWORDS:
        return {"type": "function", "name": value}
    return value


def _from_ga(name: str, value: Any) -> Any:
    if name in ("input_audio_format", "output_audio_format"):
        return _FORMAT_NAME[value["type"]]
    if name == "modalities":
        return ["text", "audio"] if value == ["audio"] else ["text"]
    if name == "tool_choice" and isinstance(value, dict) and value.get("type") == "function":
        return value["name"]
    return value


def render(canonical: dict) -> dict:
    """The GA session for a canonical flat session (key order: see targets/canonical.py)."""
    session: dict[str, Any] = {"type": canonical.get("type", "realtime")}
    for name, value in canonical.items():
        if name == "type":
            continue
        *parents, leaf = location(name)
        node = session
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = _to_ga(name, value)
    return session


def read(session: dict) -> dict:
    """The flat form of a valid GA session: the inverse of `render`."""
    flat: dict[str, Any] = {}
    for key, value in session.items():
        if key == "type":
            if value != "realtime":  # the flat form implies realtime
                flat[key] = value
            continue
        if key == "audio":
            for direction, settings in value.items():
                for leaf, item in settings.items():
                    name = _FLAT_NAME[("audio", direction, leaf)]
                    flat[name] = _from_ga(name, item)
            continue
        name = _FLAT_NAME.get((key,), key)
        flat[name] = _from_ga(name, value)
    return flat


def format_spelling(name: str) -> dict | None:
    """How this shape writes the flat audio format `name` (pcm16 is {type: audio/pcm, rate: 24000})."""
    spelled = FORMATS.get(name)
    return dict(spelled) if spelled else None
