"""Hostile input (tests/hostile/ and inputs made at run time): each gets a clear message and
exit 1 or 2, never a traceback, and the run goes on to the other files. Plus hypothesis
fuzzing of YAML text and config structures through the real command line, and writes
that are never left partial, even when interrupted."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT, run_cli

HOSTILE = ROOT / "tests" / "hostile"
GOOD = "sample_configs/voice-agent.yaml"

# file: (exit code, the code reported, or None for a file that is valid)
CASES = {
    "billion-laughs.yaml": (1, "L006"),
    "deep-nesting.yaml": (1, "L005"),
    "deep-nesting.json": (1, "L005"),
    "latin1.yaml": (1, "L008"),
    "utf16-bom.yaml": (0, None),
    "nul-bytes.yaml": (1, "L008"),
    "crlf.yaml": (1, "S001"),
    "python-tag.yaml": (1, "L004"),
    "unknown-tag.yaml": (1, "L004"),
    "anchors-merge.yaml": (0, None),
    "multi-document.yaml": (1, "L007"),
    "huge-float.yaml": (1, "R001"),
    "huge-float.json": (1, "R001"),
    "nan.json": (1, "L001"),
    "negative-zero.yaml": (1, "S004"),
    "huge-integer.yaml": (1, "L001"),
    "control-chars.yaml": (0, None),
    "raw-control.yaml": (1, "L008"),
}


# (test_hostile_classes.py checks that every file in tests/hostile/ has a case here or there)


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_file_gets_a_message_and_the_run_goes_on(name):
    expected_exit, code = CASES[name]
    result = run_cli("validate", str(HOSTILE / name), GOOD)
    assert result.returncode == expected_exit, result.stdout
    if code:
        assert f"tests/hostile/{name}:" in result.stdout and f": {code} " in result.stdout, result.stdout
    assert result.stdout.rstrip().endswith("of 2 files.") or result.stdout.endswith("2 files checked: no problems.\n")
    for command in (["render", "--target", "ga"], ["render", "--explain"], ["migrate"]):
        rendered = run_cli(*command, str(HOSTILE / name))
        assert rendered.returncode in (0, 1, 2) and "internal error" not in rendered.stderr


def test_positions_in_a_crlf_file_are_line_and_column():
    assert "tests/hostile/crlf.yaml:2:1: S001 unknown key 'modalites'" in run_cli("validate", str(HOSTILE / "crlf.yaml")).stdout


# Linux carries a process's peak memory across exec, so a child of the (large) test
# process would report the test's size: a small Python process starts rtcfg and reports it.
_MEASURED = """
import os, subprocess, sys
process = subprocess.Popen([sys.executable, "-m", "realtime_cfg", *sys.argv[1:]],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
_, status, usage = os.wait4(process.pid, 0)
print(os.waitstatus_to_exitcode(status), usage.ru_maxrss)
"""


def _peak_rss_mib_of(*args: str) -> tuple[int, float]:
    result = subprocess.run([sys.executable, "-c", _MEASURED, *args], capture_output=True, text=True, cwd=ROOT,
                            timeout=120)
    code, peak_kib = result.stdout.split()
    return int(code), int(peak_kib) / 1024


def test_an_alias_bomb_is_refused_with_bounded_memory():
    code, peak = _peak_rss_mib_of("validate", str(HOSTILE / "billion-laughs.yaml"))
    assert code == 1 and peak < 100  # 10^9 values if expanded; refused at 100,000


def test_an_oversized_file_is_refused_without_reading_it_all(tmp_path):
    big = tmp_path / "big.yaml"
    with open(big, "wb") as stream:  # 64 MiB, written in pieces (this process stays small too)
        stream.write(b"instructions: '")
        for _ in range(64):
            stream.write(b"x" * (1024 * 1024))
        stream.write(b"'\n")
    code, peak = _peak_rss_mib_of("validate", str(big))
    assert code == 1 and peak < 60
    result = run_cli("validate", str(big), GOOD)
    assert "L009 file is 67,108,881 bytes, over the 1,048,576-byte limit" in result.stdout
    assert "of 2 files." in result.stdout
    small = run_cli("validate", "--max-bytes", "10", GOOD)  # the limit is configurable
    assert small.returncode == 1 and "L009" in small.stdout


def test_a_very_long_string_under_the_limit_is_fine(tmp_path):
    path = tmp_path / "long.yaml"
    path.write_text("instructions: '" + "Be helpful. " * 80_000 + "'\n")  # 960 KB
    result = run_cli("validate", str(path))
    assert result.returncode == 0, result.stdout


def test_a_directory_with_a_symlink_loop(tmp_path):
    (tmp_path / "configs").mkdir()
    (tmp_path / "configs" / "loop").symlink_to(tmp_path / "configs", target_is_directory=True)
    (tmp_path / "configs" / "agent.yaml").write_text("voice: ash\n")
    result = run_cli("validate", str(tmp_path / "configs"))
    assert result.returncode == 0 and result.stdout == "1 file checked: no problems.\n"


@pytest.mark.parametrize("make", ["dangling-symlink", "directory", "fifo-none"])
def test_an_unreadable_path_is_exit_2_and_the_run_goes_on(tmp_path, make):
    path = tmp_path / "agent.yaml"
    if make == "dangling-symlink":
        path.symlink_to(tmp_path / "nowhere.yaml")
    elif make == "directory":  # named like a config, but a folder: cannot be read as one
        path.mkdir()
        (path / "inner.txt").write_text("x")
    else:
        path = tmp_path / "missing.yaml"
    result = run_cli("validate", str(path), GOOD)
    assert result.returncode == 2
    assert "F001" in result.stdout and ("of 2 files." in result.stdout or "no .yaml" in result.stdout)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_a_file_without_read_permission_is_exit_2(tmp_path):
    path = tmp_path / "secret.yaml"
    path.write_text("voice: ash\n")
    path.chmod(0)
    result = run_cli("validate", str(path), GOOD)
    assert result.returncode == 2 and "F001 cannot read" in result.stdout


def test_closed_stdin_is_exit_2():
    result = subprocess.run([sys.executable, "-m", "realtime_cfg", "validate", "-"], stdin=subprocess.DEVNULL,
                            capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.returncode == 1 and "L003 the top level is empty" in result.stdout  # an empty stdin
    closed = subprocess.run(f"{sys.executable} -m realtime_cfg validate - <&-", shell=True, capture_output=True,
                            text=True, cwd=ROOT, timeout=60)
    assert closed.returncode == 2 and "F001" in closed.stdout and "Traceback" not in closed.stderr


# -- fuzzing ---------------------------------------------------------------------------------

yaml_pieces = st.sampled_from([
    ":", " ", "\n", "- ", "[", "]", "{", "}", ",", "&a ", "*a", "<<: ", "!!str ", "!!python/tuple ", "? ", "|", ">",
    "'", '"', "#", "---\n", "\t", "\r", "\u2028", "\ufeff", "\x00", "${X}", "$file: ", "extends: ", "voice",
    "tools", "type: realtime", "audio", "no", "1e400", ".nan", "~", "name", "0x10", "-", "2024-01-01",
])
structures = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20)),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(
        st.sampled_from(["voice", "tools", "turn_detection", "type", "name", "audio", "input", "format", "x"]),
        inner, max_size=4)),
    max_leaves=15)


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.one_of(st.lists(yaml_pieces, max_size=30).map("".join).map(str.encode),
                 structures.map(lambda v: json.dumps(v).encode()),
                 st.binary(max_size=100)),
       st.sampled_from([".yaml", ".json"]))
def test_fuzzed_input_never_crashes_the_command_line(tmp_path_factory, data, suffix):
    path = tmp_path_factory.mktemp("fuzz") / f"input{suffix}"
    path.write_bytes(data)
    for command in (["validate", "-f", "sarif"], ["render", "--target", "ga"]):
        result = run_cli(*command, str(path))
        assert result.returncode in (0, 1, 2) and "internal error" not in result.stderr, (data, result.stderr)


# -- writes ----------------------------------------------------------------------------------


# A real signal (SIGINT as Ctrl-C sends, or SIGTERM as a CI runner's timeout does), sent by the
# process to itself at a chosen moment of `rtcfg render -o`: the moment is fixed by the test,
# not by a clock, so the verdict is the same on any machine.
_INTERRUPT_AT = """
import os, signal, sys
signum, stage = getattr(signal, sys.argv[1]), sys.argv[2]
def interrupt_then(original):
    def wrapped(*args, **kwargs):
        os.kill(os.getpid(), signum)  # Python runs the handler at its next step
        return original(*args, **kwargs)
    return wrapped
if stage == "loading":  # while the command line is being imported
    import builtins
    real_import = builtins.__import__
    def importing(name, *args, **kwargs):
        if name == "typer":
            os.kill(os.getpid(), signum)
        return real_import(name, *args, **kwargs)
    builtins.__import__ = importing
elif stage == "checking":
    import realtime_cfg.check.validation as validation
    validation.validate = interrupt_then(validation.validate)
elif stage in ("fsync", "replace", "chmod"):
    setattr(os, stage, interrupt_then(getattr(os, stage)))
sys.argv = ["rtcfg"] + sys.argv[3:]
import realtime_cfg
realtime_cfg.main()
"""


@pytest.mark.parametrize("signal_name", ["SIGINT", "SIGTERM"])
@pytest.mark.parametrize("stage", ["loading", "checking", "fsync", "chmod", "replace", "never"])
def test_interrupted_writes_leave_the_old_file_or_the_whole_new_one(tmp_path, stage, signal_name):
    """Ctrl-C (SIGINT) or SIGTERM at each step of `render -o`: `rtcfg: interrupted`, exit 128 +
    the signal, and the old file, never a partial one or a temporary left behind; without
    it, the whole new file."""
    source = tmp_path / "big.yaml"
    source.write_text("instructions: '" + "Be helpful. " * 60_000 + "'\n")
    target = tmp_path / "out.json"
    target.write_text("old\n")
    result = subprocess.run([sys.executable, "-c", _INTERRUPT_AT, signal_name, stage, "render", str(source),
                             "-o", str(target)], capture_output=True, cwd=ROOT, timeout=120)
    if stage == "never":
        assert result.returncode == 0, result.stderr
        assert json.loads(target.read_text())["instructions"].startswith("Be helpful.")
    else:
        expected_code = 128 + getattr(signal, signal_name)
        assert (result.returncode, result.stderr) == (expected_code, b"rtcfg: interrupted\n")
        assert target.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.yaml", "out.json"]  # no temporary left
