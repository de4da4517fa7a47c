"""Property tests of the autofix engine (`realtime_cfg.fix`, `rtcfg validate --fix --unsafe-fixes`).

For generated valid configs (flat, GA realtime and GA transcription shapes) with injected fixable
mistakes (enum values re-cased or with `-` for `_`, re-cased voices, YAML's unquoted `no`, numbers
written as strings, lenient token limits, whole floats in integer fields, misspelled keys and
models, the other shape's names, `temperature` in a GA file) and a few unfixable ones, written out
in varied styles (block YAML with 2 or 4 spaces, indentless sequences, comments, flow collections
on one line or several, literal block scalars, every quoting style, unneeded escapes, anchors and
aliases, LF, CRLF or CR line breaks, a UTF-8 byte order mark; JSON pretty and compact), fixing
with unsafe fixes:

- never produces text that fails to load;
- never adds a finding: compared by (code, file, path) as a multiset, nothing is there after that
  was not there (as often) before;
- is idempotent: fixing the fixed text again applies nothing and changes nothing;
- leaves unfixable mistakes (out-of-range values, unknown keys with no close name) alone: their
  finding is still there and their text is unchanged;
- keeps the file's line breaks and its comments (a comment after a value keeps its column).

A few examples go through the CLI on files, which must then hold exactly the bytes the library
returned (with the byte order mark, the encoding and CRLF line breaks kept), as fix(write=True)
writes them.

Bugs found are kept at the end of the file as regression tests, all fixed since: a fix blamed
for a finding another one brings to light; text with a BOM read in another format than its edits
were checked in; a comment's comma taken for a separator; CR line breaks. Runs with
`--hypothesis-seed=N` are reproducible: the example database is off.
"""

from __future__ import annotations

import json
import math
import re
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, given, note, settings
from hypothesis import strategies as st

import realtime_cfg
from realtime_cfg.targets import CANONICAL, COMMON
from realtime_cfg.targets.canonical import normalize, render_session

from conftest import GOOD_SAMPLES, ROOT, run_cli
from strategies import (BETA_MODELS, BETA_VOICES, GA_MODELS, VOICES, configs, ga_configs,
                        ga_transcription_sessions)

# Hypothesis settings: no example database (a run is reproducible from its seed alone), no
# deadline (a slow machine is not a failure), and generation that may be slowish.
FIX = settings(max_examples=150, deadline=None, database=None,
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                      HealthCheck.filter_too_much])
CLI = settings(FIX, max_examples=6)

BOM = "\ufeff"
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


# -- the keys the schemas know (a misspelled key must not be another known key) ---------------

def _schema_keys() -> frozenset[str]:
    keys: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "properties" and isinstance(value, dict):
                    keys.update(value)
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for name in ("session.schema.json", "session-ga.schema.json"):
        walk(json.loads((ROOT / "schemas" / name).read_text(encoding="utf-8")))
    return frozenset(keys)


KNOWN_KEYS = _schema_keys()
UNKNOWN_KEYS = ["zqxj_flag", "zz_private_setting", "qqq"]  # no known key is near them


# -- the model of a config to write ----------------------------------------------------------

@dataclass(frozen=True)
class Raw:
    """A scalar written exactly so in YAML (`no`, `.inf`); `json` is how JSON writes it (None:
    JSON cannot say it, so the mistake is YAML's own)."""

    yaml: str
    json: str | None = None


@dataclass
class Mistake:
    kind: str
    path: tuple
    fixable: bool  # it has a fix (safe or unsafe) when nothing else is wrong beside it
    watch: bool = False  # unfixable: its finding stays, its text is left alone


@dataclass
class Case:
    """A config text to fix, and what was put into it."""

    text: str  # as given to the library (a BOM included)
    fmt: str  # "yaml" or "json"
    shape: str = "?"
    mistakes: list = field(default_factory=list)
    snippets: dict = field(default_factory=dict)  # watched path -> its `key: value` text as written
    comments: list = field(default_factory=list)  # (path of the entry it follows, or None; text) of each comment
    newline: str = "\n"  # the line break the text is written with
    bom: bool = False


def _get(data: Any, path: tuple, default: Any = None) -> Any:
    for part in path:
        if isinstance(data, dict) and isinstance(part, str) and part in data:
            data = data[part]
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
        else:
            return default
    return data


def _container(data: dict, path: tuple) -> dict:
    """The mapping at `path`, made (in place of a missing value, or null) where there is none."""
    for part in path:
        if isinstance(data, list):  # an item that is there (tools[0])
            data = data[part]
            continue
        if not isinstance(data.get(part), (dict, list)):
            data[part] = {}
        data = data[part]
    return data


def _rename(mapping: dict, old: str, new: str) -> None:
    """Rename a key keeping the order of the entries."""
    items = [(new if k == old else k, v) for k, v in mapping.items()]
    mapping.clear()
    mapping.update(items)


# -- valid base configs ------------------------------------------------------------------------

_BUILT_FROM_PARTS = re.compile(r"\$\{|\$\$|\$file")  # what the builder reads as a reference


def _no_templates(data: Any) -> bool:
    """No string that the builder would read as ${VAR} (generated text could hold one)."""
    if isinstance(data, dict):
        return all(_no_templates(k) and _no_templates(v) for k, v in data.items())
    if isinstance(data, list):
        return all(_no_templates(v) for v in data)
    return not (isinstance(data, str) and _BUILT_FROM_PARTS.search(data))


def _ga_realtime(config: dict) -> dict:
    """A GA-shaped realtime session: a generated flat config rendered for GA."""
    return render_session(normalize(config, CANONICAL), COMMON)


def _samples() -> list[dict]:
    found = []
    for path in GOOD_SAMPLES:
        with open(path, encoding="utf-8") as stream:
            found.append(yaml.load(stream, Loader=_Loader))
    return found


SAMPLES = _samples()

base_configs = st.one_of(
    configs(),
    ga_configs().map(_ga_realtime),
    ga_transcription_sessions(),
    st.sampled_from(SAMPLES),
).map(lambda data: json.loads(json.dumps(data))).filter(_no_templates)  # a deep copy (inf stays inf)


def _shape(config: dict) -> str:
    kind = config.get("type")
    return {"realtime": "ga", "transcription": "transcription"}.get(kind, "flat")


# -- mistakes ----------------------------------------------------------------------------------

