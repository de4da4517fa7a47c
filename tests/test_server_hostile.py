"""The hostile corpus through the language server: `rtcfg server` (the real process, over
stdio, tests/lsp_client.py) must survive every file of tests/hostile/ and a seeded sample of
generated noise sent as the text of an open session config, and keep answering.

One server for the module (started with a secret in its environment); one project on disk
(with `.git`) holding session.yaml and session.json, opened valid, then changed to each
hostile text in turn. After each change: the diagnostics of that version arrive, every
range in them lies inside the document as LSP counts it (lines broken at \\n, \\r\\n, \\r;
columns in UTF-16 units), none holds an environment value, hover, completion and definition
answer at the start, middle, end, past the end of a line and past the end of the document,
no handler logs "failed", and the process is alive. At the end it exits 0 on shutdown + exit,
and its stderr holds no traceback.

No timing is asserted and nothing sleeps: every wait is for an answer (with lsp_client's
generous bound on a hang).

Besides: code actions over each hostile text (every edit inside the text); exact positions
(diagnostic, hover, quick fix) after characters that count differently in UTF-16, LSP and
YAML (astral characters, U+2028, U+0085, CR, a BOM, tabs); no environment value in a
diagnostic; `$file`/`extends` out of the project is B003 and definition finds nothing; a
device, the server's own stdin or a FIFO is refused, never read, even where files outside
the project are allowed.
"""

from __future__ import annotations

import json
import os
import random
import re
from pathlib import Path
from urllib.parse import unquote

import pytest

pytest.importorskip("pygls")
pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="the project holds FIFOs")

from lsprotocol import types  # noqa: E402

from conftest import ROOT  # noqa: E402
from lsp_client import Server, apply_edits  # noqa: E402

HOSTILE = ROOT / "tests" / "hostile"
GOOD_YAML = (ROOT / "sample_configs" / "voice-agent.yaml").read_text(encoding="utf-8")
SECRET_NAME = "RTCFG_TEST_SECRET"
SECRET = "sk-test-abcdef1234567890abcdef"
OUTSIDE_MARKER = "OUTSIDE-THE-PROJECT-7f3a9c"  # in every file outside the project: never shown
LSP_BREAK = re.compile(r"\r\n|\r|\n")  # what LSP counts as a line break (not U+2028, not U+0085)


def good_json() -> str:
    import yaml

    return json.dumps(yaml.safe_load(GOOD_YAML), indent=2) + "\n"


# -- the texts -----------------------------------------------------------------------------------


def _decoded(path: Path) -> list[tuple[str, str]]:
    """(id suffix, text) of a hostile file as an editor could hold it: UTF-8 with replacement
    characters (what an editor shows for bytes it cannot read); a file with a UTF-16 byte
    order mark, besides, as UTF-16."""
    raw = path.read_bytes()
    texts = [("", raw.decode("utf-8", "replace"))]
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        texts.append(("-as-utf16", raw.decode("utf-16")))
    return texts


HOSTILE_FILES = sorted(p for p in HOSTILE.iterdir() if p.suffix in (".yaml", ".json"))
FILE_CASES = [pytest.param(p.suffix.lstrip("."), text, id=f"file-{p.name}{suffix}")
              for p in HOSTILE_FILES for suffix, text in _decoded(p)]

_TOKENS = [":", " ", "\n", "- ", "[", "]", "{", "}", ",", "&a ", "*a", "<<: ", "!!str ", "!!python/object ", "? ",
           "|", ">", "'", '"', "#", "---\n", "...\n", "\t", "\r", "\r\n", "\u2028", "\u2029", "\x85", "\ufeff",
           "\x00", "\\", "${RTCFG_TEST_SECRET}", "$file: ", "extends: ", "voice", "tools", "type", "realtime",
           "audio", "no", "1e400", ".nan", "0x1F", "~", "=", "\U0001F600", "\U00010348", "\\ud800", "\\x85",
           "turn_detection", "  ", "    ", "instructions", "input_audio_format", "g711-ulaw", "\x1b[31m", "\u202e"]


