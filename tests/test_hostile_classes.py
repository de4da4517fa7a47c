"""Classes of hostile input, as a user meets them through the command line: each gets a
finding or a usage message, never a traceback or an "internal error"; nothing hangs; nothing
that must stay private (a file out of the project, a key, an environment value, a terminal
escape) reaches the output; signals and broken output streams end the run cleanly.

Static examples are in tests/hostile/ (CASES below); what cannot be a file in git (FIFOs,
symlinks, a 3 MB pyproject.toml, twelve files that include each other) is made at run time.
Every run has a generous timeout (HANG_GUARD): it guards against a hang, it is no timing
assertion."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

HOSTILE = ROOT / "tests" / "hostile"
GOOD = "sample_configs/voice-agent.yaml"
HANG_GUARD = 120  # seconds: a run that takes this long is hung
MAX_FINDINGS = 1000  # listed a file; the rest are one X001


def rtcfg(*args: str, env: dict | None = None, cwd: Path | None = None, separate: bool = False,
          **popen) -> subprocess.CompletedProcess:
    """rtcfg ARGS as a user runs it; checks what holds for every run: no traceback, no internal
    error, an exit code of 0, 1 or 2 (or 128 + a signal).

    In this process (the same entry point, realtime_cfg.cli.app.main, with its own stdout, stderr,
    environment and working directory: a tenth of the time of a new interpreter), unless the
    run needs a process of its own: streams set up by the test (`popen`), or `separate` for
    what could hang or must not touch the test's process (a named pipe)."""
    if popen or separate:
        environment = {**os.environ, **(env or {})}
        environment.pop("FORCE_COLOR", None)
        if "stdout" not in popen:
            popen["stdout"] = subprocess.PIPE
        result = subprocess.run([sys.executable, "-m", "realtime_cfg", *args], stderr=subprocess.PIPE,
                                env=environment, cwd=cwd or ROOT, timeout=HANG_GUARD, **popen)
        result.stdout = (result.stdout or b"").decode("utf-8", "replace")
        result.stderr = result.stderr.decode("utf-8", "replace")
    else:
        result = _in_process(args, env or {}, cwd or ROOT)
    output = result.stdout + result.stderr
    assert "Traceback" not in output and "internal error" not in output, output[-3000:]
    assert result.returncode in (0, 1, 2, 130, 143), (result.returncode, output[-3000:])
    return result


def _in_process(args: tuple, env: dict, cwd: Path) -> subprocess.CompletedProcess:
    import io

    from realtime_cfg.building import paths
    from realtime_cfg.cli import app as cli
    from realtime_cfg.source import settings

    class Kept(io.BytesIO):
        def close(self) -> None:  # a text wrapper made around it (click's) closes it when collected
            pass

    # a test may have made or rewritten a pyproject.toml since the last run: no answer is kept
    settings._BY_FOLDER.clear()
    paths.project_root.cache_clear()
    paths.real_root.cache_clear()
    saved = (dict(os.environ), os.getcwd(), sys.argv, sys.stdout, sys.stderr)
    out, err = Kept(), Kept()
    sys.stdout, sys.stderr = io.TextIOWrapper(out, encoding="utf-8"), io.TextIOWrapper(err, encoding="utf-8")
    os.environ.update(env)
    os.environ.pop("FORCE_COLOR", None)
    os.chdir(cwd)
    sys.argv = ["rtcfg", *args]
    code = 0
    try:
        cli.main()
    except SystemExit as exit:
        code = exit.code if isinstance(exit.code, int) else int(exit.code is not None)
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        environment, folder, sys.argv, sys.stdout, sys.stderr = saved
        os.environ.clear()
        os.environ.update(environment)
        os.chdir(folder)
    return subprocess.CompletedProcess(["rtcfg", *args], code, out.getvalue().decode("utf-8", "replace"),
                                       err.getvalue().decode("utf-8", "replace"))


def finding_lines(output: str, name: str) -> list[str]:
    """The `file:line:col: CODE message` (or `file: CODE message`) lines about file `name`."""
    pattern = re.compile(rf"^\S*{re.escape(name)}(:\d+:\d+)?: [A-Z]\d{{3}} ")
    return [line for line in output.splitlines() if pattern.match(line)]


def summary_counts(stdout: str, files: int) -> bool:
    """The text report's summary ("... in 1 of 2 files." or "2 files checked: ...") counts `files`."""
    lines = stdout.rstrip().splitlines()
    return bool(lines) and re.search(rf"\b{files} files?\b", lines[-1]) is not None


