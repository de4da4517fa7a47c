"""How rtcfg's cost grows with the input, on the shapes of input that once made it grow
faster than the input (quadratic or worse): seconds per size, and the growth ratio.

    python benchmarks/scaling.py                          # every shape at its default sizes
    python benchmarks/scaling.py --shape junit --sizes 1000,4000,16000
    python benchmarks/scaling.py --list

Shapes (each built at size N in a temporary folder):

  long-line       one line: a flow mapping of N unknown keys (N findings on one line), `rtcfg validate`
  junit           the JUnit report of one file with N findings (report/machine.to_junit)
  env-masking     N environment values, each used by one of N unknown keys, `rtcfg validate`
  extends-list    `extends:` a list of N base files, each adding a tool, `rtcfg validate`
                  (over a documented limit, 32, refused with B006: linear or refused)
  env-expansion   a 10,000-character environment value referenced N times in instructions,
                  `rtcfg validate` (a limit may refuse it: that is a finding, not a crash)
  many-findings   one file with N unknown keys (a line each), `rtcfg validate` in every format
  huge-report     a report of N findings, 1,000 a file (as capped), in every format (the
                  report API: report.text.render_text and report.machine.FORMATS)
  fix-many        `rtcfg validate --fix` on a file of N tools, each with a safe fix
  fix-rollbacks   the same without tool names: each fix reveals S005 and is rolled back
  fix-diff        `rtcfg validate --diff` on the file of fix-many

Everything runs in this process: `rtcfg` commands through the command line's own entry
point (realtime_cfg.cli.app.main, output captured), so what is timed is what a user waits for,
without a process start per run. Time is CPU time (time.process_time), the best of
--repeat runs. "ratio" is the time of a size over the time of the size before it, "x size"
how much bigger that size is: linear growth keeps them about equal; quadratic makes the
ratio the square of the size factor. This is a measurement; tests/test_scaling.py turns
the same shapes (imported from here) into tests of the ratio, never of an absolute time.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

os.environ.setdefault("RTCFG_TODAY", "2026-12-01")  # R015 compares with a fixed day, as the tests do

Run = Callable[[], object]  # one timed run of a shape at one size


# -- running rtcfg in this process -------------------------------------------------------------


@contextlib.contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    """os.environ with `values` added, restored afterwards."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, old in saved.items():
            if old is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = old