def _mutated(rng: random.Random, text: str) -> str:
    data = bytearray(text.encode("utf-8"))
    for _ in range(rng.randint(1, 12)):
        at = rng.randrange(len(data))
        action = rng.choice(["flip", "insert", "delete", "token"])
        if action == "flip":
            data[at] = rng.randrange(256)
        elif action == "insert":
            data[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
        elif action == "delete":
            del data[at:at + rng.randint(1, 16)]
        else:
            data[at:at] = rng.choice(_TOKENS).encode("utf-8", "surrogatepass")
    return data.decode("utf-8", "replace")


def _noise(seed: int) -> list:
    """A seeded sample of generated noise: (document kind, text, id)."""
    rng = random.Random(seed)
    cases = []
    for index in range(3):
        blob = bytes(rng.randrange(256) for _ in range(rng.choice([64, 700, 4096])))
        cases.append(("yaml" if index % 2 == 0 else "json", blob.decode("utf-8", "replace"), f"binary-{index}"))
    for index in range(4):
        cases.append(("yaml", "".join(rng.choice(_TOKENS) for _ in range(rng.randint(5, 80))), f"tokens-{index}"))
    for index in range(4):
        kind = "yaml" if index % 2 == 0 else "json"
        cases.append((kind, _mutated(rng, GOOD_YAML if kind == "yaml" else good_json()), f"mutated-{kind}-{index}"))
    return [pytest.param(kind, text, id=f"noise-{name}") for kind, text, name in cases]


def _bomb(levels: int) -> str:
    lines = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in range(1, levels):
        prev, name = chr(ord("a") + level - 1), chr(ord("a") + level)
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 10) + "]")
    lines.append(f"instructions: *{chr(ord('a') + levels - 1)}")
    return "\n".join(lines) + "\n"


