"""Fuzz rtcfg for a time budget: every input must end in exit 0, 1 or 2 with a message,
never a traceback or an "internal error" (nor F003, the same bug reported for one file),
never a hang, and never show what must stay private.

    python benchmarks/fuzz.py --minutes 10            # the budget the benchmark issue asks for
    python benchmarks/fuzz.py --minutes 1 --seed 7
    python benchmarks/fuzz.py --minutes 2 --only scenarios --shape secrets

Two kinds of input, alternated:

- inputs: one YAML or JSON file (mutated samples, random structures written out, raw
  printable and binary noise, config structures), checked with `validate` in all report
  formats, `render` for both targets and `migrate`.
- scenarios: a small project on disk (several files, an environment, perhaps a FIFO or a
  symlink) in one of the shapes of hostile input rtcfg promises to survive:
    long-integers   integers of every YAML 1.1 base (hex, binary, octal, base 60, decimal),
                    thousands of digits, signed, with underscores; in a field, a key, JSON, --set
    includes        files that $file-include or extend one another, each nested deep
                    (adding up past the depth limit), sometimes in a cycle
    fifos           a named pipe where a config, an include, a base or pyproject.toml should be
    secrets         an API key written with YAML/JSON escapes, cut by a line continuation,
                    glued to a character, in a default, a key, an included prompt, --set
    env             environment values in odd places (tool names, tool_choice, enums, keys of
                    messages, file names, defaults, two values one inside the other)
    pyproject       a pyproject.toml that is not what rtcfg expects (wrong types, not UTF-8,
                    nested thousands deep, megabytes, a FIFO, a link, a folder)
    controls        terminal control characters (ESC, CSI, bidi overrides, line separators)
                    in keys and values, escaped or raw
  each run with validate (every format), render (json, yaml, --explain, --diff), migrate
  (to stdout and -o) and diff. Checked besides: no environment value (outside the payload
  `render` is asked for), no API key past its first 6 characters, and no raw control
  character in the reports people read (validate text/github/junit, render --explain, diff).

Everything runs in this process through the command line's own entry point, so a crash is
exactly what a user would see; each run has a time limit (--timeout, a SIGALRM), so a hang
is a failure, not a stuck fuzzer, and the process has a memory ceiling (--memory-mb). Every
distinct failure is printed with its input and saved under benchmarks/.work/fuzz-failures/
(a scenario as a folder with manifest.json); make each one a test in tests/.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import random
import re
import shutil
import signal
import string
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
os.environ.setdefault("RTCFG_TODAY", "2026-12-01")  # as the tests: R015 compares with a fixed day

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from realtime_cfg import cli  # noqa: E402
from scaling import environment  # noqa: E402  (benchmarks/, this script's folder)
from strategies import configs, ga_configs  # noqa: E402

FAILURES = ROOT / "benchmarks" / ".work" / "fuzz-failures"
GOOD = ROOT / "sample_configs" / "voice-agent.yaml"
SAMPLES = [p.read_bytes() for p in sorted((ROOT / "sample_configs").glob("*.*")) if p.suffix in (".yaml", ".json")]
COMMANDS = [["validate", "-f", "text"], ["validate", "-f", "json"], ["validate", "-f", "sarif"],
            ["validate", "-f", "junit"], ["validate", "-f", "github"], ["render", "--target", "beta"],
            ["render", "--target", "ga", "--explain"], ["migrate"]]

json_value = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=30)),
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(st.text(max_size=12), children, max_size=4)),
    max_leaves=20)
yaml_tokens = st.sampled_from([
    ":", " ", "\n", "- ", "[", "]", "{", "}", ",", "&a ", "*a", "<<: ", "!!str ", "!!python/object ", "? ", "|", ">",
    "'", '"', "#", "---\n", "...\n", "\t", "\r", "\u2028", "\x85", "\ufeff", "\x00", "\\", "${X}", "$file: ",
    "extends: ", "voice", "tools", "type", "realtime", "audio", "no", "1e400", ".nan", "0x1F", "~", "=",
    "!!seq ", "!!map ", "!!timestamp ", "!!binary ", "!!int ", "0b1010", "0o17", "017", "1:30:00", "\x1b[31m",
])


@st.composite
def mutated_sample(draw):
    data = bytearray(draw(st.sampled_from(SAMPLES)))
    for _ in range(draw(st.integers(1, 8))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        action = draw(st.sampled_from(["flip", "insert", "delete", "token"]))
        if action == "flip":
            data[at] = draw(st.integers(0, 255))
        elif action == "insert":
            data[at:at] = draw(st.binary(max_size=8))
        elif action == "delete":
            del data[at:at + draw(st.integers(1, 16))]
        else:
            data[at:at] = draw(yaml_tokens).encode("utf-8")
    return bytes(data)


inputs = st.one_of(
    mutated_sample(),
    st.lists(yaml_tokens, max_size=40).map(lambda parts: "".join(parts).encode("utf-8")),
    json_value.map(lambda v: json.dumps(v).encode()),
    json_value.map(lambda v: json.dumps({"voice": v, "tools": [v], "turn_detection": v}).encode()),
    configs().map(lambda c: json.dumps(c, allow_nan=True).encode()),
    ga_configs().map(lambda c: json.dumps(c, allow_nan=True).encode()),
    st.binary(max_size=200),
    st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")),
)


# -- running rtcfg, with a time limit --------------------------------------------------------------


class Hang(BaseException):
    """A run took longer than its time limit (raised by SIGALRM, wherever rtcfg is)."""


def _alarm(signum, frame):
    raise Hang()


TIMEOUT = 30  # seconds a run may take (--timeout)


def run(argv: list[str], env: dict[str, str] | None = None) -> tuple[int | str, str, str]:
    """(exit code, or "hang"; stdout; stderr) of `rtcfg ARGV`, in this process."""
    out, err = io.StringIO(), io.StringIO()
    old = sys.argv
    sys.argv = ["rtcfg", *argv]
    previous = signal.signal(signal.SIGALRM, _alarm)
    code: int | str
    try:
        with environment(env or {}), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            signal.alarm(TIMEOUT)
            try:
                cli.main()
                code = 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
            except Hang:
                code = "hang"
            finally:
                signal.alarm(0)
    finally:
        signal.signal(signal.SIGALRM, previous)
        sys.argv = old
        _forget_settings()
    return code, out.getvalue(), err.getvalue()


def _forget_settings() -> None:
    """rtcfg caches [tool.rtcfg] by folder for the length of a run; a fuzzer reuses folders."""
    from realtime_cfg.source import settings as project_settings

    cache = getattr(project_settings, "_BY_FOLDER", None)
    if isinstance(cache, dict):
        cache.clear()


def crash_of(code, output: str) -> str | None:
    """What is wrong with any run, whatever its input, or None."""
    if code == "hang":
        return f"no answer within {TIMEOUT} s (a hang)"
    if code not in (0, 1, 2):
        return f"exit {code}"
    for sign in ("Traceback", "internal error", ": F003 "):
        if sign in output:
            return f"{sign.strip(': ')} in the output"
    return None


# -- failures: each distinct one is printed once and saved ----------------------------------------------


class Failures:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.seen: dict[str, int] = {}

    def record(self, signature: str, report: str, save) -> None:
        if signature in self.seen:
            self.seen[signature] += 1
            return
        self.seen[signature] = 1
        FAILURES.mkdir(parents=True, exist_ok=True)
        where = save(FAILURES / f"{int(time.time() * 1000)}-{len(self.seen)}")
        print(f"FAILURE {len(self.seen)}: {signature}\n  saved: {where}\n{_indent(report)}\n", flush=True)

    @property
    def full(self) -> bool:
        return len(self.seen) >= self.limit


def _indent(text: str) -> str:
    return "\n".join("  | " + line for line in text[-3000:].splitlines())


def _signature(command: list[str], problem: str, output: str) -> str:
    """Failures that are the same bug share a signature: the command, the problem, and the
    exception's type or the code of the finding it came with."""
    kind = re.search(r"internal error: (\w+)|F003 rtcfg failed on this file \((\w+)|(\w+Error)", output)
    name = next((g for g in kind.groups() if g), "") if kind else ""
    options = " ".join(a for a in command[1:] if os.sep not in a and "=" not in a)  # not paths, not --set's
    return f"{command[0]} {options}: {problem} {name}".strip()


