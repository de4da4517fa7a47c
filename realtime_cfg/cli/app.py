"""The rtcfg command line: flags and [tool.rtcfg] turned into pipeline options, the pipeline
(realtime_cfg/pipeline.py) run, and a reporter picked.

Exit codes: 0 success (valid / no differences), 1 invalid config (or, for
`diff`, different), 2 usage or I/O error (or, for `diff`, an input that could not
be compared). No Python traceback ever reaches the user.
"""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from ..version import __version__
from ..targets import TARGETS

app = typer.Typer(
    name="rtcfg",
    help="Validate, normalize, render and diff OpenAI Realtime API session configs (YAML or JSON).\n\n"
         "Exit codes: 0 ok, 1 invalid config (diff: the configs differ), 2 usage or I/O error.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain (click) help and usage errors: rendering them with rich costs about 80 ms of
    # start-up for `rtcfg --help`, and plain text reads the same in a pipe or a CI log.
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class ReportFormat(str, Enum):
    text = "text"
    json = "json"
    github = "github"
    sarif = "sarif"
    junit = "junit"


class TextOrJson(str, Enum):
    text = "text"
    json = "json"


class FailOn(str, Enum):
    error = "error"
    warning = "warning"


class PayloadFormat(str, Enum):
    json = "json"
    yaml = "yaml"


# --target and --shape take the names of the targets (realtime_cfg/targets)
Target = Enum("Target", {name: name for name in TARGETS}, type=str)


TARGET_HELP = ("Wire shape: beta (flat, OpenAI-Beta header; Azure's beta endpoint) or ga (OpenAI's endpoint). "
               "Default: [tool.rtcfg] target, else the file's own shape.")
STRICT_HELP = "Make a field the target would leave out (temperature for GA) an error. Default: [tool.rtcfg] strict."


def _version(value: bool) -> None:
    if value:
        typer.echo(f"rtcfg {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    """Options that apply before any command."""
    if "RTCFG_TODAY" in os.environ:  # the day R015 compares shutdown dates with (tests, what-ifs)
        from ..check.rules.open_sets import today

        try:
            today()
        except ValueError as exc:
            _say(f"rtcfg: {exc}")
            raise typer.Exit(2)


MAX_BYTES_HELP = "Refuse files larger than this many bytes."
NO_ENV_HELP = "Leave ${VAR} as written instead of reading the environment."
OUTSIDE_HELP = ("Let extends and $file name files outside the project root (absolute paths, .. or symlinks "
                "out). Default: [tool.rtcfg] allow-outside-root.")
SET_HELP = "Override a field after building: path=value, the value read as YAML (repeatable)."


def _project(path: str, target: Optional[Target] = None, strict: Optional[bool] = None,
             ignore: Optional[List[str]] = None, exit_on_error: bool = True):
    """The settings for a config file: its [tool.rtcfg] table, overridden by command-line
    flags (an --ignore adds to the project's list). A table that cannot be used is exit 2
    with its message, or (exit_on_error off: validate, where it is one file's finding)
    SettingsError."""
    from dataclasses import replace

    from ..source.settings import SettingsError, settings_for

    try:
        settings = settings_for(path)
    except SettingsError as exc:
        if not exit_on_error:
            raise
        _say(f"rtcfg: {exc}")
        raise typer.Exit(2)
    return replace(settings, target=target.value if target else settings.target,
                   strict=settings.strict if strict is None else strict,
                   ignore=settings.ignore + tuple(ignore or ()))


def _limits(max_bytes: int):
    from ..source.document import Limits

    if max_bytes < 1:
        raise typer.BadParameter("must be at least 1", param_hint="--max-bytes")
    return Limits(max_bytes=max_bytes)


@app.command(epilog="""Examples:

  rtcfg validate session.yaml

  rtcfg validate configs/ agents/*.json

  cat session.yaml | rtcfg validate -

  rtcfg validate --format sarif --output-file rtcfg.sarif configs/

  rtcfg validate --format github --fail-on warning configs/

Suppress a finding with a comment on its line, `# rtcfg: ignore[R005]`, or for the whole
project with `ignore = ["R005"]` in [tool.rtcfg] of pyproject.toml.""")
def validate(
    paths: List[str] = typer.Argument(..., help="Config files or directories (searched for .yaml, .yml, .json); - for stdin.",
                                      show_default=False),
    format: ReportFormat = typer.Option(ReportFormat.text, "--format", "-f", help="Report format."),
    output_file: Optional[Path] = typer.Option(
        None, "--output-file", "-o", show_default=False,
        help="Write the --format report to this file (atomically); the text report still prints."),
    target: Optional[Target] = typer.Option(None, "--target", "-t", help=TARGET_HELP, show_default=False),
    strict: Optional[bool] = typer.Option(None, "--strict/--no-strict", help=STRICT_HELP, show_default=False),
    fail_on: FailOn = typer.Option(FailOn.error, "--fail-on", help="Lowest severity that makes the exit code 1."),
    ignore: Optional[List[str]] = typer.Option(None, "--ignore", show_default=False, metavar="CODE",
                                               help="Do not report this code (repeatable); adds to [tool.rtcfg] ignore."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print only the findings' first lines: no source, hints or summary."),
    show_statistics: bool = typer.Option(False, "--statistics", help="Print how many findings each code has."),
    overrides: Optional[List[str]] = typer.Option(None, "--set", metavar="PATH=VALUE", help=SET_HELP,
                                                  show_default=False),
    no_env: bool = typer.Option(False, "--no-env", help=NO_ENV_HELP),
    allow_outside_root: bool = typer.Option(False, "--allow-outside-root", help=OUTSIDE_HELP),
    max_bytes: int = typer.Option(1024 * 1024, "--max-bytes", help=MAX_BYTES_HELP),
    fix: bool = typer.Option(False, "--fix", help="Apply the safe fixes ([*]) in place, keeping comments, order and "
                             "quoting; each file is written atomically. The report shows what is left."),
    unsafe_fixes: bool = typer.Option(False, "--unsafe-fixes", help="Also apply the unsafe fixes (a guess to "
                                      "confirm: a key or value by its nearest known name, a dropped field "
                                      "removed) with --fix or --diff; alone, mark them [*]."),
    show_diff: bool = typer.Option(False, "--diff", help="Print a unified diff of what --fix would change, write "
                                   "nothing; exit 1 if there is something to fix."),
) -> None:
    """Check configs (flat or GA-shaped, built from their parts) and report every problem at file:line:col."""
    from .. import pipeline
    from ..building.overrides import OverrideError
    from ..report.model import Report
    from ..report.text import Printer, TextReporter
    from ..source.loader import STDIN

    ignored = _check_codes(ignore)
    limits = _limits(max_bytes)
    fixing = "diff" if show_diff else "fix" if fix else None
    if fixing == "fix" and STDIN in paths:
        raise typer.BadParameter("standard input cannot be fixed in place; --diff shows the fixes", param_hint="--fix")
    if fixing == "diff" and format is not ReportFormat.text and not output_file:
        raise typer.BadParameter("--diff prints the diff on standard output; give the report an --output-file",
                                 param_hint="--format")
    report = Report(fail_on=fail_on.value, unsafe_fixes=unsafe_fixes, fixing=fixing)
    # text goes to stdout unless a machine format does (and then nothing else may); with
    # --diff, the diff goes to stdout and the text report to stderr
    printer = Printer(sys.stderr) if fixing == "diff" else Printer()
    text = (TextReporter(printer, quiet, show_statistics, unsafe_fixes)
            if format is ReportFormat.text or output_file else None)
    parts: set[str] = set()
    fixes = pipeline.FixRun(fixing == "diff", unsafe_fixes) if fixing else None
    for path, options, problem in _configs(paths, report, output_file, quiet, target, strict, ignored, limits,
                                           no_env, allow_outside_root, overrides):
        if problem:
            report.results.append(problem)
            continue
        try:
            if fixes:
                checked, fixed = fixes.fix(path, options)
                report.fixed += fixed
            else:
                checked = pipeline.check(path, options)
        except OverrideError as exc:
            raise typer.BadParameter(str(exc), param_hint="--set") from None
        parts |= checked.document.parts if checked.document else set()
        report.results.append(_result(path, checked))
    report.settle(parts)
    if fixing == "diff":
        sys.stdout.write(fixes.diff())
    _finish(report, text, format, output_file, quiet, show_statistics)


class Auth(str, Enum):
    bearer = "bearer"
    api_key = "api-key"


@app.command(epilog="""Examples:

  OPENAI_API_KEY=... rtcfg check --live session.yaml

  rtcfg check --live --diff configs/                   # sent vs what the server applied

  rtcfg check --live --show-effective session.yaml     # the effective session (masked)

  AZURE_OPENAI_API_KEY=... rtcfg check --live --endpoint \
    'wss://RESOURCE.openai.azure.com/openai/v1/realtime?model=DEPLOYMENT' session.yaml

What it sends and costs (no model output is generated: no audio, no response.create): README,
"Ask the real server". Needs the extra rtcfg[live] for wss:// endpoints only.""")
def check(
    paths: List[str] = typer.Argument(..., help="Config files or directories (searched for .yaml, .yml, .json); - for stdin.",
                                      show_default=False),
    live: bool = typer.Option(False, "--live", help="Send each config without errors, rendered as `render` renders "
                              "it, to a real server, and report what it rejected and what it applied differently "
                              "(required: the check talks to a server)."),
    endpoint: Optional[str] = typer.Option(
        None, "--endpoint", metavar="URL", show_default=False,
        help="https://.../client_secrets (POST, GA sessions) or wss://... (session.update: Azure's "
             "/openai/v1/realtime?model=DEPLOYMENT or /openai/realtime?api-version=...&deployment=..., or a compatible "
             "server). Default: OpenAI's https://api.openai.com/v1/realtime/client_secrets."),
    auth: Optional[Auth] = typer.Option(None, "--auth", show_default=False,
                                        help="How the key is sent: bearer (Authorization header) or api-key (Azure's "
                                        "header). Default: api-key for Azure OpenAI hosts and URLs whose path starts "
                                        "with /openai/ (Azure's forms, also behind a gateway), else bearer."),
    api_key_env: Optional[str] = typer.Option(
        None, "--api-key-env", metavar="NAME", show_default=False,
        help="The environment variable holding the key. Default: OPENAI_API_KEY for OpenAI, AZURE_OPENAI_API_KEY "
             "for Azure; other servers need it named."),
    timeout: float = typer.Option(30.0, "--timeout", metavar="SECONDS", help="Wait this long for an answer once "
                                  "connected."),
    connect_timeout: float = typer.Option(10.0, "--connect-timeout", metavar="SECONDS", help="Wait this long for a "
                                          "connection."),
    retries: int = typer.Option(2, "--retries", help="Ask again this many times after a 408, 409, 429 or 5xx, a "
                                "refused or dropped connection, or a WebSocket closed as 'try again', with "
                                "backoff (never after a timeout, a DNS or a TLS failure)."),
    jobs: int = typer.Option(4, "--jobs", "-j", help="Configs asked at once (1-8)."),
    show_effective: bool = typer.Option(False, "--show-effective", help="Print the effective session each server "
                                        "answered (secrets masked) on standard output."),
    show_diff: bool = typer.Option(False, "--diff", help="Print what was sent against what the server applied, field "
                                   "by field like `rtcfg diff`, on standard output."),
    format: ReportFormat = typer.Option(ReportFormat.text, "--format", "-f", help="Report format."),
    output_file: Optional[Path] = typer.Option(
        None, "--output-file", "-o", show_default=False,
        help="Write the --format report to this file (atomically); the text report still prints."),
    target: Optional[Target] = typer.Option(
        None, "--target", "-t", show_default=False,
        help="Wire shape to send. Default: the endpoint's (GA for client_secrets and OpenAI; beta for Azure's "
             "preview), else [tool.rtcfg] target, else the file's own."),
    strict: Optional[bool] = typer.Option(None, "--strict/--no-strict", help=STRICT_HELP, show_default=False),
    fail_on: FailOn = typer.Option(FailOn.error, "--fail-on", help="Lowest severity that makes the exit code 1."),
    ignore: Optional[List[str]] = typer.Option(None, "--ignore", show_default=False, metavar="CODE",
                                               help="Do not report this code (repeatable); adds to [tool.rtcfg] "
                                               "ignore. A config with an error is not sent: ignore its code to ask "
                                               "the server about it."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print only the findings' first lines: no source, hints or summary."),
    overrides: Optional[List[str]] = typer.Option(None, "--set", metavar="PATH=VALUE", help=SET_HELP,
                                                  show_default=False),
    no_env: bool = typer.Option(False, "--no-env", help=NO_ENV_HELP),
    allow_outside_root: bool = typer.Option(False, "--allow-outside-root", help=OUTSIDE_HELP),
    max_bytes: int = typer.Option(1024 * 1024, "--max-bytes", help=MAX_BYTES_HELP),
) -> None:
    """Ask a real server about each config (--live): what it rejected, at file:line:col, and what it applied
    differently from what was sent. The key comes from the environment only and is never printed."""
    from .. import pipeline
    from ..building.overrides import OverrideError
    from ..report.model import Report
    from ..report.text import Printer, TextReporter

    if not live:
        raise typer.BadParameter("rtcfg check asks a real server: give --live (rtcfg validate checks without one)",
                                 param_hint="--live")
    for name, value, low, high in (("--timeout", timeout, 0.01, 600), ("--connect-timeout", connect_timeout, 0.01, 600),
                                   ("--retries", retries, 0, 5), ("--jobs", jobs, 1, 8)):
        if not low <= value <= high:
            raise typer.BadParameter(f"must be from {low:g} to {high:g}", param_hint=name)
    if (show_effective or show_diff) and format is not ReportFormat.text and not output_file:
        raise typer.BadParameter("--show-effective and --diff print on standard output; give the report an "
                                 "--output-file", param_hint="--format")
    ignored = _check_codes(ignore)
    try:
        server = pipeline.live_endpoint(endpoint, auth.value if auth else None)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--endpoint") from None
    try:  # a --target the endpoint cannot take is a usage error (the endpoint's shape is applied below)
        pipeline.live_target(server, target.value if target else None)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--target") from None
    try:
        key = pipeline.live_key(server, api_key_env, os.environ)
    except ValueError as exc:
        _say(f"rtcfg: {exc}")
        raise typer.Exit(2)
    report = Report(fail_on=fail_on.value, endpoint=server.shown)
    stdout_used = show_effective or show_diff
    text = (TextReporter(Printer(sys.stderr) if stdout_used else Printer(), quiet)
            if format is ReportFormat.text or output_file else None)
    configs = []  # (path, checked, its options, None), or (path, None, None, the FileResult of bad settings)
    for path, options, problem in _configs(paths, report, output_file, quiet, target, strict, ignored,
                                           _limits(max_bytes), no_env, allow_outside_root, overrides,
                                           shape=server.shape):
        try:
            checked = pipeline.check(path, options) if options else None
        except OverrideError as exc:
            raise typer.BadParameter(str(exc), param_hint="--set") from None
        configs.append((path, checked, options, problem))
    try:
        asked = iter(pipeline.ask_server([(checked, options) for _, checked, options, _ in configs if checked],
                                         server, key, connect_timeout=connect_timeout, timeout=timeout,
                                         retries=retries, jobs=jobs))
    except ImportError as exc:
        if exc.name != "websockets":
            raise
        _say(f"rtcfg: {exc}")
        raise typer.Exit(2)
    parts: set[str] = set()
    for path, checked, _, problem in configs:
        if problem is not None:
            report.results.append(problem)
            continue
        parts |= checked.document.parts if checked.document else set()
        result = _result(path, checked)
        result.live = pipeline.answer(next(asked), show_effective, key)
        report.results.append(result)
    report.settle(parts)
    if stdout_used:
        from ..report.live import effective_text

        sys.stdout.write(effective_text(report.results, show_effective, show_diff))
    _finish(report, text, format, output_file, quiet, False)


def _check_codes(ignore: Optional[List[str]]) -> list[str]:
    """--ignore's codes (comma-separated or repeated), each one that can be suppressed."""
    return [_check_code(code, "--ignore", suppressible=True)
            for option in ignore or () for code in option.split(",") if code.strip()]


def _configs(paths: List[str], report, output_file: Optional[Path], quiet: bool, target, strict, ignored: list,
             limits, no_env: bool, allow_outside_root: bool, overrides, shape: Optional[str] = None):
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
    for folder in found.empty:
        report.results.append(FileResult(folder, [no_configs_in(folder)]))
    if found.hidden and not quiet:
        shown = ", ".join(found.hidden[:5]) + (f" and {len(found.hidden) - 5:,} more" if len(found.hidden) > 5 else "")
        _say(f"rtcfg: skipped hidden folders (name one to check it): {shown}")
    if output_file and os.path.realpath(output_file) in {os.path.realpath(f) for f in found.files if f != STDIN}:
        raise typer.BadParameter(f"{output_file} is one of the configs to check; name another file",
                                 param_hint="--output-file")
    for path in found.files:
        try:
            settings = _project(path, target, strict, ignored, exit_on_error=False)
        except SettingsError as exc:  # this file's finding; the run goes on
            name = pipeline.report_name(path)
            yield path, None, FileResult(name, [bad_settings(name, str(exc))])
            continue
        options = _options(settings, limits, no_env, allow_outside_root, overrides,
                           confine_source=path in found.walked)
        yield path, options.but(target=shape) if shape else options, None


def _result(path: str, checked):
    from ..report.model import FileResult
    from ..source.loader import STDIN

    return FileResult(checked.name, checked.findings, checked.suppressed,
                      None if path == STDIN else os.path.realpath(path))


def _finish(report, text, format: ReportFormat, output_file: Optional[Path], quiet: bool, statistics: bool) -> None:
    """Print the text report (`text`: its reporter, if one prints), write the --format report
    (to stdout, or to --output-file), and exit with the run's code."""
    if text:
        for result in report.results:
            text.file(result)
        text.finish(report)
    if format is not ReportFormat.text or output_file:
        from ..report.machine import FORMATS
        from ..report.text import render_text

        rendered = (FORMATS[format.value](report) if format is not ReportFormat.text
                    else render_text(report, quiet, statistics))
        _emit(rendered, output_file)
    raise typer.Exit(report.exit_code)


def _say(message: str) -> None:
    """One `rtcfg: ...` line on stderr; it may quote a path or a setting, so terminal controls
    in them are shown replaced, as in every report."""
    from ..report.masking import printable

    typer.echo(printable(message), err=True)


def _check_code(code: str, option: str, suppressible: bool = False) -> str:
    """The rule code, upper-cased; a usage error if there is no such code (or, where it is
    to be suppressed, if it cannot be)."""
    from ..check.registry import RULES
    from ..check.suppression import why_unsuppressible

    code = code.strip().upper()
    if code not in RULES:
        raise typer.BadParameter(f"{code[:20]!r} is no rule code; `rtcfg rules` lists them", param_hint=option)
    if suppressible and why_unsuppressible(code):
        raise typer.BadParameter(f"{code} cannot be ignored: {why_unsuppressible(code)}", param_hint=option)
    return code


@app.command(name="rules")
def rules_command(
    format: TextOrJson = typer.Option(TextOrJson.text, "--format", "-f", help="Output format."),
) -> None:
    """List every rule code with its severity, the fixes its findings can carry (safe: applied by
    `validate --fix`; unsafe: also needs --unsafe-fixes), its name and what it checks."""
    import json

    from ..check.registry import RULES

    if format is TextOrJson.json:
        sys.stdout.write(json.dumps([{"code": r.code, "name": r.name, "severity": r.severity, "summary": r.summary,
                                      "fixes": list(r.fixes)} for r in RULES.values()], indent=2) + "\n")
        return
    for rule in RULES.values():  # the fix column: which kinds of fix its findings can carry
        fixes = "+".join(rule.fixes) or "-"
        typer.echo(f"{rule.code}  {rule.severity:<7}  {fixes:<11}  {rule.name:<24}  {rule.summary}")


@app.command(epilog="""Example:

  rtcfg explain S006""")
def explain(code: str = typer.Argument(..., help="A rule code, such as S001.", show_default=False)) -> None:
    """Print why a rule matters, with a bad and a good example."""
    from ..check.registry import RULES
    from ..report.text import explanation

    typer.echo(explanation(RULES[_check_code(code, "CODE")]))


def _options(settings, limits, no_env: bool, allow_outside_root: bool, overrides=None,
             confine_source: bool = False):
    """The pipeline's options: the flags, else the config's [tool.rtcfg] settings."""
    from .. import pipeline
    from ..building.builder import BuildOptions

    build = BuildOptions(interpolate=not no_env, overrides=tuple(overrides or ()),
                         allow_outside_root=allow_outside_root or settings.allow_outside_root,
                         limits=limits, confine_source=confine_source)
    return pipeline.Options(settings.target, settings.strict, settings.ignore, settings.known, build)


def _reported(checked, exit_code: int = 1):
    """A checked config whose payload is wanted: its findings go to stderr (the payload goes
    to stdout); exit if it could not be built (2 if it could not be read) or has errors."""
    from ..report.text import Printer, print_text

    print_text(checked.findings, Printer(sys.stderr))
    if checked.document is None:
        raise typer.Exit(2 if checked.unreadable else exit_code)
    if checked.errors:
        raise typer.Exit(exit_code)
    return checked


def _check(path: str, options, exit_code: int = 1):
    """Load, build, check and suppress one config through the pipeline, then `_reported`."""
    from .. import pipeline
    from ..building.overrides import OverrideError

    try:
        return _reported(pipeline.check(path, options, contain_bugs=False), exit_code)
    except OverrideError as exc:
        raise typer.BadParameter(str(exc), param_hint="--set") from None


def _emit(text: str, output: Optional[Path]) -> None:
    """Print text, or write it atomically to `output` (exit 2 if that fails)."""
    from ..output.files import write_atomic

    if output is None:
        sys.stdout.write(text)
        return
    try:
        write_atomic(output, text)
    except OSError as exc:
        _say(f"rtcfg: cannot write {output}: {exc.strerror or exc}")
        raise typer.Exit(2)


def _shown(text: str, *documents, json_text: bool = False) -> str:
    """Text that quotes config values, made safe to print (report/masking.py: shown)."""
    from ..report.masking import shown

    return shown(text, {k: v for d in documents for k, v in d.redactions.items()}, json_text)


def _print_changes(changes: list, when_none: str, *documents) -> None:
    from ..output.diffing import format_changes
    from ..report.text import Printer

    printer = Printer()
    if not changes:
        printer.line(when_none)
        return
    printer.emit(_shown(format_changes(changes), *documents),
                 _shown(format_changes(changes, color=True), *documents) if printer.color else None)


@app.command(epilog="""Examples:

  rtcfg render session.yaml

  rtcfg render session.yaml --format yaml

  rtcfg render session.yaml --envelope --event-id evt_boot_1 -o build/session.json

  rtcfg render session.yaml --diff""")
def render(
    path: str = typer.Argument(..., help="Config file, or - for stdin.", show_default=False),
    format: PayloadFormat = typer.Option(PayloadFormat.json, "--format", "-f", help="Output format."),
    target: Optional[Target] = typer.Option(None, "--target", "-t", help=TARGET_HELP, show_default=False),
    strict: Optional[bool] = typer.Option(None, "--strict/--no-strict", help=STRICT_HELP, show_default=False),
    envelope: bool = typer.Option(False, "--envelope", help="Wrap the session as a session.update client event."),
    event_id: Optional[str] = typer.Option(None, "--event-id", help="event_id of the envelope (implies --envelope)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to this file (atomically) instead of stdout."),
    show_diff: bool = typer.Option(False, "--diff", help="Show what normalization changes against the file as written."),
    show_origins: bool = typer.Option(False, "--explain", help="Instead of the payload, show where each field "
                                      "came from: file:line, include, environment, --set or default."),
    defaults: bool = typer.Option(False, "--with-defaults", help="Write out the server's defaults for the target "
                                  "for every field the config leaves out."),
    overrides: Optional[List[str]] = typer.Option(None, "--set", metavar="PATH=VALUE", help=SET_HELP,
                                                  show_default=False),
    no_env: bool = typer.Option(False, "--no-env", help=NO_ENV_HELP),
    allow_outside_root: bool = typer.Option(False, "--allow-outside-root", help=OUTSIDE_HELP),
    max_bytes: int = typer.Option(1024 * 1024, "--max-bytes", help=MAX_BYTES_HELP),
) -> None:
    """Print the exact payload the application sends, in canonical form (or, with
    --explain, where each of its fields came from)."""
    from .. import pipeline
    from ..output.payload import serialize

    if (show_diff or show_origins) and output is not None:
        raise typer.BadParameter("--diff and --explain print a report; they cannot be combined with --output")
    settings = _project(path, target, strict)
    checked = _check(path, _options(settings, _limits(max_bytes), no_env, allow_outside_root, overrides))
    session, filled = pipeline.session(checked, with_defaults=defaults)
    if show_origins:
        from ..output.provenance import format_origins

        sys.stdout.write(_shown(format_origins(pipeline.origins(checked, session, filled)), checked.document))
        return
    if show_diff:
        _print_changes(pipeline.rewritten(checked, session),
                       "No changes: the rendered payload keeps every value as written.", checked.document)
        return
    try:
        result = pipeline.event(session, event_id) if envelope or event_id is not None else session
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--event-id") from None
    _emit(serialize(result, format.value), output)


@app.command(name="diff", epilog="""Examples:

  rtcfg diff staging.yaml production.yaml

  rtcfg diff --format json old.json new.yaml""")
def diff_command(
    old: str = typer.Argument(..., help="The first config.", show_default=False),
    new: str = typer.Argument(..., help="The second config.", show_default=False),
    target: Optional[Target] = typer.Option(
        None, "--target", "-t", show_default=False,
        help="Compare the payloads rendered for this target. Default: [tool.rtcfg] target, else the files' "
             "shape if they share one, else ga."),
    strict: Optional[bool] = typer.Option(None, "--strict/--no-strict", help=STRICT_HELP, show_default=False),
    format: TextOrJson = typer.Option(TextOrJson.text, "--format", "-f", help="Output format."),
    no_env: bool = typer.Option(False, "--no-env", help=NO_ENV_HELP),
    allow_outside_root: bool = typer.Option(False, "--allow-outside-root", help=OUTSIDE_HELP),
    max_bytes: int = typer.Option(1024 * 1024, "--max-bytes", help=MAX_BYTES_HELP),
) -> None:
    """Compare two configs field by field after normalization (tools matched by name).

    A flat (beta) file and a GA file that mean the same thing have no differences.
    Exit 0 when they are the same, 1 when they differ, 2 when either cannot be read or is invalid.
    """
    import json

    from .. import pipeline
    from ..source.document import LoadError

    settings = _project(old, target, strict)
    documents = []
    for path in (old, new):  # each built with its own project's settings (diff takes no --set)
        try:
            documents.append(pipeline.load(path, _options(_project(path), _limits(max_bytes), no_env,
                                                          allow_outside_root).build))
        except LoadError as exc:
            _reported(pipeline.Checked(pipeline.report_name(path), None, exc.diagnostics), exit_code=2)
    # both checked for one target, with the first file's project settings (ignore, known)
    options = _options(settings, _limits(max_bytes), no_env, allow_outside_root).but(
        target=settings.target or pipeline.comparison_target(*documents))
    checked = [_reported(pipeline.check_document(document, options), exit_code=2) for document in documents]
    changes = pipeline.changes(*checked)
    if format is TextOrJson.json:
        sys.stdout.write(_shown(json.dumps([c.to_dict() for c in changes], indent=2, ensure_ascii=False) + "\n",
                                *documents, json_text=True))
    else:
        _print_changes(changes, "No differences.", *documents)
    raise typer.Exit(1 if changes else 0)


@app.command(epilog="""Examples:

  rtcfg schema > session.schema.json

  rtcfg schema --bundle -o session.bundled.json   # self-contained: no sibling, no network

  rtcfg schema --bundle --shape any -o rtcfg.schema.json   # flat and GA-shaped files

  # first line of a config, for the YAML language server:
  # yaml-language-server: $schema=./session.schema.json""")
def schema(
    shape: str = typer.Option("beta", "--shape", metavar="[beta|ga|any]",
                              help="beta: the flat authoring format; ga: GA-shaped files (without --bundle it refers "
                              "to session.schema.json, which must sit beside it; bundled, it needs nothing); any "
                              "(--bundle only): either shape, told apart as rtcfg does (a file with type, audio or "
                              "output_modalities is GA-shaped)."),
    bundle: bool = typer.Option(False, "--bundle", help="Print one self-contained schema: no $ref to another file "
                                "or to json-schema.org, plus what editors show (markdown hovers with ranges, defaults "
                                "and targets; warnings for retiring models and for names that belong elsewhere). "
                                "rtcfg itself validates with the unbundled files."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to this file (atomically) instead of stdout."),
) -> None:
    """Print the JSON Schema that drives validation, for editors."""
    if bundle:
        from ..schema.bundle import SHAPES, bundle_text

        if shape not in SHAPES:
            raise typer.BadParameter(f"{shape!r}: choose one of {', '.join(SHAPES)}", param_hint="--shape")
        _emit(bundle_text(shape), output)
        return
    from ..schema.views import SHAPE_SCHEMAS, schema_text

    if shape not in SHAPE_SCHEMAS:
        raise typer.BadParameter(f"{shape!r}: choose one of {', '.join(SHAPE_SCHEMAS)} (or use --bundle)",
                                 param_hint="--shape")
    _emit(schema_text(SHAPE_SCHEMAS[shape]), output)


@app.command(epilog="""Examples:

  rtcfg migrate session.yaml                      # print the GA-shaped config

  rtcfg migrate session.yaml -o session.ga.yaml   # write it (atomically)

  rtcfg migrate session.ga.yaml --to beta         # back to the flat beta shape""")
def migrate(
    path: str = typer.Argument(..., help="Config file, or - for stdin.", show_default=False),
    to: Target = typer.Option(Target.ga, "--to", help="The shape to write."),
    format: Optional[PayloadFormat] = typer.Option(None, "--format", "-f", show_default=False,
                                                   help="Output format. Default: the input's (yaml or json)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to this file (atomically) instead of stdout."),
    strict: Optional[bool] = typer.Option(None, "--strict/--no-strict", help=STRICT_HELP, show_default=False),
    no_env: bool = typer.Option(False, "--no-env", help=NO_ENV_HELP),
    allow_outside_root: bool = typer.Option(False, "--allow-outside-root", help=OUTSIDE_HELP),
    max_bytes: int = typer.Option(1024 * 1024, "--max-bytes", help=MAX_BYTES_HELP),
) -> None:
    """Rewrite a config in the GA shape (or back to the flat beta shape); report on stderr
    what moved, what changed spelling and what could not be carried over.

    Comments are not carried over (YAML comments are not part of the data), except a
    yaml-language-server modeline, which is pointed at the new shape's schema. A config
    built from parts is written whole (extends and $file resolved); a ${VAR} stays as written."""

    from .. import pipeline
    from ..output.migration import modeline
    from ..output.payload import serialize
    from ..targets import display_name

    settings = _project(path, None, strict)
    options = _options(settings, _limits(max_bytes), no_env, allow_outside_root).but(target=to.value)
    checked = _check(path, options)
    document = checked.document
    try:
        session, notes = pipeline.migrate(checked, to.value)
    except pipeline.LeakError as exc:  # a value moved where its ${VAR} could not be put back
        _say(f"rtcfg: {exc}; nothing written. Migrate with --no-env, then put the environment back by hand")
        raise typer.Exit(2)
    fmt = format.value if format else document.format
    text = serialize(session, fmt)
    if fmt == "yaml":
        text = modeline(document.text, to.value) + text
    _emit(text, output)
    shapes = f"{display_name(document.shape)} shape to the {display_name(to.value)} shape"
    if document.shape == to.value:
        _say(f"rtcfg: {document.name} is already in the {display_name(to.value)} shape; "
             "written in canonical form")
    else:
        _say(f"rtcfg: migrated {document.name} from the {shapes}:")
        for note in notes:
            typer.echo(_shown(f"  {note}", document), err=True)


class Preset(str, Enum):
    voice_agent = "voice-agent"
    text = "text"
    telephony = "telephony"
    transcription = "transcription"


@app.command(epilog="""Examples:

  rtcfg init                                   # session.yaml, a voice agent

  rtcfg init agents/phone.yaml --preset telephony

  rtcfg init --shape ga --preset text

  rtcfg init captions.yaml --preset transcription""")
def init(
    path: Path = typer.Argument(Path("session.yaml"), help="The config to create."),
    preset: Preset = typer.Option(Preset.voice_agent, "--preset", help="What kind of agent to start from."),
    shape: Optional[Target] = typer.Option(None, "--shape", show_default=False,
                                           help="beta: the flat authoring format (renders for both targets); ga: "
                                           "a GA-shaped file. Default: the preset's own (flat, but GA for the "
                                           "transcription preset, which has no flat form)."),
    schema: bool = typer.Option(True, "--schema/--no-schema", help="Also write the JSON Schema the modeline "
                                "points at beside the config, unless it is there already."),
) -> None:
    """Write a starter config with the yaml-language-server modeline. Never overwrites a file."""
    from ..output.files import write_new
    from ..schema.views import SHAPE_SCHEMAS, SESSION_SCHEMA, schema_text
    from ..output.starter import preset_shape, starter

    if path.suffix.lower() not in (".yaml", ".yml"):
        raise typer.BadParameter(f"{path}: init writes YAML (with comments and the modeline); name it .yaml or .yml",
                                 param_hint="PATH")
    chosen = shape.value if shape else preset_shape(preset.value)
    try:
        files = {path: starter(preset.value, chosen)}
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--shape") from None
    if schema:  # the GA schema refers to the flat one, so a GA file needs both
        for name in dict.fromkeys((SESSION_SCHEMA, SHAPE_SCHEMAS[chosen])):
            beside = path.parent / name
            if not os.path.lexists(beside):
                files[beside] = schema_text(name)
            elif not beside.exists():  # a symlink to nothing: left alone, but the modeline needs it
                _say(f"rtcfg: {beside} is a broken symlink; not overwritten, so the editor finds no "
                     "schema until it is fixed (`rtcfg schema -o ...`)")
    # Each file is reported as it went, truthfully: the config first (nothing else is written
    # if it cannot be), then the schemas, whose failure does not undo the config.
    written, failed = [], []
    for target, text in files.items():
        try:
            write_new(target, text)
            written.append(str(target))
        except FileExistsError:
            failed.append(f"{target} exists; not overwritten")
        except OSError as exc:
            failed.append(f"cannot write {target}: {exc.strerror or exc}")
        if failed and not written:
            break
    if written:
        _say(f"rtcfg: wrote {', '.join(written)}; next: rtcfg validate {path}")
    for problem in failed:
        _say(f"rtcfg: {problem}")
    if failed:
        raise typer.Exit(2)


@app.command(epilog="""Needs the optional extra: pip install 'rtcfg[lsp]'. Set-up for VS Code, Neovim and
others: docs/editors.md.""")
def server(
    stdio: bool = typer.Option(True, "--stdio", hidden=True, help="Speak over stdin and stdout (the only way; "
                               "accepted because editors' clients pass it)."),
) -> None:
    """Run the language server over stdio: rtcfg's findings, quick fixes, hover and completion in the editor."""
    try:
        from ..editor.server import serve
    except ImportError as exc:
        if exc.name not in ("pygls", "lsprotocol") and not str(exc.name or "").startswith(("pygls.", "lsprotocol.")):
            raise
        _say("rtcfg server needs the language-server extra: pip install 'rtcfg[lsp]'")
        raise typer.Exit(2)
    serve()


def main() -> None:
    """Entry point: run the app (see realtime_cfg.cli.process for signals, streams and exit codes)."""
    from .process import run

    run(lambda: app(prog_name="rtcfg"))
