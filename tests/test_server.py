"""`rtcfg server` end to end: the real server process over stdio (tests/lsp_client.py), asked
what an editor asks, and checked for what a user sees: the diagnostics (the same findings as
`rtcfg validate --format json`, where the editor puts them), quick fixes applied to the text,
hover, completion, go-to-definition, and a server that keeps answering whatever it is sent.

One server is shared by the module (a start costs about half a second); each test works in a
project of its own (tmp_path with a `.git` folder), with files no other test opens. Nothing
waits by sleeping: the client waits for the publications and answers themselves.
"""

from __future__ import annotations

import bisect
import json
import random
import re
import subprocess
from pathlib import Path

import pytest
from lsprotocol import types

from lsp_client import RTCFG, TIMEOUT, Server, apply_edits

SCHEMA = json.loads((Path(__file__).resolve().parent.parent / "schemas" / "session.schema.json")
                    .read_text(encoding="utf-8"))
LINE_BREAK = re.compile(r"\r\n|\r|\n")  # rtcfg's and LSP's line breaks
SEVERITY = {"error": 1, "warning": 2, "info": 3}
RESOLVE_EDITS = types.ClientCapabilities(text_document=types.TextDocumentClientCapabilities(
    code_action=types.CodeActionClientCapabilities(
        resolve_support=types.ClientCodeActionResolveOptions(properties=["edit"]))))


# -- servers and projects ----------------------------------------------------------------------


def _started(tmp_path_factory: pytest.TempPathFactory, name: str, **kwargs) -> Server:
    home = tmp_path_factory.mktemp(name).resolve()
    (home / ".git").mkdir()
    return Server(home, **kwargs)


def _bugs_logged(running: Server, since: int = 0) -> list[str]:
    running.settle()
    return [message for message in running.logs[since:] if "failed" in message]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    running = _started(tmp_path_factory, "server")
    yield running
    running.stop()


@pytest.fixture(scope="module")
def lazy_server(tmp_path_factory):
    """A client that resolves a code action's edit later (codeAction/resolve), as VS Code does."""
    running = _started(tmp_path_factory, "lazy-server", capabilities=RESOLVE_EDITS)
    yield running
    assert _bugs_logged(running) == []
    running.stop()


@pytest.fixture(autouse=True)
def no_bug_logged(server):
    """Every handler is guarded: an exception in rtcfg is logged as "... failed ...". None may be."""
    before = len(server.logs)
    yield
    assert _bugs_logged(server, before) == []


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path.resolve()
    (root / ".git").mkdir()
    return root


def write(root: Path, name: str, text: str) -> Path:
    """A file with exactly `text` (line breaks as given)."""
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
    return path


def open_path(running: Server, path: Path, text: str | None = None, language: str | None = None) -> str:
    """Open a file with its text byte for byte (Path.read_text would turn CRLF into LF)."""
    return running.open(path, path.read_bytes().decode("utf-8") if text is None else text, language)


def saved(running: Server, path: Path) -> None:
    """The editor saved `path` (textDocument/didSave)."""
    running.notify(running.client.text_document_did_save,
                   types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(path.as_uri())))


def shown(running: Server, uri: str) -> list[types.Diagnostic] | None:
    """What `uri` shows once everything sent so far is handled (None: nothing was ever published)."""
    running.settle()
    publications = running.published.get(uri)
    return list(publications[-1].diagnostics) if publications else None


def codes(diagnostics) -> list[str]:
    return [diagnostic.code for diagnostic in diagnostics or []]


# -- positions, counted independently of realtime_cfg.editor.positions -------------------------


def units(text: str, encoding: str = "utf-16") -> int:
    if encoding == "utf-8":
        return len(text.encode("utf-8"))
    return len(text.encode("utf-16-le")) // 2


def line_starts(text: str) -> list[int]:
    return [0] + [match.end() for match in LINE_BREAK.finditer(text)]


def line_text(text: str, index: int) -> str:
    starts = line_starts(text)
    end = starts[index + 1] if index + 1 < len(starts) else len(text)
    return LINE_BREAK.sub("", text[starts[index]:end])


def position_at(text: str, offset: int, encoding: str = "utf-16") -> types.Position:
    starts = line_starts(text)
    line = bisect.bisect_right(starts, offset) - 1
    return types.Position(line, units(text[starts[line]:offset], encoding))


def offset_of(text: str, position: types.Position) -> int:
    start = line_starts(text)[position.line]
    content, count = line_text(text, position.line), 0
    for index, char in enumerate(content):
        if count >= position.character:
            return start + index
        count += units(char)
    return start + len(content)


def locate(text: str, needle: str, occurrence: int = 0) -> types.Range:
    """The LSP range (UTF-16) of the occurrence-th `needle` in `text`."""
    index = -1
    for _ in range(occurrence + 1):
        index = text.index(needle, index + 1)
    return types.Range(position_at(text, index), position_at(text, index + len(needle)))


def inside(text: str, needle: str, occurrence: int = 0) -> tuple[int, int]:
    """A cursor (line, character) on the second character of `needle`."""
    start = locate(text, needle, occurrence).start
    return start.line, start.character + 1


def after(text: str, needle: str, occurrence: int = 0) -> tuple[int, int]:
    """A cursor just after `needle`."""
    end = locate(text, needle, occurrence).end
    return end.line, end.character


# -- 1. the same findings as `rtcfg validate --format json` -------------------------------------

# case: (the config to check, {file: text}); every case is a project of its own
CLI_CASES = {
    "flat": ("session.yaml", {"session.yaml": (
        "model: my-own-model\n"
        "input_audio_format: g711-ulaw\n"
        "temperature: 0.3\n"
        "voise: alloy\n"
        "input_audio_transcription:\n"
        "  model: gpt-4o-transcribe\n"
        "  language: no\n")}),
    "ga-with-beta-names": ("realtime.yaml", {"realtime.yaml": (
        "type: realtime\n"
        "model: gpt-realtime-2\n"
        "voice: alloy\n"
        "input_audio_format: pcm16\n")}),
    "json": ("session.json", {"session.json": (
        '{\n'
        '  "model": "gpt-realtime-2",\n'
        '  "voice": "alloy",\n'
        '  "temperature": 5,\n'
        '  "input_audio_format": "g711-ulaw",\n'
        '  "turn_detection": {"type": "semantic_vad", "silence_duration_ms": 400},\n'
        '  "voise": 1\n'
        '}\n')}),
    "astral-before-the-error": ("session.yaml", {"session.yaml": (
        "model: gpt-realtime-2\n"
        'voice: {"🎉": 1, bad: 2}\n'
        'turn_detection: {type: semantic_vad, eagerness: "😀 soon", create_response: "𝄞 yes"}\n')}),
    "crlf": ("session.yaml", {"session.yaml": (
        "model: gpt-realtime-2\r\n"
        "input_audio_format: g711-ulaw\r\n"
        "temperature: 0.3\r\n"
        "instructions: |\r\n"
        "  Be brief.\r\n"
        "  Be kind.\r\n"
        "voise: alloy\r\n"
        "speed: 9\r\n")}),
    "finding-in-a-base": ("a.yaml", {
        "a.yaml": "extends: base.yaml\ninstructions: Be brief.\n",
        "base.yaml": "model: gpt-realtime-2\nvoice: [1]\nspeed: 7\n"}),
    "syntax-error": ("session.yaml", {"session.yaml": "model: gpt-realtime-2\nvoice: [alloy\ntemperature: 0.3\n"}),
    "suppressed": ("session.yaml", {
        "pyproject.toml": '[tool.rtcfg]\nignore = ["R013"]\n',
        "session.yaml": "model: my-model  # rtcfg: ignore[R005]\nvoice: robot\ntemperature: 0.3\n"}),
    "broken-settings": ("session.yaml", {
        "pyproject.toml": "[tool.rtcfg\nignore = 1\n",
        "session.yaml": "model: gpt-realtime-2\ntemperature: 0.3\n"}),
}