def make_project(folder: Path, marker: str = "pyproject.toml") -> Path:
    """A project root: a folder with an empty pyproject.toml, or a git repository."""
    folder.mkdir(parents=True, exist_ok=True)
    if marker == ".git":
        if shutil.which("git"):
            subprocess.run(["git", "init", "-q", str(folder)], check=True, timeout=HANG_GUARD)
        else:
            (folder / ".git").mkdir()
    else:
        (folder / "pyproject.toml").write_text("")
    return folder


# -- the static examples in tests/hostile/ ------------------------------------------------------------

# file: (exit code, the codes any one of which is the finding (None: any code), where: "line:col")
CASES = {
    "long-hex-integer.yaml": (1, {"L001"}, "3:14"),
    "long-binary-integer.yaml": (1, {"L001"}, "3:14"),
    "long-octal-integer.yaml": (1, {"L001"}, "3:14"),
    "long-0o-octal.yaml": (1, None, "3:14"),  # text in YAML 1.1 (0o is YAML 1.2): a finding as text is fine
    "long-sexagesimal-integer.yaml": (1, {"L001"}, "3:14"),
    "seq-tag-on-mapping.yaml": (1, {"L001", "L004"}, "3:8"),
    "bad-timestamp.yaml": (1, {"L001", "L004"}, "3:15"),
    "terminal-escapes.yaml": (1, {"S001"}, "4:1"),
    "terminal-escapes-valid.yaml": (0, None, None),
    "secret-hex-escape.yaml": (1, {"R012"}, "3:15"),
    "secret-unicode-escape.yaml": (1, {"R012"}, "3:15"),
    "secret-line-continuation.yaml": (1, {"R012"}, "3:15"),
    "secret-after-digit.yaml": (1, {"R012"}, "3:15"),
    "secret-continued-key-invalid.yaml": (1, {"L001"}, "5:34"),  # found by benchmarks/fuzz.py
}


