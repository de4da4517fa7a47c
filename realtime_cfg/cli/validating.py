"""`rtcfg validate`, and the part of `rtcfg check --live` that finds and checks the configs,
without the command-line library: app.py's `validate` command and fast.py both run
`validate()` here with the same keyword arguments (cli/options.py declares them).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import NoReturn

from . import workers
from .common import UsageError, check_codes, limits, pipeline_options, project, say
from .options import FILES_PER_WORKER, MAX_JOBS, ReportFormat


def validate(paths: list[str], format: ReportFormat, output_file: Path | None, target, strict: bool | None,
             fail_on, ignore: list[str] | None, quiet: bool, show_statistics: bool, overrides: list[str] | None,
             no_env: bool, allow_outside_root: bool, max_bytes: int, fix: bool, unsafe_fixes: bool,
             show_diff: bool, jobs: int | None) -> NoReturn:
    """Check configs and report; exits with the run's code."""
    from .. import pipeline
    from ..building.overrides import OverrideError
    from ..report.model import Report
    from ..report.text import Printer, TextReporter
    from ..source.loader import STDIN

    ignored = check_codes(ignore)
    file_limits = limits(max_bytes)
    if jobs is not None and not 1 <= jobs <= MAX_JOBS:
        raise UsageError(f"must be from 1 to {MAX_JOBS}", "--jobs")
    fixing = "diff" if show_diff else "fix" if fix else None
    if fixing == "fix" and STDIN in paths:
        raise UsageError("standard input cannot be fixed in place; --diff shows the fixes", "--fix")
    if fixing == "diff" and format is not ReportFormat.text and not output_file:
        raise UsageError("--diff prints the diff on standard output; give the report an --output-file", "--format")
    report = Report(fail_on=fail_on.value, unsafe_fixes=unsafe_fixes, fixing=fixing)
    # text goes to stdout unless a machine format does (and then nothing else may); with
    # --diff, the diff goes to stdout and the text report to stderr
    printer = Printer(sys.stderr) if fixing == "diff" else Printer()
    text = (TextReporter(printer, quiet, show_statistics, unsafe_fixes)
            if format is ReportFormat.text or output_file else None)
    found = list(configs(paths, report, output_file, quiet, target, strict, ignored, file_limits, no_env,
                         allow_outside_root, overrides))
    if fixing:
        fixes = pipeline.FixRun(fixing == "diff", unsafe_fixes)

        def check(path, options):
            checked, fixed = fixes.fix(path, options)
            report.fixed += fixed
            return checked_result(path, checked)
        workers_wanted = 1  # one run of fixes: its diff and its count are this process's
    else:
        def check(path, options):
            return checked_result(path, pipeline.check(path, options))
        workers_wanted = 1 if STDIN in paths else jobs or default_jobs(len(found))

    def check_one(config):
        path, options, problem = config
        return (problem, ()) if problem else check(path, options)

    parts: set[str] = set()
    try:
        for file_result, its_parts in workers.in_order(check_one, found, workers_wanted):
            report.results.append(file_result)
            parts.update(its_parts)
    except OverrideError as exc:
        raise UsageError(str(exc), "--set") from None
    report.settle(parts)
    if fixing == "diff":
        sys.stdout.write(fixes.diff())
    finish(report, text, format, output_file, quiet, show_statistics)


def default_jobs(files: int) -> int:
    """Processes for a run of `files` configs: one per CPU this process may use, as long as each
    gets FILES_PER_WORKER files; one under pre-commit, which already runs one rtcfg per CPU
    (pre-commit sets PRE_COMMIT=1 for its hooks: pre-commit 4.7.0, commands/run.py)."""
    if os.environ.get("PRE_COMMIT") == "1":
        return 1
    return max(1, min(workers.cpu_count(), files // FILES_PER_WORKER))


def checked_result(path: str, checked) -> tuple:
    """(FileResult, the files it was built from): what a worker sends back for one config."""
    parts = checked.document.parts if checked.document else ()
    return result(path, checked), tuple(parts)


def configs(paths: list[str], report, output_file: Path | None, quiet: bool, target, strict, ignored: list,
            limits, no_env: bool, allow_outside_root: bool, overrides, shape: str | None = None):
    """(path, pipeline options, None) for each config the paths name, in order, with its
    project's settings (`shape`: the target the endpoint of `check --live` decides, over the
    project's); (path, None, its FileResult) for a file whose project settings cannot be used.
    An empty folder is a finding in `report`."""
    from .. import pipeline
    from ..report.model import FileResult
    from ..source.loader import STDIN, discover
    from ..source.problems import bad_settings, no_configs_in
    from ..source.settings import SettingsError

    found = discover(paths)
    if output_file and os.path.realpath(output_file) in {os.path.realpath(f) for f in found.files if f != STDIN}:
        raise UsageError(f"{output_file} is one of the configs to check; name another file", "--output-file")
    for folder in found.empty:
        report.results.append(FileResult(folder, [no_configs_in(folder)]))
    if found.hidden and not quiet:
        shown = ", ".join(found.hidden[:5]) + (f" and {len(found.hidden) - 5:,} more" if len(found.hidden) > 5 else "")
        say(f"rtcfg: skipped hidden folders (name one to check it): {shown}")
    for path in found.files:
        try:
            settings = project(path, target, strict, ignored, exit_on_error=False)
        except SettingsError as exc:  # this file's finding; the run goes on
            name = pipeline.report_name(path)
            yield path, None, FileResult(name, [bad_settings(name, str(exc))])
            continue
        options = pipeline_options(settings, limits, no_env, allow_outside_root, overrides,
                                   confine_source=path in found.walked)
        yield path, options.but(target=shape) if shape else options, None


def result(path: str, checked):
    from ..report.model import FileResult
    from ..source.loader import STDIN

    return FileResult(checked.name, checked.findings, checked.suppressed,
                      None if path == STDIN else os.path.realpath(path))


def finish(report, text, format: ReportFormat, output_file: Path | None, quiet: bool, statistics: bool) -> NoReturn:
    """Print the text report (`text`: its reporter, if one prints), write the --format report
    (to stdout, or to --output-file), and exit with the run's code."""
    from .common import emit

    if text:
        for file_result in report.results:
            text.file(file_result)
        text.finish(report)
    if format is not ReportFormat.text or output_file:
        from ..report.machine import FORMATS
        from ..report.text import render_text

        rendered = (FORMATS[format.value](report) if format is not ReportFormat.text
                    else render_text(report, quiet, statistics))
        emit(rendered, output_file)
    raise SystemExit(report.exit_code)