def _respellings(word: str) -> list[str]:
    """Spellings of `word` that differ only in case, `-` for `_` and spaces: what rtcfg can only
    read as `word` (a safe fix)."""
    forms = [word.upper(), word.title(), word[:1].upper() + word[1:], word.replace("_", "-"),
             word.replace("_", "-").upper(), word.replace("_", " "), word.swapcase()]
    return sorted({f for f in forms if f != word})


def _misspellings(word: str) -> list[str]:
    """One letter dropped, or two neighbours swapped."""
    found = set()
    for i in range(len(word)):
        if len(word) > 4 and i > 0:
            found.add(word[:i] + word[i + 1:])
        if i + 1 < len(word) and word[i] != word[i + 1] and i > 0:
            found.add(word[:i] + word[i + 1] + word[i] + word[i + 2:])
    return sorted(found - {word})


YAML_BOOLEANS = ["no", "No", "NO", "yes", "Yes", "on", "ON", "off", "y", "n"]

# where each shape keeps the settings the mistakes go to
PLACES = {
    "flat": {"input_format": ("input_audio_format",), "output_format": ("output_audio_format",),
             "voice": ("voice",), "vad": ("turn_detection",), "transcription": ("input_audio_transcription",),
             "noise": ("input_audio_noise_reduction",), "tokens": ("max_response_output_tokens",),
             "speed": ("speed",), "modalities": ("modalities",)},
    "ga": {"input_format": ("audio", "input", "format"), "output_format": ("audio", "output", "format"),
           "voice": ("audio", "output", "voice"), "vad": ("audio", "input", "turn_detection"),
           "transcription": ("audio", "input", "transcription"), "noise": ("audio", "input", "noise_reduction"),
           "tokens": ("max_output_tokens",), "speed": ("audio", "output", "speed"),
           "modalities": ("output_modalities",)},
    "transcription": {"input_format": ("audio", "input", "format"), "vad": ("audio", "input", "turn_detection"),
                      "transcription": ("audio", "input", "transcription"),
                      "noise": ("audio", "input", "noise_reduction")},
}

# the mappings whose keys are schema keys (a misspelled one is a mistake, not a name of the user's)
KEYED = {
    "flat": [(), ("turn_detection",), ("input_audio_transcription",), ("input_audio_noise_reduction",),
             ("tracing",)],
    "ga": [(), ("audio",), ("audio", "input"), ("audio", "output"), ("audio", "input", "turn_detection"),
           ("audio", "input", "transcription"), ("audio", "input", "noise_reduction"), ("audio", "input", "format"),
           ("audio", "output", "format"), ("truncation",), ("reasoning",), ("prompt",), ("tracing",)],
    "transcription": [(), ("audio",), ("audio", "input"), ("audio", "input", "turn_detection"),
                      ("audio", "input", "transcription"), ("audio", "input", "noise_reduction")],
}