MB = 1 << 20
SHAPES = [
    # nesting
    ("yaml", "[" * 5000, "unclosed-flow-5000"),
    ("yaml", "instructions: " + "[" * 5000 + "]" * 5000 + "\n", "closed-flow-5000"),
    ("yaml", "a: " + "{a: " * 5000 + "1" + "}" * 5000 + "\n", "flow-mapping-5000"),
    ("json", "[" * 5000, "json-unclosed-5000"),
    ("json", '{"instructions": ' + '{"a": ' * 5000 + "1" + "}" * 5000 + "}", "json-objects-5000"),
    ("yaml", "".join("  " * depth + "a:\n" for depth in range(400)), "block-nesting-400"),
    ("yaml", "".join("  " * depth + "- \n" for depth in range(400)), "block-sequences-400"),
    # size
    ("yaml", "instructions: " + "x" * MB + "\n", "one-mb-line-over-the-limit"),
    ("yaml", "voice: ash\ninstructions: " + "x" * (MB - 64) + "\n", "one-mb-line-under-the-limit"),
    ("yaml", "voice: ash\n# " + "é" * (MB // 2 - 64) + "\n", "one-mb-comment"),
    ("json", '{"instructions": "' + "\U0001F600" * (MB // 4) + '"}', "json-astral-line"),
    ("yaml", "voice: ash\n" * 3000, "three-thousand-duplicate-keys"),
    # characters
    ("yaml", "voice: ash\x00\nmodel: \x00\x00\n\x00: 1\n", "nul-characters"),
    ("json", '{"voice": "ash\x00", "\x00": 1}', "json-nul-characters"),
    ("yaml", 'voice: ash\ninstructions: "\ud800"\n', "lone-surrogate-quoted"),
    ("yaml", "voice: ash\ninstructions: x\udfffy\n", "lone-surrogate-plain"),
    ("json", '{"voice": "ash", "instructions": "\ud83d"}', "json-lone-surrogate"),
    ("yaml", 'voice: ash\ninstructions: "\\ud800 and \\udfff"\n', "surrogate-escapes"),
    ("json", '{"voice": "ash", "instructions": "\\ud83d\\ud83d \\udc00"}', "json-surrogate-escapes"),
    ("yaml", GOOD_YAML.replace("\n", "\r"), "cr-only"),
    ("yaml", "".join(line + ("\r", "\r\n", "\n")[i % 3] for i, line in enumerate(GOOD_YAML.splitlines())),
     "mixed-line-ends"),
    ("yaml", GOOD_YAML.replace("\n", "\u2028"), "line-separators-only"),
    ("yaml", GOOD_YAML.replace("\n  ", "\u2028\n  ").replace("\n", "\x85\n", 3), "line-separators-mixed"),
    ("yaml", GOOD_YAML.replace("  ", "\t"), "tab-indentation"),
    ("yaml", "voice:\tash\ninstructions:\t\t'a\tb'\t\n\t\n", "tabs"),
    ("yaml", "instructions: " + "\U0001F600\U00010348" * 200 + "\n\U0001F600: 1\nvoice: \U0001F3A4\n", "astral"),
    ("yaml", "\ufeff\ufeffvoice: ash\n\ufeff", "byte-order-marks"),
    ("yaml", "\r\n\r\r\n\n\r", "only-line-breaks"),
    ("yaml", "", "empty"),
    ("json", "", "json-empty"),
    # unclosed
    ("yaml", 'voice: ash\ninstructions: "never closed\nmodel: x\n', "unclosed-double-quote"),
    ("yaml", "voice: 'never closed", "unclosed-single-quote"),
    ("yaml", "tools: [{type: function, name: a, parameters: {type: object", "unclosed-brackets"),
    ("json", '{"voice": "ash", "tools": [{"type": "function", "name": "a', "json-unclosed"),
    ("json", '{"voice": "ash", "instructions": "\\', "json-trailing-backslash"),
    ("yaml", "instructions: |\n  a\n b\n  c\n\t\n", "broken-block-scalar"),
    # anchors and aliases
    ("yaml", _bomb(9), "alias-bomb-9"),
    ("yaml", "a: &a\n  <<: *a\n", "self-merge"),
    ("yaml", "a: &a [*a]\n", "alias-before-anchor"),
    ("yaml", "*a : 1\n&a x: *b\n", "undefined-aliases"),
    ("yaml", "base: &b {voice: ash}\n" + "".join(
        f"m{i}: &m{i} {{<<: [*b" + "".join(f", *m{j}" for j in range(max(0, i - 8), i)) + "]}\n" for i in range(60)),
     "merge-chains"),
    # links
    ("yaml", "extends: ../../etc/passwd\nvoice: ash\n", "extends-etc-passwd"),
    ("yaml", "voice: ash\ninstructions: {$file: /dev/zero}\n", "file-dev-zero"),
    ("yaml", "voice: ash\ninstructions: {$file: ../../../../../../../../dev/zero}\n", "file-dev-zero-relative"),
    ("yaml", "voice: ash\ninstructions: {$file: pipe.txt}\n", "file-fifo"),
    ("yaml", "extends: pipe.yaml\nvoice: ash\n", "extends-fifo"),
    ("yaml", "voice: ash\ninstructions: {$file: /dev/stdin}\n", "file-dev-stdin"),
    ("yaml", "voice: ash\ninstructions: {$file: \"a\\0b\"}\n", "file-name-with-nul"),
    ("yaml", "voice: ash\ninstructions: {$file: " + "a" * 5000 + "}\n", "file-name-too-long"),
    ("yaml", "voice: ash\ninstructions: {$file: .}\n", "file-a-folder"),
    ("yaml", "extends: session.yaml\nvoice: ash\n", "extends-itself"),
    ("yaml", "extends: [a.yaml, a.yaml, a.yaml, ~, 1, [x]]\nvoice: ash\n", "extends-junk"),
    ("yaml", "voice: ash\ninstructions: {$file: [1, 2]}\ntools: [{$file: ~}]\n", "file-junk"),
    ("yaml", "extends: ${RTCFG_TEST_SECRET}\ninstructions: {$file: '${RTCFG_TEST_SECRET}'}\n", "links-from-env"),
    ("json", '{"extends": "../outside/base.yaml", "instructions": {"$file": "link-out.txt"}}', "json-links-out"),
    ("yaml", '"$file ": ../../etc/passwd\n$File: /dev/zero\n"extends\u200b": ../outside/base.yaml\n'
             'instructions: {"\\u0024file": pipe.txt, "$file": ../outside/prompt.txt}\n', "link-lookalike-keys"),
    ("yaml", "$file: ../outside/base.yaml\n", "root-is-a-link-out"),
    ("yaml", "${RTCFG_TEST_SECRET}: 1\n$file: ${RTCFG_TEST_SECRET}\n", "secret-as-key-and-link"),
]
SHAPE_CASES = [pytest.param(kind, text, id=name, marks=[pytest.mark.slow] if len(text) > MB // 2 else [])
               for kind, text, name in SHAPES]  # a megabyte of text: a few seconds
CASES = FILE_CASES + SHAPE_CASES + _noise(20261201)


# -- the server and its project --------------------------------------------------------------------


class Session:
    """The module's server, its project, and what it wrote to stderr."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.project = base / "project"
        self.project.mkdir()
        (self.project / ".git").mkdir()
        outside = base / "outside"
        outside.mkdir()
        (outside / "base.yaml").write_text(f"voice: ash\ninstructions: {OUTSIDE_MARKER}\nmodel: {OUTSIDE_MARKER}\n")
        (outside / "prompt.txt").write_text(OUTSIDE_MARKER + "\n")
        (self.project / "prompt.txt").write_text("You are a helpful agent.\n")
        (self.project / "base.yaml").write_text("voice: ash\n")
        os.symlink(outside / "prompt.txt", self.project / "link-out.txt")
        os.symlink(outside, self.project / "folder-out")
        os.mkfifo(self.project / "pipe.txt")
        os.mkfifo(self.project / "pipe.yaml")
        self.yaml_path, self.json_path = self.project / "session.yaml", self.project / "session.json"
        self.yaml_path.write_text(GOOD_YAML)
        self.json_path.write_text(good_json())
        self.shown: list[str] = []  # window/showMessage
        self.server = Server(self.project, env={SECRET_NAME: SECRET})
        self.stderr = self.server.stderr  # what the server wrote there (lsp_client reads it)
        self.process = self.server.client._server  # pygls's asyncio subprocess

        @self.server.client.feature(types.WINDOW_SHOW_MESSAGE)
        def _shown(ls, params: types.ShowMessageParams) -> None:
            self.shown.append(params.message)

        self.uris = {"yaml": self.server.open(self.yaml_path, GOOD_YAML),
                     "json": self.server.open(self.json_path, good_json())}
        self.sent = {(self.uris["yaml"], 1): GOOD_YAML, (self.uris["json"], 1): good_json()}  # (URI, version): text
        self.opened = {kind: self.server.diagnostics(uri, 1) for kind, uri in self.uris.items()}
        self.exit_code: int | None = None
        self.stopped = False

    def alive(self) -> bool:
        return self.process.returncode is None

    def failed_logs(self, since: int = 0) -> list[str]:
        return [message for message in self.server.logs[since:] if "failed" in message]

    def stop(self) -> int | None:
        if not self.stopped:
            self.stopped = True
            self.exit_code = self.server.stop()
        return self.exit_code


@pytest.fixture(scope="module")
def session(tmp_path_factory):
    opened = Session(tmp_path_factory.mktemp("server-hostile"))
    yield opened
    if not opened.stopped:
        try:
            opened.stop()
        except Exception:  # noqa: BLE001 - a server already broken: make sure the process goes
            if opened.alive():
                opened.process.kill()


# -- checks ------------------------------------------------------------------------------------------


def lsp_lines(text: str) -> list[str]:
    return LSP_BREAK.split(text)


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def out_of_document(text: str, diagnostics: list[types.Diagnostic]) -> list[str]:
    """Every range end that is not a position of `text` (as LSP counts lines and columns)."""
    lines = lsp_lines(text)
    wrong = []
    for diagnostic in diagnostics:
        start, end = diagnostic.range.start, diagnostic.range.end
        for name, position in (("start", start), ("end", end)):
            if not (0 <= position.line < len(lines) and 0 <= position.character <= utf16(lines[position.line])):
                wrong.append(f"{diagnostic.code} {name} {position.line}:{position.character} "
                             f"({len(lines)} lines; that line has {utf16(lines[min(position.line, len(lines) - 1)])} "
                             f"UTF-16 units): {diagnostic.message[:120]!r}")
        if (end.line, end.character) < (start.line, start.character):
            wrong.append(f"{diagnostic.code} ends before it starts: {diagnostic.range}")
    return wrong


def places(text: str) -> list[tuple[int, int]]:
    """Positions to ask at: start, middle, end, past the end of a line, a line past the end,
    far past the end, a huge column, and between the two halves of a surrogate pair."""
    lines = lsp_lines(text)
    middle = len(lines) // 2
    found = [(0, 0), (middle, utf16(lines[middle]) // 2), (len(lines) - 1, utf16(lines[-1])),
             (0, utf16(lines[0]) + 7), (len(lines), 0), (len(lines) + 5, 3), (middle, 2**31 - 1)]
    for number, line in enumerate(lines):
        astral = re.search("[\U00010000-\U0010ffff]", line)
        if astral:
            found.append((number, utf16(line[:astral.start()]) + 1))
            break
    return found


API_KEY = "sk-proj-Zq9KRKQNLEFQJW9C5f6MqtGV3L8kpmsXpm66xSbf"  # the fake key of tests/hostile/secret-*.yaml


def api_key_shown(text: str) -> list[str]:
    """Pieces of the fake API key past its first 6 characters (as tests/test_hostile_classes.py)."""
    start = len("sk-proj-") - 5
    return sorted({API_KEY[i:i + 6] for i in range(start, len(API_KEY) - 5) if API_KEY[i:i + 6] in text})


def leaks(text: str) -> bool:
    """The secret, or a 10-character piece of it past its first 6 characters."""
    return SECRET in text or any(SECRET[i:i + 10] in text for i in range(6, len(SECRET) - 9))


def diagnostics_text(diagnostics: list[types.Diagnostic]) -> str:
    return "\n".join(f"{d.message}\n{json.dumps(d.data, default=str)}\n{d.code}" for d in diagnostics)


def send(session: Session, kind: str, text: str) -> tuple[int, list[types.Diagnostic]]:
    """Change the document to `text`; (its version, the diagnostics published for it). A
    handler that logs "failed" fails at once (its diagnostics would never come)."""
    server, uri = session.server, session.uris[kind]
    logged = len(server.logs)
    version = server.change(uri, text)
    session.sent[(uri, version)] = text
    server.settle()  # the server answers in order: the change has been handled
    assert not session.failed_logs(logged), (session.failed_logs(logged), "".join(session.stderr)[-4000:])
    assert session.alive(), "".join(session.stderr)[-4000:]
    return version, server.diagnostics(uri, version)


def ask_everywhere(session: Session, kind: str, text: str) -> None:
    server, uri = session.server, session.uris[kind]
    logged = len(server.logs)
    for line, character in places(text):
        hover = server.hover(uri, line, character)
        assert hover is None or isinstance(hover, types.Hover)
        if hover is not None:
            assert not api_key_shown(str(hover.contents)), hover.contents
        if hover is not None and hover.range is not None:
            assert not out_of_document(text, [types.Diagnostic(range=hover.range, message="hover")])
        items = server.complete(uri, line, character)
        assert isinstance(items, list)
        for item in items:
            edit = item.text_edit
            if isinstance(edit, types.TextEdit):
                assert not out_of_document(text, [types.Diagnostic(range=edit.range, message=item.label)]), item
        server.definition(uri, line, character)
        assert session.alive(), "".join(session.stderr)[-4000:]
    # code actions over the whole text with what was published: every edit lands in the text
    lines = lsp_lines(text)
    published = server.published[uri][-1].diagnostics
    for action in server.actions(uri, (0, 0), (len(lines) - 1, utf16(lines[-1])), diagnostics=published):
        if action.edit is None and action.data is not None:
            action = server.resolve(action)
        edits = [edit for changes in ((action.edit and action.edit.changes) or {}).values() for edit in changes]
        edits += [edit for change in ((action.edit and action.edit.document_changes) or []) for edit in change.edits]
        ranges = [types.Diagnostic(range=edit.range, message=action.title) for edit in edits]
        assert not out_of_document(text, ranges), (action.title, out_of_document(text, ranges))
    assert session.alive(), "".join(session.stderr)[-4000:]
    assert not session.failed_logs(logged), (session.failed_logs(logged), "".join(session.stderr)[-4000:])


# -- the tests --------------------------------------------------------------------------------------


def test_valid_configs_open_clean(session: Session) -> None:
    assert session.opened == {"yaml": [], "json": []}
    assert session.alive()


@pytest.mark.parametrize("kind, text", CASES)
def test_hostile_text(session: Session, kind: str, text: str) -> None:
    version, diagnostics = send(session, kind, text)
    assert isinstance(diagnostics, list)
    assert not out_of_document(text, diagnostics), out_of_document(text, diagnostics)
    assert not leaks(diagnostics_text(diagnostics))
    assert not api_key_shown(diagnostics_text(diagnostics))
    assert OUTSIDE_MARKER not in diagnostics_text(diagnostics)
    ask_everywhere(session, kind, text)
    internal = [d.message for d in diagnostics if d.code == "F003"]
    assert not internal, internal  # F003: "rtcfg failed on this file ... a bug in rtcfg"


# Exact places: where a character that counts differently (an astral character, U+2028, a
# lone CR, a BOM, a tab) comes before a mistake, the diagnostic and the hover must be at the
# mistake's own UTF-16 position. Each text has `g711-ulaw` (S002) once.

EXACT = [
    pytest.param("yaml", "{instructions: \"\U0001F600\U0001F600\", input_audio_format: g711-ulaw}\n", id="astral-same-line"),
    pytest.param("yaml", "instructions: \"\U0001F600\"\ninput_audio_format:   g711-ulaw\n", id="astral-line-above"),
    pytest.param("yaml", "instructions: \"a\u2028b\"\ninput_audio_format: g711-ulaw\n", id="u2028-quoted"),
    pytest.param("yaml", "instructions: 'a\u2028b\u2029c\x85d'\ninput_audio_format: g711-ulaw\n",
                 id="u2028-single-quoted"),
    pytest.param("yaml", "tools: [\"a\u2028\", \"\x85\u2029\"]\ninput_audio_format: g711-ulaw\n", id="u2028-flow-sequence"),
    pytest.param("yaml", "voice: ash\rinstructions: x\r\ninput_audio_format: g711-ulaw\r", id="cr-and-crlf"),
    pytest.param("yaml", "\ufeffinput_audio_format: g711-ulaw\n", id="bom"),
    pytest.param("yaml", "voice:\tash\ninput_audio_format:\tg711-ulaw\n", id="tab"),
    pytest.param("json", '{"instructions": "\U0001F600\u2028\U0001F600", "input_audio_format": "g711-ulaw"}',
                 id="json-astral"),
    pytest.param("json", '{"instructions": "x",\r"input_audio_format":\r"g711-ulaw"}', id="json-cr"),
]


def lsp_position(text: str, offset: int) -> tuple[int, int]:
    lines = lsp_lines(text[:offset])
    return len(lines) - 1, utf16(lines[-1])


@pytest.mark.parametrize("kind, text", EXACT)
def test_positions_are_exact_after_characters_that_count_differently(session: Session, kind: str, text: str) -> None:
    _, diagnostics = send(session, kind, text)
    found = [d for d in diagnostics if d.code == "S002"]
    assert len(found) == 1, [(d.code, d.message) for d in diagnostics]
    offset = text.index("g711-ulaw")
    expected = {lsp_position(text, offset)}
    if kind == "json":  # a JSON string's position may start at its quote
        expected.add(lsp_position(text, offset - 1))
    start = found[0].range.start
    assert (start.line, start.character) in expected, (found[0].range, expected)
    line, character = lsp_position(text, offset + 3)  # inside the value
    hover = session.server.hover(session.uris[kind], line, character)
    assert hover is not None and hover.range is not None
    assert (hover.range.start.line, hover.range.start.character) in expected, (hover.range, expected)
    # the quick fix writes exactly over the value
    fixes = [action for action in session.server.actions(session.uris[kind], (line, character), diagnostics=found,
                                                         only=["quickfix"]) if "g711_ulaw" in action.title]
    assert len(fixes) == 1, fixes
    action = fixes[0] if fixes[0].edit is not None else session.server.resolve(fixes[0])
    edits = [edit for changes in (action.edit.changes or {}).values() for edit in changes]
    edits += [edit for change in (action.edit.document_changes or []) for edit in change.edits]
    assert apply_edits(text, edits) == text.replace("g711-ulaw", "g711_ulaw")


# -- environment values ---------------------------------------------------------------------------

SECRET_TEXTS = [
    "model: ${RTCFG_TEST_SECRET}\n",
    "input_audio_format: ${RTCFG_TEST_SECRET}\n",
    "voice: ash\nturn_detection:\n  type: ${RTCFG_TEST_SECRET}\n",
    "voice: ash\ntools:\n  - type: function\n    name: ${RTCFG_TEST_SECRET}\ntool_choice: ${RTCFG_TEST_SECRET}x\n",
    "voice: ash\ntemperature: ${RTCFG_TEST_SECRET}\nmax_response_output_tokens: \"${RTCFG_TEST_SECRET}\"\n",
    "voice: ash\ninput_audio_transcription:\n  model: pre-${RTCFG_TEST_SECRET}-post\n  language: ${RTCFG_TEST_SECRET}\n",
    "voice: ash\nmodalities: [\"${RTCFG_TEST_SECRET}\", audio]\n",
    "voice: ash\ninstructions: ${RTCFG_NOT_SET_ANYWHERE:-${RTCFG_TEST_SECRET}}\ntemperature: 7\n",
    "voice: ash\ninstructions: {$file: '${RTCFG_TEST_SECRET}.txt'}\n",
    "extends: ${RTCFG_TEST_SECRET}.yaml\nvoice: ash\n",
]


@pytest.mark.parametrize("text", SECRET_TEXTS, ids=[f"secret-{i}" for i in range(len(SECRET_TEXTS))])
def test_no_diagnostic_shows_an_environment_value(session: Session, text: str) -> None:
    _, diagnostics = send(session, "yaml", text)
    assert diagnostics, "a wrong value is reported"
    shown = diagnostics_text(diagnostics)
    assert not leaks(shown), shown
    assert not out_of_document(text, diagnostics)
    ask_everywhere(session, "yaml", text)


def test_hover_does_not_show_an_environment_value(session: Session) -> None:
    text = "voice: ash\nmodel: ${RTCFG_TEST_SECRET}\n"
    send(session, "yaml", text)
    hover = session.server.hover(session.uris["yaml"], 1, 10)
    assert hover is None or not leaks(hover.contents.value), hover.contents.value


# -- files outside the project --------------------------------------------------------------------

OUTSIDE = [
    ("$file: ../outside/base.yaml\n", "../outside/base.yaml"),
    ("extends: ../outside/base.yaml\nvoice: ash\n", "../outside/base.yaml"),
    ("extends: [base.yaml, ../../etc/passwd]\nvoice: ash\n", "../../etc/passwd"),
    ("voice: ash\ninstructions: {$file: ../outside/prompt.txt}\n", "../outside/prompt.txt"),
    ("voice: ash\ninstructions:\n  $file: link-out.txt\n", "link-out.txt"),
    ("voice: ash\ninstructions: {$file: folder-out/prompt.txt}\n", "folder-out/prompt.txt"),
    ("voice: ash\ninstructions: {$file: /etc/passwd}\n", "/etc/passwd"),
    ("voice: ash\ninstructions: {$file: \"../../../../../../../../etc/passwd\"}\n", "../../../../../../../../etc/passwd"),
]


@pytest.mark.parametrize("text, name", OUTSIDE, ids=[f"{i}-{name}" for i, (_, name) in enumerate(OUTSIDE)])
def test_a_link_out_of_the_project_is_b003_and_reads_nothing(session: Session, text: str, name: str) -> None:
    _, diagnostics = send(session, "yaml", text)
    assert "B003" in [d.code for d in diagnostics], [(d.code, d.message) for d in diagnostics]
    shown = diagnostics_text(diagnostics)
    assert OUTSIDE_MARKER not in shown and "root:" not in shown
    line, character = lsp_position(text, text.index(name) + 1)
    assert session.server.definition(session.uris["yaml"], line, character) is None
    hover = session.server.hover(session.uris["yaml"], line, character)
    assert hover is None or OUTSIDE_MARKER not in hover.contents.value


def test_definition_of_a_link_inside_the_project_finds_it(session: Session) -> None:
    """The same requests find a file inside the project (so the None above is a refusal)."""
    text = "extends: base.yaml\nvoice: ash\ninstructions: {$file: prompt.txt}\n"
    _, diagnostics = send(session, "yaml", text)
    assert not [d for d in diagnostics if d.code.startswith(("B", "F"))], diagnostics
    uri = session.uris["yaml"]
    base = session.server.definition(uri, 0, 11)
    prompt = session.server.definition(uri, 2, text.splitlines()[2].index("prompt.txt") + 2)
    assert base is not None and base.uri == (session.project / "base.yaml").as_uri()
    assert prompt is not None and prompt.uri == (session.project / "prompt.txt").as_uri()


@pytest.mark.parametrize("text", [
    "voice: ash\ninstructions: {$file: /dev/zero}\n",
    "voice: ash\ninstructions: {$file: /dev/stdin}\n",
    "voice: ash\ninstructions: {$file: /proc/self/fd/0}\n",
    "voice: ash\ninstructions: {$file: pipe.txt}\n",
    "extends: /dev/urandom\nvoice: ash\n",
], ids=["dev-zero", "dev-stdin", "proc-self-fd-0", "fifo", "dev-urandom"])
def test_devices_and_pipes_are_not_read_even_where_outside_files_are_allowed(session: Session, text: str) -> None:
    """A project that allows files outside it: a device, the server's own stdin (the
    protocol's pipe) or a FIFO is F001, never read or waited on; the server still answers."""
    project = session.base / "allowed"
    if not project.exists():
        project.mkdir()
        (project / ".git").mkdir()
        (project / "pyproject.toml").write_text("[tool.rtcfg]\nallow-outside-root = true\n")
        os.mkfifo(project / "pipe.txt")
        session.uris["allowed"] = session.server.open(project / "session.yaml", "voice: ash\n")
        session.sent[(session.uris["allowed"], 1)] = "voice: ash\n"
        session.server.diagnostics(session.uris["allowed"], 1)
    _, diagnostics = send(session, "allowed", text)
    refused = [d for d in diagnostics if d.code in ("F001", "B002") and "not a" in d.message]
    assert refused, [(d.code, d.message) for d in diagnostics]
    link = text.index("$file: ") + len("$file: ") if "$file" in text else text.index("extends: ") + len("extends: ")
    assert session.server.definition(session.uris["allowed"], *lsp_position(text, link + 2)) is None
    ask_everywhere(session, "allowed", text)


# -- the end ---------------------------------------------------------------------------------------


def test_back_to_valid_then_clean_shutdown(session: Session) -> None:
    """After all of it: a valid text is clean again, nothing was logged as failed, nothing
    was shown as an error, stderr has no traceback, and shutdown + exit ends with 0."""
    for kind, text in (("yaml", GOOD_YAML), ("json", good_json())):
        _, diagnostics = send(session, kind, text)
        assert diagnostics == [], diagnostics
    assert not session.failed_logs(), session.failed_logs()
    # every publication of the whole run, each against the text it was made for (a file that is
    # not open: as it is on disk)
    wrong = []
    for uri, publications in session.server.published.items():
        for published in publications:
            text = session.sent.get((uri, published.version))
            if text is None:
                path = Path(unquote(uri.removeprefix("file://")))
                assert published.version is None, (uri, published.version)
                text = path.read_text("utf-8", "replace") if path.is_file() else ""
            wrong += [f"{uri} v{published.version}: {problem}" for problem in out_of_document(text, published.diagnostics)]
    assert not wrong, wrong
    assert not [m for m in session.shown if "rror" in m], session.shown
    assert session.stop() == 0
    stderr = "".join(session.stderr)
    assert "Traceback" not in stderr, stderr[-4000:]