@pytest.fixture(scope="module")
def cli_reports(tmp_path_factory):
    """Each case written to a project of its own, all checked by one CLI run (a start costs as
    much as a check); its findings told apart by the case's folder, in the order reported."""
    base = tmp_path_factory.mktemp("cli").resolve()
    configs = []
    for case, (config, files) in CLI_CASES.items():
        (base / case / ".git").mkdir(parents=True)
        for name, text in files.items():
            write(base / case, name, text)
        configs.append(str(base / case / config))
    done = subprocess.run([*RTCFG, "validate", "--format", "json", *configs], cwd=base, capture_output=True,
                          timeout=TIMEOUT)
    assert done.returncode == 2, done.stderr  # 2: the broken pyproject.toml
    reports = {case: (base / case, {"diagnostics": []}) for case in CLI_CASES}
    for finding in json.loads(done.stdout)["diagnostics"]:
        case = Path(finding["file"]).resolve().relative_to(base).parts[0]
        reports[case][1]["diagnostics"].append(finding)
    return reports


def expected_from_cli(finding: dict, text: str, encoding: str = "utf-16") -> dict:
    """What the LSP diagnostic of a CLI finding must be: 1-based code-point line/column turned
    into 0-based client units with the file's text; no position: the start of the file; no end,
    or an empty extent (L001 points between two characters): to the end of the line, so that the
    editor has something to underline."""
    starts = line_starts(text)

    def at(line: int, column: int) -> types.Position:
        return position_at(text, starts[line - 1] + column - 1, encoding)

    line = finding["line"] or 1
    start = at(line, finding["column"] or 1) if finding["line"] else types.Position(0, 0)
    end = at(finding["end_line"], finding["end_column"]) if finding["end_line"] else start
    if (end.line, end.character) <= (start.line, start.character):
        end = types.Position(start.line, units(line_text(text, line - 1), encoding))
    message = finding["message"] + (f"\n{finding['hint']}" if finding["hint"] else "")
    return {"code": finding["code"], "severity": SEVERITY[finding["severity"]], "message": message,
            "range": (start.line, start.character, end.line, end.character), "source": "rtcfg",
            "href": f"#{finding['code'].lower()}-{finding['name']}", "path": finding["path"]}


def as_seen(diagnostic: types.Diagnostic) -> dict:
    href = diagnostic.code_description.href
    return {"code": diagnostic.code, "severity": int(diagnostic.severity), "message": diagnostic.message,
            "range": (diagnostic.range.start.line, diagnostic.range.start.character,
                      diagnostic.range.end.line, diagnostic.range.end.character),
            "source": diagnostic.source, "href": href[href.rindex("#"):], "path": diagnostic.data["path"]}


def assert_same_as_cli(running: Server, root: Path, config: str, report: dict, encoding: str = "utf-16") -> None:
    uri = open_path(running, root / config)
    running.diagnostics(uri, 1)
    by_uri: dict[str, list[dict]] = {uri: []}
    for finding in report["diagnostics"]:
        path = Path(finding["file"]).resolve()
        by_uri.setdefault(path.as_uri(), []).append(
            expected_from_cli(finding, path.read_bytes().decode("utf-8-sig"), encoding))
    assert report["diagnostics"], "each case has something to report"
    for target, expected in by_uri.items():
        assert [as_seen(diagnostic) for diagnostic in shown(running, target) or []] == expected, target


@pytest.mark.parametrize("case", list(CLI_CASES))
def test_diagnostics_are_the_clis_findings(server, cli_reports, case):
    root, report = cli_reports[case]
    assert_same_as_cli(server, root, CLI_CASES[case][0], report)


def test_astral_columns_differ_in_utf16_and_code_points(cli_reports):
    """The astral case is one: its columns are not the same counted both ways (else the test
    above proves nothing about the conversion)."""
    root, report = cli_reports["astral-before-the-error"]
    text = (root / "session.yaml").read_text(encoding="utf-8")
    moved = [finding for finding in report["diagnostics"]
             if expected_from_cli(finding, text)["range"][3] != finding["end_column"] - 1]
    assert len(moved) >= 3


def test_a_utf8_client_gets_columns_in_bytes(tmp_path_factory, cli_reports):
    """A client that asks for UTF-8 positions (LSP 3.17 positionEncoding) gets byte columns."""
    running = _started(tmp_path_factory, "utf8-server", capabilities=types.ClientCapabilities(
        general=types.GeneralClientCapabilities(position_encodings=[types.PositionEncodingKind.Utf8])))
    try:
        assert running.initialized.capabilities.position_encoding == types.PositionEncodingKind.Utf8
        root, report = cli_reports["astral-before-the-error"]
        assert_same_as_cli(running, root, "session.yaml", report, encoding="utf-8")
        assert _bugs_logged(running) == []
    finally:
        assert running.stop() == 0


# -- 2. the editor's text, not the disk's ------------------------------------------------------


def test_diagnostics_follow_the_unsaved_text_and_its_changes(server, project):
    path = write(project, "session.yaml", "model: gpt-realtime-2\ntemperature: 0.8\nvoice: alloy\n")
    unsaved = "model: gpt-realtime-2\ntemperature: 0.3\nvoice: alloy\n"
    uri = server.open(path, unsaved)
    first = server.diagnostics(uri, 1)
    assert codes(first) == ["S004"]
    assert first[0].range == locate(unsaved, "0.3")

    edited = "model: gpt-realtime-2\ntemperature: 0.8\nvoise: alloy\n"
    version = server.change(uri, edited)
    assert version == 2
    second = server.diagnostics(uri, version)
    assert codes(second) == ["S001"]  # the fixed error is gone, the new one is there
    assert second[0].range == locate(edited, "voise")
    assert server.published[uri][-1].version == 2

    version = server.change(uri, "model: gpt-realtime-2\ntemperature: 0.8\nvoice: alloy\n")
    assert server.diagnostics(uri, version) == []


def test_closing_a_config_clears_what_it_showed(server, project):
    path = write(project, "session.yaml", "model: gpt-realtime-2\ntemperature: 0.3\n")
    uri = open_path(server, path)
    assert codes(server.diagnostics(uri, 1)) == ["S004"]
    server.close(uri)
    assert shown(server, uri) == []


# -- 3. base files and includes ----------------------------------------------------------------


def test_a_finding_in_a_base_is_shown_in_the_base_and_follows_its_unsaved_text(server, project):
    base_text = "model: gpt-realtime-2\nvoice: [1]\n"
    base = write(project, "base.yaml", base_text)
    config = write(project, "a.yaml", "extends: base.yaml\ninstructions: Be brief.\n")
    uri = open_path(server, config)
    assert server.diagnostics(uri, 1) == []  # not in a.yaml
    in_base = shown(server, base.as_uri())
    assert codes(in_base) == ["S003"]
    assert in_base[0].range == locate(base_text, "[1]")  # base.yaml's line and columns

    base_uri = server.open(base, "model: gpt-realtime-2\nvoice: alloy\n")  # fixed, not saved
    assert server.diagnostics(base_uri, 1) == []
    assert shown(server, uri) == []

    server.close(base_uri)  # unsaved fix thrown away: the disk's text counts again
    assert codes(shown(server, base_uri)) == ["S003"]


def test_a_change_to_an_open_base_rechecks_the_configs_built_from_it(server, project):
    base = write(project, "base.yaml", "model: gpt-realtime-2\nmodalities: [text, audio]\n")
    config_text = "extends: base.yaml\nvoice: ash\n"
    config = write(project, "a.yaml", config_text)
    uri = open_path(server, config)
    assert server.diagnostics(uri, 1) == []
    base_uri = open_path(server, base)
    server.change(base_uri, "model: gpt-realtime-2\nmodalities: [text]\n")
    rechecked = server.diagnostics(uri, 1, count=3)  # open, base opened, base changed
    assert codes(rechecked) == ["R007"]  # voice set, but text-only output: shown at a.yaml's voice
    assert rechecked[0].range == locate(config_text, "ash")


def test_a_prompt_included_with_file_gets_its_finding_and_follows_its_unsaved_text(server, project):
    prompt = write(project, "prompt.md", "")
    config = write(project, "session.yaml", "model: gpt-realtime-2\ninstructions: {$file: prompt.md}\n")
    uri = open_path(server, config)
    assert server.diagnostics(uri, 1) == []
    in_prompt = shown(server, prompt.as_uri())
    assert codes(in_prompt) == ["R011"]  # empty instructions, where they are written
    assert in_prompt[0].severity == types.DiagnosticSeverity.Warning

    prompt_uri = server.open(prompt, "You are a helpful agent.\n", language="markdown")
    assert shown(server, prompt_uri) == []
    assert shown(server, uri) == []