class Injector:
    """Puts mistakes into a config, each at a path no other mistake touched (but a misspelled key
    may have mistakes below it, or in its own value: fixing the key brings them to light)."""

    def __init__(self, draw, config: dict, shape: str, fmt: str) -> None:
        self.draw, self.config, self.shape, self.fmt = draw, config, shape, fmt
        self.places = PLACES[shape]
        self.used: set[tuple] = set()
        self.renamed: set[tuple] = set()
        self.mistakes: list[Mistake] = []

    def free(self, path: tuple) -> bool:
        return not any(path[:len(u)] == u or u[:len(path)] == path for u in self.used)

    def put(self, path: tuple, value: Any, kind: str, fixable: bool, watch: bool = False) -> bool:
        if not self.free(path) or (isinstance(value, Raw) and value.json is None and self.fmt == "json"):
            return False
        mapping = _container(self.config, path[:-1])
        new = path[-1] not in mapping
        mapping[path[-1]] = value
        if new and len(mapping) > 1 and self.draw(st.booleans()):  # a new key not always last
            items = list(mapping.items())
            moved = items.pop()
            items.insert(self.draw(st.integers(0, len(items) - 1)), moved)
            mapping.clear()
            mapping.update(items)
        self.used.add(path)
        self.mistakes.append(Mistake(kind, path, fixable, watch))
        return True

    def pick(self, values):
        return self.draw(st.sampled_from(values))

    # each returns whether it put a mistake in

    def enum_format(self) -> bool:
        where = self.pick([p for p in ("input_format", "output_format") if p in self.places])
        path = self.places[where]
        if self.shape == "flat":
            word = self.pick(["pcm16", "g711_ulaw", "g711_alaw"])
            return self.put(path, self.pick(_respellings(word)), "respelled format", True)
        if self.draw(st.booleans()):  # the flat name where GA wants an object
            return self.put(path, self.pick(["pcm16", "g711_ulaw", "g711_alaw"]), "flat format in GA", True)
        current = _get(self.config, path)
        word = current.get("type") if isinstance(current, dict) else None
        word = word if isinstance(word, str) and word.startswith("audio/") else self.pick(["audio/pcmu", "audio/pcma"])
        return self.put(path + ("type",), self.pick(_respellings(word)), "respelled format type", True)

    def voice(self) -> bool:
        voices = BETA_VOICES if self.shape == "flat" else VOICES
        return self.put(self.places["voice"], self.pick(_respellings(self.pick(voices))), "re-cased voice", True)

    def model(self) -> bool:
        if self.shape == "transcription":
            return self.transcription_model()
        model = self.pick(BETA_MODELS if self.shape == "flat" else GA_MODELS)
        wrong = self.pick(_respellings(model) + _misspellings(model)[:6] + ["gpt-realtme", "gpt-4o-realtime-previw"])
        return self.put(("model",), wrong, "misspelled model", True)

    def transcription_model(self) -> bool:
        path = self.places["transcription"] + ("model",)
        wrong = self.pick(["Whisper-1", "WHISPER-1", "whisper1", "gpt-4o-transcibe", "GPT-4o-Transcribe",
                           "gpt-4o-mini-transcrbe"])
        return self.put(path, wrong, "misspelled transcription model", True)

    def _vad(self) -> tuple[tuple, dict | None, str]:
        path = self.places["vad"]
        current = _get(self.config, path)
        if not isinstance(current, dict):
            return path, None, None
        # the kind as written: a respelled SEMANTIC-VAD, or a semantic_vad under a misspelled `tpye`,
        # gets server_vad settings beside it, which fixing the type brings to light (see
        # test_a_fix_is_not_blamed_for_what_another_brings_to_light)
        kind = current.get("type", "server_vad")
        return path, current, kind if kind in ("server_vad", "semantic_vad") else "server_vad"

    def vad_type(self) -> bool:
        path, current, kind = self._vad()
        if current is None:  # none (or null): one with just a type
            if not self.free(path):
                return False
            _container(self.config, path[:-1])[path[-1]] = {}
            kind = self.pick(["server_vad", "semantic_vad"])
        return self.put(path + ("type",), self.pick(_respellings(kind)), "respelled VAD type", True)

    def vad_setting(self) -> bool:
        path, current, kind = self._vad()
        if kind == "semantic_vad":
            word = self.pick(["low", "medium", "high", "auto"])
            return self.put(path + ("eagerness",), self.pick(_respellings(word)),
                            "respelled eagerness", True)
        if current is None:
            if not self.free(path):
                return False
            _container(self.config, path[:-1])[path[-1]] = {"type": "server_vad"}
        name, value = self.pick([("prefix_padding_ms", "300"), ("silence_duration_ms", "500"), ("threshold", "0.5"),
                                 ("prefix_padding_ms", 300.0), ("silence_duration_ms", 500.0),
                                 ("silence_duration_ms", "0")])
        return self.put(path + (name,), value, "number as a string" if isinstance(value, str) else "whole float", True)

    def language(self) -> bool:
        path = self.places["transcription"]
        if _get(self.config, path) is None and self.free(path):
            _container(self.config, path)["model"] = "gpt-4o-transcribe"
        return self.put(path + ("language",), Raw(self.pick(YAML_BOOLEANS)), "unquoted YAML boolean language", True)

    def noise(self) -> bool:
        path = self.places["noise"]
        current = _get(self.config, path)
        word = current.get("type") if isinstance(current, dict) else None
        word = word if word in ("near_field", "far_field") else self.pick(["near_field", "far_field"])
        return self.put(path + ("type",), self.pick(_respellings(word)), "respelled noise reduction", True)

    def tokens(self) -> bool:
        value = self.pick(["INF", "Inf", "2048", "1", Raw(".inf"), Raw(".Inf"), Raw("+.inf"), 512.0, 4096.0])
        return self.put(self.places["tokens"], value, "lenient token limit", True)

    def number_text(self) -> bool:
        if self.shape == "flat" and self.draw(st.booleans()):
            return self.put(("temperature",), self.pick(["0.8", "1", "0.6"]), "number as a string", True)
        return self.put(self.places["speed"], self.pick(["1.0", "1.25", "1"]), "number as a string", True)

    def modality(self) -> bool:
        words = [["text"], ["text", "audio"]] if self.shape == "flat" else [["audio"], ["text"]]
        chosen = self.pick(words)
        index = self.draw(st.integers(0, len(chosen) - 1))
        written = list(chosen)
        written[index] = self.pick(_respellings(chosen[index]))
        return self.put(self.places["modalities"], written, "re-cased modality", True)

    def tool_choice(self) -> bool:
        return self.put(("tool_choice",), self.pick(["AUTO", "Required", "NONE"]), "re-cased tool_choice", True)

    def tool_type(self) -> bool:
        tools = [i for i, t in enumerate(self.config.get("tools") or []) if isinstance(t, dict)
                 and t.get("type") in ("function", "mcp")]
        if not tools:
            return False
        index = self.pick(tools)
        word = self.config["tools"][index]["type"]
        return self.put(("tools", index, "type"), self.pick(_respellings(word)), "respelled tool type", True)

    def misspelled_key(self) -> bool:
        # a key with mistakes below it may be misspelled too (fixing it brings them to light)
        # (and one whose own value is a mistake: the value is checked once the key is right)
        def renamable(path: tuple) -> bool:
            return (path not in self.renamed and not any(m.watch and m.path == path for m in self.mistakes)
                    and not any(len(u) < len(path) and path[:len(u)] == u for u in self.used))

        candidates = []
        for container in KEYED[self.shape]:
            mapping = _get(self.config, container)
            if isinstance(mapping, dict):
                candidates.extend((container, key) for key in mapping if renamable(container + (key,)))
        for index, tool in enumerate(self.config.get("tools") or []):
            if isinstance(tool, dict):
                candidates.extend((("tools", index), key) for key in tool if renamable(("tools", index, key)))
        if not candidates:
            return False
        container, key = self.pick(candidates)
        mapping = _get(self.config, container)
        wrong = [w for w in _misspellings(key) if w not in KNOWN_KEYS and w not in mapping]
        if not wrong:
            return False
        new = self.pick(wrong)
        _rename(mapping, key, new)
        old_path, new_path = container + (key,), container + (new,)
        for mistake in self.mistakes:  # those below it are below the new name now
            if mistake.path[:len(old_path)] == old_path:
                mistake.path = new_path + mistake.path[len(old_path):]
        self.used = {new_path + u[len(old_path):] if u[:len(old_path)] == old_path else u for u in self.used}
        self.used |= {old_path, new_path}
        self.renamed |= {old_path, new_path}
        self.mistakes.append(Mistake("misspelled key", new_path, True))
        return True

    def other_shapes_name(self) -> bool:
        """A key by the other shape's name: `max_tokens`-like renames rtcfg knows."""
        if self.shape == "flat":
            options = [(("input_audio_transcription",), "transcription"),
                       (("input_audio_noise_reduction",), "noise_reduction"),
                       (("max_response_output_tokens",), "max_tokens")]
        elif self.shape == "ga":
            options = [(("audio", "input", "transcription"), "input_audio_transcription"),
                       (("audio", "input", "noise_reduction"), "input_audio_noise_reduction"),
                       (("max_output_tokens",), "max_response_output_tokens"),
                       (("max_output_tokens",), "max_tokens")]
        else:
            options = [(("audio", "input", "transcription"), "input_audio_transcription")]
        path, name = self.pick(options)
        mapping = _get(self.config, path[:-1])
        if not isinstance(mapping, dict) or not self.free(path) or name in mapping:
            return False
        if path[-1] in mapping:
            _rename(mapping, path[-1], name)
        else:
            mapping[name] = {"type": "far_field"} if "noise" in name else (
                {"model": "gpt-4o-transcribe"} if "transcription" in name else 800)
        self.used.add(path)
        self.used.add(path[:-1] + (name,))
        self.mistakes.append(Mistake("the other shape's name", path[:-1] + (name,), True))
        return True

    def ga_temperature(self) -> bool:
        return self.put(("temperature",), self.pick([0.8, 1, 0.3, "0.9", 1.2]), "temperature in GA", True)

    # unfixable

    def out_of_range(self) -> bool:
        if self.shape == "flat" and self.draw(st.booleans()):
            return self.put(("temperature",), self.pick([0.3, 0.1, 1.5, 2]), "temperature out of range", False, True)
        if "speed" in self.places and self.draw(st.booleans()):
            return self.put(self.places["speed"], self.pick([5.0, 0.1, 3]), "speed out of range", False, True)
        path, current, kind = self._vad()
        if kind != "server_vad":
            return False
        return self.put(path + ("threshold",), self.pick([1.7, -0.5, 2]), "threshold out of range", False, True)

    def unknown_key(self) -> bool:
        container = self.pick([c for c in KEYED[self.shape] if len(c) <= 2])
        mapping = _get(self.config, container)
        if not isinstance(mapping, dict):
            return False
        name = self.pick([k for k in UNKNOWN_KEYS if k not in mapping])
        value = self.pick([7, "on-site", True, "x"])
        return self.put(container + (name,), value, "unknown key", False, True)

    def kinds(self) -> list:
        found = [self.model, self.vad_type, self.vad_setting, self.transcription_model, self.noise,
                 self.misspelled_key, self.misspelled_key, self.other_shapes_name, self.enum_format, self.unknown_key,
                 self.out_of_range]
        if self.fmt == "yaml":
            found.append(self.language)
        if self.shape != "transcription":
            found += [self.voice, self.tokens, self.number_text, self.modality, self.tool_choice, self.tool_type]
        if self.shape == "ga":  # (twice: removing an entry has the most ways to write it)
            found += [self.ga_temperature, self.ga_temperature]
        return found