def check_input(data: bytes, suffix: str, folder: Path, failures: Failures) -> None:
    path = folder / f"input{suffix}"
    path.write_bytes(data)
    for command in COMMANDS:
        code, stdout, stderr = run([*command, str(path)])
        problem = crash_of(code, stdout + stderr)
        if problem:
            def save(base: Path, data=data) -> Path:
                target = base.with_suffix(suffix)
                target.write_bytes(data)
                return target

            failures.record(_signature(command, problem, stdout + stderr),
                            f"rtcfg {' '.join(command)} <input>: {problem}\n{(stdout + stderr)[-2000:]}", save)


# -- scenarios: a project on disk in a hostile shape ------------------------------------------------------


@dataclass
class Scenario:
    shape: str
    files: dict[str, bytes]  # path under the project folder -> content
    paths: list[str] = field(default_factory=lambda: ["agent.yaml"])  # what the commands are given
    fifos: list[str] = field(default_factory=list)  # paths under the scenario folder to make named pipes
    links: dict[str, str] = field(default_factory=dict)  # link path -> target, both under the scenario folder
    env: dict[str, str] = field(default_factory=dict)
    private: list[str] = field(default_factory=list)  # never in any output (but a payload asked for)
    secrets: list[str] = field(default_factory=list)  # never past their first 6 characters
    overrides: list[str] = field(default_factory=list)  # --set, for validate and render
    outside: dict[str, bytes] = field(default_factory=dict)  # files out of the project (scenario/outside/...)
    pyproject: bytes | None = b""  # None: none written
    expect_secret_finding: bool = False


