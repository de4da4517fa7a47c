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

from ...diagnostics import Diagnostic, Rule
from ...report.masking import quoted
from ...schema.views import load_schema
from ...source.document import MISSING, value_at
from ...targets import setting, target_module
from ..subject import Subject
from .open_sets import DATED

DELAY_NEEDS_REALTIME_WHISPER = Rule(
    "R017", "delay-needs-realtime-whisper", "warning",
    "A transcription delay with a model other than gpt-realtime-whisper (GA).",
    "OpenAI documents delay as supported only with gpt-realtime-whisper in GA sessions; with another model the "
    "setting does nothing at best.",
    "type: realtime\naudio:\n  input:\n    transcription:\n      model: gpt-transcribe\n      delay: low\n",
    "type: realtime\naudio:\n  input:\n    transcription:\n      model: gpt-realtime-whisper\n"
    "      delay: low\n")
PROMPT_NOT_WITH_REALTIME_WHISPER = Rule(
    "R018", "prompt-not-with-realtime-whisper", "warning",
    "A transcription prompt with gpt-realtime-whisper (GA).",
    "OpenAI documents that the prompt is not supported with gpt-realtime-whisper in GA sessions: the guidance "
    "the file gives would be lost.",
    "type: realtime\naudio:\n  input:\n    transcription:\n      model: gpt-realtime-whisper\n"
    "      prompt: Expect product names\n",
    "type: realtime\naudio:\n  input:\n    transcription:\n      model: gpt-transcribe\n"
    "      prompt: Expect product names\n")
LANGUAGES_NEED_GPT_TRANSCRIBE = Rule(
    "R019", "languages-need-gpt-transcribe", "warning",
    "Transcription languages or keywords with a model other than gpt-transcribe and gpt-live-transcribe.",
    "OpenAI documents languages and keywords as supported by gpt-transcribe and gpt-live-transcribe only; "
    "another model would not use them.",
    "type: realtime\naudio:\n  input:\n    transcription:\n      model: gpt-realtime-whisper\n"
    "      languages: [en, de]\n",
    "type: realtime\naudio:\n  input:\n    transcription:\n      model: gpt-transcribe\n"
    "      languages: [en, de]\n")
REALTIME_WHISPER_NEEDS_NO_VAD = Rule(
    "R020", "realtime-whisper-needs-no-vad", "error",
    "A gpt-realtime-whisper transcription session whose turn_detection is not set to null.",
    "OpenAI states that turn detection must be set to null for gpt-realtime-whisper transcription sessions: "
    "VAD is not supported with it. (A realtime session may use it as its transcription model with VAD on.)",
    "type: transcription\naudio:\n  input:\n    transcription:\n      model: gpt-realtime-whisper\n"
    "    turn_detection:\n      type: server_vad\n",
    "type: transcription\naudio:\n  input:\n    transcription:\n      model: gpt-realtime-whisper\n"
    "    turn_detection: null\n")

RULES = (DELAY_NEEDS_REALTIME_WHISPER, PROMPT_NOT_WITH_REALTIME_WHISPER, LANGUAGES_NEED_GPT_TRANSCRIBE, REALTIME_WHISPER_NEEDS_NO_VAD)


WHISPER = "gpt-realtime-whisper"

WITH_LANGUAGES = ("gpt-transcribe", "gpt-live-transcribe")


def _known_models() -> list[str]:
    return load_schema()["$defs"]["Transcription"]["properties"]["model"]["x-rtcfg-known-values"]


def check(subject: Subject) -> list[Diagnostic]:
    data, document = subject.data, subject.document
    scoped = target_module(subject.target).MODEL_SCOPED_TRANSCRIPTION  # R017 and R018 are said of one API
    where, transcription = setting(data, document.shape, "input_audio_transcription")
    if not isinstance(transcription, dict) or not isinstance(transcription.get("model"), str):
        return []
    model = DATED.sub("", transcription["model"])  # a dated snapshot supports what its model does
    if model not in _known_models():
        return []
    shown = transcription["model"]
    found = []
    if scoped and "delay" in transcription and model != WHISPER:
        found.append(DELAY_NEEDS_REALTIME_WHISPER.at(document, f"delay is only supported with {WHISPER}, not {quoted(shown)}",
                                   where + ("delay",), f"remove delay, or use model: {WHISPER}", at_key=True))
    if scoped and "prompt" in transcription and model == WHISPER:
        found.append(PROMPT_NOT_WITH_REALTIME_WHISPER.at(document, f"prompt is not supported with {WHISPER}",
                                   where + ("prompt",), "remove prompt, or choose another transcription model",
                                   at_key=True))
    for name in ("languages", "keywords"):
        if name in transcription and model not in WITH_LANGUAGES:
            found.append(LANGUAGES_NEED_GPT_TRANSCRIBE.at(document, f"{name} is supported by {' and '.join(WITH_LANGUAGES)}, "
                                       f"not {quoted(shown)}", where + (name,),
                                       f"use model: {WITH_LANGUAGES[0]}, or remove {name}"
                                       + (" (language takes one ISO-639-1 code)" if name == "languages" else ""),
                                       at_key=True))
    if document.session_type == "transcription" and model == WHISPER:
        vad_path, vad = setting(data, document.shape, "turn_detection")
        present = value_at(data, vad_path) is not MISSING
        if not present or vad is not None:
            found.append(REALTIME_WHISPER_NEEDS_NO_VAD.at(document, f"a {WHISPER} transcription session needs turn_detection "
                                       "set to null: VAD is not supported with it",
                                       vad_path if present else where + ("model",),
                                       "set audio.input.turn_detection: null", at_key=present))
    return found

