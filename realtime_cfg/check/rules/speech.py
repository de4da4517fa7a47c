"""R007, R010, R011: settings of a speech-to-speech session that contradict each other or do nothing."""

from __future__ import annotations

from ...diagnostics import Diagnostic, Rule, format_path
from ...source.document import Document
from ...targets import setting
from ..subject import Subject

AUDIO_OUTPUT_UNUSED = Rule(
    "R007", "audio-output-unused", "warning",
    "A voice or output audio format is set while the model answers in text only.",
    "With text-only output the audio settings do nothing; either audio output was meant, or the "
    "settings are stale and mislead the next reader.",
    "modalities: [text]\nvoice: ash\n", "modalities: [text, audio]\nvoice: ash\n")
HALF_TURN_TAKING = Rule(
    "R010", "half-turn-taking", "warning",
    "turn_detection has create_response false and interrupt_response true.",
    "The user can interrupt the assistant but speaking never starts a new response: turn taking is half "
    "off, which is rarely what was meant.",
    "turn_detection:\n  create_response: false\n  interrupt_response: true\n",
    "turn_detection:\n  create_response: false\n  interrupt_response: false\n")
EMPTY_INSTRUCTIONS = Rule(
    "R011", "empty-instructions", "warning", "instructions is empty or only white space.",
    "An empty string clears the server's default instructions: the agent runs with no system prompt at all.",
    "instructions: ''\n", "instructions: You are a helpful support agent.\n")

RULES = (AUDIO_OUTPUT_UNUSED, HALF_TURN_TAKING, EMPTY_INSTRUCTIONS)


def check(subject: Subject) -> list[Diagnostic]:
    """Reviews of a speech-to-speech session's settings (a transcription session has none of them)."""
    if subject.document.session_type != "realtime":
        return []
    found: list[Diagnostic] = []
    for review in (_audio_output_unused, _half_turn_taking, _empty_instructions):
        found.extend(review(subject.data, subject.document))
    return found


def _audio_output_unused(data: dict, document: Document) -> list[Diagnostic]:
    modalities_path, modalities = setting(data, document.shape, "modalities")
    if modalities != ["text"]:
        return []
    found = []
    for name in ("voice", "output_audio_format", "speed"):
        path, value = setting(data, document.shape, name)
        if value is not None:
            found.append(AUDIO_OUTPUT_UNUSED.at(document, f"{format_path(path)} is set, but "
                                       f"{format_path(modalities_path)} is [text]: the model answers in text only",
                                       path, f"remove {format_path(path)}, or add audio to "
                                       f"{format_path(modalities_path)}"))
    return found


def _half_turn_taking(data: dict, document: Document) -> list[Diagnostic]:
    path, vad = setting(data, document.shape, "turn_detection")
    if isinstance(vad, dict) and vad.get("create_response") is False and vad.get("interrupt_response") is True:
        return [HALF_TURN_TAKING.at(document, "create_response is false but interrupt_response is true: the user "
                              "can interrupt, but speaking never starts a response", path + ("interrupt_response",),
                              "set both to the same value, unless the application creates every response itself")]
    return []


def _empty_instructions(data: dict, document: Document) -> list[Diagnostic]:
    path, instructions = setting(data, document.shape, "instructions")
    if isinstance(instructions, str) and not instructions.strip():
        return [EMPTY_INSTRUCTIONS.at(document, "instructions is empty: the agent runs without a system prompt", path,
                              "write the instructions, or leave the key out to keep the server's default")]
    return []