def test_a_yaml_part_included_with_file_gets_its_finding(server, project):
    part_text = "type: server_vad\nsilence_duration_ms: -5\n"
    part = write(project, "vad.yaml", part_text)
    config = write(project, "session.yaml", "model: gpt-realtime-2\nturn_detection: {$file: vad.yaml}\n")
    uri = open_path(server, config)
    assert server.diagnostics(uri, 1) == []
    in_part = shown(server, part.as_uri())
    assert codes(in_part) == ["S004"]
    assert in_part[0].range == locate(part_text, "-5")
    assert in_part[0].data["path"] == "turn_detection.silence_duration_ms"


def test_creating_a_missing_base_clears_its_b002(server, project):
    config = write(project, "a_session.yaml", "extends: base.yaml\nmodel: gpt-realtime-2\n")
    uri = open_path(server, config)
    assert codes(server.diagnostics(uri, 1)) == ["B002"]
    base = write(project, "base.yaml", "")  # the editor creates the file, then it is typed into
    base_uri = open_path(server, base)
    server.change(base_uri, "voice: alloy\n")
    assert shown(server, uri) == []


# -- 4. suppressions and project settings -------------------------------------------------------


def test_an_ignore_comment_hides_its_code_on_its_line_only(server, project):
    text = ("model: gpt-realtime-2\n"
            "input_audio_format: g711-ulaw  # rtcfg: ignore[S002]\n"
            "output_audio_format: g711-alaw\n"
            "temperature: 0.3  # rtcfg: ignore[S002]\n")
    uri = open_path(server, write(project, "session.yaml", text))
    shown_now = server.diagnostics(uri, 1)
    assert [(d.code, d.range.start.line) for d in shown_now] == [("S002", 2), ("S004", 3)]


def test_the_projects_ignore_list_hides_a_code(server, project):
    write(project, "pyproject.toml", '[tool.rtcfg]\nignore = ["R005"]\n')
    uri = open_path(server, write(project, "session.yaml", "model: my-deployment\nvoice: alloy\ntemperature: 0.3\n"))
    assert codes(server.diagnostics(uri, 1)) == ["S004"]


def test_saving_the_pyproject_rechecks_open_configs(server, project):
    uri = open_path(server, write(project, "session.yaml", "model: my-deployment\nvoice: alloy\n"))
    assert codes(server.diagnostics(uri, 1)) == ["R005"]
    pyproject = write(project, "pyproject.toml", '[tool.rtcfg]\nignore = ["R005"]\n')
    saved(server, pyproject)
    assert server.diagnostics(uri, 1, count=2) == []


def test_a_broken_pyproject_is_f002(server, project):
    write(project, "pyproject.toml", "[tool.rtcfg\n")
    uri = open_path(server, write(project, "session.yaml", "model: gpt-realtime-2\ntemperature: 0.3\n"))
    found = server.diagnostics(uri, 1)
    assert codes(found) == ["F002"]
    assert "pyproject.toml" in found[0].message
    assert found[0].severity == types.DiagnosticSeverity.Error


@pytest.mark.parametrize("first", ["syntax-error", "broken-pyproject"])
def test_a_session_like_file_that_did_not_build_at_first_is_checked_once_it_does(server, project, first):
    path = write(project, "agent.yaml", "voice: alloy\ninstructions: Be brief.\ntemperature: 0.3\n")
    if first == "syntax-error":
        uri = server.open(path, "voice: alloy\ninstructions: Be brief.\nmodel: [\n")
        server.diagnostics(uri, 1)
        version = server.change(uri, "voice: alloy\ninstructions: Be brief.\ntemperature: 0.3\n")
        assert codes(server.diagnostics(uri, version)) == ["S004"]
    else:
        pyproject = write(project, "pyproject.toml", "[tool.rtcfg\n")
        uri = open_path(server, path)
        server.diagnostics(uri, 1)
        pyproject.write_text("[tool.rtcfg]\n", encoding="utf-8")
        saved(server, pyproject)
        version = server.change(uri, "voice: alloy\ninstructions: Be brief.\ntemperature: 0.2\n")
        assert codes(server.diagnostics(uri, version)) == ["S004"]


# -- 5. what is not a config ----------------------------------------------------------------------


@pytest.mark.parametrize("name, text", [
    ("docker-compose.yml", "services:\n  web:\n    image: nginx\n    ports: ['80:80']\n"),
    (".github/workflows/ci.yml", "name: ci\non: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n"
                                 "    steps:\n      - run: pytest\n"),
    ("package.json", '{"name": "agent", "type": "module", "version": "1.0.0"}'),
])
def test_a_file_that_is_not_a_config_shows_nothing(server, project, name, text):
    uri = open_path(server, write(project, name, text))
    assert shown(server, uri) in (None, [])
    assert server.hover(uri, 0, 2) is None
    assert server.hover(uri, 1, 4) is None
    assert server.complete(uri, 1, 2) == []
    assert server.actions(uri, (0, 0)) == []


def test_a_file_with_session_keys_is_checked_whatever_its_name(server, project):
    text = "voice: alloy\ninstructions: Be brief.\ntemperature: 0.3\n"
    uri = open_path(server, write(project, "agent.yaml", text))
    assert codes(server.diagnostics(uri, 1)) == ["S004"]


# -- 6. quick fixes ------------------------------------------------------------------------------


def test_the_preferred_quick_fix_leaves_a_clean_document(server, project):
    text = "model: gpt-realtime-2\ninput_audio_format: g711-ulaw\nvoice: alloy\n"
    uri = open_path(server, write(project, "session.yaml", text))
    diagnostics = server.diagnostics(uri, 1)
    assert codes(diagnostics) == ["S002"]
    found = server.actions(uri, (1, 22), diagnostics=diagnostics)
    preferred = [a for a in found if a.kind == types.CodeActionKind.QuickFix and a.is_preferred]
    assert len(preferred) == 1
    fix = preferred[0]
    assert codes(fix.diagnostics) == ["S002"]
    fixed = apply_edits(text, fix.edit.changes[uri])
    assert fixed == "model: gpt-realtime-2\ninput_audio_format: g711_ulaw\nvoice: alloy\n"
    assert server.diagnostics(uri, server.change(uri, fixed)) == []


def test_an_unsafe_fix_is_offered_but_not_preferred(server, project):
    text = "model: gpt-realtime-2\nvoise: alloy\n"
    uri = open_path(server, write(project, "session.yaml", text))
    assert codes(server.diagnostics(uri, 1)) == ["S001"]
    fixes = [a for a in server.actions(uri, inside(text, "voise")) if a.edit and "ignore" not in a.title.lower()
             and a.kind == types.CodeActionKind.QuickFix]
    assert len(fixes) == 1
    assert fixes[0].is_preferred is False
    assert "unsafe" in fixes[0].title
    fixed = apply_edits(text, fixes[0].edit.changes[uri])
    assert fixed == "model: gpt-realtime-2\nvoice: alloy\n"
    assert server.diagnostics(uri, server.change(uri, fixed)) == []


@pytest.mark.parametrize("line_end", ["\n", "\r\n"])
def test_ignore_on_this_line_adds_the_comment_and_hides_the_finding(server, project, line_end):
    text = line_end.join(["model: gpt-realtime-2", "input_audio_format: g711-ulaw  # hyphen", "voice: alloy", ""])
    uri = open_path(server, write(project, "session.yaml", text))
    assert codes(server.diagnostics(uri, 1)) == ["S002"]
    ignore = [a for a in server.actions(uri, (1, 22)) if a.title == "Ignore S002 on this line"]
    assert len(ignore) == 1
    assert ignore[0].kind == types.CodeActionKind.QuickFix and not ignore[0].is_preferred
    ignored = apply_edits(text, ignore[0].edit.changes[uri])
    assert ignored == text.replace("# hyphen", "# hyphen  # rtcfg: ignore[S002]")
    assert server.diagnostics(uri, server.change(uri, ignored)) == []