ALPHANUM = string.ascii_letters + string.digits
seeds = st.integers(0, 2 ** 32 - 1)


def _random_word(seed: int, length: int, alphabet: str = ALPHANUM) -> str:
    """Random-looking, not a shrinkable pattern: a run of one letter could match any output."""
    chooser = random.Random(seed)
    return "".join(chooser.choice(alphabet) for _ in range(length))


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar of `text`, every character it needs escaped."""
    return json.dumps(text, ensure_ascii=True)


# where a value can sit in a beta config (a YAML snippet with {value} in it)
VALUE_PLACES = {
    "instructions": "instructions: {value}\n",
    "voice": "voice: {value}\n",
    "model": "model: {value}\n",
    "temperature": "temperature: {value}\n",
    "max-tokens": "max_response_output_tokens: {value}\n",
    "turn-type": "turn_detection: {{type: {value}}}\n",
    "silence": "turn_detection: {{type: server_vad, silence_duration_ms: {value}}}\n",
    "tool-name": "tools:\n  - type: function\n    name: {value}\n    parameters: {{type: object}}\n",
    "tool-description": "tools:\n  - {{type: function, name: look_up, description: {value}}}\n",
    "tool-choice": "tools:\n  - {{type: function, name: look_up}}\ntool_choice: {value}\n",
    "unknown-key-value": "custom_field: {value}\n",
    "list-item": "modalities: [text, {value}]\n",
    "parameter-maximum": "tools:\n  - type: function\n    name: look_up\n    parameters:\n      type: object\n"
                         "      properties: {{n: {{type: integer, maximum: {value}}}}}\n",
}
KEY_PLACES = {
    "top-level-key": "{key}: 1\n",
    "parameter-key": "tools:\n  - type: function\n    name: look_up\n    parameters:\n      type: object\n"
                     "      properties: {{{key}: {{type: string}}}}\n",
    "turn-key": "turn_detection: {{type: server_vad, {key}: 1}}\n",
}


@st.composite
def long_integer_scenarios(draw) -> Scenario:
    base = draw(st.sampled_from(["hex", "binary", "octal", "0o", "sexagesimal", "decimal", "float"]))
    count = draw(st.one_of(st.integers(1, 40), st.integers(4000, 30000)))
    seed = draw(seeds)
    digits = {"hex": "0123456789abcdefABCDEF", "binary": "01", "octal": "01234567", "0o": "01234567",
              "decimal": "0123456789", "float": "0123456789"}
    if base == "sexagesimal":
        number = str(random.Random(seed).randint(1, 59)) + "".join(
            f":{random.Random(seed + i).randint(0, 59):02d}" for i in range(max(1, count // 3)))
    else:
        body = _random_word(seed, count, digits[base])
        if draw(st.booleans()):  # YAML 1.1 allows underscores anywhere in the digits
            body = "_".join(body[i:i + 3] for i in range(0, len(body), 3))
        number = {"hex": "0x", "binary": "0b", "octal": "0", "0o": "0o", "decimal": "1", "float": "1."}[base] + body
        if base == "float":
            number += draw(st.sampled_from(["", "e400", "e-99999", "e" + "9" * 5000]))
    number = draw(st.sampled_from(["", "-", "+"])) + number
    where = draw(st.sampled_from(["value", "key", "json", "set", "include"]))
    files: dict[str, bytes] = {}
    overrides: list[str] = []
    paths = ["agent.yaml", str(GOOD)]
    if where == "value":
        place = draw(st.sampled_from(sorted(VALUE_PLACES)))
        files["agent.yaml"] = ("voice: ash\n" * (place != "voice") + VALUE_PLACES[place].format(value=number)).encode()
    elif where == "key":
        place = draw(st.sampled_from(sorted(KEY_PLACES)))
        files["agent.yaml"] = ("voice: ash\n" + KEY_PLACES[place].format(key=number)).encode()
    elif where == "json":
        field_name = draw(st.sampled_from(["temperature", "max_response_output_tokens", "voice"]))
        files["agent.json"] = f'{{"{field_name}": {number.lstrip("+")}}}\n'.encode()
        paths = ["agent.json", str(GOOD)]
    elif where == "set":
        files["agent.yaml"] = b"voice: ash\n"
        overrides = [f"{draw(st.sampled_from(['temperature', 'max_response_output_tokens', 'voice']))}={number}"]
    else:
        files["agent.yaml"] = b"voice: ash\nturn_detection: {$file: turn.yaml}\n"
        files["turn.yaml"] = f"type: server_vad\nsilence_duration_ms: {number}\n".encode()
    return Scenario("long-integers", files, paths, overrides=overrides)


@st.composite
def include_scenarios(draw) -> Scenario:
    count = draw(st.integers(1, 14))
    depths = draw(st.lists(st.one_of(st.integers(1, 20), st.integers(80, 101)), min_size=count, max_size=count))
    style = draw(st.sampled_from(["flow-map", "flow-list", "block"]))
    how = draw(st.sampled_from(["$file", "extends", "mixed"]))
    cycle_to = draw(st.one_of(st.none(), st.integers(0, count - 1)))
    files: dict[str, bytes] = {}

    def name(index: int) -> str:
        return "agent.yaml" if index == 0 else f"part{index}.yaml"

    for index in range(count):
        last = index == count - 1
        next_name = name(cycle_to) if last and cycle_to is not None else (None if last else name(index + 1))
        extends = how == "extends" or (how == "mixed" and index % 2)
        inner = "1" if next_name is None or extends else f"{{$file: {next_name}}}"
        depth = depths[index]
        if style == "flow-map":
            nested = "{b: " * depth + inner + "}" * depth
        elif style == "flow-list":
            nested = "[" * depth + inner + "]" * depth
        else:
            nested = "\n" + "".join("  " * (level + 1) + "b:\n" for level in range(depth)) + "  " * (depth + 1) + inner
        head = f"extends: {next_name}\n" if extends and next_name else ""
        files[name(index)] = (head + ("voice: ash\n" if index == 0 else "") + f"metadata: {nested}\n").encode()
    return Scenario("includes", files, ["agent.yaml", str(GOOD)])


@st.composite
def fifo_scenarios(draw) -> Scenario:
    where = draw(st.sampled_from(["path", "in-folder", "include", "base", "pyproject", "nested-pyproject"]))
    files = {"agent.yaml": b"voice: ash\n"}
    fifos: list[str] = []
    paths = ["agent.yaml", str(GOOD)]
    pyproject: bytes | None = b""
    if where == "path":
        files = {}
        fifos = ["project/agent.yaml"]
    elif where == "in-folder":
        fifos = ["project/configs/pipe.yaml"]
        files["configs/ok.yaml"] = b"voice: ash\n"
        paths = ["configs", str(GOOD)]
    elif where == "include":
        target = draw(st.sampled_from(["prompt.md", "tools.yaml", "prompt.txt"]))
        files["agent.yaml"] = (b"voice: ash\ninstructions: {$file: prompt.md}\n" if target.endswith((".md", ".txt"))
                               else b"voice: ash\ntools: [{$file: tools.yaml}]\n").replace(b"prompt.md",
                                                                                             target.encode())
        fifos = [f"project/{target}"]
    elif where == "base":
        files["agent.yaml"] = b"extends: base.yaml\nvoice: ash\n"
        fifos = ["project/base.yaml"]
    elif where == "pyproject":
        pyproject = None
        fifos = ["project/pyproject.toml"]
    else:
        files["nested/agent.yaml"] = b"voice: ash\n"
        fifos = ["project/nested/pyproject.toml"]
        paths = ["nested/agent.yaml", "agent.yaml", str(GOOD)]
    return Scenario("fifos", files, paths, fifos=fifos, pyproject=pyproject)


SECRET_PREFIXES = ["sk-proj-", "sk-", "sk-svcacct-", "sk-admin-", "ek_", "Bearer "]


def _escaped(secret: str, how: str, cut: int) -> str:
    """A double-quoted YAML scalar whose value is `secret`, written `how`."""
    if how == "hex-dash":
        return '"' + secret.replace("-", "\\x2d").replace("_", "\\x5f") + '"'
    if how == "unicode-dash":
        return '"' + secret.replace("-", "\\u002d").replace("_", "\\u005f") + '"'
    if how == "long-unicode":
        return '"' + "".join(f"\\U{ord(c):08x}" if i % 3 == 0 else c for i, c in enumerate(secret)) + '"'
    if how == "all-escaped":
        return '"' + "".join(f"\\x{ord(c):02x}" for c in secret) + '"'
    if how == "continuation":  # "abc\<newline>  def" is "abcdef"
        return '"' + secret[:cut] + "\\\n    " + secret[cut:] + '"'
    if how == "json":
        return json.dumps(secret).replace("-", "\\u002d")
    return secret  # plain


@st.composite
def secret_scenarios(draw) -> Scenario:
    seed = draw(seeds)
    secret = draw(st.sampled_from(SECRET_PREFIXES)) + "Zq" + _random_word(seed, draw(st.integers(24, 60)))
    how = draw(st.sampled_from(["plain", "hex-dash", "unicode-dash", "long-unicode", "all-escaped", "continuation"]))
    cut = draw(st.integers(1, len(secret) - 1))
    # glued to what is not part of a key: a digit ("1sk-..."), punctuation, a non-ASCII letter (not an
    # ASCII letter: "task-..." must stay a word); a bearer token only after a separator
    glue = draw(st.sampled_from(["", " ", "/"] if secret.startswith("Bearer") else ["", "", "1", "_", "-", "é", " ", "/"]))
    text = glue + secret
    written = _escaped(text, how, cut + len(glue))
    where = draw(st.sampled_from(["value", "key", "default", "prompt", "json", "set", "list"]))
    files: dict[str, bytes] = {}
    overrides: list[str] = []
    paths = ["agent.yaml"]
    env: dict[str, str] = {}
    if where == "value":
        place = draw(st.sampled_from(["instructions", "voice", "model", "tool-name", "tool-description",
                                      "tool-choice", "unknown-key-value", "turn-type"]))
        files["agent.yaml"] = ("voice: ash\n" * (place != "voice") + VALUE_PLACES[place].format(value=written)).encode()
    elif where == "key":
        place = draw(st.sampled_from(sorted(KEY_PLACES)))
        files["agent.yaml"] = ("voice: ash\n" + KEY_PLACES[place].format(key=written)).encode()
    elif where == "default":  # ${UNSET:-sk-...}: the default is the value
        files["agent.yaml"] = ("voice: ash\ninstructions: \"${RTCFG_FUZZ_UNSET:-" + text + "}\"\n").encode()
    elif where == "prompt":
        files["agent.yaml"] = b"voice: ash\ninstructions: {$file: prompt.md}\n"
        files["prompt.md"] = f"Use this key: {text}\n".encode()
    elif where == "json":
        files["agent.json"] = ('{"voice": "ash", "instructions": ' + _escaped(text, "json", 0) + "}\n").encode()
        paths = ["agent.json"]
    elif where == "set":
        files["agent.yaml"] = b"voice: ash\n"
        overrides = [f"instructions={written}"]
    else:
        files["agent.yaml"] = f"voice: ash\nmodalities: [text, {written}]\n".encode()
    return Scenario("secrets", files, paths, env=env, secrets=[secret], overrides=overrides,
                    expect_secret_finding=where in ("value", "default", "prompt", "json", "list"))


ENV_SUFFIXES = ["", " x", ".v2", '"q"', "\\back", "\nnext line", "é", "\u2028", "  ", "'", "${NOT}", ":-", "}"]


@st.composite
def env_scenarios(draw) -> Scenario:
    seed = draw(seeds)
    core = "Ev" + _random_word(seed, 12)
    value = draw(st.sampled_from(["", "prefix-", "a b "])) + core + draw(st.sampled_from(ENV_SUFFIXES))
    env = {"RTCFG_FUZZ_VALUE": value}
    private = [core]
    reference = draw(st.sampled_from(["${RTCFG_FUZZ_VALUE}", "${RTCFG_FUZZ_VALUE:-fallback}",
                                      "pre_${RTCFG_FUZZ_VALUE}_post", "${RTCFG_FUZZ_VALUE}${RTCFG_FUZZ_VALUE}"]))
    written = _quoted(reference) if draw(st.booleans()) else reference
    where = draw(st.sampled_from(sorted(VALUE_PLACES) + ["file-name", "extends", "two-overlapping", "set"]))
    files: dict[str, bytes] = {}
    overrides: list[str] = []
    if where in VALUE_PLACES:
        files["agent.yaml"] = ("voice: ash\n" * (where != "voice") + VALUE_PLACES[where].format(value=written)).encode()
        if where == "tool-choice":  # a forced function that exists: the name comes from the environment too
            files["agent.yaml"] = (f"voice: ash\ntools:\n  - {{type: function, name: {written}}}\n"
                                   f"tool_choice: {written}\n").encode()
    elif where == "file-name":
        files["agent.yaml"] = f"voice: ash\ninstructions: {{$file: {written}}}\n".encode()
    elif where == "extends":
        files["agent.yaml"] = f"extends: {written}\nvoice: ash\n".encode()
    elif where == "two-overlapping":  # one value inside the other, masked in either order
        longer = core + "More" + _random_word(seed + 1, 8)
        env["RTCFG_FUZZ_LONGER"] = longer
        private.append(longer[len(core):])
        lines = ["instructions: ${RTCFG_FUZZ_VALUE}", "voice: ${RTCFG_FUZZ_LONGER}",
                 "custom_field: ${RTCFG_FUZZ_LONGER}"]
        random.Random(seed).shuffle(lines)
        files["agent.yaml"] = ("\n".join(lines) + "\n").encode()
    else:
        files["agent.yaml"] = b"voice: ash\n"
        overrides = [f"instructions={reference}"]
    return Scenario("env", files, ["agent.yaml"], env=env, private=private, overrides=overrides)


@st.composite
def pyproject_scenarios(draw) -> Scenario:
    kind = draw(st.sampled_from(["fixed", "tokens", "table", "deep", "big", "bytes", "link-out", "dangling",
                                 "folder"]))
    links: dict[str, str] = {}
    outside: dict[str, bytes] = {}
    pyproject: bytes | None
    files = {"agent.yaml": b"voice: ash\n", "nested/other.yaml": b"voice: ash\nmodalites: [text]\n"}
    if kind == "fixed":
        pyproject = draw(st.sampled_from([
            b"tool = 1\n", b"[tool]\nrtcfg = 1\n", b'[tool.rtcfg]\ntarget = ["ga"]\n', b"[tool.rtcfg]\ntarget = 1\n",
            b'[tool.rtcfg]\nignore = "R005"\n', b"[tool.rtcfg]\nignore = [1]\n", b'[tool.rtcfg]\nignore = ["L001"]\n',
            b"[tool.rtcfg]\nstrict = \"yes\"\n", b"[tool.rtcfg]\nmodels = [\"\"]\n", b"[tool.rtcfg]\nvoices = {}\n",
            b"[[tool.rtcfg]]\ntarget = \"ga\"\n", b"[tool]\n[tool.rtcfg.target]\n", b'x = "\xff\xfe"\n',
            b"\xef\xbb\xbf[tool.rtcfg]\ntarget = \"ga\"\n", b"[tool.rtcfg]\0\n", b"[tool.rtcfg\n",
            b'[tool.rtcfg]\n"allow-outside-root" = true\n', b"[tool.rtcfg]\nunknown = 1\n",
        ]))
    elif kind == "tokens":
        pyproject = "".join(draw(st.lists(st.sampled_from([
            "[tool.rtcfg]", "[tool]", "[[tool.rtcfg]]", "target", "ignore", "strict", "models", " = ", "\n", '"ga"',
            '"beta"', "[", "]", "{", "}", ",", "1", "true", "1979-05-27", '"R005"', "'''", '"""', "#", "rtcfg",
            "tool", ".", "inf", "nan", "\\", "\x00", "\ud7ff", "é"]), max_size=30))).encode("utf-8")
    elif kind == "table":
        key = draw(st.sampled_from(["target", "strict", "ignore", "allow-outside-root", "models", "voices",
                                    "transcription-models"]))
        value = draw(st.sampled_from(['"ga"', '"beta"', '"gamma"', "true", "false", "1", "1.5", "[]", '["R005"]',
                                      '["S001"]', '["x", 1]', "{}", '{a = 1}', '[""]', '["my-model"]', "1979-05-27"]))
        pyproject = f"[tool.rtcfg]\n{key} = {value}\n".encode()
    elif kind == "deep":
        depth = draw(st.integers(50, 6000))
        opener, closer = draw(st.sampled_from([("[", "]"), ("{a = ", "}")]))
        pyproject = b"x = " + opener.encode() * depth + b"1" * (opener == "{a = ") + closer.encode() * depth + b"\n"
    elif kind == "big":
        size = draw(st.sampled_from([1_000_000, 2_000_000, 3_000_000]))
        pyproject = b'[project]\ndescription = "' + b"x" * size + b'"\n[tool.rtcfg]\ntarget = "ga"\n'
    elif kind == "bytes":
        pyproject = draw(st.binary(max_size=100))
    elif kind == "link-out":
        pyproject = None
        outside["pyproject.toml"] = b'[tool.rtcfg]\ntarget = "ga"\n'
        links["project/pyproject.toml"] = "outside/pyproject.toml"
    elif kind == "dangling":
        pyproject = None
        links["project/pyproject.toml"] = "outside/nowhere.toml"
    else:
        pyproject = None
        files["pyproject.toml/README"] = b"a folder named like the settings file\n"
    return Scenario("pyproject", files, [".", str(GOOD)], links=links, outside=outside, pyproject=pyproject)