# -- writing the text --------------------------------------------------------------------------

COMMENT_WORDS = ["c", "note", "keep: as is", "é ü ø", "see docs", "TODO"]


def _yaml_printable(c: str) -> bool:
    return c.isprintable() and c != BOM


@lru_cache(maxsize=None)
def _plain_ok(text: str, flow: bool) -> bool:
    """Whether `text` written plain reads back as the same string, in a flow or a block context."""
    if not text or text != text.strip() or not all(_yaml_printable(c) for c in text):
        return False
    docs = [f"{{k: {text}}}", f"[{text}, x]"] if flow else [f"k: {text}  # c\n", f"- {text}  # c\n"]
    try:
        return all(yaml.load(doc, Loader=_Loader) in ({"k": text}, [text, "x"], [text]) for doc in docs)
    except yaml.YAMLError:
        return False


def _single_ok(text: str) -> bool:
    return all(_yaml_printable(c) for c in text) and text == text.strip()


def _double(text: str, raw_unicode: bool, escaped: frozenset = frozenset()) -> str:
    """A YAML double-quoted string; the characters at the indices in `escaped` written as escapes
    even where they need none (`\\x41` for A)."""
    out = []
    for index, c in enumerate(text):
        code = ord(c)
        if index in escaped and code < 0x7F:
            out.append(f"\\x{code:02x}")
        elif c in '"\\':
            out.append("\\" + c)
        elif 0x20 <= code < 0x7F or (raw_unicode and code >= 0xA0 and _yaml_printable(c)):
            out.append(c)
        elif c in "\n\t\r":
            out.append({"\n": "\\n", "\t": "\\t", "\r": "\\r"}[c])
        elif code <= 0xFF:
            out.append(f"\\x{code:02x}")
        elif code <= 0xFFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    return '"' + "".join(out) + '"'


def _yaml_float(value: float) -> str:
    if math.isinf(value):
        return ".inf" if value > 0 else "-.inf"
    text = repr(value)
    if "e" in text:
        mantissa, exponent = text.split("e")
        mantissa += "" if "." in mantissa else ".0"
        exponent = exponent if exponent[:1] in "+-" else "+" + exponent
        text = f"{mantissa}e{exponent}"
    return text


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, (dict, list))


def _literal_ok(text: str) -> bool:
    """A multi-line text a literal block scalar (| or |-) writes as is."""
    if "\n" not in text or text.endswith("\n\n") or text[:1] in " \n":
        return False
    lines = text.rstrip("\n").split("\n")
    return all(line.strip() and line == line.rstrip() and all(_yaml_printable(c) for c in line) for line in lines)