def test_ignore_adds_its_code_to_an_existing_ignore_comment(server, project):
    text = "model: my-model\ninput_audio_format: g711-ulaw  # rtcfg: ignore[R005]\n"
    uri = open_path(server, write(project, "session.yaml", text))
    assert codes(server.diagnostics(uri, 1)) == ["R005", "S002"]
    ignore = [a for a in server.actions(uri, (1, 22)) if a.title == "Ignore S002 on this line"]
    ignored = apply_edits(text, ignore[0].edit.changes[uri])
    assert ignored == "model: my-model\ninput_audio_format: g711-ulaw  # rtcfg: ignore[R005, S002]\n"
    assert codes(server.diagnostics(uri, server.change(uri, ignored))) == ["R005"]


def test_a_json_config_gets_its_fix_but_no_ignore_action(server, project):
    text = '{"model": "gpt-realtime-2", "input_audio_format": "g711-ulaw"}'
    uri = open_path(server, write(project, "session.json", text))
    assert codes(server.diagnostics(uri, 1)) == ["S002"]
    found = server.actions(uri, inside(text, "g711-ulaw"))
    assert not [a for a in found if "ignore" in a.title.lower()]
    fix = [a for a in found if a.is_preferred]
    fixed = apply_edits(text, fix[0].edit.changes[uri])
    assert json.loads(fixed) == {"model": "gpt-realtime-2", "input_audio_format": "g711_ulaw"}
    assert server.diagnostics(uri, server.change(uri, fixed)) == []


def test_no_ignore_action_inside_a_multi_line_string(server, project):
    text = 'model: gpt-realtime-2\nvoice: "al\n  loy"\n'
    uri = open_path(server, write(project, "session.yaml", text))
    assert codes(server.diagnostics(uri, 1)) == ["R013"]
    assert not [a for a in server.actions(uri, inside(text, "al")) if "Ignore" in a.title]


FIX_ALL_TEXT = ("model: gpt-realtime-2\n"
                "input_audio_format: G711-ULAW\n"
                "voise: alloy\n"
                "input_audio_transcription:\n"
                "  model: gpt-transcribe\n"
                "  language: no\n")


@pytest.mark.parametrize("client", ["server", "lazy_server"])
def test_fix_all_safe_fixes_the_safe_ones_and_leaves_the_unsafe_one(request, project, client):
    running: Server = request.getfixturevalue(client)
    root = project
    uri = open_path(running, write(root, "session.yaml", FIX_ALL_TEXT))
    assert codes(running.diagnostics(uri, 1)) == ["S002", "S001", "S006"]
    found = running.actions(uri, (0, 0), only=[types.CodeActionKind.SourceFixAll])
    assert [a.kind for a in found] == ["source.fixAll.rtcfg"]
    action = found[0]
    if client == "lazy_server":
        assert action.edit is None  # computed on resolve
        action = running.resolve(action)
    assert action.edit is not None
    fixed = apply_edits(FIX_ALL_TEXT, action.edit.changes[uri])
    assert fixed == FIX_ALL_TEXT.replace("G711-ULAW", "g711_ulaw").replace("language: no", 'language: "no"')
    assert codes(running.diagnostics(uri, running.change(uri, fixed))) == ["S001"]
    assert running.actions(uri, (0, 0), only=[types.CodeActionKind.SourceFixAll]) == []  # nothing safe left


def test_fix_all_resolved_after_a_change_brings_no_stale_edit(lazy_server, project):
    text = "model: gpt-realtime-2\ninput_audio_format: g711-ulaw\n"
    uri = open_path(lazy_server, write(project, "session.yaml", text))
    lazy_server.diagnostics(uri, 1)
    action = lazy_server.actions(uri, (0, 0), only=[types.CodeActionKind.SourceFixAll])[0]
    lazy_server.diagnostics(uri, lazy_server.change(uri, "voice: alloy\nmodel: gpt-realtime-2\n"
                                                         "input_audio_format: g711-ulaw\n"))
    assert lazy_server.resolve(action).edit is None


def test_a_quick_fix_for_a_finding_in_a_base_edits_the_base(server, project):
    base_text = "model: gpt-realtime-2\ninput_audio_format: g711-ulaw\n"
    base = write(project, "base.yaml", base_text)
    uri = open_path(server, write(project, "a.yaml", "extends: base.yaml\nvoice: alloy\n"))
    assert server.diagnostics(uri, 1) == []
    base_uri = open_path(server, base)  # found by a.yaml's check and by its own: one fix
    assert codes(server.diagnostics(base_uri, 1)) == ["S002"]
    fixes = [a for a in server.actions(base_uri, inside(base_text, "g711-ulaw")) if a.is_preferred]
    assert len(fixes) == 1
    assert list(fixes[0].edit.changes) == [base_uri]
    fixed = apply_edits(base_text, fixes[0].edit.changes[base_uri])
    assert fixed == "model: gpt-realtime-2\ninput_audio_format: g711_ulaw\n"
    assert server.diagnostics(base_uri, server.change(base_uri, fixed)) == []
    assert shown(server, uri) == []


def test_fix_all_edits_only_the_file_it_is_asked_for(server, project):
    """Fix all safe in a config fixes the config; in its base (shared by other configs, and
    not a config itself) it fixes the base. Saving a config never changes another file."""
    base_text = "input_audio_format: g711-ulaw\n"
    base = write(project, "base.yaml", base_text)
    text = "extends: base.yaml\nmodel: gpt-realtime-2\noutput_audio_format: G711_ULAW\n"
    uri = open_path(server, write(project, "a.yaml", text))
    assert codes(server.diagnostics(uri, 1)) == ["S002"]
    action = server.actions(uri, (0, 0), only=[types.CodeActionKind.SourceFixAll])[0]
    assert list(action.edit.changes) == [uri]
    (edit,) = action.edit.changes[uri]
    assert (edit.range.start.line, edit.new_text) == (2, "g711_ulaw")  # the changed part only
    assert apply_edits(text, [edit]) == text.replace("G711_ULAW", "g711_ulaw")

    base_uri = open_path(server, base)
    server.diagnostics(base_uri, 1)
    action = server.actions(base_uri, (0, 0), only=[types.CodeActionKind.SourceFixAll])[0]
    assert list(action.edit.changes) == [base_uri]
    assert apply_edits(base_text, action.edit.changes[base_uri]) == "input_audio_format: g711_ulaw\n"


# -- 7. hover ------------------------------------------------------------------------------------


def test_hover_on_a_key_shows_its_description_and_range(server, project):
    text = "model: gpt-realtime-2\ntemperature: 0.8\n"
    uri = open_path(server, write(project, "session.yaml", text))
    server.diagnostics(uri, 1)
    hover = server.hover(uri, *inside(text, "temperature"))
    assert hover.range == locate(text, "temperature")
    assert hover.contents.kind == types.MarkupKind.Markdown
    assert SCHEMA["properties"]["temperature"]["description"] in hover.contents.value
    assert "0.6 to 1.2" in hover.contents.value


def test_hover_on_a_turn_detection_type_shows_its_branch(server, project):
    text = "model: gpt-realtime-2\nturn_detection:\n  type: semantic_vad\n  eagerness: low\n"
    uri = open_path(server, write(project, "session.yaml", text))
    server.diagnostics(uri, 1)
    hover = server.hover(uri, *inside(text, "semantic_vad"))
    assert hover.range == locate(text, "semantic_vad")
    assert SCHEMA["$defs"]["SemanticVad"]["description"] in hover.contents.value
    assert "`eagerness`" in hover.contents.value
    assert "silence_duration_ms" not in hover.contents.value  # server_vad's, not this branch's


def _models() -> tuple[str, str, str]:
    """A model with an announced shutdown, its date, and a known model without one (from the schema)."""
    model = SCHEMA["properties"]["model"]
    retiring = {name: plan["shutdown"] for name, plan in model["x-rtcfg-lifecycle"].items() if plan.get("shutdown")}
    name = sorted(retiring)[0]
    current = next(known for known in model["x-rtcfg-known-values"] if known not in retiring)
    return name, retiring[name], current


def test_hover_on_a_retiring_model_shows_its_shutdown_date(server, project):
    name, shutdown, current = _models()
    text = f"model: {name}\nvoice: alloy\n"
    uri = open_path(server, write(project, "session.yaml", text))
    server.diagnostics(uri, 1)
    hover = server.hover(uri, *inside(text, name))
    assert hover.range == locate(text, name)
    assert "Deprecated" in hover.contents.value and shutdown in hover.contents.value

    other = f"model: {current}\nvoice: alloy\n"
    version = server.change(uri, other)
    server.diagnostics(uri, version)
    hover = server.hover(uri, *inside(other, current))
    assert hover.range == locate(other, current)
    assert "Deprecated" not in hover.contents.value


