"""Colour in the text report (report/text.py): ANSI SGR sequences rtcfg writes itself, the
same bytes as the plain report once they are taken out, no escape sequence a config can
slip in, and no rich on the way."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import textwrap

import pytest

from realtime_cfg import pipeline
from realtime_cfg.diagnostics import Diagnostic
from realtime_cfg.output.diffing import diff, format_changes
from realtime_cfg.report.masking import shown
from realtime_cfg.report.model import FileResult, Report
from realtime_cfg.report.text import Printer, TextReporter, print_text, styled

from conftest import BROKEN_SAMPLES, GOOD_SAMPLES, ROOT, run_cli

SGR = re.compile(r"\x1b\[[0-9;]*m")
RESET = "\x1b[0m"
# Each style the report uses and the sequence that starts it: the bytes rich 15 wrote for the
# same markup (force_terminal, in its standard, 256-colour and truecolor systems alike).
STARTS = {"bold": "\x1b[1m", "dim": "\x1b[2m", "red": "\x1b[31m", "green": "\x1b[32m", "yellow": "\x1b[33m",
          "cyan": "\x1b[36m", "bold red": "\x1b[1;31m", "bold green": "\x1b[1;32m", "bold yellow": "\x1b[1;33m",
          "bold cyan": "\x1b[1;36m"}
HOSTILE = sorted((ROOT / "tests" / "hostile").glob("*.*"))
ESCAPE_IN_A_VALUE = "\x1b[31m"


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


@pytest.fixture
def terminal_env(monkeypatch):
    """An environment in which a terminal gets colour."""
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")


def without_colour(text: str) -> str:
    return SGR.sub("", text)


def assert_only_colour_added(coloured: str, plain: str) -> None:
    """`coloured` is `plain` with styles added and nothing else: the same bytes once the SGR
    sequences are taken out; on each line, a known style's start and a reset in turn (so none
    is left open at a line's end, and none comes from the text); no other escape anywhere."""
    assert "\x1b" not in plain and "\x9b" not in plain  # the C1 CSI too
    assert without_colour(coloured) == plain
    assert "\x9b" not in coloured
    for line in coloured.split("\n"):
        sequences = SGR.findall(line)
        assert line.count("\x1b") == len(sequences), repr(line)
        assert len(sequences) % 2 == 0, repr(line)
        assert set(sequences[0::2]) <= set(STARTS.values()), repr(line)
        assert set(sequences[1::2]) <= {RESET}, repr(line)


def text_report(paths, color: bool, quiet: bool = False, statistics: bool = False,
                unsafe_fixes: bool = False) -> str:
    """The text report of `paths`, each checked for its own shape and for GA, as
    `rtcfg validate` prints it (the same reporter, printer and model)."""
    stream = io.StringIO()
    report = Report(unsafe_fixes=unsafe_fixes)
    reporter = TextReporter(Printer(stream, color=color), quiet, statistics, unsafe_fixes)
    for path in paths:
        for target in (None, "ga"):
            checked = pipeline.check(path, pipeline.Options(target=target))
            result = FileResult(checked.name, checked.findings, checked.suppressed)
            report.results.append(result)
            reporter.file(result)
    reporter.finish(report)
    return stream.getvalue()


@pytest.fixture
def odd_files(tmp_path):
    """Files for findings the samples lack: an info (R021) with a fix, a raw escape sequence in
    a source line (L008, whose excerpt shows the line), and one in a file's name."""
    spelled = tmp_path / "spelled.yaml"
    spelled.write_text("max_response_output_tokens: INF\nturn_detection: {silence_duration_ms: 500.0}\n")
    raw = tmp_path / "raw.yaml"
    raw.write_text(f"instructions: be {ESCAPE_IN_A_VALUE}red\n")
    named = tmp_path / f"a{ESCAPE_IN_A_VALUE}b.yaml"
    named.write_text("voice: nova\n")
    return [spelled, raw, named]


# -- the report: the plain text with colour added, whatever the findings ------------------------


@pytest.mark.parametrize("quiet, statistics, unsafe_fixes", [(False, False, False), (True, True, False),
                                                             (False, True, True)])
def test_coloured_report_is_the_plain_report_with_colour_added(odd_files, quiet, statistics, unsafe_fixes):
    paths = [*GOOD_SAMPLES, *BROKEN_SAMPLES, *HOSTILE, *odd_files]
    plain = text_report(paths, False, quiet, statistics, unsafe_fixes)
    coloured = text_report(paths, True, quiet, statistics, unsafe_fixes)
    assert_only_colour_added(coloured, plain)
    # findings of every severity were styled, and the summary
    for style in ("bold red", "bold yellow", "bold cyan", "bold"):
        assert STARTS[style] in coloured, style
    if not quiet:
        for style in ("dim", "cyan", "green"):  # excerpt, hint, fix
            assert STARTS[style] in coloured, style