CONTROLS = ["\x1b", "\x9b", "\u202e", "\u202a", "\u2066", "\u2069", "\u2028", "\u2029", "\x07", "\x08", "\x7f",
            "\x85", "\r", "\x0c", "\x00", "\x1b[31m", "\x1b]8;;http://x\x07", "\x1b[2J"]


@st.composite
def control_scenarios(draw) -> Scenario:
    chosen = draw(st.lists(st.sampled_from(CONTROLS), min_size=1, max_size=4))
    text = "".join(word + control for word, control in zip(["red", "evil", "key", "x"], chosen))
    raw = draw(st.booleans()) and "\x00" not in text  # raw: mostly L008, but bidi marks and U+2028 are allowed
    written = ('"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"') if raw else _quoted(text)
    if draw(st.booleans()):
        place = draw(st.sampled_from(sorted(VALUE_PLACES)))
        config = "voice: ash\n" * (place != "voice") + VALUE_PLACES[place].format(value=written)
    else:
        config = "voice: ash\n" + KEY_PLACES[draw(st.sampled_from(sorted(KEY_PLACES)))].format(key=written)
    name = draw(st.sampled_from(["agent.yaml", "agent.json"]))
    if name == "agent.json":
        config = json.dumps({"voice": "ash", "instructions": text, text: 1})
    return Scenario("controls", {name: config.encode("utf-8", "surrogatepass")}, [name, str(GOOD)])