def test_hover_ranges_are_in_utf16_after_an_astral_character(server, project):
    text = '{instructions: "😀😀 hi", temperature: 0.9}\n'
    uri = open_path(server, write(project, "session.yaml", text))
    assert server.diagnostics(uri, 1) == []
    hover = server.hover(uri, *inside(text, "temperature"))
    assert hover.range == locate(text, "temperature")
    assert hover.range.start.character == text.index("temperature") + 2  # two surrogate pairs before it


def test_no_hover_on_a_comment_or_blank_line(server, project):
    text = "# the agent\nmodel: gpt-realtime-2\n\nvoice: alloy\n"
    uri = open_path(server, write(project, "session.yaml", text))
    server.diagnostics(uri, 1)
    assert server.hover(uri, 0, 4) is None
    assert server.hover(uri, 2, 0) is None


# -- 8. completion --------------------------------------------------------------------------------


def complete_in(running: Server, root: Path, name: str, text: str, cursor: tuple[int, int]):
    uri = open_path(running, write(root, name, text))
    running.diagnostics(uri, 1)
    return running.complete(uri, *cursor)


def labels(items) -> list[str]:
    return [item.label for item in items]


def applied(text: str, items, label: str) -> str:
    item = next(item for item in items if item.label == label)
    return apply_edits(text, [item.text_edit])


def test_top_level_keys_not_yet_written(server, project):
    text = "model: gpt-realtime-2\ninstructions: Be brief.\ntemperature: 0.8\n\n"
    items = complete_in(server, project, "session.yaml", text, (3, 0))
    assert {"voice", "turn_detection", "tools"} <= set(labels(items))
    assert not {"model", "instructions", "temperature"} & set(labels(items))
    assert applied(text, items, "voice") == text[:-1] + "voice: \n"


def test_keys_of_the_turn_detection_branch_its_type_picks(server, project):
    text = "model: gpt-realtime-2\nturn_detection:\n  type: server_vad\n  \n"
    items = complete_in(server, project, "session.yaml", text, (3, 2))
    assert "silence_duration_ms" in labels(items)
    assert "eagerness" not in labels(items)
    assert "type" not in labels(items)
    assert applied(text, items, "silence_duration_ms").endswith("  type: server_vad\n  silence_duration_ms: \n")


def test_built_in_voices_after_voice(server, project):
    text = "model: gpt-realtime-2\nvoice: \n"
    items = complete_in(server, project, "session.yaml", text, (1, 7))
    assert labels(items) == SCHEMA["properties"]["voice"]["anyOf"][0]["x-rtcfg-known-values"]
    assert applied(text, items, "marin") == "model: gpt-realtime-2\nvoice: marin\n"


def test_audio_formats_after_input_audio_format(server, project):
    text = "model: gpt-realtime-2\ninput_audio_format: \n"
    items = complete_in(server, project, "session.yaml", text, (1, 20))
    assert labels(items) == SCHEMA["$defs"]["AudioFormat"]["enum"]
    fixed = applied(text, items, "g711_ulaw")
    assert fixed == "model: gpt-realtime-2\ninput_audio_format: g711_ulaw\n"


def test_turn_detection_types_with_their_fields(server, project):
    text = "model: gpt-realtime-2\nturn_detection:\n  type: \n"
    items = {item.label: item for item in complete_in(server, project, "session.yaml", text, (2, 8))}
    assert {"server_vad", "semantic_vad"} <= set(items)
    assert "`eagerness`" in items["semantic_vad"].documentation.value
    assert "`silence_duration_ms`" not in items["semantic_vad"].documentation.value
    assert "`silence_duration_ms`" in items["server_vad"].documentation.value
    assert applied(text, list(items.values()), "semantic_vad").endswith("  type: semantic_vad\n")


def test_keys_in_a_json_config(server, project):
    text = '{"model": "x", ""}'
    items = complete_in(server, project, "session.json", text, after(text, '"', 4))
    assert "voice" in labels(items) and "model" not in labels(items)
    assert next(item for item in items if item.label == "voice").text_edit.new_text == '"voice": '


def test_a_json_key_completed_between_quotes_leaves_no_stray_quote(server, project):
    """The editor closed the quote the user typed: the item replaces both quotes."""
    text = '{"model": "x", ""}'
    cursor = after(text, '"', 4)
    items = complete_in(server, project, "session.json", text, cursor)
    edit = next(item for item in items if item.label == "voice").text_edit
    completed = apply_edits(text, [edit])
    end = offset_of(text, edit.range.start) + len(edit.new_text)  # where the cursor lands
    typed = completed[:end] + '"alloy"' + completed[end:]
    assert json.loads(typed) == {"model": "x", "voice": "alloy"}


def test_a_json_value_between_quotes(server, project):
    text = '{"model": "gpt-realtime-2", "voice": ""}'
    items = complete_in(server, project, "session.json", text, after(text, '"', 6))
    assert "alloy" in labels(items)
    assert json.loads(applied(text, items, "alloy")) == {"model": "gpt-realtime-2", "voice": "alloy"}


def test_ga_audio_format_types_in_a_flow_mapping(server, project):
    text = "type: realtime\nmodel: gpt-realtime-2\naudio: {input: {format: {type: }}}\n"
    items = complete_in(server, project, "realtime.yaml", text, after(text, "{type: "))
    assert "audio/pcm" in labels(items)
    assert applied(text, items, "audio/pcm") == text.replace("{type: }", "{type: audio/pcm}")


def test_keys_of_a_flow_mapping_after_its_type(server, project):
    text = "model: gpt-realtime-2\nturn_detection: {type: semantic_vad, }\n"
    items = complete_in(server, project, "session.yaml", text, after(text, "semantic_vad, "))
    assert "eagerness" in labels(items) and "silence_duration_ms" not in labels(items)


def test_a_new_tool_in_the_list_is_offered_every_key(server, project):
    text = "model: gpt-realtime-2\ntools:\n  - type: function\n    name: lookup\n  - \n"
    items = complete_in(server, project, "session.yaml", text, (4, 4))
    assert {"type", "name", "description"} <= set(labels(items))


def test_no_completion_in_a_comment(server, project):
    text = "model: gpt-realtime-2  # the \n"
    assert complete_in(server, project, "session.yaml", text, (0, len(text) - 1)) == []


# -- 9. go to definition ----------------------------------------------------------------------


@pytest.mark.parametrize("name, text, needle, target", [
    ("a.yaml", "extends: base.yaml\nmodel: gpt-realtime-2\n", "base.yaml", "base.yaml"),
    ("a.yaml", "extends:\n  - other.yaml\n  - base.yaml\nmodel: gpt-realtime-2\n", "base.yaml", "base.yaml"),
    ("a.yaml", 'extends: "base.yaml"  # the shared part\nmodel: gpt-realtime-2\n', "base.yaml", "base.yaml"),
    ("a.yaml", "extends: [other.yaml, base.yaml]\nmodel: gpt-realtime-2\n", "other.yaml", "other.yaml"),
    ("session.yaml", "model: gpt-realtime-2\ninstructions: {$file: prompt.md}\n", "prompt.md", "prompt.md"),
    ("session.yaml", "model: gpt-realtime-2\ninstructions:\n  $file: prompts/agent.md\n", "prompts/agent.md",
     "prompts/agent.md"),
    ("session.json", '{"extends": "base.yaml", "model": "gpt-realtime-2"}', "base.yaml", "base.yaml"),
], ids=["extends", "extends-list", "extends-quoted", "extends-flow-list", "file-flow", "file-block", "json"])
def test_definition_goes_to_the_file_named(server, project, name, text, needle, target):
    for other in ("base.yaml", "other.yaml"):
        write(project, other, "voice: alloy\n")
    write(project, "prompt.md", "Be brief.\n")
    write(project, "prompts/agent.md", "Be kind.\n")
    uri = open_path(server, write(project, name, text))
    server.diagnostics(uri, 1)
    location = server.definition(uri, *inside(text, needle))
    assert isinstance(location, types.Location)
    assert location.uri == (project / target).as_uri()