def test_the_sequences_are_the_ones_rich_wrote():
    findings = [
        Diagnostic("S002", "invalid value", "a.yaml", 1, 8, "voice", "did you mean x?", source="voice: nova"),
        Diagnostic("R013", "unknown voice", "a.yaml", 2, 8, "voice", severity="warning", source="voice: novo"),
        Diagnostic("R021", "respelled", "b.yaml", None, None, "speed", severity="info"),
    ]
    stream = io.StringIO()
    print_text(findings, Printer(stream, color=True))
    assert stream.getvalue() == (
        "\x1b[1ma.yaml:1:8\x1b[0m: \x1b[1;31mS002\x1b[0m invalid value\n"
        "\x1b[2m  1 | voice: nova\x1b[0m\n"
        "\x1b[1;31m    |        ^^^^\x1b[0m\n"
        "\x1b[36m    = hint: did you mean x?\x1b[0m\n"
        "\x1b[1ma.yaml:2:8\x1b[0m: \x1b[1;33mR013\x1b[0m [warning] unknown voice\n"
        "\x1b[2m  2 | voice: novo\x1b[0m\n"
        "\x1b[1;33m    |        ^^^^\x1b[0m\n"
        "\x1b[1mb.yaml\x1b[0m: \x1b[1;36mR021\x1b[0m [info] respelled\n")


def test_the_summary_is_bold_red_or_bold_green():
    stream = io.StringIO()
    reporter = TextReporter(Printer(stream, color=True))
    reporter.finish(Report(results=[FileResult("a.yaml")]))
    failing = Report(results=[FileResult("b.yaml", [Diagnostic("S001", "unknown key", "b.yaml", 1, 1)])])
    reporter.finish(failing)
    assert stream.getvalue() == ("\x1b[1;32m1 file checked: no problems.\x1b[0m\n"
                                 "\x1b[1;31m1 error in 1 of 1 file.\x1b[0m\n")


def test_a_style_is_closed_on_each_line_and_unknown_styles_are_refused():
    assert styled("a\n\nb", "green") == "\x1b[32ma\x1b[0m\n\n\x1b[32mb\x1b[0m"
    assert styled("", "bold") == "" and styled("x", None) == "x"
    assert styled("x", "red bold") == "\x1b[1;31mx\x1b[0m"  # attributes first, as rich wrote them
    with pytest.raises(ValueError, match="blink"):
        styled("x", "bold blink")


# -- the diff (rtcfg diff, render --diff): markup that only marks whole lines -----------------


def test_a_coloured_diff_marks_each_line_and_shows_its_text_as_written():
    old = {"voice": "ash", "speed": 1.0, "z": "ends in a backslash \\",
           "tools": [{"type": "function", "name": "f", "description": "[bold]not a style[/bold]"}]}
    new = {"voice": "coral", "tracing": "auto", "z": "[red]", "tools": [{"type": "function", "name": "f",
                                                                         "description": ":smile: [/green]"}]}
    changes = diff(old, new)
    plain, coloured = io.StringIO(), io.StringIO()
    Printer(plain, color=False).emit(format_changes(changes), format_changes(changes, color=True))
    Printer(coloured, color=True).emit(format_changes(changes), format_changes(changes, color=True))
    assert_only_colour_added(coloured.getvalue(), plain.getvalue())
    assert coloured.getvalue() == (
        '\x1b[33m~ voice: "ash" -> "coral"\x1b[0m\n'
        '\x1b[31m- speed: 1.0\x1b[0m\n'
        '\x1b[33m~ z: "ends in a backslash \\\\" -> "[red]"\x1b[0m\n'
        '\x1b[33m~ tools[name=f].description: "[bold]not a style[/bold]" -> ":smile: [/green]"\x1b[0m\n'
        '\x1b[32m+ tracing: "auto"\x1b[0m\n')


def test_markup_lines_that_are_not_one_known_style_print_as_written():
    stream = io.StringIO()
    Printer(stream, color=True).emit("", "plain [x]\n[blink]a[/blink]\n[red]a[/green]")
    assert stream.getvalue() == "plain [x]\n[blink]a[/blink]\n[red]a[/green]\n"


# -- no escape sequence from a config ----------------------------------------------------------


def test_an_escape_sequence_in_a_config_is_shown_replaced(odd_files):
    coloured = text_report(odd_files, True)
    assert_only_colour_added(coloured, text_report(odd_files, False))
    assert "be \ufffd[31mred" in coloured  # the excerpt of the raw line
    assert "a\ufffd[31mb.yaml" in coloured  # the file's name, in bold
    assert ESCAPE_IN_A_VALUE not in without_colour(coloured)


def test_an_escape_sequence_in_a_diffed_value_is_shown_replaced():
    changes = diff({"voice": "ash"}, {"voice": f"ash{ESCAPE_IN_A_VALUE}\x9b2J", f"{ESCAPE_IN_A_VALUE}key": 1})
    stream = io.StringIO()
    Printer(stream, color=True).emit(shown(format_changes(changes), {}), shown(format_changes(changes, color=True), {}))
    assert_only_colour_added(stream.getvalue(), shown(format_changes(changes), {}) + "\n")


# -- when colour is on -------------------------------------------------------------------------


def test_colour_on_a_terminal_only(terminal_env):
    assert Printer(FakeTerminal()).color
    assert not Printer(io.StringIO()).color