def rtcfg(*argv: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    """(exit code, stdout + stderr) of `rtcfg ARGV`, run in this process by the command
    line's own entry point."""
    from realtime_cfg.cli import app as cli

    out, err = io.StringIO(), io.StringIO()
    old_argv = sys.argv
    sys.argv = ["rtcfg", *argv]
    try:
        with environment(env or {}), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                cli.main()
                code = 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    finally:
        sys.argv = old_argv
    return code, out.getvalue() + err.getvalue()


def project(folder: Path) -> Path:
    """`folder` made a project root (an empty pyproject.toml), so that extends may name files in it."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pyproject.toml").touch()
    return folder


# -- the shapes: input builders --------------------------------------------------------------------
# Each builder writes its input for size n under `folder` and returns what to run. The
# tests import these, so a shape is defined once.


def long_line_text(n: int) -> str:
    """One line: a flow mapping with n unknown keys (each with a sentence, so the line is long
    for its number of findings: about 60 characters a finding)."""
    return "{" + ", ".join(f"unknown_key_{i}: a value of about forty characters in all" for i in range(n)) + "}\n"


def many_keys_text(n: int) -> str:
    """n unknown keys, one a line (n findings on n lines)."""
    return "voice: ash\n" + "".join(f"unknown_key_{i}: {i}\n" for i in range(n))


def env_masking_inputs(n: int) -> tuple[str, dict[str, str]]:
    """(config text, environment): n tools named from their own environment variable, each
    value sharing a 40-character start with all the others (as URLs share `https://`) and
    quoted by its tool's finding (R004: a space is no name character), so n values to mask
    in each of n findings."""
    env = {f"RTCFG_SCALING_VALUE_{i}": f"Masked value shared by every tool's name {i:06d}" for i in range(n)}
    text = "voice: ash\ntools:\n" + "".join(
        f"  - {{type: function, name: \"${{RTCFG_SCALING_VALUE_{i}}}\", description: d}}\n" for i in range(n))
    return text, env


def extends_bases(folder: Path, n: int) -> Path:
    """A config that extends a list of n base files, each adding a tool of its own."""
    project(folder)
    for i in range(n):
        (folder / f"base{i}.yaml").write_text(
            f"tools:\n  - type: function\n    name: tool_{i}\n    description: Tool number {i}.\n"
            f"    parameters: {{type: object, properties: {{}}}}\n")
    config = folder / "session.yaml"
    config.write_text("extends: [" + ", ".join(f"base{i}.yaml" for i in range(n)) + "]\n"
                      "model: gpt-realtime-2\nvoice: ash\n")
    return config


EXPANDED_VALUE = "Be helpful and brief. " * 454 + "!!"  # 10,000 characters


def env_expansion_inputs(n: int, value: str = EXPANDED_VALUE) -> tuple[str, dict[str, str]]:
    """(config text, environment): instructions that reference one long value n times."""
    return 'instructions: "' + "${RTCFG_SCALING_LONG}" * n + '"\n', {"RTCFG_SCALING_LONG": value}


def report_of(n: int, per_file: int | None = None):
    """A validation Report with n findings: all in one file, or `per_file` a file (a run over
    many files, each capped at 1,000 findings as rtcfg caps them, makes such a report)."""
    from realtime_cfg.diagnostics import Diagnostic
    from realtime_cfg.report.text import FileResult, Report

    per_file = per_file or n
    results = []
    for start in range(0, n, per_file):
        name = f"configs/session{start // per_file}.yaml"
        results.append(FileResult(name, [
            Diagnostic("S001", f"unknown key 'unknown_key_{i}' in the session", name, i - start + 2, 1,
                       f"unknown_key_{i}", "remove it; `rtcfg schema` lists every known key",
                       source=f"unknown_key_{i}: {i}") for i in range(start, min(n, start + per_file))]))
    return Report(results)


# -- the shapes: what is timed ------------------------------------------------------------------------


def make_long_line(folder: Path, n: int) -> Run:
    path = folder / "long-line.yaml"
    path.write_text(long_line_text(n))
    return lambda: rtcfg("validate", str(path))


def make_junit(folder: Path, n: int) -> Run:
    from realtime_cfg.report.machine import FORMATS

    report = report_of(n)
    return lambda: FORMATS["junit"](report)


def make_huge_report(folder: Path, n: int) -> Run:
    from realtime_cfg.report.machine import FORMATS
    from realtime_cfg.report.text import render_text

    report = report_of(n, per_file=1000)

    def run() -> None:
        render_text(report)
        for fmt in ("json", "github", "sarif", "junit"):
            FORMATS[fmt](report)

    return run


def make_env_masking(folder: Path, n: int) -> Run:
    text, env = env_masking_inputs(n)
    path = folder / "env-masking.yaml"
    path.write_text(text)
    return lambda: rtcfg("validate", str(path), env=env)


def make_extends_list(folder: Path, n: int) -> Run:
    path = extends_bases(folder / f"extends-{n}", n)
    return lambda: rtcfg("validate", str(path))


def make_env_expansion(folder: Path, n: int) -> Run:
    text, env = env_expansion_inputs(n)
    path = folder / "env-expansion.yaml"
    path.write_text(text)
    return lambda: rtcfg("validate", str(path), env=env)


def make_many_findings(folder: Path, n: int) -> Run:
    path = folder / "many-findings.yaml"
    path.write_text(many_keys_text(n))

    def run() -> None:
        for fmt in ("text", "json", "github", "sarif", "junit"):
            rtcfg("validate", "--format", fmt, str(path))

    return run


def fixable_tools_text(n: int, named: bool = True) -> str:
    """N function tools with `type: Function` (a safe fix each); without names, each fix brings
    a missing name (S005) to light and is rolled back."""
    return "tools:\n" + "".join("  - type: Function\n" + (f"    name: f{i}\n" if named else "")
                                + "    description: d\n    parameters: {type: object, properties: {}}\n"
                                for i in range(n))


def make_fix_many(folder: Path, n: int) -> Run:
    path, text = folder / "fix-many.yaml", fixable_tools_text(n)

    def run() -> object:
        path.write_text(text)  # as it was before the last run fixed it
        return rtcfg("validate", "--fix", str(path))

    return run


def make_fix_rollbacks(folder: Path, n: int) -> Run:
    path = folder / "fix-rollbacks.yaml"
    path.write_text(fixable_tools_text(n, named=False))
    return lambda: rtcfg("validate", "--fix", str(path))  # every fix rolled back: nothing written


def make_fix_diff(folder: Path, n: int) -> Run:
    path = folder / "fix-diff.yaml"
    path.write_text(fixable_tools_text(n))
    return lambda: rtcfg("validate", "--diff", str(path))


def cursor_texts(n: int) -> list[tuple[str, bool]]:
    """(text, is JSON) that the editor's cursor reader (realtime_cfg/editor/context.py) must
    read in time linear in n: one key and n spaces on a line, n list markers on a line, n
    sibling keys, n lines of nested list items, n open brackets, an n-long unclosed string."""
    return [("a" + " " * (10 * n), False), ("- " * (5 * n), False), ("k: v\n" * n + "z", False),
            ("a:\n" + " - " * 3 + "b: 1\n" * n + "c", False), ("a: " + "{" * (5 * n), False),
            ('{"a": "' + "\\\"" * (5 * n), True), ("[" * (5 * n), True)]


def make_editor_cursor(folder: Path, n: int) -> Run:
    from realtime_cfg.editor.context import context_at

    texts = cursor_texts(n)

    def run() -> None:
        for text, json_text in texts:
            for offset in (len(text), len(text) // 2, 0):
                context_at(text, offset, json_text)

    return run


def make_editor_change(folder: Path, n: int) -> Run:
    """The language server's work for one change of a config with n findings (each shown at
    its place, in the client's units), in this process: realtime_cfg/editor/workspace.py."""
    from realtime_cfg.editor.workspace import Workspace, uri_of

    path = folder / f"editor-{n}.yaml"
    text = many_keys_text(n)
    path.write_text(text)
    workspace, uri = Workspace(), uri_of(str(path))
    workspace.open(uri, text, 1)
    return lambda: workspace.change(uri, text + "\n", 2)


@dataclass(frozen=True)
class Shape:
    name: str
    make: Callable[[Path, int], Run]
    sizes: tuple[int, ...]  # defaults: well under a minute in all when the growth is linear
    repeat: int = 3  # runs a size, the best reported (--repeat overrides)


SHAPES = {shape.name: shape for shape in (
    Shape("long-line", make_long_line, (250, 500, 1000, 2000)),
    Shape("junit", make_junit, (1000, 2000, 4000, 8000)),
    Shape("env-masking", make_env_masking, (100, 200, 400, 800)),
    Shape("extends-list", make_extends_list, (8, 16, 32, 64)),  # over 32: refused (B006)
    Shape("env-expansion", make_env_expansion, (10, 20, 40, 80)),
    Shape("many-findings", make_many_findings, (200, 400, 800, 1600)),
    Shape("huge-report", make_huge_report, (50_000, 100_000, 200_000), repeat=1),
    Shape("fix-many", make_fix_many, (250, 500, 1000, 2000)),
    Shape("fix-rollbacks", make_fix_rollbacks, (250, 500, 1000, 2000)),
    Shape("fix-diff", make_fix_diff, (250, 500, 1000, 2000)),
    Shape("editor-cursor", make_editor_cursor, (2000, 4000, 8000, 16000)),
    Shape("editor-change", make_editor_change, (200, 400, 800, 1600)),
)}


# -- timing ---------------------------------------------------------------------------------------------


def cpu_seconds(run: Run, repeat: int = 3) -> float:
    """The best CPU time of `repeat` runs."""
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        run()
        best = min(best, time.process_time() - started)
    return best


def measure(shape: Shape, sizes: tuple[int, ...], repeat: int | None = None) -> list[tuple[int, float]]:
    """(size, seconds) for each size; one untimed run of the smallest first warms the caches
    (imports, the compiled schema), so that the first size is not charged for them."""
    with tempfile.TemporaryDirectory(prefix=f"rtcfg-scaling-{shape.name}-") as temp:
        folder = project(Path(temp))
        shape.make(project(folder / "warm-up"), min(sizes))()
        return [(n, cpu_seconds(shape.make(folder, n), repeat or shape.repeat)) for n in sizes]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shape", action="append", choices=sorted(SHAPES),
                        help="a shape to measure (repeatable); default: all")
    parser.add_argument("--sizes", help="comma-separated sizes, e.g. 1000,2000,4000; default: each shape's own")
    parser.add_argument("--repeat", type=int, help="runs per size, the best reported (default: 3, 1 for huge-report)")
    parser.add_argument("--list", action="store_true", help="list the shapes and their default sizes")
    args = parser.parse_args()
    if args.list:
        for shape in SHAPES.values():
            print(f"{shape.name:<14} {', '.join(map(str, shape.sizes))}")
        return 0
    sizes = tuple(int(size) for size in args.sizes.split(",")) if args.sizes else None
    print(f"{'shape':<14} {'size':>8} {'seconds':>10} {'x size':>7} {'ratio':>7}")
    for name in args.shape or SHAPES:
        shape = SHAPES[name]
        previous = None
        for n, seconds in measure(shape, sizes or shape.sizes, args.repeat):
            growth = factor = ""
            if previous is not None:
                factor = f"{n / previous[0]:.1f}"
                growth = f"{seconds / previous[1]:.1f}" if previous[1] > 0 else "-"
            print(f"{name:<14} {n:>8} {seconds:>10.4f} {factor:>7} {growth:>7}", flush=True)
            previous = (n, seconds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