@pytest.mark.parametrize("text, needle", [
    ("extends: [other.yaml, base.yaml]\nmodel: gpt-realtime-2\n", "base.yaml"),
    ("model: gpt-realtime-2\ninstructions: {$file: base.yaml}\n", "base.yaml"),
], ids=["extends-flow-list", "file-flow"])
def test_definition_with_the_cursor_just_after_a_name_in_a_flow_collection(server, project, text, needle):
    write(project, "base.yaml", "voice: alloy\n")
    write(project, "other.yaml", "voice: alloy\n")
    uri = open_path(server, write(project, "a_session.yaml", text))
    server.diagnostics(uri, 1)
    location = server.definition(uri, *after(text, needle))
    assert location is not None and location.uri == (project / "base.yaml").as_uri()


@pytest.mark.parametrize("value", ["../outside.yaml", "ABSOLUTE", "missing.yaml"])
def test_no_definition_outside_the_project_or_for_a_missing_file(server, tmp_path, value):
    root = (tmp_path / "project").resolve()
    (root / ".git").mkdir(parents=True)
    outside = write(tmp_path.resolve(), "outside.yaml", "voice: alloy\n")
    value = str(outside) if value == "ABSOLUTE" else value
    text = f"extends: {value}\nmodel: gpt-realtime-2\n"
    uri = open_path(server, write(root, "a_session.yaml", text))
    assert codes(server.diagnostics(uri, 1)) == ["B002" if value == "missing.yaml" else "B003"]
    assert server.definition(uri, *inside(text, value)) is None


def test_no_definition_on_keys_and_other_values(server, project):
    write(project, "base.yaml", "voice: alloy\n")
    text = "extends: base.yaml\nmodel: gpt-realtime-2\n"
    uri = open_path(server, write(project, "a_session.yaml", text))
    server.diagnostics(uri, 1)
    assert server.definition(uri, *inside(text, "extends")) is None
    assert server.definition(uri, *inside(text, "gpt-realtime-2")) is None


# -- 10. robustness -------------------------------------------------------------------------------


def test_an_untitled_document_is_left_alone(server):
    uri = "untitled:Untitled-1"
    server.notify(server.client.text_document_did_open, types.DidOpenTextDocumentParams(
        types.TextDocumentItem(uri, "yaml", 1, "voice: alloy\ntemperature: 0.3\n")))
    server.notify(server.client.text_document_did_change, types.DidChangeTextDocumentParams(
        types.VersionedTextDocumentIdentifier(version=2, uri=uri),
        [types.TextDocumentContentChangeWholeDocument("voice: alloy\ntemperature: 0.2\n")]))
    assert shown(server, uri) in (None, [])
    assert server.hover(uri, 0, 2) is None
    assert server.complete(uri, 1, 0) == []
    assert server.definition(uri, 0, 8) is None
    assert server.actions(uri, (1, 14)) == []
    server.close(uri)
    server.settle()


@pytest.mark.parametrize("name", ["notes.txt", "session.toml", "README.md"])
def test_a_file_rtcfg_does_not_read_is_left_alone(server, project, name):
    uri = open_path(server, write(project, name, "voice: alloy\ntemperature: 0.3\n"), language="plaintext")
    assert shown(server, uri) in (None, [])
    assert server.hover(uri, 0, 2) is None
    assert server.complete(uri, 1, 0) == []


def _noise() -> str:
    generator = random.Random(20260101)
    alphabet = [chr(c) for c in range(0, 0x250)] + ["😀", "\u202e", "\ufeff", "\u2028", "\r", "\t"]
    return "".join(generator.choice(alphabet) for _ in range(20_000))


MALFORMED = {
    "noise_session.yaml": _noise(),
    "brackets_session.yaml": "[" * 5000,
    "value_brackets_session.yaml": "instructions: " + "[" * 5000 + "\n",
    "brackets_session.json": "[" * 5000,
    "braces_session.json": '{"a": ' * 5000,
    "indented_session.yaml": "".join(" " * depth + f"k{depth}:\n" for depth in range(400)),
    "long_line_session.yaml": "model: gpt-realtime-2\ninstructions: " + "word " * 60_000 + "\ntemperature: 0.3\n",
    "over_the_limit_session.yaml": "instructions: " + "x" * 1_200_000 + "\n",
}