class YamlWriter:
    def __init__(self, draw, watch: set[tuple]) -> None:
        self.draw, self.watch = draw, watch
        self.indent = draw(st.sampled_from([2, 4]))
        self.indentless = draw(st.booleans())  # `- item` at the key's own column
        self.flowy = draw(st.sampled_from([0.0, 0.3, 0.7]))  # how often a collection is written in flow style
        self.tall = draw(st.sampled_from([0.0, 0.5]))  # how often such a mapping spans lines: {\n  a: 1,\n}
        self.commenty = draw(st.sampled_from([0.0, 0.2, 0.5]))
        self.anchory = draw(st.sampled_from([0.0, 0.0, 0.15]))  # how often a string gets an &anchor
        self.anchors: dict[str, str] = {}
        self.snippets: dict[tuple, str] = {}
        self.comments: list[tuple[tuple | None, str]] = []  # (the entry it ends the line of, or None; text)

    def chance(self, p: float) -> bool:
        return p > 0 and self.draw(st.integers(0, 99)) < p * 100

    def escapes(self, text: str) -> frozenset:
        """Where a quoted string has escapes it does not need (`"\\x49NF"` is INF), now and then."""
        if not text or not self.chance(0.1):
            return frozenset()
        return frozenset(self.draw(st.lists(st.integers(0, len(text) - 1), min_size=1, max_size=3)))

    def key(self, key: str) -> str:
        style = self.draw(st.sampled_from(["plain", "plain", "plain", "double", "single"]))
        if style == "plain" and _plain_ok(key, True) and _plain_ok(key, False):
            return key
        if style == "single" and _single_ok(key):
            return "'" + key.replace("'", "''") + "'"
        return _double(key, True, self.escapes(key))

    def scalar(self, value: Any, flow: bool) -> str:
        if isinstance(value, Raw):
            return value.yaml
        if value is None:
            return self.draw(st.sampled_from(["null", "~"] + ([] if flow else [""])))
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int):
            return str(value)
        if isinstance(value, float):
            return _yaml_float(value)
        styles = ["double"]
        if _plain_ok(value, flow):
            styles += ["plain", "plain"]
        if _single_ok(value):
            styles.append("single")
        style = self.draw(st.sampled_from(styles))
        if style == "plain":
            return value
        if style == "single":
            return "'" + value.replace("'", "''") + "'"
        return _double(value, self.draw(st.booleans()), self.escapes(value))

    def flow(self, value: Any) -> str:
        space = self.draw(st.sampled_from(["", "", " "]))
        if isinstance(value, dict):
            if not value:
                return "{}"
            entries = [f"{self.key(k)}: {self.flow(v)}" for k, v in value.items()]
            return "{" + space + (space + ", ").join(entries) + space + "}"
        if isinstance(value, list):
            if not value:
                return "[]"
            return "[" + space + ", ".join(self.flow(v) for v in value) + "]"
        return self.scalar(value, flow=True)

    def tall_flow(self, head: str, data: dict, indent: int, path: tuple, out: list[str]) -> None:
        """A flow mapping over several lines, an entry a line, comments between and after them."""
        out.append(f"{head}{{" + self.trailing(None))
        pad = " " * (indent + self.indent)
        for number, (key, value) in enumerate(data.items()):
            self.full_line_comment(pad, out)
            written = f"{self.key(key)}: {self.flow(value)}"
            if path + (key,) in self.watch:
                self.snippets[path + (key,)] = written
            last = number == len(data) - 1
            comma = self.draw(st.sampled_from(["", ","])) if last else ","  # YAML allows a last comma
            out.append(pad + written + comma + self.trailing(path + (key,)))
        out.append(" " * indent + "}" + self.trailing(None))

    def trailing(self, path: tuple | None) -> str:
        """What ends a line: a comment (noted with the entry it follows), or blanks, or nothing."""
        if self.chance(self.commenty):
            comment = f"{self.draw(st.sampled_from(COMMENT_WORDS))} {len(self.comments)};"
            self.comments.append((path, comment))
            return self.draw(st.sampled_from(["  # ", " # ", " #", "      # "])) + comment
        return self.draw(st.sampled_from(["", "", "", "", " ", "   "]))

    def full_line_comment(self, pad: str, out: list[str]) -> None:
        if self.chance(self.commenty / 2):
            comment = f"{self.draw(st.sampled_from(COMMENT_WORDS))} {len(self.comments)};"
            self.comments.append((None, comment))
            out.append(pad + "# " + comment)

    def mapping(self, data: dict, indent: int, path: tuple, out: list[str], first_comment: bool = True) -> None:
        pad = " " * indent
        for number, (key, value) in enumerate(data.items()):
            if number or first_comment:
                self.full_line_comment(pad, out)
            head = f"{pad}{self.key(key)}:"
            here = path + (key,)
            if _is_scalar(value) and isinstance(value, str) and _literal_ok(value) and self.draw(st.booleans()):
                chomp = "" if value.endswith("\n") else "-"
                out.append(f"{head} |{chomp}")
                out.extend(" " * (indent + self.indent) + line for line in value.rstrip("\n").split("\n"))
                continue
            if isinstance(value, dict) and value and self.chance(self.flowy) and self.chance(self.tall):
                self.tall_flow(head + " ", value, indent, here, out)
            elif _is_scalar(value) or not value or self.chance(self.flowy):
                written = self.scalar(value, False) if _is_scalar(value) else self.flow(value)
                if isinstance(value, str) and here not in self.watch:
                    written = self.anchored(value, written)
                gap = self.draw(st.sampled_from([" ", " ", "  "]))
                if here in self.watch:
                    self.snippets[here] = f"{self.key_text_of(head)}:{gap}{written}"
                out.append(f"{head}{gap}{written}{self.trailing(here)}" if written else head)
            elif isinstance(value, dict):
                out.append(head + self.trailing(here))
                self.mapping(value, indent + self.indent, here, out)
            else:
                out.append(head + self.trailing(here))
                self.sequence(value, indent + (0 if self.indentless else self.indent), here, out)

    def anchored(self, value: str, written: str) -> str:
        """The value as an alias of an earlier equal one, or with an anchor others may use."""
        if value in self.anchors and self.chance(0.7):
            return "*" + self.anchors[value]
        if value not in self.anchors and self.chance(self.anchory):
            self.anchors[value] = f"a{len(self.anchors)}"
            return f"&{self.anchors[value]} {written}"
        return written

    @staticmethod
    def key_text_of(head: str) -> str:
        return head.strip()[:-1]

    def sequence(self, data: list, indent: int, path: tuple, out: list[str]) -> None:
        pad = " " * indent
        for index, item in enumerate(data):
            self.full_line_comment(pad, out)
            if _is_scalar(item) or not item or self.chance(self.flowy):
                written = self.scalar(item, False) if _is_scalar(item) else self.flow(item)
                out.append(f"{pad}- {written}{self.trailing(path + (index,))}")
            elif isinstance(item, dict):
                inner: list[str] = []
                self.mapping(item, indent + 2, path + (index,), inner, first_comment=False)
                inner[0] = pad + "- " + inner[0][indent + 2:]
                out.extend(inner)
            else:
                out.append(f"{pad}-{self.trailing(path + (index,))}")
                self.sequence(item, indent + self.indent, path + (index,), out)

    def document(self, data: dict) -> str:
        out: list[str] = []
        if self.draw(st.booleans()):
            out.append("# yaml-language-server: $schema=../schemas/session.schema.json")
        if self.draw(st.integers(0, 4)) == 0:
            out.append("---")
        if self.draw(st.integers(0, 7)) == 0:  # the whole session as one flow mapping
            if not out:  # text that starts with `{` is JSON to the library (as to stdin)
                out.append("---")
            if self.draw(st.booleans()):
                out.append(self.flow(data))
            else:
                self.tall_flow("", data, 0, (), out)
        else:
            self.mapping(data, 0, (), out)
        if self.draw(st.integers(0, 5)) == 0:  # blank lines here and there
            at = self.draw(st.integers(0, len(out)))
            out.insert(at, "")
        text = "\n".join(out)
        return text + ("" if self.draw(st.integers(0, 5)) == 0 else "\n")


