"""Fixes as a user meets them: `rtcfg validate --fix`, `--unsafe-fixes` and `--diff`, and
`realtime_cfg.fix`.

Golden cases (tests/golden/fixes/inputs/<input>/, expected output in
tests/golden/fixes/expected/<case>/): each input is copied to a temporary folder and
validated as it is (report.txt: the `[*]` marks and `= fix` lines), with --diff (diff.txt;
nothing written), with --fix (fix.txt, and the exact bytes of every file it changed under
fixed/; every other file byte for byte as it was), and with --fix again (nothing changes,
`0 fixed`). Regenerate on purpose with RTCFG_UPDATE_GOLDEN=1 and review every file by eye.

The many small cases (each fix kind, each way of writing a value, where no fix can be made,
rollbacks) go through the library, which is the same pipeline without a process start.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

import realtime_cfg
from realtime_cfg import pipeline
from realtime_cfg.building.builder import BuildOptions
from realtime_cfg.check.registry import RULES
from realtime_cfg.fixing import applying

from conftest import ROOT, run_cli

FIXES = ROOT / "tests" / "golden" / "fixes"
INPUTS = FIXES / "inputs"
EXPECTED = FIXES / "expected"
UPDATE = bool(os.environ.get("RTCFG_UPDATE_GOLDEN"))

# a line with its line break, as the fix engine splits text (CRLF, LF or CR)
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


# -- helpers -----------------------------------------------------------------------------------


def golden(path: Path, actual: str | bytes) -> None:
    """`actual` must be the golden file's exact bytes (written first with RTCFG_UPDATE_GOLDEN)."""
    data = actual.encode("utf-8") if isinstance(actual, str) else actual
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    assert path.exists(), f"no golden file {path}; create it with RTCFG_UPDATE_GOLDEN=1 and review it"
    expected = path.read_bytes()
    if data != expected:  # show a readable diff, then fail on the bytes
        shown = "".join(difflib.unified_diff(expected.decode("utf-8", "replace").splitlines(True),
                                             data.decode("utf-8", "replace").splitlines(True),
                                             "golden", "actual"))
        pytest.fail(f"{path.relative_to(ROOT)} differs:\n{shown}\n(bytes: {expected!r} != {data!r})")


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (relative POSIX name -> bytes)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def decoded(raw: bytes) -> str:
    """A config file's text without its byte order mark, as the fix engine edits it."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    return raw.decode("utf-8-sig")


def apply_patch(patch: str, texts: dict[str, str]) -> dict[str, str]:
    """Apply a unified diff (as --diff prints it) to `texts` (name -> text), strictly: every
    context and removed line must be there as written. Returns the patched texts."""
    rows = [row for row in re.findall(r"[^\n]*\n?", patch) if row]
    result = dict(texts)
    index = 0
    while index < len(rows):
        assert rows[index].startswith("--- a/"), rows[index]
        name = rows[index][len("--- a/"):].rstrip("\n")
        assert rows[index + 1] == f"+++ b/{name}\n"
        index += 2
        source, out, at = _LINE.findall(result[name]), [], 0
        while index < len(rows) and rows[index].startswith("@@"):
            match = re.match(r"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@\n", rows[index])
            assert match, rows[index]
            start = int(match.group(1)) - (0 if match.group(2) == "0" else 1)
            old_left, new_left = (int(n) if n is not None else 1 for n in match.group(2, 4))
            out += source[at:start]
            at = start
            index += 1
            while old_left or new_left or (index < len(rows) and rows[index].startswith("\\")):
                kind, body = rows[index][0], rows[index][1:]
                assert kind in " -+\\", rows[index]
                old_left -= kind in " -"
                new_left -= kind in " +"
                if index + 1 < len(rows) and rows[index + 1].startswith("\\"):
                    body = body[:-1]  # "\ No newline at end of file" follows
                if kind in " -":
                    assert source[at] == body, (name, source[at], body)
                    at += 1
                if kind in " +":
                    out.append(body)
                index += 1
        result[name] = "".join(out + source[at:])
    return result


def comment_of(line: str) -> str | None:
    """The comment at the end of a line (`# ...`), if it has one outside quotes."""
    quote = None
    for index, char in enumerate(line):
        if quote:
            quote = None if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == "#" and (index == 0 or line[index - 1] in " \t"):
            return line[index:].rstrip("\r\n")
    return None


def assert_only_fixed_lines_changed(before: str, after: str, removed: tuple[str, ...] = ()) -> None:
    """Lines the fixes did not touch are byte for byte the same; a line they edited keeps its
    indentation, its line break and its comment; no line is added; only the entries named in
    `removed` lose their lines; comment-only and blank lines are never touched."""
    old, new = _LINE.findall(before), _LINE.findall(after)
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        kept = [line for line in old[i1:i2] if not any(re.match(rf"\s*[\"']?{key}\b", line) for key in removed)]
        assert tag != "insert" and len(kept) == j2 - j1, (old[i1:i2], new[j1:j2])
        for was, now in zip(kept, new[j1:j2]):
            assert was.strip() and not was.lstrip().startswith("#"), f"a comment or blank line changed: {was!r}"
            assert len(was) - len(was.lstrip(" ")) == len(now) - len(now.lstrip(" ")), (was, now)
            assert was[len(was.rstrip("\r\n")):] == now[len(now.rstrip("\r\n")):], (was, now)
            assert comment_of(was) == comment_of(now), (was, now)


# -- the golden cases ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    name: str  # expected/<name>/
    input: str  # inputs/<input>/
    main: str  # the config validated (others are its base and parts)
    applied: tuple[tuple[str, str], ...]  # (code, applicability) of each fix --fix applies
    remaining: tuple[str, ...]  # codes left after --fix
    report_exit: int  # `validate` before fixing
    fix_exit: int  # `validate --fix`
    target: str | None = None
    unsafe: bool = False
    removed: tuple[str, ...] = ()  # keys whose entries the fixes remove

    @property
    def flags(self) -> list[str]:
        return (["--target", self.target] if self.target else []) + (["--unsafe-fixes"] if self.unsafe else [])

    @property
    def options(self) -> pipeline.Options:
        return pipeline.Options(target=self.target)


def _safe(*codes: str) -> tuple[tuple[str, str], ...]:
    return tuple((code, "safe") for code in codes)


def _unsafe(*codes: str) -> tuple[tuple[str, str], ...]:
    return tuple((code, "unsafe") for code in codes)


CASES = [
    # flat YAML, block style, 4-space indentation, comments on and between lines; Server_VAD
    # hides prefix_padding_ms: "300" (applied with it); max_tokens needs --unsafe-fixes
    Case("block-yaml", "block-yaml", "config.yaml",
         _safe("R005", "S002", "S002", "S002", "S003", "R021", "R021", "R014", "S006"), ("S001",), 1, 1),
    # flow mappings and lists, 1-space indentation, S008 inside tool parameters
    Case("flow-yaml", "flow-yaml", "config.yaml",
         _safe("S002", "S002", "S003", "R021", "S006", "S008", "S008"), (), 1, 0),
    # single- and double-quoted keys and values keep their quotes
    Case("quotes-yaml", "quotes-yaml", "config.yaml", _safe("R013", "S002", "S002", "S003"), ("S001", "S001"), 1, 1),
    Case("quotes-yaml+unsafe", "quotes-yaml", "config.yaml",
         _safe("R013", "S002", "S002", "S003", "R021") + _unsafe("S001", "S001"), (), 1, 0, unsafe=True),
    Case("crlf-yaml", "crlf-yaml", "config.yaml", _safe("R013", "S002", "S006", "R021"), (), 1, 0),
    Case("bom-yaml", "bom-yaml", "config.yaml", _safe("S002", "S002"), (), 1, 0),
    Case("utf16-yaml", "utf16-yaml", "config.yaml", _safe("S002", "R021"), (), 1, 0),
    Case("pretty-json", "pretty-json", "config.json",
         _safe("R013", "S002", "S002", "S003", "R021", "R021"), ("S001", "S008"), 1, 1),
    Case("pretty-json+unsafe", "pretty-json", "config.json",
         _safe("R013", "S002", "S002", "S003", "R021", "R021") + _unsafe("S001", "S008"), (), 1, 0, unsafe=True),
    # GA-shaped JSON on one line, no line break at the end
    Case("oneline-json", "oneline-json", "config.json",
         _safe("S003", "S003", "S002", "S002", "R013", "R021"), (), 1, 0),
    # GA YAML: a beta format name, audio/PCM, Marin; S012 rename and removal need --unsafe-fixes
    Case("ga-yaml", "ga-yaml", "config.yaml", _safe("S003", "S006", "S002", "R013"), ("S012", "S012"), 1, 1),
    Case("ga-yaml+unsafe", "ga-yaml", "config.yaml",
         _safe("S003", "S006", "S002", "R013") + _unsafe("S012", "S012"), (), 1, 0, unsafe=True,
         removed=("temperature",)),
    # T002 (--target ga): the entry goes, in block style, a flow mapping and JSON
    Case("t002-block", "t002-block", "config.yaml", _unsafe("T002"), (), 0, 0, "ga", True, ("temperature",)),
    Case("t002-flow", "t002-flow", "config.yaml", _unsafe("T002"), (), 0, 0, "ga", True),
    Case("t002-json", "t002-json", "config.json", _unsafe("T002"), (), 0, 0, "ga", True, ("temperature",)),
    # the edits land in the base (extends) and in the parts ($file, YAML and JSON); the overlay stays
    Case("extends", "extends", "overlay-a.yaml", _safe("S002", "S008", "S008"), (), 1, 0),
    # ${VAR}, an anchor, an alias, a merge key, a value over several lines: no fix here
    Case("not-here", "not-here", "config.yaml", (), ("R013", "S002", "S002", "S002", "R014"), 1, 1, unsafe=True),
    # Marin in a flat file: the fix would add T003, so it is rolled back; the other fix stays
    Case("rollback", "rollback", "config.yaml", _safe("S002"), ("R013",), 1, 0, unsafe=True),
    # every unsafe kind: nothing without --unsafe-fixes, all of it with
    Case("unsafe-yaml", "unsafe-yaml", "config.yaml", (),
         ("R005", "R013", "S002", "R014", "S001", "S001", "S008"), 1, 1),
    Case("unsafe-yaml+unsafe", "unsafe-yaml", "config.yaml",
         _unsafe("R005", "R013", "S002", "R014", "S001", "S001", "S008"), (), 1, 0, unsafe=True),
    # out of range, a wrong variant field, a missing key: never fixed
    Case("never", "never", "config.yaml", (), ("S004", "S007", "S005"), 1, 1, unsafe=True),
]


@pytest.fixture
def work(tmp_path):
    """work(input) -> a copy of inputs/<input>/ in a temporary folder (golden inputs are never
    touched)."""

    def _copy(name: str) -> Path:
        folder = tmp_path / name
        shutil.copytree(INPUTS / name, folder)
        return folder

    return _copy


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_fix_golden(case, work, monkeypatch):
    monkeypatch.delenv("AGENT_VOICE", raising=False)  # not-here: ${AGENT_VOICE:-Ash} takes its default
    folder = work(case.input)
    expected = EXPECTED / case.name
    before = snapshot(folder)

    # the library and the CLI are one pipeline: what --fix will apply, from the files as they are
    monkeypatch.chdir(folder)
    planned = pipeline.fix(case.main, case.options, case.unsafe)
    assert sorted((d.code, d.fix.applicability) for d in planned.applied) == sorted(case.applied)
    assert sorted(d.code for d in planned.remaining) == sorted(case.remaining)
    assert snapshot(folder) == before  # pipeline.fix writes nothing

    # 1. the report as it is: `[*]` and the `= fix` lines; nothing written
    report = run_cli("validate", *case.flags, case.main, cwd=folder)
    golden(expected / "report.txt", report.stdout)
    assert (report.returncode, report.stderr) == (case.report_exit, "")
    assert snapshot(folder) == before

    # 2. --diff: the diff on stdout, the report on stderr, nothing written
    diff = run_cli("validate", "--diff", *case.flags, case.main, cwd=folder)
    golden(expected / "diff.txt", diff.stdout)
    assert diff.returncode == (1 if case.applied else case.fix_exit)
    assert bool(diff.stdout) == bool(case.applied)
    assert snapshot(folder) == before

    # 3. --fix: what is left on stdout, the files rewritten
    fixed = run_cli("validate", "--fix", *case.flags, case.main, cwd=folder)
    golden(expected / "fix.txt", fixed.stdout)
    assert (fixed.returncode, fixed.stderr) == (case.fix_exit, "")
    summary = fixed.stdout.splitlines()[-1]
    assert summary.startswith(f"{len(case.applied)} fixed, {len(case.remaining)} remaining. "), summary
    # --diff reports what --fix leaves, to stderr, with "to fix" for "fixed"
    assert diff.stderr == fixed.stdout.replace(f"{len(case.applied)} fixed, ", f"{len(case.applied)} to fix, ")
    after = snapshot(folder)
    assert after.keys() == before.keys()
    for name, raw in after.items():
        golden_file = expected / "fixed" / name
        if UPDATE:
            if raw != before[name]:
                golden(golden_file, raw)
            elif golden_file.exists():
                golden_file.unlink()
        if golden_file.exists():
            golden(golden_file, raw)
            assert raw != before[name]
        else:
            assert raw == before[name], f"{name} changed but has no golden"
        # byte order mark and line breaks as they were; only the fixed lines differ
        for mark in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
            assert raw.startswith(mark) == before[name].startswith(mark)
        assert (b"\r\n" in raw) == (b"\r\n" in before[name])
        assert_only_fixed_lines_changed(decoded(before[name]), decoded(raw), case.removed)
    # the diff, applied to the files as they were, gives exactly what --fix wrote
    old_texts = {name: decoded(raw) for name, raw in before.items()}
    assert apply_patch(diff.stdout, old_texts) == {name: decoded(raw) for name, raw in after.items()}

    # the fixed config has none of the findings fixed (checked in-process, as a new run would)
    again = pipeline.check(case.main, case.options)
    assert sorted(d.code for d in again.findings) == sorted(case.remaining)

    # 4. a second --fix changes nothing
    second = run_cli("validate", "--fix", *case.flags, case.main, cwd=folder)
    assert snapshot(folder) == after
    assert second.stdout.splitlines()[-1].startswith(f"0 fixed, {len(case.remaining)} remaining. ")
    assert second.returncode == case.fix_exit


def test_golden_folders_are_all_used():
    """No stale expected/ folder, no input without a case."""
    assert {p.name for p in EXPECTED.iterdir()} == {c.name for c in CASES}
    assert {p.name for p in INPUTS.iterdir()} == {c.input for c in CASES}


def test_inputs_are_written_as_their_case_says():
    """The golden inputs hold the bytes their cases are about (no editor or checkout changed them)."""
    crlf = (INPUTS / "crlf-yaml" / "config.yaml").read_bytes()
    assert crlf.count(b"\r\n") == crlf.count(b"\n") > 5
    assert (INPUTS / "bom-yaml" / "config.yaml").read_bytes().startswith(b"\xef\xbb\xbf#")
    assert (INPUTS / "utf16-yaml" / "config.yaml").read_bytes().startswith(b"\xff\xfe#\x00")
    assert not (INPUTS / "oneline-json" / "config.json").read_bytes().endswith(b"\n")
    assert b"\r" not in (INPUTS / "block-yaml" / "config.yaml").read_bytes()


# -- the CLI around the fixes ---------------------------------------------------------------------


def test_fix_on_stdin_is_a_usage_error_and_diff_on_stdin_works(tmp_path):
    text = "model: gpt-realtime-2\ninput_audio_format: g711-ulaw   # phone\n"
    refused = run_cli("validate", "--fix", "-", stdin=text, cwd=tmp_path)
    assert refused.returncode == 2
    assert "--diff" in refused.stderr and "standard input" in refused.stderr
    assert refused.stdout == ""
    shown = run_cli("validate", "--diff", "-", stdin=text, cwd=tmp_path)
    assert shown.returncode == 1
    assert shown.stdout == ("--- a/<stdin>\n+++ b/<stdin>\n@@ -1,2 +1,2 @@\n model: gpt-realtime-2\n"
                            "-input_audio_format: g711-ulaw   # phone\n+input_audio_format: g711_ulaw   # phone\n")
    assert shown.stderr == "1 to fix, 0 remaining. 1 file checked: no problems.\n"
    assert list(tmp_path.iterdir()) == []


def test_unsafe_fixes_alone_marks_them_and_writes_nothing():
    """What the golden reports say, spelled out (test_fix_golden checks that nothing is written):
    an unsafe fix is marked `[*]` only with --unsafe-fixes, and the count says which flags apply it."""
    plain = (EXPECTED / "unsafe-yaml" / "report.txt").read_text(encoding="utf-8").splitlines()
    marked = (EXPECTED / "unsafe-yaml+unsafe" / "report.txt").read_text(encoding="utf-8").splitlines()
    assert "config.yaml:7:1: S001 unknown key 'max_tokens' in the session" in plain
    assert "config.yaml:7:1: S001 [*] unknown key 'max_tokens' in the session" in marked
    assert "    = unsafe fix (--fix --unsafe-fixes): rename it to max_output_tokens" in plain
    assert plain[-2] == "7 fixable with --fix --unsafe-fixes."
    assert marked[-2] == "[*] 7 fixable with --fix --unsafe-fixes."
    assert (EXPECTED / "unsafe-yaml" / "diff.txt").read_bytes() == b""


def test_fixable_line_counts_safe_and_unsafe():
    report = (EXPECTED / "block-yaml" / "report.txt").read_text(encoding="utf-8").splitlines()
    assert sum(" [*] " in line for line in report) == 8
    assert sum(line.lstrip().startswith("= fix (--fix): ") for line in report) == 8
    assert report[-2:] == ["[*] 8 fixable with --fix (1 more with --fix --unsafe-fixes).",
                           "5 errors, 2 warnings, 2 infos in 1 of 1 file."]
    fixed = (EXPECTED / "block-yaml" / "fix.txt").read_text(encoding="utf-8").splitlines()
    assert fixed[-2:] == ["1 fixable with --fix --unsafe-fixes.", "9 fixed, 1 remaining. 1 error in 1 of 1 file."]


def test_set_override_is_no_fix_here_and_the_file_stays(tmp_path):
    config = tmp_path / "agent.yaml"
    config.write_bytes(b"model: gpt-realtime-2\n")
    result = run_cli("validate", "--fix", "--set", "voice=Ash", "agent.yaml", cwd=tmp_path)
    assert result.returncode == 0  # R013 is a warning
    assert "= no fix here: it is set on the command line (--set)" in result.stdout
    assert result.stdout.splitlines()[-1] == "0 fixed, 1 remaining. 1 warning in 1 of 1 file."
    assert config.read_bytes() == b"model: gpt-realtime-2\n"


def test_extends_diff_of_a_shared_base_is_printed_once_and_fix_writes_it_once(work):
    folder = work("extends")
    diff = run_cli("validate", "--diff", "overlay-a.yaml", "overlay-b.yaml", cwd=folder)
    assert diff.returncode == 1
    assert diff.stdout == (EXPECTED / "extends" / "diff.txt").read_text(encoding="utf-8")
    assert diff.stderr.splitlines()[-1] == "3 to fix, 0 remaining. 2 files checked: no problems."
    fixed = run_cli("validate", "--fix", "overlay-a.yaml", "overlay-b.yaml", cwd=folder)
    assert fixed.returncode == 0
    assert fixed.stdout == "3 fixed, 0 remaining. 2 files checked: no problems.\n"
    for name in ("base.yaml", "tools/lookup.yaml", "tools/notify.json"):
        assert (folder / name).read_bytes() == (EXPECTED / "extends" / "fixed" / name).read_bytes()
    for name in ("overlay-a.yaml", "overlay-b.yaml"):
        assert (folder / name).read_bytes() == (INPUTS / "extends" / name).read_bytes()


def test_nothing_to_fix_diff_exits_as_validate_would(work):
    folder = work("t002-block")  # a T002 warning whose fix is unsafe: nothing for --fix alone
    before = snapshot(folder)
    diff = run_cli("validate", "--diff", "--target", "ga", "config.yaml", cwd=folder)
    assert (diff.returncode, diff.stdout) == (0, "")
    assert diff.stderr.splitlines()[-2:] == ["1 fixable with --fix --unsafe-fixes.",
                                             "0 to fix, 1 remaining. 1 warning in 1 of 1 file."]
    fixed = run_cli("validate", "--fix", "--target", "ga", "config.yaml", cwd=folder)
    assert fixed.returncode == 0
    assert fixed.stdout.splitlines()[-1] == "0 fixed, 1 remaining. 1 warning in 1 of 1 file."
    assert snapshot(folder) == before


def test_library_fix_edits_the_overlay_where_it_overrides_the_base(tmp_path):
    base = tmp_path / "base.yaml"
    base.write_bytes(b"# base\nmodel: gpt-realtime-2\nvoice: ash\ninput_audio_format: pcm16\n")
    overlay = tmp_path / "overlay.yaml"
    overlay.write_bytes(b"extends: base.yaml\nvoice: Coral   # this one is sent\n")
    result = realtime_cfg.fix(overlay, write=True)
    assert [(d.code, d.file) for d in result.applied] == [("R013", str(overlay))]
    assert overlay.read_bytes() == b"extends: base.yaml\nvoice: coral   # this one is sent\n"
    assert base.read_bytes() == b"# base\nmodel: gpt-realtime-2\nvoice: ash\ninput_audio_format: pcm16\n"


def test_diff_of_a_base_reached_by_relative_and_absolute_paths_is_printed_once(work):
    folder = work("extends")
    diff = run_cli("validate", "--diff", "overlay-a.yaml", str(folder / "overlay-b.yaml"), cwd=folder)
    assert diff.stdout.count("+input_audio_format: g711_ulaw") == 1
    assert diff.stderr.splitlines()[-1].startswith("3 to fix, ")


def test_json_report_carries_fixes_with_edits(work):
    folder = work("crlf-yaml")
    result = run_cli("validate", "--format", "json", "config.yaml", cwd=folder)
    data = json.loads(result.stdout)
    assert result.returncode == 1
    assert data["summary"]["fixable"] == 4
    assert "fixed" not in data["summary"] and "to_fix" not in data["summary"]
    first = data["diagnostics"][0]
    assert (first["code"], first["line"], first["column"], first["end_line"], first["end_column"]) == \
        ("R013", 3, 8, 3, 11)
    assert first["fix"] == {"applicability": "safe", "message": 'write "ash"', "edits": [
        {"file": "config.yaml", "line": 3, "column": 8, "end_line": 3, "end_column": 11, "text": "ash"}]}
    for diagnostic in data["diagnostics"]:
        assert {"end_line", "end_column", "fix"} <= diagnostic.keys()
        assert diagnostic["fix"]["applicability"] == "safe" and diagnostic["fix"]["edits"]
    # the edits, applied by line and column (characters, end exclusive), give what --fix writes
    text = decoded((folder / "config.yaml").read_bytes())
    edits = [edit for d in data["diagnostics"] for edit in d["fix"]["edits"]]
    run_cli("validate", "--fix", "config.yaml", cwd=folder)
    assert apply_edits(text, edits) == decoded((folder / "config.yaml").read_bytes())


def apply_edits(text: str, edits: list[dict]) -> str:
    """Apply report edits ({line, column, end_line, end_column, text}; 1-based, end exclusive)."""
    starts = [0]
    for line in _LINE.findall(text):
        starts.append(starts[-1] + len(line))

    def offset(line: int, column: int) -> int:
        return starts[line - 1] + column - 1

    for edit in sorted(edits, key=lambda e: (e["line"], e["column"]), reverse=True):
        start, end = offset(edit["line"], edit["column"]), offset(edit["end_line"], edit["end_column"])
        text = text[:start] + edit["text"] + text[end:]
    return text


def test_json_report_edits_count_characters_after_a_byte_order_mark(work):
    folder = work("bom-yaml")
    data = json.loads(run_cli("validate", "--format", "json", "config.yaml", cwd=folder).stdout)
    edits = [edit for d in data["diagnostics"] for edit in d["fix"]["edits"]]
    assert [(e["line"], e["column"], e["end_line"], e["end_column"], e["text"]) for e in edits] == \
        [(4, 21, 4, 30, "g711_alaw"), (7, 14, 7, 17, "low")]
    text = decoded((folder / "config.yaml").read_bytes())
    assert apply_edits(text, edits) == decoded((EXPECTED / "bom-yaml" / "fixed" / "config.yaml").read_bytes())


def test_json_report_after_fix_and_with_diff(work):
    folder = work("rollback")
    before = snapshot(folder)
    shown = run_cli("validate", "--diff", "--format", "json", "config.yaml", cwd=folder)
    assert shown.returncode == 2 and "--output-file" in shown.stderr  # the diff has stdout
    shown = run_cli("validate", "--diff", "--format", "json", "--output-file", "report.json", "config.yaml",
                    cwd=folder)
    assert shown.returncode == 1
    assert shown.stdout == (EXPECTED / "rollback" / "diff.txt").read_text(encoding="utf-8")
    report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    (folder / "report.json").unlink()
    assert snapshot(folder) == before
    assert report["summary"]["to_fix"] == 1 and "fixed" not in report["summary"]
    fixed = run_cli("validate", "--fix", "--format", "json", "config.yaml", cwd=folder)
    data = json.loads(fixed.stdout)
    assert fixed.returncode == 0
    assert data["summary"]["fixed"] == 1 and "to_fix" not in data["summary"]
    assert data["summary"]["fixable"] == 0
    for result in (report, data):
        [voice] = result["diagnostics"]
        assert voice["code"] == "R013"
        assert voice["fix"] == {"applicability": "safe", "message": 'write "marin"', "edits": [],
                                "unavailable": "rolled back: it would add T003 at voice"}


def test_json_report_fix_unavailable_where_the_value_is_not_written(work, monkeypatch):
    monkeypatch.delenv("AGENT_VOICE", raising=False)
    folder = work("not-here")
    data = json.loads(run_cli("validate", "--format", "json", "config.yaml", cwd=folder).stdout)
    why = {d["path"]: d["fix"]["unavailable"] for d in data["diagnostics"]}
    assert why == {
        "voice": "it is written with ${VAR}: fix it where the variable is set",
        "input_audio_format": "it comes through a YAML alias, an anchor others share, or a merge key",
        "output_audio_format": "it comes through a YAML alias, an anchor others share, or a merge key",
        "turn_detection.type": "it comes through a YAML alias, an anchor others share, or a merge key",
        "input_audio_transcription.model": "it is written over several lines",
    }
    assert all(d["fix"]["edits"] == [] for d in data["diagnostics"])
    assert data["summary"]["fixable"] == 0


def test_sarif_results_carry_end_positions_and_fixes(work, monkeypatch):
    folder = work("block-yaml")
    log = json.loads(run_cli("validate", "--format", "sarif", "config.yaml", cwd=folder).stdout)
    [run] = log["runs"]
    assert run["columnKind"] == "unicodeCodePoints"
    results = {(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]): r for r in run["results"]}
    s002 = results[("S002", 7)]
    assert s002["locations"][0]["physicalLocation"]["region"] == {"startLine": 7, "startColumn": 21,
                                                                  "endLine": 7, "endColumn": 30}
    assert s002["properties"]["fixApplicability"] == "safe"
    assert s002["fixes"] == [{"description": {"text": 'write "g711_ulaw"'}, "artifactChanges": [{
        "artifactLocation": {"uri": "config.yaml"},
        "replacements": [{"deletedRegion": {"startLine": 7, "startColumn": 21, "endLine": 7, "endColumn": 30},
                          "insertedContent": {"text": "g711_ulaw"}}]}]}]
    s001 = results[("S001", 19)]
    assert s001["properties"]["fixApplicability"] == "unsafe"
    assert s001["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"] == {"text": "max_output_tokens"}
    # a fix that cannot be made there is no SARIF fix
    monkeypatch.delenv("AGENT_VOICE", raising=False)
    folder = work("not-here")
    log = json.loads(run_cli("validate", "--format", "sarif", "config.yaml", cwd=folder).stdout)
    for result in log["runs"][0]["results"]:
        assert "fixes" not in result and "fixApplicability" not in result.get("properties", {})


def test_github_annotations_have_end_positions(work):
    folder = work("never")
    result = run_cli("validate", "--format", "github", "config.yaml", cwd=folder)
    assert result.stdout.splitlines()[0].startswith(
        "::error file=config.yaml,line=3,col=14,endLine=3,endColumn=17,title=S004 out-of-range::")


def test_never_fixed_findings_have_no_fix_line():
    report = (EXPECTED / "never" / "report.txt").read_text(encoding="utf-8")
    assert "= fix" not in report and "no fix here" not in report and "fixable" not in report


def test_rules_lists_the_fixes_each_code_can_carry():
    lines = run_cli("rules").stdout.splitlines()
    column = {line.split()[0]: line.split()[2] for line in lines}
    assert column == {code: "+".join(rule.fixes) or "-" for code, rule in RULES.items()}
    assert (column["S001"], column["S002"], column["S004"], column["R012"], column["R021"], column["T002"]) == \
        ("unsafe", "safe+unsafe", "-", "-", "safe", "unsafe")
    listed = json.loads(run_cli("rules", "--format", "json").stdout)
    assert {rule["code"]: rule["fixes"] for rule in listed} == {code: list(r.fixes) for code, r in RULES.items()}


def test_secret_is_never_fixed_and_never_printed_in_a_diff(tmp_path):
    secret = "sk-proj-" + "Q7" * 24
    config = tmp_path / "agent.yaml"
    text = f'model: gpt-realtime-2\ninstructions: "Never read out {secret}"\ninput_audio_format: g711-ulaw\n'
    config.write_text(text, encoding="utf-8")
    diff = run_cli("validate", "--diff", "agent.yaml", cwd=tmp_path)
    assert diff.returncode == 1
    assert secret not in diff.stdout + diff.stderr
    assert "+input_audio_format: g711_ulaw\n" in diff.stdout
    fixed = run_cli("validate", "--fix", "agent.yaml", cwd=tmp_path)
    assert fixed.returncode == 1
    assert fixed.stdout.splitlines()[-1] == "1 fixed, 1 remaining. 1 error in 1 of 1 file."
    assert config.read_text(encoding="utf-8") == text.replace("g711-ulaw", "g711_ulaw")


# -- the library: realtime_cfg.fix and the engine --------------------------------------------------


def test_library_fix_with_text():
    text = "# agent\nmodel: gpt-realtime-2\ninput_audio_format: g711-ulaw  # phone\nmax_tokens: 5\n"
    result = realtime_cfg.fix(text)
    assert result.text == "# agent\nmodel: gpt-realtime-2\ninput_audio_format: g711_ulaw  # phone\nmax_tokens: 5\n"
    assert result.changed == {"<text>": result.text}
    assert result.original == {"<text>": text}
    assert [(d.code, d.path) for d in result.applied] == [("S002", "input_audio_format")]
    assert [(d.code, why) for d, why in result.skipped] == [("S001", "unsafe: --unsafe-fixes applies it")]
    assert [d.code for d in result.remaining] == ["S001"] == [d.code for d in result.checked.findings]
    unsafe = realtime_cfg.fix(text, unsafe=True)
    assert unsafe.text.endswith("max_output_tokens: 5\n") and unsafe.remaining == []
    # a str without a line break that names no file is text too
    assert realtime_cfg.fix("voice: Ash").text == "voice: ash"
    # text has no file to write
    with pytest.raises(ValueError):
        realtime_cfg.fix(text, write=True)


def test_library_fix_with_a_path_writes_only_when_asked(tmp_path):
    path = tmp_path / "agent.yaml"
    raw = b"model: gpt-realtime-2\r\ninput_audio_format: g711-ulaw\r\n"
    path.write_bytes(raw)
    for source in (path, str(path)):
        result = realtime_cfg.fix(source)
        assert result.text == "model: gpt-realtime-2\r\ninput_audio_format: g711_ulaw\r\n"
        assert result.changed == {str(path): result.text}
        assert path.read_bytes() == raw
    result = realtime_cfg.fix(path, write=True)
    assert path.read_bytes() == b"model: gpt-realtime-2\r\ninput_audio_format: g711_ulaw\r\n"
    assert [d.code for d in result.applied] == ["S002"]
    again = realtime_cfg.fix(path, write=True)
    assert again.applied == [] and again.changed == {}
    assert path.read_bytes() == b"model: gpt-realtime-2\r\ninput_audio_format: g711_ulaw\r\n"


def test_write_refuses_a_file_that_changed_on_disk(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "agent.yaml"
    path.write_text("model: gpt-realtime-2\ninput_audio_format: g711-ulaw\n", encoding="utf-8")
    result = pipeline.fix("agent.yaml")
    assert result.changed == {"agent.yaml": "model: gpt-realtime-2\ninput_audio_format: g711_ulaw\n"}
    edited = "model: gpt-realtime-2\ninput_audio_format: g711-ulaw  # edited meanwhile\n"
    path.write_text(edited, encoding="utf-8")
    assert applying.write(result) == [("agent.yaml", "it changed on disk since it was read; not written")]
    assert path.read_text(encoding="utf-8") == edited
    # grown past what was read, or gone: changed too
    path.write_text("model: gpt-realtime-2\ninput_audio_format: g711-ulaw\n" + "# more\n" * 50, encoding="utf-8")
    assert applying.write(result) == [("agent.yaml", "it changed on disk since it was read; not written")]
    path.unlink()
    assert applying.write(result) == [("agent.yaml", "it changed on disk since it was read; not written")]
    assert not path.exists()
    # as it was read: written
    path.write_text("model: gpt-realtime-2\ninput_audio_format: g711-ulaw\n", encoding="utf-8")
    assert applying.write(result) == []
    assert path.read_text(encoding="utf-8") == "model: gpt-realtime-2\ninput_audio_format: g711_ulaw\n"


def test_write_keeps_the_file_mode_and_writes_through_a_symlink(tmp_path):
    real = tmp_path / "agents" / "phone.yaml"
    real.parent.mkdir()
    real.write_bytes(b"model: gpt-realtime-2\ninput_audio_format: g711-ulaw\n")
    real.chmod(0o640)
    link = tmp_path / "phone.yaml"
    link.symlink_to(real)
    realtime_cfg.fix(link, write=True)
    assert link.is_symlink() and link.resolve() == real.resolve()
    assert real.read_bytes() == b"model: gpt-realtime-2\ninput_audio_format: g711_ulaw\n"
    assert real.stat().st_mode & 0o7777 == 0o640
    assert sorted(p.name for p in real.parent.iterdir()) == ["phone.yaml"]  # no temporary file left


def test_write_refuses_standard_input():
    result = applying.FixResult("<stdin>", {"<stdin>": "voice: Ash\n"}, {"<stdin>": "voice: ash\n"}, [], [], None)
    assert applying.write(result) == [("<stdin>", "standard input cannot be written; use --diff")]


def test_write_keeps_utf16_and_its_byte_order_mark(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "agent.yaml"
    path.write_bytes(b"\xfe\xff" + "model: gpt-realtime-2\nvoice: Ash\n".encode("utf-16-be"))
    result = pipeline.fix("agent.yaml")
    assert applying.write(result) == []
    assert path.read_bytes() == b"\xfe\xff" + "model: gpt-realtime-2\nvoice: ash\n".encode("utf-16-be")


def test_fix_leaves_a_file_that_does_not_load_alone(tmp_path):
    path = tmp_path / "agent.yaml"
    path.write_bytes(b"model: [gpt-realtime-2\ninput_audio_format: g711-ulaw\n")
    result = realtime_cfg.fix(path, write=True, unsafe=True)
    assert result.text is None and result.changed == {} and result.applied == []
    assert [d.code for d in result.remaining] == ["L001"]
    assert path.read_bytes() == b"model: [gpt-realtime-2\ninput_audio_format: g711-ulaw\n"


# Each: (id, text, keyword arguments of realtime_cfg.fix, the text after, the (code, applicability)
# of each fix applied). Text that starts with `{` is read as JSON; a YAML flow mapping at the top
# starts with a comment line.
GA = "type: realtime\nmodel: gpt-realtime-2\n"
U = {"unsafe": True}
GA_U = {"unsafe": True, "target": "ga"}
LIBRARY_CASES = [
    # S002: case, `-`, `_` or space only: safe
    ("s002-hyphen", "input_audio_format: g711-ulaw\n", {}, "input_audio_format: g711_ulaw\n", _safe("S002")),
    ("s002-4-spaces", "turn_detection:\n    type: Semantic-VAD\n    eagerness: HIGH\n", {},
     "turn_detection:\n    type: semantic_vad\n    eagerness: high\n", _safe("S002", "S002")),
    ("s002-1-space", "tools:\n - type: Function\n   name: f\n", {}, "tools:\n - type: function\n   name: f\n",
     _safe("S002")),
    ("s002-flow-list", "modalities: [Audio, TEXT]  # both\n", {}, "modalities: [audio, text]  # both\n",
     _safe("S002", "S002")),
    ("s002-single-quotes", "'input_audio_format': 'G711 ALAW'\n", {}, "'input_audio_format': 'g711_alaw'\n",
     _safe("S002")),
    ("s002-double-quotes", 'output_audio_format: "PCM16"\n', {}, 'output_audio_format: "pcm16"\n', _safe("S002")),
    ("s002-json", '{"input_audio_format": "G711-ULAW"}', {}, '{"input_audio_format": "g711_ulaw"}', _safe("S002")),
    ("s002-ga-format-type", GA + "audio:\n  input:\n    format:\n      type: audio/PCM\n      rate: 24000\n", {},
     GA + "audio:\n  input:\n    format:\n      type: audio/pcm\n      rate: 24000\n", _safe("S002")),
    ("s002-server-vad-reveals", "turn_detection:\n  type: Server_VAD\n  prefix_padding_ms: \"300\"  # pad\n", {},
     "turn_detection:\n  type: server_vad\n  prefix_padding_ms: 300    # pad\n", _safe("S002", "S003")),
    ("s002-comment-column", "input_audio_format: G711-ULAW      # phone\n", {},
     "input_audio_format: g711_ulaw      # phone\n", _safe("S002")),
    # S002: a guess: unsafe
    ("s002-guess-needs-unsafe", "input_audio_format: g711_ulw\n", {}, "input_audio_format: g711_ulw\n", ()),
    ("s002-guess", "input_audio_format: g711_ulw\n", U, "input_audio_format: g711_ulaw\n", _unsafe("S002")),
    # R013 voice
    ("r013-ga-case", GA + "audio:\n  output:\n    voice: Marin\n", {}, GA + "audio:\n  output:\n    voice: marin\n",
     _safe("R013")),
    ("r013-flat-case", "voice: Ash  # voice\n", {}, "voice: ash  # voice\n", _safe("R013")),
    ("r013-guess", "voice: shimer\n", U, "voice: shimmer\n", _unsafe("R013")),
    # marin in a flat file adds T003 (rolled back, see NOT_FIXED) unless the line suppresses it
    ("r013-t003-suppressed", "voice: Marin  # rtcfg: ignore[T003]\n", {}, "voice: marin  # rtcfg: ignore[T003]\n",
     _safe("R013")),
    # R005 model, R014 transcription model
    ("r005-case", "model: GPT-Realtime-2\n", {}, "model: gpt-realtime-2\n", _safe("R005")),
    ("r005-guess", "model: gpt-realtme-2\n", U, "model: gpt-realtime-2\n", _unsafe("R005")),
    ("r014-case", "input_audio_transcription: {model: GPT-Transcribe}\n", {},
     "input_audio_transcription: {model: gpt-transcribe}\n", _safe("R014")),
    ("r014-guess", "input_audio_transcription:\n  model: gpt-transcrib\n", U,
     "input_audio_transcription:\n  model: gpt-transcribe\n", _unsafe("R014")),
    # S006: YAML 1.1 words quoted
    ("s006-block", "input_audio_transcription:\n  model: gpt-transcribe\n  language: no\n", {},
     'input_audio_transcription:\n  model: gpt-transcribe\n  language: "no"\n', _safe("S006")),
    ("s006-flow", "input_audio_transcription: {model: gpt-transcribe, language: no}  # Norwegian\n", {},
     'input_audio_transcription: {model: gpt-transcribe, language: "no"}  # Norwegian\n', _safe("S006")),
    ("s006-ga-list", "type: transcription\naudio:\n  input:\n    transcription:\n      model: gpt-transcribe\n"
     "      languages: [en, no]\n", {},
     'type: transcription\naudio:\n  input:\n    transcription:\n      model: gpt-transcribe\n'
     '      languages: [en, "no"]\n', _safe("S006")),
    ("s006-tool-description", "tools:\n  - type: function\n    name: f\n    description: yes   # really\n", {},
     'tools:\n  - type: function\n    name: f\n    description: "yes" # really\n', _safe("S006")),
    # S003: a number as a string; a beta format name in a GA file
    ("s003-single-quotes", "turn_detection:\n  type: server_vad\n  prefix_padding_ms: '300'\n", {},
     "turn_detection:\n  type: server_vad\n  prefix_padding_ms: 300\n", _safe("S003")),
    ("s003-json", '{"turn_detection": {"type": "server_vad", "silence_duration_ms": "700"}}', {},
     '{"turn_detection": {"type": "server_vad", "silence_duration_ms": 700}}', _safe("S003")),
    ("s003-ga-pcm16", GA + "audio: {input: {format: pcm16}}\n", {},
     GA + "audio: {input: {format: {type: audio/pcm, rate: 24000}}}\n", _safe("S003")),
    ("s003-ga-g711", GA + "audio:\n  output:\n    format: g711_alaw\n", {},
     GA + "audio:\n  output:\n    format: {type: audio/pcma}\n", _safe("S003")),
    # R021: lenient spellings written as they are sent
    ("r021-INF", "max_response_output_tokens: INF\n", {}, "max_response_output_tokens: inf\n", _safe("R021")),
    ("r021-dot-inf", "max_response_output_tokens: .inf  # no limit\n", {},
     "max_response_output_tokens: inf   # no limit\n", _safe("R021")),
    ("r021-string", 'max_response_output_tokens: "2048"\n', {}, "max_response_output_tokens: 2048\n", _safe("R021")),
    ("r021-ga-single-quotes", GA + "max_output_tokens: '4096'\n", {}, GA + "max_output_tokens: 4096\n",
     _safe("R021")),
    ("r021-float", "turn_detection:\n  type: server_vad\n  silence_duration_ms: 500.0\n", {},
     "turn_detection:\n  type: server_vad\n  silence_duration_ms: 500\n", _safe("R021")),
    ("r021-json", '{"max_response_output_tokens": "INF", "turn_detection": {"type": "server_vad", '
     '"silence_duration_ms": 600.0}}', {},
     '{"max_response_output_tokens": "inf", "turn_detection": {"type": "server_vad", "silence_duration_ms": 600}}',
     _safe("R021", "R021")),
    ("r021-ga-idle-timeout", GA + "audio:\n  input:\n    turn_detection: {type: server_vad, idle_timeout_ms: 6000.0}\n",
     {}, GA + "audio:\n  input:\n    turn_detection: {type: server_vad, idle_timeout_ms: 6000}\n", _safe("R021")),
    # S008 inside tool parameters
    ("s008-case", "tools:\n  - type: function\n    name: f\n    parameters: {type: Object, properties: "
     "{a: {type: String}}}\n", {},
     "tools:\n  - type: function\n    name: f\n    parameters: {type: object, properties: {a: {type: string}}}\n",
     _safe("S008", "S008")),
    ("s008-guess", "tools:\n  - type: function\n    name: f\n    parameters:\n      type: object\n      properties:\n"
     "        a:\n          type: strng\n", U,
     "tools:\n  - type: function\n    name: f\n    parameters:\n      type: object\n      properties:\n"
     "        a:\n          type: string\n", _unsafe("S008")),
    # S001: a close known key, renamed (unsafe)
    ("s001-needs-unsafe", "max_tokens: 300\n", {}, "max_tokens: 300\n", ()),
    ("s001-session", "max_tokens: 300  # chat name\n", U, "max_output_tokens: 300 # chat name\n", _unsafe("S001")),
    ("s001-tool", "tools:\n  - type: function\n    name: f\n    descriptin: Find it.\n", U,
     "tools:\n  - type: function\n    name: f\n    description: Find it.\n", _unsafe("S001")),
    ("s001-quoted-key", "'max_tokens': 300\n", U, "'max_output_tokens': 300\n", _unsafe("S001")),
    ("s001-json-key", '{"max_tokens": 300}', U, '{"max_output_tokens": 300}', _unsafe("S001")),
    ("s001-explicit-key", "? max_tokens\n: 300\n", U, "? max_output_tokens\n: 300\n", _unsafe("S001")),
    ("s001-reveals", 'max_tokens: "2048"\n', U, "max_output_tokens: 2048\n", _unsafe("S001") + _safe("R021")),
    ("s001-case-reveals", "Input_Audio_Format: g711-ulaw\n", U, "input_audio_format: g711_ulaw\n",
     _unsafe("S001") + _safe("S002")),
    # S012 in a GA-shaped file: a pure rename, or temperature removed
    ("s012-rename", GA + "max_response_output_tokens: 5\n", U, GA + "max_output_tokens: 5\n", _unsafe("S012")),
    ("s012-rename-reveals", GA + "max_response_output_tokens: INF\n", U, GA + "max_output_tokens: inf\n",
     _unsafe("S012") + _safe("R021")),
    ("s012-temperature", GA + "temperature: 0.8  # warm\noutput_modalities: [text]\n", U,
     GA + "output_modalities: [text]\n", _unsafe("S012")),
    ("s012-needs-unsafe", GA + "max_response_output_tokens: 5\n", {}, GA + "max_response_output_tokens: 5\n", ()),
    # T002 (--target ga): the entry removed, commas right (first, middle, last)
    ("t002-block-first", "temperature: 0.8\nvoice: ash\nmodel: gpt-realtime-2\n", GA_U,
     "voice: ash\nmodel: gpt-realtime-2\n", _unsafe("T002")),
    ("t002-block-middle", "voice: ash\ntemperature: 0.8   # warm\nmodel: gpt-realtime-2\n", GA_U,
     "voice: ash\nmodel: gpt-realtime-2\n", _unsafe("T002")),
    ("t002-block-last-no-newline", "voice: ash\nmodel: gpt-realtime-2\ntemperature: 0.8", GA_U,
     "voice: ash\nmodel: gpt-realtime-2\n", _unsafe("T002")),
    ("t002-block-value-on-next-line", "voice: ash\ntemperature:\n  0.8\nmodel: gpt-realtime-2\n", GA_U,
     "voice: ash\nmodel: gpt-realtime-2\n", _unsafe("T002")),
    ("t002-block-crlf", "voice: ash\r\ntemperature: 0.8\r\nmodel: gpt-realtime-2\r\n", GA_U,
     "voice: ash\r\nmodel: gpt-realtime-2\r\n", _unsafe("T002")),
    ("t002-flow-first", "# c\n{temperature: 0.8, voice: ash, model: gpt-realtime-2}\n", GA_U,
     "# c\n{voice: ash, model: gpt-realtime-2}\n", _unsafe("T002")),
    ("t002-flow-middle", "# c\n{voice: ash, temperature: 0.8, model: gpt-realtime-2}\n", GA_U,
     "# c\n{voice: ash, model: gpt-realtime-2}\n", _unsafe("T002")),
    ("t002-flow-last", "# c\n{voice: ash, model: gpt-realtime-2, temperature: 0.8}\n", GA_U,
     "# c\n{voice: ash, model: gpt-realtime-2}\n", _unsafe("T002")),
    ("t002-flow-lines", "# c\n{\n  voice: ash,\n  temperature: 0.8,\n  model: gpt-realtime-2\n}\n", GA_U,
     "# c\n{\n  voice: ash,\n  model: gpt-realtime-2\n}\n", _unsafe("T002")),
    ("t002-json-first", '{\n  "temperature": 0.8,\n  "voice": "ash",\n  "model": "gpt-realtime-2"\n}\n', GA_U,
     '{\n  "voice": "ash",\n  "model": "gpt-realtime-2"\n}\n', _unsafe("T002")),
    ("t002-json-middle", '{\n  "voice": "ash",\n  "temperature": 0.8,\n  "model": "gpt-realtime-2"\n}\n', GA_U,
     '{\n  "voice": "ash",\n  "model": "gpt-realtime-2"\n}\n', _unsafe("T002")),
    ("t002-json-last", '{\n  "voice": "ash",\n  "model": "gpt-realtime-2",\n  "temperature": 0.8\n}\n', GA_U,
     '{\n  "voice": "ash",\n  "model": "gpt-realtime-2"\n}\n', _unsafe("T002")),
    ("t002-json-crlf", '{\r\n  "voice": "ash",\r\n  "temperature": 0.8\r\n}\r\n', GA_U,
     '{\r\n  "voice": "ash"\r\n}\r\n', _unsafe("T002")),
    ("t002-json-line-first", '{"temperature": 0.8, "voice": "ash", "model": "gpt-realtime-2"}', GA_U,
     '{"voice": "ash", "model": "gpt-realtime-2"}', _unsafe("T002")),
    ("t002-json-line-middle", '{"voice": "ash", "temperature": 0.8, "model": "gpt-realtime-2"}', GA_U,
     '{"voice": "ash", "model": "gpt-realtime-2"}', _unsafe("T002")),
    ("t002-json-line-last", '{"voice": "ash", "model": "gpt-realtime-2", "temperature": 0.8}', GA_U,
     '{"voice": "ash", "model": "gpt-realtime-2"}', _unsafe("T002")),
    ("t002-needs-unsafe", "voice: ash\ntemperature: 0.8\n", {"target": "ga"}, "voice: ash\ntemperature: 0.8\n", ()),
    # a fix that brings to light a finding with an unsafe fix: together with --unsafe-fixes
    ("reveals-unsafe", "turn_detection:\n  type: Server_VAD\n  threshhold: 0.5\n", U,
     "turn_detection:\n  type: server_vad\n  threshold: 0.5\n", _safe("S002") + _unsafe("S001")),
]


@pytest.mark.parametrize("name, text, options, expected, applied", LIBRARY_CASES, ids=[c[0] for c in LIBRARY_CASES])
def test_library_fix_case(name, text, options, expected, applied):
    result = realtime_cfg.fix(text, **options)
    assert result.text == expected
    assert sorted((d.code, d.fix.applicability) for d in result.applied) == sorted(applied)
    assert not any(d.fix is not None and d.fix.applies(options.get("unsafe", False)) for d in result.remaining)
    if applied:
        assert {d.code for d in result.remaining}.isdisjoint(code for code, _ in applied)
    again = realtime_cfg.fix(result.text, **options)  # a second run changes nothing
    assert again.text == result.text and again.applied == [] and again.changed == {}


# Where no fix can be made, or one would make the config worse: (id, text, keyword arguments,
# the finding's code, why it was not applied)
NOT_FIXED = [
    ("env", "voice: ${AGENT_V}\n", {"options": BuildOptions(env={"AGENT_V": "Ash"})}, "R013",
     "not available: it is written with ${VAR}: fix it where the variable is set"),
    ("env-default", "input_audio_format: ${FMT:-g711-ulaw}\n", {"options": BuildOptions(env={})}, "S002",
     "not available: it is written with ${VAR}: fix it where the variable is set"),
    ("set", "model: gpt-realtime-2\n", {"options": BuildOptions(overrides=["voice=Ash"])}, "R013",
     "not available: it is set on the command line (--set)"),
    ("alias", "input_audio_format: &f pcm16\noutput_audio_format: *f\nvoice: &v Ash\n", {}, "R013",
     "not available: it comes through a YAML alias, an anchor others share, or a merge key"),
    ("anchor", "input_audio_format: &f g711-ulaw\n", {}, "S002",
     "not available: it comes through a YAML alias, an anchor others share, or a merge key"),
    ("merge-key", "turn_detection:\n  <<: {type: Server_VAD}\n  silence_duration_ms: 500\n", {}, "S002",
     "not available: it comes through a YAML alias, an anchor others share, or a merge key"),
    ("folded", "input_audio_format: >-\n  g711-ulaw\n", {}, "S002", "not available: it is written over several lines"),
    ("quoted-over-lines", 'voice: "Coral\n  "\n', {}, "R013", "not available: it is written over several lines"),
    ("only-key", "temperature: 0.8\n", GA_U, "T002", "not available: it is the only key of its mapping"),
    ("rollback-t003", "model: gpt-realtime-2\nvoice: Marin\n", {}, "R013", "rolled back: it would add T003 at voice"),
    ("rollback-ga-for-beta", GA + "audio:\n  output:\n    voice: Cedar\n", {"target": "beta"}, "R013",
     "rolled back: it would add T003 at audio.output.voice"),
    ("rollback-r015", "input_audio_transcription:\n  model: gpt-4o-transcriber\n", U, "R014",
     "rolled back: it would add R015 at input_audio_transcription.model"),
    ("rollback-hidden-s004", "turn_detection: {type: Server_VAD, threshold: 5}\n", {}, "S002",
     "rolled back: it would add S004 at turn_detection.threshold"),
    ("rollback-s010", "max_response_output_tokens: 100\nmax_tokens: 5\n", U, "S001",
     "rolled back: it would add S010 at max_output_tokens"),
    ("rollback-hidden-needs-unsafe", "turn_detection:\n  type: Server_VAD\n  threshhold: 0.5\n", {}, "S002",
     "rolled back: it would add S001 at turn_detection.threshhold"),
]


@pytest.mark.parametrize("name, text, options, code, why", NOT_FIXED, ids=[c[0] for c in NOT_FIXED])
def test_library_no_fix_here(name, text, options, code, why):
    result = realtime_cfg.fix(text, **options)
    assert result.text == text and result.changed == {}
    assert (code, why) in [(d.code, reason) for d, reason in result.skipped]
    [finding] = [d for d, reason in result.skipped if d.code == code and reason == why]
    assert finding in result.remaining and not finding.fix.applies(True)
    if why.startswith("rolled back: "):  # the report says so: `= no fix here: rolled back: ...`
        assert finding.fix.unavailable == why and finding.fix.edits == ()


def test_float_in_a_ga_only_field_is_not_for_beta_and_its_r021_fix_applies():
    text = "model: gpt-realtime-2\nturn_detection:\n  type: server_vad\n  idle_timeout_ms: 6000.0\n"
    found = realtime_cfg.validate(realtime_cfg.loads(text, name="agent.yaml", format="yaml"))
    assert "T001" in [d.code for d in found]  # as for idle_timeout_ms: 6000
    result = realtime_cfg.fix(text)
    assert [d.code for d in result.applied] == ["R021"]
    assert not any(why.startswith("rolled back") for _, why in result.skipped)


def test_second_fix_changes_nothing_even_with_many_rollbacks():
    tools = "".join(f"  - type: function\n    name: t{i}\n    descriptin: {5 if i % 2 == 0 else 'ok'}\n"
                    for i in range(20))
    first = realtime_cfg.fix("model: gpt-realtime-2\ntools:\n" + tools, unsafe=True)
    assert len(first.applied) == 10  # each `descriptin: ok`; each `descriptin: 5` is rolled back (S003)
    second = realtime_cfg.fix(first.text, unsafe=True)
    assert second.applied == [] and second.changed == {}


def test_library_mixed_fixable_and_not_fixable_keeps_the_unfixable_text():
    text = ("model: gpt-realtime-2\nvoice: Marin        # beta: T003\ninput_audio_format: &f g711-ulaw\n"
            "output_audio_format: *f\nturn_detection: {type: Semantic_VAD, eagerness: HIGH}\n")
    result = realtime_cfg.fix(text, unsafe=True)
    assert result.text == text.replace("Semantic_VAD, eagerness: HIGH", "semantic_vad, eagerness: high")
    assert sorted(d.code for d in result.remaining) == ["R013", "S002", "S002"]


@pytest.mark.parametrize("text", [
    "model: gpt-realtime-2\ntemperature: 2.0\n",  # S004: never clamped
    "model: gpt-realtime-2\ntools:\n  - type: function\n    description: no name\n",  # S005
    "turn_detection:\n  type: semantic_vad\n  silence_duration_ms: 500\n",  # S007
    "model: gpt-realtime-2\nvoice: fable\n",  # R006: a text-to-speech voice
    "model: gpt-realtime-2\nturn_detection: off\n",  # S006, but it may have meant null
    "model: [gpt-realtime-2\n",  # L001
])
def test_library_never_fixed(text):
    result = realtime_cfg.fix(text, unsafe=True)
    assert result.applied == [] and result.changed == {}
    assert result.remaining and all(d.fix is None for d in result.remaining)


def test_library_secret_has_no_fix():
    text = f"model: gpt-realtime-2\ninstructions: 'key {'sk-proj-' + 'x9' * 24}'\n"
    result = realtime_cfg.fix(text, unsafe=True)
    assert [d.code for d in result.remaining] == ["R012"] and result.remaining[0].fix is None
    assert result.changed == {}


def test_library_fix_respects_ignore_and_suppressions():
    assert realtime_cfg.fix("input_audio_format: g711-ulaw\n", ignore=["S002"]).changed == {}
    text = "input_audio_format: g711-ulaw  # rtcfg: ignore[S002]\n"
    assert realtime_cfg.fix(text).changed == {}


def test_every_fix_a_rule_declares_has_a_case():
    """Each rule that says its findings can carry a safe or an unsafe fix (the `rtcfg rules` fix
    column) has a case here where such a fix is applied."""
    covered = {pair for case in CASES for pair in case.applied}
    covered |= {pair for case in LIBRARY_CASES for pair in case[4]}
    declared = {(code, kind) for code, rule in RULES.items() for kind in rule.fixes}
    assert declared, "no rule declares a fix"
    assert declared - covered == set()
    assert covered - declared == set(), "a fix of a kind its rule does not declare"


def test_a_read_only_file_is_not_rewritten(tmp_path):
    """Renaming a new file over it would replace it whatever its mode: --fix says no, as an editor would."""
    config = tmp_path / "agent.yaml"
    config.write_bytes(b"input_audio_format: g711-ulaw\n")
    config.chmod(0o444)
    result = run_cli("validate", "--fix", "agent.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert "agent.yaml: F004 agent.yaml was not fixed: it is read-only; not written" in result.stdout
    assert config.read_bytes() == b"input_audio_format: g711-ulaw\n"


def test_library_text_keeps_its_byte_order_mark():
    result = realtime_cfg.fix("\ufeffinput_audio_format: g711-ulaw\n")
    assert result.text == "\ufeffinput_audio_format: g711_ulaw\n"