def test_every_hostile_file_has_a_case_here_or_in_test_hostile():
    from test_hostile import CASES as FIRST_CASES

    assert {p.name for p in HOSTILE.iterdir() if p.suffix != ".md"} == set(CASES) | set(FIRST_CASES)
    assert not set(CASES) & set(FIRST_CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_example_gets_its_finding_at_its_place_and_the_run_goes_on(name):
    expected_exit, codes, where = CASES[name]
    result = rtcfg("validate", str(HOSTILE / name), GOOD)
    assert result.returncode == expected_exit, result.stdout
    if where:
        found = [line for line in finding_lines(result.stdout, name) if f"{name}:{where}: " in line]
        assert found, result.stdout
        if codes:
            assert any(f": {code} " in line for line in found for code in codes), result.stdout
    assert summary_counts(result.stdout, 2), result.stdout


@pytest.mark.parametrize("command", [["render"], ["render", "-f", "yaml"], ["render", "--explain"], ["migrate"],
                                     ["diff", GOOD]], ids=" ".join)
@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_example_never_crashes_render_migrate_or_diff(name, command):
    result = rtcfg(*command[:1], str(HOSTILE / name), *command[1:])
    assert result.returncode in (0, 1, 2)


# -- long integers of every base ---------------------------------------------------------------------

LONG_INTEGERS = {
    "hex": "0x" + "F" * 5000,
    "negative hex": "-0x" + "f" * 5000,
    "hex with underscores": "0x" + "F_" * 2500 + "F",
    "binary": "0b" + "1" * 20_000,
    "signed binary": "+0b" + "10" * 10_000,
    "octal": "0" + "7" * 8000,
    "negative octal": "-0" + "7" * 8000,
    "sexagesimal": "1" + ":59" * 3000,
    "negative sexagesimal": "-1" + ":59" * 3000,
    "decimal": "9" * 5000,
}


@pytest.mark.parametrize("base", sorted(LONG_INTEGERS))
def test_a_long_integer_of_any_base_is_L001_at_the_number(tmp_path, base):
    path = tmp_path / "agent.yaml"
    path.write_text(f"voice: ash\ntemperature: {LONG_INTEGERS[base]}\n")
    result = rtcfg("validate", str(path), GOOD)
    assert result.returncode == 1
    assert any(": L001 " in line for line in finding_lines(result.stdout, "agent.yaml:2:14")), result.stdout
    assert summary_counts(result.stdout, 2), result.stdout


@pytest.mark.parametrize("command", ["validate", "render"])
@pytest.mark.parametrize("base", ["hex", "binary", "octal", "sexagesimal", "decimal"])
def test_a_long_integer_given_with_set_is_a_usage_error(base, command):
    result = rtcfg(command, "--set", f"temperature={LONG_INTEGERS[base]}", GOOD)
    assert result.returncode == 2 and "--set" in result.stderr, result.stderr[-2000:]


# -- nesting that adds up across included files ---------------------------------------------------------


def _nested_includes(folder: Path, files: int = 12, depth: int = 95) -> Path:
    """`files` files, each nesting `depth` levels of {b: ...} (under the limit of 100 alone)
    and including the next at the bottom: 1,140 levels in all."""
    make_project(folder)
    for index in range(files):
        inner = f"{{$file: part{index + 1}.yaml}}" if index + 1 < files else "1"
        text = "{b: " * depth + inner + "}" * depth
        name = "agent.yaml" if index == 0 else f"part{index}.yaml"
        (folder / name).write_text(("voice: ash\nb: " + text if index == 0 else text) + "\n")
    return folder / "agent.yaml"


def test_nesting_that_adds_up_across_includes_is_a_finding_in_validate(tmp_path):
    config = _nested_includes(tmp_path / "project")
    result = rtcfg("validate", str(config), GOOD)
    assert result.returncode == 1, result.stdout
    assert re.search(r": (L005|B006) ", result.stdout), result.stdout
    assert summary_counts(result.stdout, 2), result.stdout


@pytest.mark.parametrize("command", [["render", "-f", "yaml"], ["migrate"]], ids=" ".join)
def test_nesting_that_adds_up_across_includes_is_a_finding_in_render_and_migrate(tmp_path, command):
    config = _nested_includes(tmp_path / "project")
    result = rtcfg(command[0], str(config), *command[1:])
    assert result.returncode == 1 and re.search(r": (L005|B006) ", result.stderr), result.stderr[-2000:]


# -- malformed --set paths ----------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["validate", "render"])
@pytest.mark.parametrize("override", [".".join(["a"] * 5000) + "=1", ".a=1"], ids=["5000-segments", "leading-dot"])
def test_a_malformed_set_path_is_a_usage_error(override, command):
    result = rtcfg(command, "--set", override, GOOD)
    assert result.returncode == 2 and "--set" in result.stderr, result.stderr[-2000:]
    assert len(result.stderr) < 2000  # a message, not the 10,000-character path back


# -- a pyproject.toml that is not what rtcfg expects ----------------------------------------------------------

BAD_PYPROJECTS = {
    # (each names rtcfg: one that does not cannot configure it and is not parsed, test_targets.py)
    "tool-is-a-number": b"tool = 1\n# rtcfg\n",
    "rtcfg-is-a-number": b"[tool]\nrtcfg = 1\n",
    "target-is-a-list": b'[tool.rtcfg]\ntarget = ["ga"]\n',
    "not-utf-8": b'[tool.rtcfg]\ntarget = "\xff\xfe"\n',
    "nested-5000-deep": b"x = " + b"[" * 5000 + b"]" * 5000 + b"\n[tool.rtcfg]\n",
    "three-megabytes": b'[project]\ndescription = "' + b"x" * 3_000_000 + b'"\n[tool.rtcfg]\ntarget = "ga"\n',
}


@pytest.mark.parametrize("kind", sorted(BAD_PYPROJECTS))
def test_an_unusable_pyproject_is_F002_for_each_config_under_it_and_the_run_goes_on(tmp_path, kind):
    project = tmp_path / "project"
    (project / "nested").mkdir(parents=True)
    (project / "pyproject.toml").write_bytes(BAD_PYPROJECTS[kind])
    (project / "agent.yaml").write_text("voice: ash\n")
    (project / "nested" / "other.yaml").write_text("voice: ash\n")
    result = rtcfg("validate", str(project), GOOD)
    assert result.returncode == 2, result.stdout
    for name in ("agent.yaml", "other.yaml"):
        assert any(": F002 " in line for line in finding_lines(result.stdout, name)), result.stdout
    assert summary_counts(result.stdout, 3), result.stdout


@pytest.mark.parametrize("kind", sorted(BAD_PYPROJECTS))
def test_an_unusable_pyproject_makes_render_exit_2_with_a_message(tmp_path, kind):
    (tmp_path / "pyproject.toml").write_bytes(BAD_PYPROJECTS[kind])
    (tmp_path / "agent.yaml").write_text("voice: ash\n")
    result = rtcfg("render", str(tmp_path / "agent.yaml"))
    assert result.returncode == 2 and "pyproject.toml" in result.stderr and len(result.stderr) < 2000, result.stderr


# -- standard output that cannot be written ---------------------------------------------------------------------


def _added_to_stderr(command: list[str], stderr: str) -> list[str]:
    """The lines of `stderr` that a run of `command` with a working stdout does not print
    (findings and notes that migrate and diff print to stderr anyway are not the failure's)."""
    usual = rtcfg(*command).stderr.splitlines()
    return [line for line in stderr.splitlines() if line not in usual]


def _one_short_message_at_most(lines: list[str]) -> bool:
    return len(lines) <= 1 and all(line.startswith("rtcfg: ") and len(line) < 200 for line in lines)


STDOUT_COMMANDS = [["render", GOOD], ["validate", GOOD], ["validate", "-f", "junit", GOOD], ["migrate", GOOD],
                   ["render", "--explain", GOOD], ["diff", GOOD, "sample_configs/text-assistant.yaml"], ["schema"]]


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
@pytest.mark.parametrize("command", STDOUT_COMMANDS, ids=" ".join)
def test_a_full_disk_on_stdout_is_exit_2_with_one_short_line(command):
    with open("/dev/full", "wb") as full:
        result = rtcfg(*command, stdout=full)
    assert result.returncode == 2 and _one_short_message_at_most(_added_to_stderr(command, result.stderr)), \
        result.stderr


@pytest.mark.parametrize("command", STDOUT_COMMANDS, ids=" ".join)
def test_a_closed_stdout_is_exit_2_with_one_short_line(command):
    result = rtcfg(*command, stdout=None, preexec_fn=lambda: os.close(1))  # the shell's `>&-`
    assert result.returncode == 2 and _one_short_message_at_most(_added_to_stderr(command, result.stderr)), \
        result.stderr


@pytest.mark.parametrize("command", STDOUT_COMMANDS, ids=" ".join)
def test_a_broken_pipe_is_exit_2_and_silent(command):
    """The reader has gone before rtcfg writes (as `| head -c 10` has, once it has its 10 bytes)."""
    reading, writing = os.pipe()
    os.close(reading)
    try:
        result = rtcfg(*command, stdout=writing)
    finally:
        os.close(writing)
    assert (result.returncode, _added_to_stderr(command, result.stderr)) == (2, [])


def test_validate_with_many_findings_piped_into_head_is_exit_2_and_silent(tmp_path):
    many = tmp_path / "many.yaml"
    many.write_text("".join(f"unknown_key_{i}: {i}\n" for i in range(3000)))  # far more than a pipe holds
    errors = tmp_path / "stderr.txt"
    script = (f"{sys.executable} -m realtime_cfg validate {many} 2>{errors} | head -1; "
              'echo "exit=${PIPESTATUS[0]}"')
    result = subprocess.run(["bash", "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=HANG_GUARD)
    first, status = result.stdout.splitlines()
    assert re.match(r"^\S+many\.yaml:1:1: S001 ", first), first
    assert status == "exit=2" and errors.read_text() == ""


# -- FIFOs and other files that are not regular files -------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
def test_a_fifo_given_as_a_path_is_F001_not_a_regular_file_and_the_run_goes_on(tmp_path):
    fifo = tmp_path / "agent.yaml"
    os.mkfifo(fifo)
    result = rtcfg("validate", str(fifo), GOOD, separate=True)
    lines = finding_lines(result.stdout, "agent.yaml")
    assert result.returncode == 2 and any(": F001 " in line and "not a regular file" in line for line in lines), \
        result.stdout
    assert summary_counts(result.stdout, 2), result.stdout


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
def test_a_fifo_inside_a_directory_is_F001_and_the_other_files_are_checked(tmp_path):
    folder = tmp_path / "configs"
    folder.mkdir()
    os.mkfifo(folder / "pipe.yaml")
    (folder / "agent.yaml").write_text("voice: ash\nmodalites: [text]\n")
    result = rtcfg("validate", str(folder), separate=True)
    assert result.returncode == 2
    assert any(": F001 " in line and "not a regular file" in line for line in finding_lines(result.stdout, "pipe.yaml"))
    assert any(": S001 " in line for line in finding_lines(result.stdout, "agent.yaml")), result.stdout
    assert summary_counts(result.stdout, 2), result.stdout


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
@pytest.mark.parametrize("command", [["render"], ["render", "--explain"], ["migrate"], ["diff", GOOD]], ids=" ".join)
def test_a_fifo_given_to_render_migrate_or_diff_is_F001_not_a_hang(tmp_path, command):
    fifo = tmp_path / "agent.yaml"
    os.mkfifo(fifo)
    result = rtcfg(command[0], str(fifo), *command[1:], separate=True)
    assert result.returncode == 2 and "F001" in result.stderr and "not a regular file" in result.stderr, result.stderr


# -- files linked out of the project -------------------------------------------------------------------------------

LEAK_MARKER = "Zq9LeakMarkerOutsideTheProject"


@pytest.mark.parametrize("marker", ["pyproject.toml", ".git"])
def test_a_symlinked_file_in_a_folder_pointing_out_of_the_project_is_B003_and_never_read(tmp_path, marker):
    """The confinement $file and extends have (B003, as for them): the link is not followed."""
    project = make_project(tmp_path / "project", marker)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secrets.yaml").write_text(f"{LEAK_MARKER}: 1\ninstructions: {LEAK_MARKER} value\n")
    configs = project / "configs"
    configs.mkdir()
    (configs / "link.yaml").symlink_to(outside / "secrets.yaml")
    (configs / "agent.yaml").write_text("voice: ash\n")
    for fmt in ("text", "json", "github", "sarif", "junit"):
        result = rtcfg("validate", "--format", fmt, str(configs))
        assert LEAK_MARKER not in result.stdout + result.stderr, fmt
    text = rtcfg("validate", str(configs))
    assert text.returncode == 1 and any(": B003 " in line for line in finding_lines(text.stdout, "link.yaml")), \
        text.stdout
    assert summary_counts(text.stdout, 2), text.stdout


def test_a_symlinked_file_out_of_the_project_is_checked_with_allow_outside_root(tmp_path):
    project = make_project(tmp_path / "project")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secrets.yaml").write_text("voice: ash\nmodalites: [text]\n")
    (project / "configs").mkdir()
    (project / "configs" / "link.yaml").symlink_to(outside / "secrets.yaml")
    result = rtcfg("validate", "--allow-outside-root", str(project / "configs"))
    assert result.returncode == 1 and any(": S001 " in line for line in finding_lines(result.stdout, "link.yaml"))


# -- terminal control characters --------------------------------------------------------------------------------------

RAW_CONTROLS = {"ESC": "\x1b", "CSI": "\u009b", "bidi override": "\u202e", "line separator": "\u2028"}
ESCAPES = str(HOSTILE / "terminal-escapes.yaml")
ESCAPES_VALID = str(HOSTILE / "terminal-escapes-valid.yaml")


def _raw_controls_in(output: str) -> list[str]:
    return [name for name, char in RAW_CONTROLS.items() if char in output]


@pytest.mark.parametrize("fmt", ["text", "github", "junit"])
def test_terminal_control_characters_never_reach_a_validate_report_raw(fmt):
    result = rtcfg("validate", "--format", fmt, ESCAPES, ESCAPES_VALID)
    assert result.returncode == 1
    assert _raw_controls_in(result.stdout + result.stderr) == []


@pytest.mark.parametrize("command", [["render", "--explain", ESCAPES_VALID], ["diff", ESCAPES_VALID, GOOD],
                                     ["diff", GOOD, ESCAPES_VALID], ["render", "--diff", ESCAPES_VALID],
                                     ["render", ESCAPES], ["migrate", ESCAPES]], ids=" ".join)
def test_terminal_control_characters_never_reach_the_terminal_raw(command):
    result = rtcfg(*command)
    shown = result.stdout + result.stderr if command[0] != "migrate" else result.stderr
    assert _raw_controls_in(shown) == []


def test_terminal_control_characters_in_keys_are_shown_replaced_in_explain():
    result = rtcfg("render", "--explain", ESCAPES_VALID)
    keys = [line for line in result.stdout.splitlines() if "parameters.properties." in line and "evil" in line]
    assert result.returncode == 0 and keys, result.stdout
    assert _raw_controls_in(result.stdout) == []


# -- secrets ------------------------------------------------------------------------------------------------------------

SECRET = "sk-proj-Zq9KRKQNLEFQJW9C5f6MqtGV3L8kpmsXpm66xSbf"  # the fake key of the secret-*.yaml examples
SECRET_FILES = sorted(name for name in CASES if name.startswith("secret-"))


def _secret_shown_in(output: str) -> list[str]:
    """Pieces of the key beyond its first 6 characters ("sk-pro") found in `output`: every
    6-character window of the key but its first that reaches past "sk-proj-" (rtcfg's own
    help, in SARIF, quotes an example key that starts so)."""
    start = len("sk-proj-") - 5
    return sorted({SECRET[i:i + 6] for i in range(start, len(SECRET) - 5) if SECRET[i:i + 6] in output})


@pytest.mark.parametrize("name", [name for name in SECRET_FILES if CASES[name][1] == {"R012"}])
def test_an_obfuscated_secret_is_R012(name):
    result = rtcfg("validate", str(HOSTILE / name))
    assert result.returncode == 1 and any(": R012 " in line for line in finding_lines(result.stdout, name)), \
        result.stdout


@pytest.mark.parametrize("fmt", ["text", "json", "github", "sarif", "junit"])
@pytest.mark.parametrize("name", SECRET_FILES)
def test_an_obfuscated_secret_is_never_shown_past_its_first_6_characters_in_a_report(name, fmt):
    result = rtcfg("validate", "--format", fmt, str(HOSTILE / name))
    assert _secret_shown_in(result.stdout + result.stderr) == []


@pytest.mark.parametrize("command", [["render"], ["render", "--explain"], ["render", "--diff"], ["migrate"],
                                     ["diff", GOOD], ["validate", "--quiet"], ["validate", "--statistics"]],
                         ids=" ".join)
@pytest.mark.parametrize("name", SECRET_FILES)
def test_an_obfuscated_secret_is_never_shown_past_its_first_6_characters_by_any_command(name, command):
    result = rtcfg(command[0], str(HOSTILE / name), *command[1:])
    assert _secret_shown_in(result.stdout + result.stderr) == []


# -- environment values ----------------------------------------------------------------------------------------------

PRIVATE = "VeryPrivate"  # in every value below; never in any output


def _leaks(*texts: str) -> bool:
    return any(PRIVATE in text for text in texts)


def test_an_environment_value_in_a_tool_name_never_shows_in_its_R004_hint(tmp_path):
    config = make_project(tmp_path) / "agent.yaml"
    config.write_text("voice: ash\ntools:\n  - type: function\n    name: ${TOOL_NAME}\n"
                      "    parameters: {type: object, properties: {}}\n")
    env = {"TOOL_NAME": f"Zq9{PRIVATE}Value.v2"}  # a dot: R004, whose hint suggests a fixed name
    text = rtcfg("validate", str(config), env=env)
    assert "R004" in text.stdout, text.stdout
    for fmt in ("text", "json", "github", "sarif", "junit"):
        result = rtcfg("validate", "--format", fmt, str(config), env=env)
        assert not _leaks(result.stdout, result.stderr), fmt
    for command in (["render"], ["render", "--explain"], ["render", "--diff"], ["migrate"], ["diff", GOOD]):
        result = rtcfg(command[0], str(config), *command[1:], env=env)
        assert not _leaks(result.stdout if command != ["render"] else "", result.stderr), command


def test_an_environment_value_in_tool_choice_never_reaches_a_migrated_file(tmp_path):
    config = make_project(tmp_path) / "agent.yaml"
    config.write_text("voice: ash\ntools:\n  - type: function\n    name: ${TOOL}\n"
                      "    parameters: {type: object, properties: {}}\ntool_choice: ${TOOL}\n")
    out = tmp_path / "out.yaml"
    result = rtcfg("migrate", str(config), "-o", str(out), env={"TOOL": f"Zq9{PRIVATE}Tool"})
    assert result.returncode == 0, result.stderr
    assert not _leaks(result.stdout, result.stderr, out.read_text())
    assert "${TOOL}" in out.read_text()


@pytest.mark.parametrize("value", [f"Zq9{PRIVATE}Instructions", f"Zq9{PRIVATE}Instructions " + "long " * 40],
                         ids=["short", "long-and-cut"])
def test_an_environment_value_never_shows_in_render_explain(tmp_path, value):
    config = make_project(tmp_path) / "agent.yaml"
    config.write_text("voice: ash\ninstructions: ${PROMPT}\n")
    result = rtcfg("render", "--explain", str(config), env={"PROMPT": value})
    assert result.returncode == 0 and "${PROMPT}" in result.stdout, result.stdout
    assert not _leaks(result.stdout, result.stderr)


@pytest.mark.parametrize("order", ["shorter-first", "longer-first"])
def test_two_overlapping_environment_values_never_show_in_part(tmp_path, order):
    """One value inside the other: masking the shorter first must not leave the rest of the longer."""
    short, long = f"Zq9{PRIVATE}Word", f"Zq9{PRIVATE}WordAndMoreZq9"
    lines = ["instructions: ${SHORT}", "voice: ${LONG}"]  # an unknown voice: R013 quotes it
    if order == "longer-first":
        lines.reverse()
    config = make_project(tmp_path) / "agent.yaml"
    config.write_text("\n".join(lines) + "\n")
    env = {"SHORT": short, "LONG": long}
    outputs = [rtcfg("validate", "--format", fmt, str(config), env=env) for fmt in ("text", "json", "junit")]
    outputs.append(rtcfg("render", "--explain", str(config), env=env))
    outputs.append(rtcfg("render", str(config), env=env))
    assert "R013" in outputs[0].stdout, outputs[0].stdout
    for result in outputs[:-1]:
        assert not _leaks(result.stdout, result.stderr) and "AndMore" not in result.stdout + result.stderr
    assert not _leaks(outputs[-1].stderr) and "AndMore" not in outputs[-1].stderr


def test_an_environment_expansion_that_explodes_is_refused_with_a_finding(tmp_path):
    """A 180 KB file of references to a 100,000-character value would be 4.5 GB expanded.
    Run with a memory ceiling, so that a build that tries cannot take the machine down."""
    config = make_project(tmp_path) / "agent.yaml"
    config.write_text('instructions: "' + "${LONG}" * 25_700 + '"\n')

    def ceiling() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (2 * 1024 ** 3, 2 * 1024 ** 3))

    result = rtcfg("validate", str(config), GOOD, env={"LONG": "x" * 100_000}, preexec_fn=ceiling)
    assert result.returncode == 1 and finding_lines(result.stdout, "agent.yaml"), result.stdout[-2000:]
    assert "MemoryError" not in result.stdout + result.stderr
    assert summary_counts(result.stdout, 2), result.stdout[-2000:]


# -- signals ---------------------------------------------------------------------------------------------------------------

# A real signal sent by the process to itself at a chosen step (as tests/test_hostile.py does):
# the moment is fixed by the test, not by a clock. "after:NAME" sends it once NAME has returned
# (a temporary file exists, its name not yet handed back); other stages before the call. A
# stage that is never reached is exit 99, so that the test cannot pass for want of a signal.
_SIGNAL_AT = """
import os, signal, sys, atexit
signum, stage = getattr(signal, sys.argv[1]), sys.argv[2]
reached = []
def send():
    reached.append(stage)
    os.kill(os.getpid(), signum)
def before(original):
    def wrapped(*args, **kwargs):
        send()
        return original(*args, **kwargs)
    return wrapped
def after(original):
    def wrapped(*args, **kwargs):
        result = original(*args, **kwargs)
        send()
        return result
    return wrapped
if stage == "loading":
    import builtins
    real_import = builtins.__import__
    def importing(name, *args, **kwargs):
        if name in ("typer", "yaml") and not reached:  # yaml: validate's command line loads no typer
            send()
        return real_import(name, *args, **kwargs)
    builtins.__import__ = importing
elif stage == "checking":
    import realtime_cfg.check.validation as validation
    validation.validate = before(validation.validate)
elif stage == "after:mkstemp":
    import tempfile
    tempfile.mkstemp = after(tempfile.mkstemp)
elif stage == "after:fdopen":
    os.fdopen = after(os.fdopen)
elif stage in ("fsync", "chmod", "replace"):
    setattr(os, stage, before(getattr(os, stage)))
def check_reached():
    if stage != "never" and not reached:
        sys.stderr.write("stage not reached: " + stage + "\\n")
        os._exit(99)
atexit.register(check_reached)
sys.argv = ["rtcfg"] + sys.argv[3:]
import realtime_cfg
realtime_cfg.main()
"""


def _signalled(signal_name: str, stage: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", _SIGNAL_AT, signal_name, stage, *args], capture_output=True,
                          cwd=ROOT, timeout=HANG_GUARD)


def _is_interrupted(result: subprocess.CompletedProcess, signal_name: str) -> bool:
    """`rtcfg: interrupted` and the shell's code for the signal: exit 128 + the signal (or
    death by the signal itself, re-raised after the clean-up, which the shell shows the same)."""
    signum = getattr(signal, signal_name)
    return result.returncode in (128 + signum, -signum) and result.stderr == b"rtcfg: interrupted\n"


@pytest.mark.parametrize("signal_name", ["SIGTERM", "SIGINT"])
@pytest.mark.parametrize("stage", ["after:mkstemp", "after:fdopen", "fsync", "chmod", "replace"])
def test_a_signal_while_render_writes_leaves_no_temporary_and_the_old_file(tmp_path, signal_name, stage):
    source = tmp_path / "big.yaml"
    source.write_text("instructions: '" + "Be helpful. " * 60_000 + "'\n")
    target = tmp_path / "out.json"
    target.write_text("old\n")
    result = _signalled(signal_name, stage, "render", str(source), "-o", str(target))
    assert _is_interrupted(result, signal_name), (result.returncode, result.stderr[-2000:])
    assert target.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.yaml", "out.json"]  # no .out.json.*.tmp


@pytest.mark.parametrize("signal_name", ["SIGTERM", "SIGINT"])
def test_a_signal_while_render_writes_a_new_file_leaves_nothing_or_the_whole_file(tmp_path, signal_name):
    source = tmp_path / "agent.yaml"
    source.write_text("voice: ash\ninstructions: Be brief.\n")
    target = tmp_path / "out.json"
    result = _signalled(signal_name, "fsync", "render", str(source), "-o", str(target))
    assert _is_interrupted(result, signal_name), (result.returncode, result.stderr[-2000:])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["agent.yaml"]


@pytest.mark.parametrize("signal_name", ["SIGTERM", "SIGINT"])
@pytest.mark.parametrize("stage", ["loading", "checking"])
@pytest.mark.parametrize("command", [["validate", GOOD], ["render", GOOD], ["migrate", GOOD],
                                     ["diff", GOOD, "sample_configs/text-assistant.yaml"]], ids=" ".join)
def test_a_signal_anywhere_says_interrupted_and_exits_128_plus_the_signal(command, stage, signal_name):
    result = _signalled(signal_name, stage, *command)
    assert _is_interrupted(result, signal_name), (result.returncode, result.stderr[-2000:])


# -- init tells the truth about what it wrote ---------------------------------------------------------------------------

SCHEMA = "session.schema.json"


def _init_claims(stderr: str, created: set[str], kept: set[str]) -> None:
    """Every file init created is said to be written; none it created is said to be not
    overwritten; every file it meant to write and did not is named."""
    for name in created:
        assert any(name in line and "wrote" in line and "not overwritten" not in line
                   for line in stderr.splitlines()), (name, stderr)
    for line in stderr.splitlines():
        if "not overwritten" in line or "not written" in line:
            assert not any(re.search(rf"(?<![\w.-]){re.escape(name)}\b", line) for name in created), (line, stderr)
    for name in kept:
        assert name in stderr, (name, stderr)


def _new_files(folder: Path, before: set[str]) -> set[str]:
    return {p.name for p in folder.iterdir() if p.name not in before and not p.is_symlink()}


def test_init_next_to_a_dangling_schema_symlink_says_truthfully_what_it_wrote(tmp_path):
    (tmp_path / SCHEMA).symlink_to(tmp_path / "elsewhere" / "nowhere.json")
    before = {p.name for p in tmp_path.iterdir()}
    result = rtcfg("init", "session.yaml", cwd=tmp_path)
    created = _new_files(tmp_path, before)
    schema_written = (tmp_path / "elsewhere" / "nowhere.json").exists() or not (tmp_path / SCHEMA).is_symlink()
    if schema_written:
        created.add(SCHEMA)
    _init_claims(result.stderr, created, set() if schema_written else {SCHEMA})
    assert result.returncode in (0, 2)


def test_init_when_the_config_exists_says_truthfully_what_it_wrote(tmp_path):
    (tmp_path / "session.yaml").write_text("voice: ash\n")
    before = {p.name for p in tmp_path.iterdir()}
    result = rtcfg("init", "session.yaml", cwd=tmp_path)
    assert result.returncode == 2 and (tmp_path / "session.yaml").read_text() == "voice: ash\n"
    assert "session.yaml" in result.stderr and "not overwritten" in result.stderr
    _init_claims(result.stderr, _new_files(tmp_path, before), {"session.yaml"})


# -- smaller ones --------------------------------------------------------------------------------------------------------


def test_a_hidden_folder_under_a_directory_is_said_to_be_skipped_or_is_checked(tmp_path):
    folder = tmp_path / "configs"
    (folder / ".hidden").mkdir(parents=True)
    (folder / ".hidden" / "x.yaml").write_text("voice: ash\nmodalites: [text]\n")
    (folder / "agent.yaml").write_text("voice: ash\n")
    result = rtcfg("validate", str(folder))
    skipped = any(".hidden" in line for line in result.stderr.splitlines())
    checked = bool(finding_lines(result.stdout, ".hidden/x.yaml"))
    assert skipped or checked, (result.stdout, result.stderr)


@pytest.mark.parametrize("fmt", ["text", "json", "junit", "github", "sarif"])
def test_a_file_with_thousands_of_findings_lists_1000_and_one_X001(tmp_path, fmt):
    path = tmp_path / "many.yaml"
    path.write_text("voice: ash\n" + "".join(f"unknown_key_{i}: {i}\n" for i in range(3000)))
    result = rtcfg("validate", "--format", fmt, str(path))
    assert result.returncode == 1
    output = result.stdout
    if fmt == "json":
        codes = [d["code"] for d in json.loads(output)["diagnostics"]]
    elif fmt == "sarif":
        codes = [r["ruleId"] for r in json.loads(output)["runs"][0]["results"]]
    elif fmt == "junit":
        from xml.etree import ElementTree

        failure = ElementTree.fromstring(output).find(".//failure")
        codes = re.findall(r"^\S+: ([A-Z]\d{3}) ", failure.text, re.MULTILINE)
    elif fmt == "github":
        codes = re.findall(r"^::\w+ .*title=([A-Z]\d{3}) ", output, re.MULTILINE)
    else:
        codes = re.findall(r"^\S+: ([A-Z]\d{3}) ", output, re.MULTILINE)
    assert codes.count("X001") == 1 and codes.count("S001") <= MAX_FINDINGS, (len(codes), codes[-3:])


def test_thousands_of_findings_in_many_files_are_listed_up_to_1000_a_file(tmp_path):
    for index in range(3):
        (tmp_path / f"many{index}.yaml").write_text("".join(f"k{index}_{i}: {i}\n" for i in range(2500)))
    result = rtcfg("validate", "--quiet", str(tmp_path))
    assert result.returncode == 1
    for index in range(3):
        lines = finding_lines(result.stdout, f"many{index}.yaml")
        assert len(lines) <= MAX_FINDINGS + 1 and sum(": X001 " in line for line in lines) == 1, len(lines)