class JsonWriter:
    def __init__(self, draw, watch: set[tuple]) -> None:
        self.draw, self.watch = draw, watch
        self.unit = draw(st.sampled_from([None, "  ", "    ", "\t"]))  # None: compact
        self.colon = ": " if self.unit else draw(st.sampled_from([":", ": "]))
        self.comma = "," if self.unit else draw(st.sampled_from([",", ", "]))
        self.ascii = draw(st.booleans())
        self.snippets: dict[tuple, str] = {}
        self.comments: list[str] = []

    def scalar(self, value: Any) -> str:
        if isinstance(value, Raw):
            assert value.json is not None
            return value.json
        if isinstance(value, float) and math.isinf(value):
            return '"inf"'
        if isinstance(value, str):
            return self.string(value)
        return json.dumps(value, ensure_ascii=self.ascii)

    def string(self, text: str) -> str:
        """A JSON string, now and then with escapes it does not need (`"\\u0049NF"` is INF)."""
        if not text or self.draw(st.integers(0, 9)) != 0:
            return json.dumps(text, ensure_ascii=self.ascii)
        escaped = set(self.draw(st.lists(st.integers(0, len(text) - 1), min_size=1, max_size=3)))
        return '"' + "".join(f"\\u{ord(c):04x}" if i in escaped and ord(c) <= 0xFFFF
                             else json.dumps(c, ensure_ascii=self.ascii)[1:-1] for i, c in enumerate(text)) + '"'

    def value(self, value: Any, level: int, path: tuple) -> str:
        if _is_scalar(value):
            return self.scalar(value)
        opening, closing = ("{", "}") if isinstance(value, dict) else ("[", "]")
        if not value:
            return opening + closing
        if isinstance(value, dict):
            parts = []
            for key, item in value.items():
                written = f"{self.string(key)}{self.colon}{self.value(item, level + 1, path + (key,))}"
                if path + (key,) in self.watch:
                    self.snippets[path + (key,)] = written
                parts.append(written)
        else:
            parts = [self.value(item, level + 1, path + (i,)) for i, item in enumerate(value)]
        if self.unit is None:
            return opening + self.comma.join(parts) + closing
        inner = "\n" + self.unit * (level + 1)
        return opening + inner + ("," + inner).join(parts) + "\n" + self.unit * level + closing

    def document(self, data: dict) -> str:
        return self.value(data, 0, ()) + ("\n" if self.unit is not None or self.draw(st.booleans()) else "")


@st.composite
def cases(draw, yaml_only: bool = False) -> Case:
    """A generated config with mistakes in, written out."""
    config = draw(base_configs)
    shape = _shape(config)
    fmt = "yaml" if yaml_only else draw(st.sampled_from(["yaml", "yaml", "yaml", "json"]))
    injector = Injector(draw, config, shape, fmt)
    kinds = injector.kinds()
    for index in draw(st.lists(st.integers(0, len(kinds) - 1), min_size=1, max_size=5)):
        kinds[index]()
    if not config:  # a session config is a mapping with something in it
        config["model"] = BETA_MODELS[0]
    watch = {m.path for m in injector.mistakes if m.watch}
    writer = (YamlWriter if fmt == "yaml" else JsonWriter)(draw, watch)
    text = writer.document(config)
    newline = draw(st.sampled_from(["\n", "\n", "\r\n", "\r\n", "\r"]))
    text = text.replace("\n", newline)
    bom = draw(st.integers(0, 4)) == 0
    case = Case(BOM + text if bom else text, fmt, shape, injector.mistakes,
                {p: s for p, s in writer.snippets.items()}, writer.comments, newline, bom)
    note(f"shape={shape} fmt={fmt} newline={newline!r} bom={bom}")
    note("mistakes: " + "; ".join(f"{m.kind} at {'.'.join(map(str, m.path))}" for m in injector.mistakes))
    note("text:\n" + text)
    return case


# -- checking ----------------------------------------------------------------------------------

def _identity(diagnostic) -> tuple:
    return diagnostic.code, diagnostic.file, diagnostic.path


def findings(text: str, fmt: str) -> list:
    """What the library reports for config text (as `fix` names it: <text>)."""
    document = realtime_cfg.loads(text, name="<text>", format=fmt)
    return realtime_cfg.validate(document)


def _shown(found) -> str:
    return "\n".join(f"  {d.code} {d.path or '(session)'}: {d.message}" for d in found)


def _line_breaks_kept(case: Case, fixed: str) -> None:
    breaks = Counter(re.findall(r"\r\n|\r|\n", fixed))
    assert set(breaks) <= {case.newline}, f"line breaks {dict(breaks)} in a file written with {case.newline!r}"


def fix_case(case: Case, unsafe: bool = True):
    """realtime_cfg.fix of the case: of its text, or (with a byte order mark) of a file that holds
    it, named for its format, which must come out as the text with the BOM does."""
    if not case.bom:
        return realtime_cfg.fix(case.text, unsafe=unsafe)
    with tempfile.TemporaryDirectory() as folder:
        path = _write_case(folder, case)
        result = realtime_cfg.fix(path, unsafe=unsafe)
        assert path.read_bytes() == case.text.encode("utf-8"), "fix() without write=True wrote the file"
    from_text = realtime_cfg.fix(case.text, unsafe=unsafe)  # (see test_text_with_a_bom_is_read_as_the_file_would_be)
    assert from_text.checked.document is not None, _shown(from_text.remaining)
    assert from_text.text.removeprefix(BOM) == result.text, "the library fixes a file and its text differently"
    return result


def _line_with(text: str, comment: str) -> str | None:
    for line in re.split(r"\r\n|\r|\n", text):
        if comment in line:
            return line
    return None


def _comment_columns_kept(case: Case, fixed: str) -> None:
    """A comment after a scalar value in block style stays in its column when a fix changes the
    width of the value or of its key (the spaces before it give or take the difference, leaving at
    least one)."""
    for path, comment in case.comments:
        if path is None or (case.shape == "ga" and path[:1] == ("temperature",)):
            continue
        before, after = _line_with(case.text.removeprefix(BOM), comment), _line_with(fixed, comment)
        if before is None or after is None or before == after:
            continue
        key_before, _, value_before = before.partition(":")
        key_after, _, value_after = after.partition(":")
        if key_before != key_after and value_before.split("#")[0].strip() != value_after.split("#")[0].strip():
            continue  # its key and then its value fixed: each step keeps the column it finds, not the first
        head = before[:before.index(comment)]
        hash_before = head.rfind("#")
        written = head[:hash_before].rstrip()
        if any(c in written for c in ",{}[]&*|") or written.endswith(":") or written.lstrip().startswith("-"):
            continue  # flow style, anchors, a key with its value below, sequence items: not promised
        hash_after = after[:after.index(comment)].rfind("#")
        assert hash_after == hash_before or (hash_after > hash_before and after[hash_after - 2] != " "), \
            f"the comment moved from column {hash_before} to {hash_after}: {before!r} -> {after!r}"