@pytest.mark.parametrize("name, value", [("NO_COLOR", "1"), ("TERM", "dumb"), ("TERM", "unknown")])
def test_no_colour_where_asked_or_where_a_terminal_cannot_show_it(terminal_env, monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    stream = FakeTerminal()
    print_text([Diagnostic("S001", "unknown key", "a.yaml", 1, 1, source="x: 1")], Printer(stream))
    assert stream.getvalue() and "\x1b" not in stream.getvalue()


def test_an_empty_no_color_is_not_set(terminal_env, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "")  # https://no-color.org: only a non-empty value counts
    assert Printer(FakeTerminal()).color


def test_force_color_does_not_colour_a_pipe(terminal_env, monkeypatch):
    monkeypatch.setenv("FORCE_COLOR", "1")  # as before: colour needs a terminal
    assert not Printer(io.StringIO()).color


def test_the_caller_decides_when_it_says(terminal_env, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    assert Printer(io.StringIO(), color=True).color
    monkeypatch.delenv("NO_COLOR")
    assert not Printer(FakeTerminal(), color=False).color


# -- the command line on a real (pseudo-)terminal ----------------------------------------------


def run_in_terminal(*args: str, env: dict | None = None) -> tuple[int, str]:
    """(exit code, standard output) of `python -m realtime_cfg ARGS` with its standard output
    on a pseudo-terminal, read as written (no newline translation)."""
    import pty
    import termios

    leader, follower = pty.openpty()
    modes = termios.tcgetattr(follower)
    modes[1] &= ~termios.OPOST  # output as written: no \n -> \r\n
    termios.tcsetattr(follower, termios.TCSANOW, modes)
    environment = {**os.environ, "TERM": "xterm-256color"}
    environment.pop("NO_COLOR", None)
    environment.update(env or {})
    process = subprocess.Popen([sys.executable, "-m", "realtime_cfg", *args], stdin=subprocess.DEVNULL,
                               stdout=follower, stderr=subprocess.DEVNULL, env=environment, cwd=ROOT)
    os.close(follower)
    chunks = []
    try:
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the child has closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(leader)
    return process.wait(timeout=60), b"".join(chunks).decode("utf-8")


pseudo_terminal = pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")


@pseudo_terminal
def test_validate_on_a_terminal_prints_the_plain_report_with_colour(tmp_path):
    escaped = tmp_path / f"a{ESCAPE_IN_A_VALUE}b.yaml"
    escaped.write_text(f"voice: nova\ninstructions: be {ESCAPE_IN_A_VALUE}red\n")
    args = ["validate", "--statistics", "sample_configs/", "tests/hostile/", str(escaped)]
    code, coloured = run_in_terminal(*args)
    plain = run_cli(*args)
    assert code == plain.returncode == 1
    assert STARTS["bold red"] in coloured
    assert_only_colour_added(coloured, plain.stdout)


@pseudo_terminal
def test_diff_on_a_terminal_prints_the_plain_diff_with_colour():
    args = ["diff", "tests/hostile/terminal-escapes-valid.yaml", "sample_configs/voice-agent.yaml"]
    code, coloured = run_in_terminal(*args)
    plain = run_cli(*args)
    assert code == plain.returncode
    assert STARTS["yellow"] in coloured and STARTS["red"] in coloured and STARTS["green"] in coloured
    assert_only_colour_added(coloured, plain.stdout)


@pseudo_terminal
@pytest.mark.parametrize("env", [{"NO_COLOR": "1"}, {"TERM": "dumb"}])
def test_no_colour_on_a_terminal_that_says_so(env):
    code, text = run_in_terminal("validate", "sample_configs/broken/typos.yaml", env=env)
    assert code == 1 and "S002" in text and "\x1b" not in text


# -- no rich -----------------------------------------------------------------------------------


def test_the_coloured_report_path_imports_no_rich():
    """rich cost about 35 ms of start-up and 0.6 ms a finding; the styles are written directly."""
    code = textwrap.dedent("""\
        import io, sys
        from realtime_cfg import pipeline
        from realtime_cfg.output.diffing import diff, format_changes
        from realtime_cfg.report.model import FileResult, Report
        from realtime_cfg.report.text import Printer, TextReporter
        stream = io.StringIO()
        printer = Printer(stream, color=True)
        reporter, report = TextReporter(printer), Report()
        for path in sys.argv[1:]:
            checked = pipeline.check(path)
            report.results.append(FileResult(checked.name, checked.findings, checked.suppressed))
            reporter.file(report.results[-1])
        reporter.finish(report)
        changes = diff({"voice": "ash"}, {"voice": "coral"})
        printer.emit(format_changes(changes), format_changes(changes, color=True))
        assert "\\x1b[1;31m" in stream.getvalue() and "\\x1b[33m" in stream.getvalue()
        print(sorted(name for name in sys.modules if name == "rich" or name.startswith("rich.")))
        """)
    result = subprocess.run([sys.executable, "-c", code, *map(str, BROKEN_SAMPLES)], capture_output=True,
                            text=True, cwd=ROOT, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "[]\n"