SHAPES = {
    "long-integers": long_integer_scenarios(),
    "includes": include_scenarios(),
    "fifos": fifo_scenarios(),
    "secrets": secret_scenarios(),
    "env": env_scenarios(),
    "pyproject": pyproject_scenarios(),
    "controls": control_scenarios(),
}

# The characters that act on a terminal or hide text (what report.printable replaces)
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _lay_out(scenario: Scenario, folder: Path) -> Path:
    """Write the scenario under `folder`: project/ (its root) and outside/. Returns project/."""
    project = folder / "project"
    project.mkdir(parents=True)
    (folder / "outside").mkdir()
    if scenario.pyproject is not None:
        (project / "pyproject.toml").write_bytes(scenario.pyproject)
    for name, content in {**{f"project/{k}": v for k, v in scenario.files.items()},
                          **{f"outside/{k}": v for k, v in scenario.outside.items()}}.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    for name in scenario.fifos:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        os.mkfifo(folder / name)
    for name, target in scenario.links.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        os.symlink(folder / target, folder / name)
    return project


def _secret_shown(secret: str, text: str) -> bool:
    """More than the first 6 characters of `secret` in `text`: any 6 of its characters after the
    first that reach into its random part (which starts "Zq"; the prefix alone, "Bearer ",
    is an English word that rtcfg's own help text uses)."""
    random_part = secret.index("Zq")
    return any(secret[i:i + 6] in text for i in range(max(1, random_part - 5), len(secret) - 5))