@pytest.mark.parametrize("name", list(MALFORMED))
def test_a_malformed_document_gets_an_answer_and_the_server_keeps_answering(server, project, name):
    text = MALFORMED[name]
    uri = open_path(server, write(project, name, text))
    found = server.diagnostics(uri, 1)
    assert all(diagnostic.source == "rtcfg" for diagnostic in found)
    last = position_at(text, len(text))
    for line, character in ((0, 0), (0, 3), (last.line, last.character)):
        server.hover(uri, line, character)
        server.complete(uri, line, character)
        server.definition(uri, line, character)
    server.actions(uri, (0, 0), (last.line, last.character))
    server.change(uri, text[: len(text) // 2])  # and cut in half
    server.diagnostics(uri, 2)

    fine = "model: gpt-realtime-2\ntemperature: 0.8\n"
    ok = open_path(server, write(project, "after_session.yaml", fine))
    assert server.diagnostics(ok, 1) == []
    assert server.hover(ok, *inside(fine, "temperature")) is not None


def test_the_long_line_is_still_checked(server, project):
    text = MALFORMED["long_line_session.yaml"]
    uri = open_path(server, write(project, "session.yaml", text))
    found = server.diagnostics(uri, 1)
    assert codes(found) == ["S004"]
    assert found[0].range == locate(text, "0.3")


# -- 11. starting and stopping -------------------------------------------------------------------


def test_the_server_exits_0_after_shutdown_and_exit(project):
    running = Server(project)
    uri = open_path(running, write(project, "session.yaml", "model: gpt-realtime-2\ntemperature: 0.3\n"))
    assert codes(running.diagnostics(uri, 1)) == ["S004"]
    assert _bugs_logged(running) == []
    assert running.stop() == 0


def _frame(message: dict) -> bytes:
    body = json.dumps(message).encode("utf-8")
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def _messages(stream: bytes) -> list[dict]:
    found = []
    while stream:
        header, _, rest = stream.partition(b"\r\n\r\n")
        length = int(re.search(rb"Content-Length: (\d+)", header).group(1))
        found.append(json.loads(rest[:length]))
        stream = rest[length:]
    return found


def test_rtcfg_server_accepts_stdio(project):
    session = [
        {"jsonrpc": "2.0", "id": 1, "method": "initialize",
         "params": {"processId": None, "rootUri": project.as_uri(), "capabilities": {}}},
        {"jsonrpc": "2.0", "method": "initialized", "params": {}},
        {"jsonrpc": "2.0", "id": 2, "method": "shutdown"},
        {"jsonrpc": "2.0", "method": "exit"},
    ]
    done = subprocess.run([*RTCFG, "server", "--stdio"], input=b"".join(map(_frame, session)), cwd=project,
                          capture_output=True, timeout=TIMEOUT)
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    answers = {message.get("id"): message for message in _messages(done.stdout)}
    capabilities = answers[1]["result"]["capabilities"]
    assert capabilities["textDocumentSync"]["change"] == 1  # full text on every change
    assert capabilities["hoverProvider"] and capabilities["definitionProvider"]
    assert capabilities["codeActionProvider"]["resolveProvider"] is True
    assert answers[1]["result"]["serverInfo"]["name"] == "rtcfg"
    assert "result" in answers[2] and answers[2]["result"] is None


# -- files changed on disk, not in the editor --------------------------------------------------


def watched(running: Server, *paths: Path) -> None:
    """The client's file watcher saw `paths` change (workspace/didChangeWatchedFiles)."""
    running.notify(running.client.workspace_did_change_watched_files, types.DidChangeWatchedFilesParams(changes=[
        types.FileEvent(uri=path.as_uri(), type=types.FileChangeType.Changed) for path in paths]))


def test_a_base_file_changed_on_disk_is_read_again(server, project):
    base = write(project, "base.yaml", "voice: alloy\ntemperature: 0.3\n")
    uri = open_path(server, write(project, "w_session.yaml", "extends: base.yaml\nmodel: gpt-realtime-2\n"))
    server.diagnostics(uri, 1)
    assert codes(shown(server, base.as_uri())) == ["S004"]
    base.write_text("voice: alloy\ntemperature: 0.8\n", encoding="utf-8")  # a git checkout, say
    watched(server, base)
    assert codes(shown(server, base.as_uri())) == []


def test_a_pyproject_changed_on_disk_applies_to_the_open_configs(server, project):
    uri = open_path(server, write(project, "p_session.yaml", "model: my-deployment\nvoice: alloy\n"))
    assert codes(server.diagnostics(uri, 1)) == ["R005"]
    pyproject = write(project, "pyproject.toml", '[tool.rtcfg]\nmodels = ["my-deployment"]\n')
    watched(server, pyproject)
    assert codes(shown(server, uri)) == []


def test_a_client_that_can_watch_files_is_asked_to(tmp_path_factory):
    """With dynamic registration, the server registers a watcher for the files configs are
    built from (YAML, JSON, prompts) and for pyproject.toml."""
    capabilities = types.ClientCapabilities(workspace=types.WorkspaceClientCapabilities(
        did_change_watched_files=types.DidChangeWatchedFilesClientCapabilities(dynamic_registration=True)))
    home = tmp_path_factory.mktemp("watching").resolve()
    (home / ".git").mkdir()
    asked: list[types.RegistrationParams] = []
    running = Server(home, capabilities=capabilities, before_start=lambda client: client.feature(
        types.CLIENT_REGISTER_CAPABILITY)(lambda ls, params: asked.append(params)))
    try:
        running.settle()
        methods = [registration.method for params in asked for registration in params.registrations]
        assert methods == [types.WORKSPACE_DID_CHANGE_WATCHED_FILES]
        pattern = asked[0].registrations[0].register_options["watchers"][0]["globPattern"]
        assert all(suffix in pattern for suffix in ("yaml", "yml", "json", "md", "toml"))
    finally:
        running.stop()


def test_without_the_extra_the_server_says_how_to_install_it(tmp_path):
    """pygls missing (as in a plain `pip install rtcfg`): one line on stderr, exit 2, no traceback."""
    import sys

    hide = ("import sys; sys.modules['pygls'] = sys.modules['lsprotocol'] = None; "
            "sys.argv = ['rtcfg', 'server']; from realtime_cfg import main; main()")
    run = subprocess.run([sys.executable, "-c", hide], capture_output=True, text=True, cwd=tmp_path, stdin=subprocess.DEVNULL)
    assert run.returncode == 2
    assert run.stderr == "rtcfg server needs the language-server extra: pip install 'rtcfg[lsp]'\n"
    assert run.stdout == ""


# -- what a review in the editor found -----------------------------------------------------------


@pytest.mark.parametrize("name, text", [
    ("tts.yaml", "voice: en-US-Wavenet-D\nspeaking_rate: 1.2\n"),
    ("llm.yaml", "model: gpt-4o\ntemperature: 0.2\nmodalities: [text, image]\n"),
    ("assistant.yaml", "model: gpt-4o\ninstructions: Be brief.\ntools: [{type: code_interpreter}]\n"),
    ("chat.json", '{"voice": "nova", "language": "en", "max_turns": 4}'),
    ("conf/responses.json", '{"model": "gpt-5", "instructions": "x", "reasoning": {"effort": "low"}, '
                            '"max_output_tokens": 500, "tools": []}'),
    ("conf/llm.yaml", "model: gpt-4o\ninstructions: x\nreasoning: {effort: low}\ntemperature: 0.2\n"),
    ("app/sessions/2024-01-01.json", '[{"user": 1}]'),
])
def test_a_yaml_or_json_file_of_another_tool_shows_nothing(server, project, name, text):
    uri = open_path(server, write(project, name, text))
    assert server.diagnostics(uri, 1) == []


def test_a_file_that_stops_looking_like_a_config_stops_showing_findings(server, project):
    """Whether a file is a config is decided again at each change that parses (only a text
    that does not parse keeps the last verdict, so that a config being typed does not flicker)."""
    uri = open_path(server, write(project, "deploy.yaml", "voice: alloy\ninstructions: Be brief.\ntemperature: 0.3\n"))
    assert codes(server.diagnostics(uri, 1)) == ["S004"]
    assert codes(server.diagnostics(uri, server.change(uri, "voice: alloy\ninstructions: [\n"))) == ["L001"]
    manifest = "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec: {containers: []}\nvoice: alloy\n"
    assert server.diagnostics(uri, server.change(uri, manifest)) == []


def test_completion_does_not_open_on_a_colon_or_a_space(server):
    options = server.initialized.capabilities.completion_provider
    assert list(options.trigger_characters) == ['"']


def test_a_value_completed_right_after_the_colon_gets_its_space_and_null_comes_last(server, project):
    text = "model: gpt-realtime-2\nturn_detection:\n"
    items = complete_in(server, project, "session.yaml", text, after(text, "turn_detection:"))
    assert labels(items)[-1] == "null"
    text = "model: gpt-realtime-2\nvoice:\n"
    items = complete_in(server, project, "realtime/v.yaml", text, after(text, "voice:"))
    assert applied(text, items, "marin") == "model: gpt-realtime-2\nvoice: marin\n"


@pytest.mark.parametrize("text, cursor_after, label, expected", [
    ("vo: alloy\n", "vo", "voice", "voice: alloy\n"),  # the whole key, and no second colon
    ("voice: al\n", "voice: al", "alloy", "voice: alloy\n"),
    ("voice: alloyy\n", "voice: al", "alloy", "voice: alloy\n"),  # the rest of the word goes too
], ids=["key-before-colon", "value", "value-rest-of-word"])
def test_a_completion_replaces_the_whole_word_under_the_cursor(server, project, text, cursor_after, label, expected):
    text = "model: gpt-realtime-2\n" + text
    items = complete_in(server, project, "session.yaml", text, after(text, cursor_after))
    assert applied(text, items, label) == "model: gpt-realtime-2\n" + expected


def test_a_json_entry_after_a_value_without_a_comma_gets_the_comma(server, project):
    text = '{\n  "model": "gpt-realtime-2"\n  \n}'
    items = complete_in(server, project, "session.json", text, (2, 2))
    item = next(item for item in items if item.label == "voice")
    assert "model" not in labels(items)
    fixed = apply_edits(text, [item.text_edit, *item.additional_text_edits])
    assert fixed == '{\n  "model": "gpt-realtime-2",\n  "voice": \n}'


def test_json_keys_written_after_the_cursor_are_not_offered(server, project):
    text = '{\n  \n  "model": "gpt-realtime-2"\n}'
    items = complete_in(server, project, "session.json", text, (1, 2))
    assert "voice" in labels(items) and "model" not in labels(items)


def test_a_ga_json_file_being_typed_gets_ga_keys(server, project):
    text = '{\n  "type": "realtime",\n  "au\n}'
    items = complete_in(server, project, "session.json", text, (2, 5))
    assert "audio" in labels(items) and "input_audio_format" not in labels(items)
    assert apply_edits(text, [next(i for i in items if i.label == "audio").text_edit]) == \
        '{\n  "type": "realtime",\n  "audio": \n}'


def test_a_new_file_is_offered_type_for_a_ga_shaped_config(server, project):
    items = complete_in(server, project, "realtime/new.yaml", "", (0, 0))
    assert labels(items)[0] == "type"
    assert "voice" in labels(items)


def test_tool_choice_offers_its_keywords_and_the_functions_defined(server, project):
    text = ("model: gpt-realtime-2\ntools:\n  - {type: function, name: lookup_order, parameters: {type: object}}\n"
            "tool_choice: \n")
    items = complete_in(server, project, "session.yaml", text, after(text, "tool_choice: "))
    assert {"auto", "none", "required", "lookup_order"} <= set(labels(items))


def test_an_object_of_free_keys_is_not_offered_null_as_a_key(server, project):
    text = "model: gpt-realtime-2\nprompt:\n  id: pmpt_1\n  variables:\n    \n"
    assert complete_in(server, project, "session.yaml", text, (4, 4)) == []


@pytest.mark.parametrize("text, needle, wanted, unwanted", [
    ("model: gpt-realtime-2\nmodalities: [text]\n", "text", "**modalities[0]**", "**0**"),
    ("type: realtime\nmodel: gpt-realtime-2\n", "type", "`transcription`", None),
    ("model: gpt-realtime-2\ntracing: auto\n", "auto", "**tracing** = `auto`", "`auto`: "),
], ids=["list-item", "ga-type-key", "enum-value"])
def test_hover_names_list_items_and_describes_unions_and_values_rightly(server, project, text, needle, wanted, unwanted):
    uri = open_path(server, write(project, "session.yaml", text))
    server.diagnostics(uri, 1)
    shown_text = server.hover(uri, *inside(text, needle)).contents.value
    assert wanted in shown_text
    assert unwanted is None or unwanted not in shown_text


def test_a_ga_type_value_is_described_once(server, project):
    text = "type: realtime\nmodel: gpt-realtime-2\naudio:\n  input:\n    turn_detection: {type: server_vad}\n"
    uri = open_path(server, write(project, "session.yaml", text))
    server.diagnostics(uri, 1)
    shown_text = server.hover(uri, *inside(text, "server_vad")).contents.value
    assert shown_text.count("Fields:") == 1


def test_findings_name_files_as_validate_run_in_the_workspace_does(tmp_path):
    """The editor starts the server in the workspace folder: paths in messages are relative to
    it, as `rtcfg validate` run there writes them."""
    root = tmp_path.resolve()
    (root / ".git").mkdir()
    config = write(root, "realtime/a.yaml", "extends: nothere.yaml\nmodel: gpt-realtime-2\n")
    running = Server(root)
    try:
        found = running.diagnostics(running.open(config), 1)
        cli = subprocess.run([*RTCFG, "validate", "--format", "json", "realtime/a.yaml"], cwd=root,
                             capture_output=True, text=True)
        expected = json.loads(cli.stdout)["diagnostics"][0]
        assert [(d.code, d.message.splitlines()[0]) for d in found] == [("B002", expected["message"])]
        assert "realtime/nothere.yaml does not exist" in expected["message"]
    finally:
        running.stop()


def test_a_base_open_in_the_editor_but_not_on_disk_counts(server, project):
    base = project / "fresh-base.yaml"  # created in the editor, never saved
    base_uri = server.open(base, "voice: alloy\n")
    uri = open_path(server, write(project, "f_session.yaml", "extends: fresh-base.yaml\nmodel: gpt-realtime-2\n"))
    assert server.diagnostics(uri, 1) == []
    server.close(base_uri)
    assert codes(shown(server, uri)) == ["B002"]  # closed unsaved: it is gone


def test_completion_inside_a_flow_mapping_written_over_several_lines(server, project):
    text = "model: gpt-realtime-2\nturn_detection: {type: semantic_vad,\n  ea}\n"
    items = complete_in(server, project, "session.yaml", text, after(text, "  ea"))
    assert "eagerness" in labels(items) and "silence_duration_ms" not in labels(items)
    assert applied(text, items, "eagerness") == "model: gpt-realtime-2\nturn_detection: {type: semantic_vad,\n  eagerness: }\n"


def test_completion_of_a_quoted_yaml_key_replaces_its_quote(server, project):
    text = 'model: gpt-realtime-2\n"vo\n'
    items = complete_in(server, project, "session.yaml", text, after(text, '"vo'))
    assert applied(text, items, "voice") == "model: gpt-realtime-2\nvoice: \n"


@pytest.mark.parametrize("name, text", [
    ("agents/support.yaml", "model: gpt-realtime-2\nvoice: marin\ninstructions: be nice\nturn_detecton:\n"
     "  type: server_vad\nmodalites: [audio]\n"),  # typos count as the keys they mean
    ("agents/small.yaml", "model: gpt-realtime-2\nvoice: marin\ntemperature: 0.3\n"),
    ("agents/ga.yaml", "model: gpt-realtime-2\naudio:\n  output:\n    voice: marin\n    speed: 9\n"),
    ("agents/ext.yaml", "extends: nothere.yaml\nvoice: marin\n"),  # not built: judged by its own keys
    ("realtime/typos.yaml", "modle: gpt-realtime-2\nvoise: marin\n"),  # the hook's name: always
    ("realtime/new.yaml", "m"),  # the first letter of a new config
], ids=["typos", "small", "ga-without-type", "missing-base", "hook-name", "first-letter"])
def test_a_config_is_checked_with_its_mistakes(server, project, name, text):
    """What the editor shows is what `rtcfg validate` (the pre-commit hook) reports."""
    path = write(project, name, text)
    found = server.diagnostics(open_path(server, path), 1)
    cli = subprocess.run([*RTCFG, "validate", "--format", "json", str(path)], capture_output=True, text=True)
    expected = [finding["code"] for finding in json.loads(cli.stdout)["diagnostics"]]
    assert expected and codes(found) == expected


def test_a_list_in_a_folder_the_hook_checks_is_not_a_config(server, project):
    uri = open_path(server, write(project, "sessions/log.json", '[{"user": 1}]'))
    assert server.diagnostics(uri, 1) == []


def test_the_first_key_of_a_new_config_is_completed(server, project):
    text = "mo"
    items = complete_in(server, project, "realtime/first.yaml", text, (0, 2))
    assert applied(text, items, "model") == "model: "


@pytest.mark.parametrize("text, cursor_after, label, expected", [
    ('{"m}', '{"m', "model", '{"model": }'),  # no closing quote: the brace stays
    ('{"voice": "al}', '"al', "alloy", '{"voice": "alloy"}'),
    ('voice: "al  # pick\n', '"al', "alloy", 'voice: "alloy"  # pick\n'),
    ('{"voice": "alloy"}', '"alloy"', "model", '{"voice": "alloy", "model": }'),  # the comma, once
], ids=["json-key", "json-value", "yaml-value-comment", "right-after-a-value"])
def test_completing_in_unclosed_quotes_keeps_the_rest_of_the_line(server, project, text, cursor_after, label, expected):
    name = "session.json" if text.startswith("{") else "session.yaml"
    items = complete_in(server, project, name, text, after(text, cursor_after))
    item = next(item for item in items if item.label == label)
    assert apply_edits(text, [item.text_edit, *(item.additional_text_edits or [])]) == expected


def test_hover_says_only_for_a_target_only_when_every_form_of_the_field_is(server, project):
    text = "model: gpt-realtime-2\nvoice: marin\ntemperature: 0.8\n"
    uri = open_path(server, write(project, "session.yaml", text))
    server.diagnostics(uri, 1)
    assert "only for" not in server.hover(uri, *inside(text, "voice")).contents.value
    assert "only for beta" in server.hover(uri, *inside(text, "temperature")).contents.value


def test_hover_on_a_union_type_key_describes_the_union(server, project):
    text = "model: gpt-realtime-2\nturn_detection: {type: semantic_vad}\n"
    uri = open_path(server, write(project, "session.yaml", text))
    server.diagnostics(uri, 1)
    shown_text = server.hover(uri, *inside(text, "type")).contents.value
    assert SCHEMA["properties"]["turn_detection"]["description"] in shown_text
    assert "`server_vad`, `semantic_vad`" in shown_text


def test_the_server_works_offline(tmp_path_factory):
    """Nothing is fetched: with every network connection refused in the server's process,
    a config whose function `parameters` are checked against the JSON Schema meta-schema is
    still checked, hovered and completed."""
    blocker = tmp_path_factory.mktemp("offline")
    loaded = blocker / "loaded"
    (blocker / "sitecustomize.py").write_text(
        f"open({str(loaded)!r}, 'w').close()\n"  # proof that the server ran with it
        "import socket\n"
        "def _refused(*args, **kwargs):\n"
        "    raise OSError('offline: rtcfg server must not use the network')\n"
        "socket.socket.connect = _refused\n"
        "socket.create_connection = _refused\n", encoding="utf-8")
    home = tmp_path_factory.mktemp("offline-project").resolve()
    (home / ".git").mkdir()
    text = ("model: gpt-realtime-2\ntools:\n  - type: function\n    name: lookup\n"
            "    parameters: {type: object, required: city}\n")
    config = write(home, "session.yaml", text)
    running = Server(home, env={"PYTHONPATH": str(blocker)})
    try:
        found = running.diagnostics(running.open(config), 1)
        assert loaded.exists()
        assert [(d.code, d.data["path"]) for d in found] == [("S008", "tools[0].parameters.required")]
        assert running.hover(config.as_uri(), *inside(text, "model")) is not None
        assert "voice" in labels(running.complete(config.as_uri(), 5, 0))
        assert not [line for line in running.stderr if "offline" in line]
    finally:
        running.stop()
