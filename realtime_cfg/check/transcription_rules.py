"""What each transcription model supports, scoped exactly as OpenAI's sources state it.

Sources: openai-openapi @ f85dbe2 `AudioTranscription` and
`RealtimeTranscriptionSessionCreateRequestGA` (descriptions), openai 3.57.0
`types/realtime/audio_transcription_param.py` and
`realtime_transcription_session_audio_input_param.py`.

- R017 `delay` is "only supported with gpt-realtime-whisper in GA Realtime sessions".
- R018 `prompt` "is not supported with gpt-realtime-whisper in GA Realtime sessions".
- R019 `languages` and `keywords` are "supported by gpt-transcribe and gpt-live-transcribe".
- R020 "for gpt-realtime-whisper transcription sessions, turn detection must be set to null;
  VAD is not supported". A realtime session may use gpt-realtime-whisper as its input
  transcription model with VAD on (pipecat's default), so this is for transcription sessions only.

The first three are stated in prose only and the server may ignore rather than reject
the setting, so they are warnings; the fourth says "must" and is an error. A model name
rtcfg does not know (a newer one, an Azure deployment) gets none of them: what it
supports cannot be known.
"""

from __future__ import annotations

from typing import Any

from ..diagnostics import Diagnostic, diagnostic_at, quoted
from ..source.document import Document
from .field_values import DATED
from ..schema.views import load_schema
from ..targets import setting

WHISPER = "gpt-realtime-whisper"
WITH_LANGUAGES = ("gpt-transcribe", "gpt-live-transcribe")


def _known_models() -> list[str]:
    return load_schema()["$defs"]["Transcription"]["properties"]["model"]["x-rtcfg-known-values"]


def check(data: dict, document: Document, target: str) -> list[Diagnostic]:
    where, transcription = setting(data, document.shape, "input_audio_transcription")
    if not isinstance(transcription, dict) or not isinstance(transcription.get("model"), str):
        return []
    model = DATED.sub("", transcription["model"])  # a dated snapshot supports what its model does
    if model not in _known_models():
        return []
    shown = transcription["model"]
    found = []
    if target == "ga" and "delay" in transcription and model != WHISPER:
        found.append(diagnostic_at(document, "R017", f"delay is only supported with {WHISPER}, not {quoted(shown)}",
                                   where + ("delay",), f"remove delay, or use model: {WHISPER}", at_key=True))
    if target == "ga" and "prompt" in transcription and model == WHISPER:
        found.append(diagnostic_at(document, "R018", f"prompt is not supported with {WHISPER}",
                                   where + ("prompt",), "remove prompt, or choose another transcription model",
                                   at_key=True))
    for name in ("languages", "keywords"):
        if name in transcription and model not in WITH_LANGUAGES:
            found.append(diagnostic_at(document, "R019", f"{name} is supported by {' and '.join(WITH_LANGUAGES)}, "
                                       f"not {quoted(shown)}", where + (name,),
                                       f"use model: {WITH_LANGUAGES[0]}, or remove {name}"
                                       + (" (language takes one ISO-639-1 code)" if name == "languages" else ""),
                                       at_key=True))
    if document.session_type == "transcription" and model == WHISPER:
        vad_path, vad = setting(data, document.shape, "turn_detection")
        present = _has(data, vad_path)
        if not present or vad is not None:
            found.append(diagnostic_at(document, "R020", f"a {WHISPER} transcription session needs turn_detection "
                                       "set to null: VAD is not supported with it",
                                       vad_path if present else where + ("model",),
                                       "set audio.input.turn_detection: null", at_key=present))
    return found


def _has(data: Any, path: tuple) -> bool:
    """Whether `path` is written in `data` (a null counts)."""
    node = data
    for part in path:
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True
