"""The pre-commit hook's command lines are read twice over: by cli/fast.py (without typer, for
start-up) and by typer (every other command line, and any the fast reader is not sure of).
These tests hold the two to one behaviour:

- the declarations in cli/options.py are exactly the parameters typer builds for `validate`;
- for every command line, the fast reader either passes `validate` exactly what typer passes,
  or leaves the command line to typer, and it never accepts one typer refuses;
- what the user sees (stdout, stderr, exit code) is the same both ways, for good runs, usage
  errors raised by the command itself, and errors of the command line.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from realtime_cfg.cli import options as declared
from realtime_cfg.cli.fast import parse

ROOT = Path(__file__).resolve().parent.parent
GOOD = "sample_configs/voice-agent.yaml"
BROKEN = "sample_configs/broken"


def _click_validate():
    import typer

    from realtime_cfg.cli.app import app

    group = typer.main.get_command(app)
    return group.get_command(group.make_context("rtcfg", ["validate"]), "validate")


def test_every_validate_parameter_is_declared_once_with_what_typer_was_given():
    command = _click_validate()
    by_name = {option.name: option for option in declared.VALIDATE}
    assert [param.name for param in command.params] == [option.name for option in declared.VALIDATE]
    for param in command.params:
        option = by_name[param.name]
        if option.kind == declared.ARGUMENTS:
            assert param.param_type_name == "argument" and param.required and param.nargs == -1
            continue
        flags = [flag for declaration in option.flags for flag in declaration.split("/")]
        assert sorted(param.opts + param.secondary_opts) == sorted(flags), param.name
        assert param.multiple == (option.kind == declared.VALUES), param.name
        assert param.is_flag == (option.kind in (declared.FLAG, declared.SWITCH)), param.name
        assert param.help == option.help and param.metavar == option.metavar, param.name
        if option.kind == declared.VALUE:
            assert param.default == option.default, param.name
        if isinstance(option.value, type) and issubclass(option.value, declared.Enum):
            assert [getattr(choice, "value", choice) for choice in param.type.choices] == [
                member.value for member in option.value], param.name


def _typer_reads(args: list[str]):
    """(what typer passes validate, or None if it refuses the command line; its exit code)."""
    from realtime_cfg.cli import validating
    from realtime_cfg.cli.app import app

    passed = {}

    def record(**given):
        passed.update(given)
        raise SystemExit(0)

    real, validating.validate = validating.validate, record
    try:
        app(["validate", *args], prog_name="rtcfg", standalone_mode=False)
        code = 0
    except SystemExit as exit:
        code = exit.code
    except Exception:  # click's usage errors, raised as they are without standalone mode
        code = 2
    finally:
        validating.validate = real
    return (passed or None), code


READABLE = [
    [GOOD],
    [GOOD, "-"],
    ["-", GOOD],
    [GOOD, "--", "--format"],
    ["--format", "json", GOOD],
    ["--format=sarif", GOOD],
    ["-f", "github", GOOD],
    ["-fjunit", GOOD],
    ["-qfjson", GOOD],
    ["-q", GOOD, "--statistics"],
    ["--output-file", "out.json", "--format", "json", GOOD],
    ["-o", "out.txt", GOOD],
    ["--target", "ga", GOOD],
    ["-t", "beta", GOOD],
    ["--strict", GOOD],
    ["--no-strict", GOOD],
    ["--strict", "--no-strict", GOOD],
    ["--fail-on", "warning", GOOD],
    ["--ignore", "R005", GOOD],
    ["--ignore", "R005,R006", "--ignore=S001", GOOD],
    ["--set", "voice=ash", "--set", "instructions=hi", GOOD],
    ["--no-env", "--allow-outside-root", GOOD],
    ["--max-bytes", "100", GOOD],
    ["--max-bytes", "0", GOOD],
    ["--max-bytes", "007", GOOD],
    ["--jobs", "2", GOOD],
    ["-j3", GOOD],
    ["--fix", GOOD],
    ["--diff", "--unsafe-fixes", GOOD],
    ["--format", "json", "--format", "text", GOOD],
    [GOOD, "--quiet", BROKEN],
    ["--ignore", "xyz", GOOD],
]

LEFT_TO_TYPER = [
    [],
    ["--help"],
    ["-h"],
    [GOOD, "--help"],
    ["--bogus", GOOD],
    ["-x", GOOD],
    ["--format", GOOD],
    ["--format", "JSON", GOOD],
    ["--format", "yaml", GOOD],
    ["--target", "GA", GOOD],
    ["--max-bytes", "ten", GOOD],
    ["--max-bytes", "-1", GOOD],
    ["--max-bytes", "1_000", GOOD],
    ["--max-bytes", " 5", GOOD],
    ["--max-bytes", "٣", GOOD],
    ["--quiet=yes", GOOD],
    ["--strict=true", GOOD],
    ["-o"],
    [GOOD, "-o"],
    ["--ignore", "", GOOD],
    ["--ignore=", GOOD],
    ["-o", "", GOOD],
    ["--ignore", "-q", GOOD],
    ["-qx", GOOD],
    ["-fq", GOOD],
    ["--version", GOOD],
    ["--jobs", "two", GOOD],
    ["--form", "json", GOOD],
    ["--max-bytes", "1" * 5000, GOOD],  # more digits than int() reads
    ["---format", "json", GOOD],
]


@pytest.mark.parametrize("args", READABLE, ids=" ".join)
def test_the_fast_reader_passes_validate_what_typer_passes(args):
    typer_passed, code = _typer_reads(args)
    assert code == 0 and typer_passed is not None
    assert parse(args, declared.VALIDATE) == typer_passed


@pytest.mark.parametrize("args", LEFT_TO_TYPER, ids=lambda args: " ".join(args) or "(nothing)")
def test_the_fast_reader_leaves_what_it_is_not_sure_of_to_typer(args):
    assert parse(args, declared.VALIDATE) is None
    typer_passed, code = _typer_reads(args)
    if typer_passed is not None:  # typer accepts a few of these: then it passes the same
        assert code == 0


TOKENS = ["--format", "-f", "json", "text", "JSON", "--format=github", "-fsarif", "--output-file", "-o", "out.json",
          "--target", "-t", "ga", "beta", "--strict", "--no-strict", "--fail-on", "warning", "error", "--ignore",
          "R005", "R005,S001", "--set", "voice=ash", "--no-env", "--allow-outside-root", "--max-bytes", "10",
          "-5", "--jobs", "-j", "2", "-j2", "--fix", "--unsafe-fixes", "--diff", "-q", "--quiet", "--statistics",
          "-qf", "-", "--", GOOD, BROKEN, "x.yaml", "--help", "--bogus", "=", "", "--quiet=1", "-qj", "-jq"]


def test_on_random_command_lines_the_two_readers_agree():
    """Seeded random command lines from the tokens above: wherever the fast reader accepts one,
    typer accepts it too and passes the same arguments."""
    chooser = random.Random(20261202)
    accepted = 0
    for _ in range(1500):
        args = [chooser.choice(TOKENS) for _ in range(chooser.randint(0, 7))]
        fast = parse(args, declared.VALIDATE)
        if fast is None:
            continue
        accepted += 1
        typer_passed, code = _typer_reads(args)
        assert (code, typer_passed) == (0, fast), args
    assert accepted > 100  # the corpus exercises the fast reader, not only its refusals


def _run(entry: str, args: list[str], cwd: Path = ROOT) -> tuple[int, str, str]:
    """The real command line in a child: `fast` is `rtcfg` (realtime_cfg.main), `typer` the same
    command line read by typer alone (realtime_cfg.cli.app.main)."""
    main = "realtime_cfg:main" if entry == "fast" else "realtime_cfg.cli.app:main"
    module, function = main.split(":")
    code = f"import sys; sys.argv = ['rtcfg'] + sys.argv[1:]; from {module} import {function}; {function}()"
    environment = {key: value for key, value in os.environ.items() if key not in ("FORCE_COLOR", "PRE_COMMIT")}
    run = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=cwd,
                         env=environment, timeout=120)
    assert "Traceback" not in run.stderr, run.stderr
    return run.returncode, run.stdout, run.stderr


SEEN_THE_SAME = [
    ["--version"],
    ["validate", GOOD],
    ["validate", "sample_configs"],
    ["validate", BROKEN],
    ["validate", "-q", "--statistics", BROKEN],
    ["validate", "--format", "json", BROKEN, GOOD],
    ["validate", "--format", "sarif", BROKEN],
    ["validate", "--format", "github", "--fail-on", "warning", BROKEN],
    ["validate", "--format", "junit", BROKEN],
    ["validate", "--target", "ga", "--strict", "sample_configs/text-assistant.yaml"],
    ["validate", "--ignore", "R005,S001", "--set", "voice=ash", BROKEN],
    ["validate", "--diff", "--unsafe-fixes", BROKEN],
    ["validate", "-j", "2", BROKEN, "sample_configs"],
    ["validate", "missing.yaml", GOOD],
    # usage errors raised by the command itself, shown by click's rules both ways
    ["validate", "--max-bytes", "0", GOOD],
    ["validate", "--jobs", "0", GOOD],
    ["validate", "--jobs", "65", GOOD],
    ["validate", "--ignore", "XYZ", GOOD],
    ["validate", "--ignore", "F001", GOOD],
    ["validate", "--fix", "-", GOOD],
    ["validate", "--diff", "--format", "json", GOOD],
    ["validate", "-o", GOOD, GOOD],
    ["validate", "--set", "voice", GOOD],
    ["validate", "--set", "turn_detection.type.x=1", GOOD],
    ["validate", "--max-bytes", "1" * 5000, GOOD],
    ["validate", "--jobs", "0" * 4299 + "2", GOOD],
    # errors of the command line: typer's, both ways
    ["validate"],
    ["validate", "--bogus", GOOD],
    ["validate", "--format", "yaml", GOOD],
    ["validate", "--max-bytes", "ten", GOOD],
    ["validate", "--help"],
    ["--help"],
]


@pytest.mark.parametrize("args", SEEN_THE_SAME, ids=" ".join)
def test_the_user_sees_the_same_both_ways(args):
    assert _run("fast", args) == _run("typer", args)


def test_a_fix_writes_the_same_both_ways(tmp_path):
    written = {}
    for entry in ("fast", "typer"):
        folder = tmp_path / entry
        folder.mkdir()
        for sample in sorted((ROOT / BROKEN).iterdir()):
            (folder / sample.name).write_bytes(sample.read_bytes())
        code, out, err = _run(entry, ["validate", "--fix", "--unsafe-fixes", "."], cwd=folder)
        written[entry] = (code, out, err, {p.name: p.read_bytes() for p in sorted(folder.iterdir())})
    assert written["fast"] == written["typer"]
    assert written["fast"][3] != {p.name: p.read_bytes() for p in sorted((ROOT / BROKEN).iterdir())}


def test_typer_reads_the_command_line_when_its_completion_is_asked_for(monkeypatch):
    from realtime_cfg.cli.fast import run

    monkeypatch.setenv("_RTCFG_COMPLETE", "bash_complete")
    assert run(["validate", GOOD]) is False


def test_neither_reader_refuses_an_output_file_it_cannot_read():
    """click checks an existing path's readability unless told not to; the fast reader does
    not, and writing the report does not need it."""
    output_file = next(param for param in _click_validate().params if param.name == "output_file")
    assert output_file.type.readable is False


@pytest.mark.parametrize("args, unwanted", [
    (["--version"], ["typer", "rich", "typing", "dataclasses", "yaml", "realtime_cfg.cli.options"]),
    (["validate", GOOD], ["typer", "rich", "dataclasses", "inspect", "threading"]),
], ids=["--version", "validate"])
def test_the_hooks_command_lines_import_only_what_they_use(args, unwanted):
    code = ("import sys; sys.argv = ['rtcfg'] + sys.argv[1:]\n"
            "from realtime_cfg.cli.process import run\n"
            "from realtime_cfg import _command_line\n"
            f"unwanted = {unwanted!r}\n"
            "import atexit; atexit.register(lambda: sys.stderr.write("
            "'LOADED ' + ' '.join(m for m in unwanted if m in sys.modules)))\n"
            "run(_command_line)")
    run = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT,
                         timeout=60)
    assert run.returncode == 0, run.stderr
    assert run.stderr.endswith("LOADED "), (args, run.stderr)