def check_fix(case: Case, unsafe: bool = True):
    """The properties of one fix of `case.text`; returns the FixResult."""
    before = findings(case.text, case.fmt)
    note("before:\n" + _shown(before))
    result = fix_case(case, unsafe)
    assert result.checked.document is not None, _shown(result.remaining)
    fixed = result.text
    note("fixed text:\n" + fixed)
    note("applied:\n" + _shown(result.applied))
    note("skipped:\n" + "\n".join(f"  {d.code} {d.path}: {why}" for d, why in result.skipped))

    # 1. it loads (and the format is what it was: JSON stays JSON)
    try:
        after = findings(fixed, case.fmt)
    except realtime_cfg.LoadError as exc:
        pytest.fail("the fixed text does not load:\n" + _shown(exc.diagnostics))
    note("after:\n" + _shown(after))
    assert Counter((d.code, d.path) for d in after) == Counter((d.code, d.path) for d in result.remaining), \
        "FixResult.remaining is not what checking the fixed text finds"

    # 2. no finding added (by code, file and path, counted)
    added = Counter(map(_identity, after)) - Counter(map(_identity, before))
    assert not added, f"fixing added {sorted(added)}"

    # 3. idempotent
    again = realtime_cfg.fix(fixed, unsafe=unsafe)
    assert again.applied == [], "a second fix applied:\n" + _shown(again.applied)
    assert again.text == fixed

    # 4. what was written stays: line breaks, comments, unfixable mistakes
    _line_breaks_kept(case, fixed)
    for path, comment in case.comments:  # (the comment after an entry a fix removes may go with it)
        if path is None or not (case.shape == "ga" and path[:1] == ("temperature",)):
            assert fixed.count(comment) == 1, f"the comment {comment!r} was lost or changed"
    _comment_columns_kept(case, fixed)
    kept_before = Counter(_identity(d) for d in before)
    for mistake in case.mistakes:
        if not mistake.watch:
            continue
        snippet = case.snippets.get(mistake.path)
        if snippet is not None:
            assert fixed.count(snippet) == case.text.count(snippet), f"{snippet!r} was changed"
        where = ".".join(map(str, mistake.path))
        had = [i for i in kept_before if i[2] == where]
        for identity in had:
            assert identity in Counter(map(_identity, after)), f"the unfixable {identity} went away"
    if result.applied:
        assert result.changed, "fixes applied, but nothing changed"
    if not unsafe:
        assert all(d.fix.applicability == "safe" for d in result.applied), "--fix alone applied an unsafe fix"
    return result


@FIX
@given(case=cases())
@example(case=Case("model: gpt-4o-realtime-preview\r\nvoice: Coral  # c\r\ninput_audio_format: g711-ulaw\r\n"
                   "turn_detection: {type: Server_VAD, prefix_padding_ms: \"300\"}\r\n"
                   "max_response_output_tokens: INF\r\ninstructons: hi\r\ntemperature: 0.3\r\n", "yaml",
                   newline="\r\n"))
@example(case=Case(BOM + '{"type":"realtime","temperature":0.8,"audio":{"output":{"voice":"Marin"}},'
                   '"max_output_tokens":"2048"}', "json", bom=True))
# two that a second fix run changed (a fix blamed for what the type fix brought to light)
@example(case=Case("---\ntype: realtime\nmodel: gpt-realtime\naudio: {\n  input: {turn_detection: {type: semantic vad, "
                   "prefix_padding_ms: 300.0}},\n  output: {voice: ALLOY}\n}\n", "yaml", "ga"))
@example(case=Case('type: realtime\naudio:\n  input:\n    turn_detection: {silence_duration_ms: "500", '
                   'prefix_padding_ms: "300", tpye: semantic_vad}\nmodel: GPT-REALTIME\nmax_output_tokens: .inf\n',
                   "yaml", "ga"))
def test_fixing_never_breaks_the_file_nor_adds_a_finding(case):
    check_fix(case)


@settings(FIX, max_examples=100)
@given(case=cases(yaml_only=True))
def test_no_fix_is_rolled_back_for_a_bad_edit(case):
    """The engine rolls back a fix whose edit breaks the file or leaves its finding, so the
    properties above hold even for a wrong edit; this one looks behind that safety net: every
    rollback must be for a finding the fix brought to light (`it would add ...`), never because
    the edited text did not load or still had the finding (the edit itself was wrong)."""
    result = check_fix(case)
    for finding, why in result.skipped:
        assert "would not load" not in why, f"{finding.code} {finding.path}: {why}"
        assert "does not remove the finding" not in why, f"{finding.code} {finding.path}: {why}"


@settings(FIX, max_examples=60)
@given(case=cases())
def test_safe_fixes_alone_keep_the_same_promises(case):
    """`--fix` without --unsafe-fixes: the same properties, and only safe fixes applied."""
    check_fix(case, unsafe=False)


# -- the library's text and a file agree; the CLI writes what the library returns -------------

def _write_case(folder: str, case: Case) -> Path:
    path = Path(folder) / ("agent.json" if case.fmt == "json" else "agent.yaml")
    path.write_bytes(case.text.encode("utf-8"))
    return path


@CLI
@given(case=cases())
@example(case=Case(BOM + "voice: Coral\r\ninput_audio_format: PCM16\r\nturn_detection:\r\n  type: Server_VAD\r\n"
                   "  silence_duration_ms: '500'  # c\r\nmax_response_output_tokens: .inf\r\n", "yaml", newline="\r\n",
                   bom=True))
@example(case=Case('{\r\n    "type": "realtime",\r\n    "temperature": 0.8,\r\n    "audio": {"input": '
                   '{"format": "g711_ulaw"}}\r\n}\r\n', "json", newline="\r\n"))