def scenario_runs(scenario: Scenario, project: Path) -> list[tuple[list[str], dict]]:
    """(argv, what to check) of every run of a scenario."""
    paths = [p if os.path.isabs(p) else str(project / p) for p in scenario.paths]
    first = paths[0]
    sets = [arg for override in scenario.overrides for arg in ("--set", override)]
    runs = [(["validate", "-f", fmt, *sets, *paths], {"report": fmt in ("text", "github", "junit")})
            for fmt in ("text", "json", "sarif", "junit", "github")]
    runs += [
        (["render", *sets, first], {"payload": True}),
        (["render", "-f", "yaml", "--target", "ga", *sets, first], {"payload": True}),
        (["render", "--explain", *sets, first], {"report": True}),
        (["render", "--diff", *sets, first], {}),
        (["migrate", first], {}),
        (["migrate", first, "-o", str(project.parent / "migrated.yaml")], {"written": project.parent / "migrated.yaml"}),
        (["diff", first, str(GOOD)], {"report": True}),
    ]
    return runs


def check_scenario(scenario: Scenario, folder: Path, failures: Failures) -> None:
    if folder.exists():
        shutil.rmtree(folder)
    project = _lay_out(scenario, folder)
    for argv, what in scenario_runs(scenario, project):
        code, stdout, stderr = run(argv, scenario.env)
        output = stdout + stderr
        problems = []
        crash = crash_of(code, output)
        if crash:
            problems.append(crash)
        shown = stderr if what.get("payload") else output  # the payload asked for holds the values
        written = what.get("written")
        if written is not None and written.exists():
            shown += written.read_text("utf-8", "replace")
            written.unlink()
        for value in scenario.private:
            if value in shown:
                problems.append("an environment value in the output")
        for secret in scenario.secrets:
            if _secret_shown(secret, output if not what.get("payload") or code != 0 else stderr):
                problems.append("an API key past its first 6 characters in the output")
        if what.get("report") and RAW_CONTROL.search(output.replace("\n", "").replace("\t", "")):
            problems.append("a raw control character in a report")
        if (argv[:3] == ["validate", "-f", "text"] and scenario.expect_secret_finding and code != "hang"
                and ": R012 " not in stdout and ": L0" not in stdout and ": B0" not in stdout):
            problems.append("an API key not reported (no R012)")
        if argv[:3] == ["validate", "-f", "text"] and not scenario.overrides and code in (0, 1, 2) and not re.search(
                r"(\d+ files? checked|in \d+ of \d+ files?)", stdout.rstrip().splitlines()[-1] if stdout.strip() else ""):
            problems.append("no summary: the run did not go on to the end")
        for problem in dict.fromkeys(problems):
            def save(base: Path, scenario=scenario, argv=argv) -> Path:
                shutil.copytree(folder, base, symlinks=True,
                                ignore=lambda d, names: [n for n in names if (Path(d) / n).is_fifo()])
                manifest = {**asdict(scenario), "argv": argv}
                manifest = json.loads(json.dumps(manifest, default=lambda b: b.decode("utf-8", "backslashreplace")))
                (base / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
                return base

            failures.record(f"{scenario.shape}: {_signature(argv, problem, output)}",
                            f"rtcfg {' '.join(argv)}\n  env: {scenario.env!r}\n  {problem} (exit {code})\n"
                            f"{output[-2000:]}", save)


# -- the loop -----------------------------------------------------------------------------------------------------


def main() -> int:
    global TIMEOUT
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--only", choices=["inputs", "scenarios"], help="one kind of input (default: both, alternated)")
    parser.add_argument("--shape", action="append", choices=sorted(SHAPES), help="scenario shapes (default: all)")
    parser.add_argument("--timeout", type=int, default=TIMEOUT, help="seconds a run may take before it is a hang")
    parser.add_argument("--memory-mb", type=int, default=4096, help="the process's address-space ceiling")
    parser.add_argument("--max-failures", type=int, default=25, help="stop after this many distinct failures")
    args = parser.parse_args()
    TIMEOUT = args.timeout
    try:
        import resource

        ceiling = args.memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (ceiling, resource.getrlimit(resource.RLIMIT_AS)[1]))
    except (ImportError, ValueError, OSError):
        pass
    deadline = time.monotonic() + args.minutes * 60
    seed = args.seed if args.seed is not None else random.randrange(2**32)
    failures = Failures(args.max_failures)
    counts = {"inputs": 0, **{name: 0 for name in SHAPES}}
    scenarios = st.one_of(*(SHAPES[name] for name in (args.shape or sorted(SHAPES))))
    kinds = [args.only] if args.only else ["inputs", "scenarios"]
    with tempfile.TemporaryDirectory(prefix="rtcfg-fuzz-") as temp:
        folder = Path(temp)
        (folder / "pyproject.toml").write_text("")
        rounds = 0
        while time.monotonic() < deadline and not failures.full:
            rounds += 1
            kind = kinds[rounds % len(kinds)]
            common = dict(max_examples=50, deadline=None, database=None, derandomize=False,
                          phases=[Phase.generate], suppress_health_check=list(HealthCheck))

            if kind == "inputs":
                @settings(**common)
                @given(inputs, st.sampled_from([".yaml", ".json"]))
                def target(data: bytes, suffix: str) -> None:
                    if time.monotonic() >= deadline or failures.full:
                        return
                    counts["inputs"] += 1
                    check_input(data, suffix, folder, failures)
            else:
                @settings(**common)
                @given(scenarios)
                def target(scenario: Scenario) -> None:
                    if time.monotonic() >= deadline or failures.full:
                        return
                    counts[scenario.shape] += 1
                    check_scenario(scenario, folder / "scenario", failures)

            random.seed(seed + rounds)
            target()
    ran = ", ".join(f"{name} {count}" for name, count in counts.items() if count)
    if failures.seen:
        print(f"fuzz: {len(failures.seen)} distinct failures in {args.minutes:g} min (seed {seed}); ran: {ran}")
        for signature, times in failures.seen.items():
            print(f"  {times:4d}x  {signature}")
        return 1
    print(f"fuzz: no failure in {args.minutes:g} min (seed {seed}); ran: {ran}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