def test_the_cli_writes_what_the_library_returns(case):
    with tempfile.TemporaryDirectory() as folder:
        path = _write_case(folder, case)
        original = path.read_bytes()
        from_file = realtime_cfg.fix(path, unsafe=True)
        from_text = realtime_cfg.fix(case.text, unsafe=True)
        # (whether .text carries the byte order mark is left open: the file keeps its own either way)
        assert from_file.text.removeprefix(BOM) == from_text.text.removeprefix(BOM), \
            "the library fixes a file and its text differently"
        assert path.read_bytes() == original, "fix() without write=True wrote the file"
        result = run_cli("validate", "--fix", "--unsafe-fixes", str(path))
        assert result.returncode in (0, 1), result.stdout + result.stderr
        expected = (((BOM if case.bom else "") + from_file.text.removeprefix(BOM)).encode("utf-8")
                    if from_file.changed else original)
        assert path.read_bytes() == expected
        # fix(write=True) writes the same bytes as the CLI
        copy = path.with_name("copy" + path.suffix)
        copy.write_bytes(original)
        realtime_cfg.fix(copy, unsafe=True, write=True)
        assert copy.read_bytes() == expected
        # and fixing the written file again changes nothing
        again = run_cli("validate", "--fix", "--unsafe-fixes", str(path))
        assert again.returncode in (0, 1), again.stdout + again.stderr
        assert path.read_bytes() == expected


@pytest.mark.parametrize("text, suffix", [
    ("\ufeffvoice: Coral\r\nmodel: gpt-4o-realtime-preview\r\n", ".yaml"),
    ("input_audio_transcription:\n  language: no   # Norwegian\n", ".yaml"),
    ('{"voice":"ASH","max_response_output_tokens":"INF"}', ".json"),
])
def test_the_cli_writes_the_librarys_bytes_for_hand_written_files(tmp_path, text, suffix):
    path = tmp_path / f"agent{suffix}"
    path.write_bytes(text.encode("utf-8"))
    expected = realtime_cfg.fix(path, unsafe=True)
    assert expected.changed
    result = run_cli("validate", "--fix", "--unsafe-fixes", str(path))
    assert result.returncode in (0, 1), result.stdout + result.stderr
    kept = BOM if text.startswith(BOM) else ""
    assert path.read_bytes() == (kept + expected.text.removeprefix(BOM)).encode("utf-8")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16-le", "utf-16-be", "utf-32-le"])
def test_the_cli_keeps_the_encoding_and_byte_order_mark(tmp_path, encoding):
    text = "voice: Coral   # ours\r\ninput_audio_format: g711-ulaw\r\nmax_response_output_tokens: INF\r\n"
    path = tmp_path / "agent.yaml"
    path.write_bytes((BOM + text).encode(encoding))
    expected = realtime_cfg.fix(path, unsafe=True)
    assert expected.text.removeprefix(BOM) == ("voice: coral   # ours\r\ninput_audio_format: g711_ulaw\r\n"
                                               "max_response_output_tokens: inf\r\n")
    result = run_cli("validate", "--fix", "--unsafe-fixes", str(path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert path.read_bytes() == (BOM + expected.text.removeprefix(BOM)).encode(encoding)


# -- bugs found -------------------------------------------------------------------------------

def test_text_with_a_bom_is_read_as_the_file_would_be():
    text = '{"voice": "Coral", "instructions": "\x7f"}'  # valid JSON; YAML allows no raw DEL
    assert realtime_cfg.fix(text, unsafe=True).text == '{"voice": "coral", "instructions": "\x7f"}'
    result = realtime_cfg.fix(BOM + text, unsafe=True)  # read as JSON; the text keeps its mark, as given
    assert result.text == BOM + '{"voice": "coral", "instructions": "\x7f"}', [d.message for d in result.remaining]


def test_a_bom_does_not_change_how_fixes_are_checked():
    result = realtime_cfg.fix(BOM + "{voice: Coral}\n", unsafe=True)
    # was: loaded as YAML, `voice: coral` rolled back "(L001 invalid JSON: expected a key in double quotes)"
    assert not any("would not load" in why for _, why in result.skipped), result.skipped
    # and the text without the BOM is read as fix() read it with one (a mapping either way, or refused either way)
    assert (result.checked.document is None) == (realtime_cfg.fix("{voice: Coral}\n").checked.document is None)


def test_removing_the_last_entry_of_a_flow_mapping_leaves_comments_alone():
    text = "---\n{\n  type: realtime,  # the kind,\n  temperature: 0.8\n}\n"
    result = realtime_cfg.fix(text, unsafe=True)
    assert result.applied and "temperature" not in result.text  # the entry goes (unsafe: temperature in GA)
    # was: '  type: realtime,  # the kind\n}' (the comment lost its comma)
    assert "# the kind," in result.text, result.text


def test_a_rename_with_cr_line_breaks_leaves_other_lines_alone():
    """Found by the property above (fixed in 0a5db21): with CR line breaks, renaming a key whose
    value is a block mapping took a space before the comment on the last line of that mapping."""
    for newline in ("\n", "\r\n", "\r"):
        text = newline.join(["turn_detectin:", "  type: server_vad     # c", ""])
        result = realtime_cfg.fix(text, unsafe=True)
        assert [d.code for d in result.applied] == ["S001"]
        assert result.text == text.replace("turn_detectin", "turn_detection"), (newline, result.text)


def test_a_fix_is_not_blamed_for_what_another_brings_to_light():
    text = ("turn_detection: {prefix_padding_ms: 300.0, type: SEMANTIC-VAD}\n"
            "input_audio_noise_reduction: {type: NEAR-FIELD}\n")
    result = realtime_cfg.fix(text, unsafe=True)
    # was: only the noise reduction is fixed; R021 is "rolled back: it would add S007 at
    # turn_detection.prefix_padding_ms" (only the S002 fix of the type brings S007 to light)
    assert not any(d.code == "R021" for d, _ in result.skipped), result.skipped
    again = realtime_cfg.fix(result.text, unsafe=True)
    assert again.applied == [], [(d.code, d.path) for d in again.applied]  # was: R021 applied then


@pytest.mark.xfail(strict=True, reason="cosmetic, left as is: when a key rename and the fix of its value (brought to "
                   "light by the rename) are applied in one step, each keeps the comment in the column it has at that "
                   "step; the rename, with one space before the comment, pushes it right, and the value fix keeps "
                   "the pushed column: the comment ends one column right of where it was")
def test_two_fixes_on_a_line_keep_the_comment_column():
    result = realtime_cfg.fix('temperatre: "0.8" # c\nvoice: ash\n', unsafe=True)
    assert [d.code for d in result.applied] == ["S001", "S003"]
    assert result.text == "temperature: 0.8  # c\nvoice: ash\n"
