"""The rtcfg command line: flags and [tool.rtcfg] turned into pipeline options, the pipeline
(realtime_cfg/pipeline.py) run, and a reporter picked.

Exit codes: 0 success (valid / no differences), 1 invalid config (or, for
`diff`, different), 2 usage or I/O error (or, for `diff`, an input that could not
be compared). No Python traceback ever reaches the user.
"""

from __future__ import annotations

import functools
import os
import sys
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from ..version import __version__
from . import options as declared
from .common import (UsageError, check_code, check_codes, check_today, emit, limits, pipeline_options, project,
                     say)
from .options import Auth, FailOn, PayloadFormat, ReportFormat, Target, TextOrJson
from .validating import configs, finish, result

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


class _Command(typer.core.TyperCommand):
    """A command whose UsageError (raised by the code it shares with fast.py) is shown as
    click shows a bad parameter: the usage, then "Invalid value for '--option': ...", exit 2."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except UsageError as error:
            raise typer.BadParameter(error.message, ctx=ctx, param_hint=error.hint) from None


command = functools.partial(app.command, cls=_Command)


def show_usage_error(args: list[str], error: UsageError) -> None:
    """Show a UsageError raised under fast.py exactly as the typer command shows it: the
    command line is read by click (cheap next to the error) for the usage line."""
    group = typer.main.get_command(app)
    try:  # resilient: the command line was read once already; it is not checked again
        with group.make_context("rtcfg", args[:1], resilient_parsing=True) as root:
            subcommand = group.get_command(root, args[0])
            with subcommand.make_context(args[0], list(args[1:]), parent=root, resilient_parsing=True) as context:
                typer.BadParameter(error.message, ctx=context, param_hint=error.hint).show()
    except Exception:  # noqa: BLE001 - the message without the usage rather than none
        say(f"rtcfg: {error.hint + ': ' if error.hint else ''}{error.message}")
    raise SystemExit(2)


def _parameter(option: declared.Option):
    """The typer parameter for an option declared in cli/options.py."""
    if option.kind == declared.ARGUMENTS:
        return typer.Argument(..., help=option.help, show_default=option.show_default)
    # readable=False: click would refuse an existing --output-file it cannot read, which the
    # fast reader does not check (and writing the report does not need)
    return typer.Option(option.default, *option.flags, help=option.help, metavar=option.metavar,
                        show_default=option.show_default, readable=False)


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
    check_today()


@command(epilog="""Examples:

  rtcfg validate session.yaml

  rtcfg validate configs/ agents/*.json

  cat session.yaml | rtcfg validate -

  rtcfg validate --format sarif --output-file rtcfg.sarif configs/

  rtcfg validate --format github --fail-on warning configs/

Suppress a finding with a comment on its line, `# rtcfg: ignore[R005]`, or for the whole
project with `ignore = ["R005"]` in [tool.rtcfg] of pyproject.toml.""")
def validate(
    paths: List[str] = _parameter(declared.PATHS),
    format: ReportFormat = _parameter(declared.REPORT_FORMAT),
    output_file: Optional[Path] = _parameter(declared.OUTPUT_FILE),
    target: Optional[Target] = _parameter(declared.TARGET),
    strict: Optional[bool] = _parameter(declared.STRICT),
    fail_on: FailOn = _parameter(declared.FAIL_ON),
    ignore: Optional[List[str]] = _parameter(declared.IGNORE),
    quiet: bool = _parameter(declared.QUIET),
    show_statistics: bool = _parameter(declared.STATISTICS),
    overrides: Optional[List[str]] = _parameter(declared.OVERRIDES),
    no_env: bool = _parameter(declared.NO_ENV),
    allow_outside_root: bool = _parameter(declared.ALLOW_OUTSIDE_ROOT),
    max_bytes: int = _parameter(declared.MAX_BYTES),
    jobs: Optional[int] = _parameter(declared.JOBS),
    fix: bool = _parameter(declared.FIX),
    unsafe_fixes: bool = _parameter(declared.UNSAFE_FIXES),
    show_diff: bool = _parameter(declared.VALIDATE_DIFF),
) -> None:
    """Check configs (flat or GA-shaped, built from their parts) and report every problem at file:line:col."""
    from .validating import validate as run_validate

    run_validate(paths=paths, format=format, output_file=output_file, target=target, strict=strict,
                 fail_on=fail_on, ignore=ignore, quiet=quiet, show_statistics=show_statistics, overrides=overrides,
                 no_env=no_env, allow_outside_root=allow_outside_root, max_bytes=max_bytes, jobs=jobs, fix=fix,
                 unsafe_fixes=unsafe_fixes, show_diff=show_diff)


@command(epilog="""Examples:

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
    format: ReportFormat = _parameter(declared.REPORT_FORMAT),
    output_file: Optional[Path] = _parameter(declared.OUTPUT_FILE),
    target: Optional[Target] = typer.Option(
        None, "--target", "-t", show_default=False,
        help="Wire shape to send. Default: the endpoint's (GA for client_secrets and OpenAI; beta for Azure's "
             "preview), else [tool.rtcfg] target, else the file's own."),
    strict: Optional[bool] = _parameter(declared.STRICT),
    fail_on: FailOn = _parameter(declared.FAIL_ON),
    ignore: Optional[List[str]] = typer.Option(None, "--ignore", show_default=False, metavar="CODE",
                                               help="Do not report this code (repeatable); adds to [tool.rtcfg] "
                                               "ignore. A config with an error is not sent: ignore its code to ask "
                                               "the server about it."),
    quiet: bool = _parameter(declared.QUIET),
    overrides: Optional[List[str]] = _parameter(declared.OVERRIDES),
    no_env: bool = _parameter(declared.NO_ENV),
    allow_outside_root: bool = _parameter(declared.ALLOW_OUTSIDE_ROOT),
    max_bytes: int = _parameter(declared.MAX_BYTES),
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
    ignored = check_codes(ignore)
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
        say(f"rtcfg: {exc}")
        raise typer.Exit(2)
    report = Report(fail_on=fail_on.value, endpoint=server.shown)
    stdout_used = show_effective or show_diff
    text = (TextReporter(Printer(sys.stderr) if stdout_used else Printer(), quiet)
            if format is ReportFormat.text or output_file else None)
    found = []  # (path, checked, its options, None), or (path, None, None, the FileResult of bad settings)
    for path, options, problem in configs(paths, report, output_file, quiet, target, strict, ignored,
                                          limits(max_bytes), no_env, allow_outside_root, overrides,
                                          shape=server.shape):
        try:
            checked = pipeline.check(path, options) if options else None
        except OverrideError as exc:
            raise typer.BadParameter(str(exc), param_hint="--set") from None
        found.append((path, checked, options, problem))
    try:
        asked = iter(pipeline.ask_server([(checked, options) for _, checked, options, _ in found if checked],
                                         server, key, connect_timeout=connect_timeout, timeout=timeout,
                                         retries=retries, jobs=jobs))
    except ImportError as exc:
        if exc.name != "websockets":
            raise
        say(f"rtcfg: {exc}")
        raise typer.Exit(2)
    parts: set[str] = set()
    for path, checked, _, problem in found:
        if problem is not None:
            report.results.append(problem)
            continue
        parts |= checked.document.parts if checked.document else set()
        checked_result = result(path, checked)
        checked_result.live = pipeline.answer(next(asked), show_effective, key)
        report.results.append(checked_result)
    report.settle(parts)
    if stdout_used:
        from ..report.live import effective_text

        sys.stdout.write(effective_text(report.results, show_effective, show_diff))
    finish(report, text, format, output_file, quiet, False)


@command(name="rules")
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


@command(epilog="""Example:

  rtcfg explain S006""")
def explain(code: str = typer.Argument(..., help="A rule code, such as S001.", show_default=False)) -> None:
    """Print why a rule matters, with a bad and a good example."""
    from ..check.registry import RULES
    from ..report.text import explanation

    typer.echo(explanation(RULES[check_code(code, "CODE")]))


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


@command(epilog="""Examples:

  rtcfg render session.yaml

  rtcfg render session.yaml --format yaml

  rtcfg render session.yaml --envelope --event-id evt_boot_1 -o build/session.json

  rtcfg render session.yaml --diff""")
def render(
    path: str = typer.Argument(..., help="Config file, or - for stdin.", show_default=False),
    format: PayloadFormat = typer.Option(PayloadFormat.json, "--format", "-f", help="Output format."),
    target: Optional[Target] = _parameter(declared.TARGET),
    strict: Optional[bool] = _parameter(declared.STRICT),
    envelope: bool = typer.Option(False, "--envelope", help="Wrap the session as a session.update client event."),
    event_id: Optional[str] = typer.Option(None, "--event-id", help="event_id of the envelope (implies --envelope)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to this file (atomically) instead of stdout."),
    show_diff: bool = typer.Option(False, "--diff", help="Show what normalization changes against the file as written."),
    show_origins: bool = typer.Option(False, "--explain", help="Instead of the payload, show where each field "
                                      "came from: file:line, include, environment, --set or default."),
    defaults: bool = typer.Option(False, "--with-defaults", help="Write out the server's defaults for the target "
                                  "for every field the config leaves out."),
    overrides: Optional[List[str]] = _parameter(declared.OVERRIDES),
    no_env: bool = _parameter(declared.NO_ENV),
    allow_outside_root: bool = _parameter(declared.ALLOW_OUTSIDE_ROOT),
    max_bytes: int = _parameter(declared.MAX_BYTES),
) -> None:
    """Print the exact payload the application sends, in canonical form (or, with
    --explain, where each of its fields came from)."""
    from .. import pipeline
    from ..output.payload import serialize

    if (show_diff or show_origins) and output is not None:
        raise typer.BadParameter("--diff and --explain print a report; they cannot be combined with --output")
    settings = project(path, target, strict)
    checked = _check(path, pipeline_options(settings, limits(max_bytes), no_env, allow_outside_root, overrides))
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
    emit(serialize(result, format.value), output)


@command(name="diff", epilog="""Examples:

  rtcfg diff staging.yaml production.yaml

  rtcfg diff --format json old.json new.yaml""")
def diff_command(
    old: str = typer.Argument(..., help="The first config.", show_default=False),
    new: str = typer.Argument(..., help="The second config.", show_default=False),
    target: Optional[Target] = typer.Option(
        None, "--target", "-t", show_default=False,
        help="Compare the payloads rendered for this target. Default: [tool.rtcfg] target, else the files' "
             "shape if they share one, else ga."),
    strict: Optional[bool] = _parameter(declared.STRICT),
    format: TextOrJson = typer.Option(TextOrJson.text, "--format", "-f", help="Output format."),
    no_env: bool = _parameter(declared.NO_ENV),
    allow_outside_root: bool = _parameter(declared.ALLOW_OUTSIDE_ROOT),
    max_bytes: int = _parameter(declared.MAX_BYTES),
) -> None:
    """Compare two configs field by field after normalization (tools matched by name).

    A flat (beta) file and a GA file that mean the same thing have no differences.
    Exit 0 when they are the same, 1 when they differ, 2 when either cannot be read or is invalid.
    """
    import json

    from .. import pipeline
    from ..source.document import LoadError

    settings = project(old, target, strict)
    documents = []
    for path in (old, new):  # each built with its own project's settings (diff takes no --set)
        try:
            documents.append(pipeline.load(path, pipeline_options(project(path), limits(max_bytes), no_env,
                                                          allow_outside_root).build))
        except LoadError as exc:
            _reported(pipeline.Checked(pipeline.report_name(path), None, exc.diagnostics), exit_code=2)
    # both checked for one target, with the first file's project settings (ignore, known)
    options = pipeline_options(settings, limits(max_bytes), no_env, allow_outside_root).but(
        target=settings.target or pipeline.comparison_target(*documents))
    checked = [_reported(pipeline.check_document(document, options), exit_code=2) for document in documents]
    changes = pipeline.changes(*checked)
    if format is TextOrJson.json:
        sys.stdout.write(_shown(json.dumps([c.to_dict() for c in changes], indent=2, ensure_ascii=False) + "\n",
                                *documents, json_text=True))
    else:
        _print_changes(changes, "No differences.", *documents)
    raise typer.Exit(1 if changes else 0)


@command(epilog="""Examples:

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
        emit(bundle_text(shape), output)
        return
    from ..schema.views import SHAPE_SCHEMAS, schema_text

    if shape not in SHAPE_SCHEMAS:
        raise typer.BadParameter(f"{shape!r}: choose one of {', '.join(SHAPE_SCHEMAS)} (or use --bundle)",
                                 param_hint="--shape")
    emit(schema_text(SHAPE_SCHEMAS[shape]), output)


@command(epilog="""Examples:

  rtcfg migrate session.yaml                      # print the GA-shaped config

  rtcfg migrate session.yaml -o session.ga.yaml   # write it (atomically)

  rtcfg migrate session.ga.yaml --to beta         # back to the flat beta shape""")
def migrate(
    path: str = typer.Argument(..., help="Config file, or - for stdin.", show_default=False),
    to: Target = typer.Option(Target.ga, "--to", help="The shape to write."),
    format: Optional[PayloadFormat] = typer.Option(None, "--format", "-f", show_default=False,
                                                   help="Output format. Default: the input's (yaml or json)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to this file (atomically) instead of stdout."),
    strict: Optional[bool] = _parameter(declared.STRICT),
    no_env: bool = _parameter(declared.NO_ENV),
    allow_outside_root: bool = _parameter(declared.ALLOW_OUTSIDE_ROOT),
    max_bytes: int = _parameter(declared.MAX_BYTES),
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

    settings = project(path, None, strict)
    options = pipeline_options(settings, limits(max_bytes), no_env, allow_outside_root).but(target=to.value)
    checked = _check(path, options)
    document = checked.document
    try:
        session, notes = pipeline.migrate(checked, to.value)
    except pipeline.LeakError as exc:  # a value moved where its ${VAR} could not be put back
        say(f"rtcfg: {exc}; nothing written. Migrate with --no-env, then put the environment back by hand")
        raise typer.Exit(2)
    fmt = format.value if format else document.format
    text = serialize(session, fmt)
    if fmt == "yaml":
        text = modeline(document.text, to.value) + text
    emit(text, output)
    shapes = f"{display_name(document.shape)} shape to the {display_name(to.value)} shape"
    if document.shape == to.value:
        say(f"rtcfg: {document.name} is already in the {display_name(to.value)} shape; "
             "written in canonical form")
    else:
        say(f"rtcfg: migrated {document.name} from the {shapes}:")
        for note in notes:
            typer.echo(_shown(f"  {note}", document), err=True)


class Preset(str, Enum):
    voice_agent = "voice-agent"
    text = "text"
    telephony = "telephony"
    transcription = "transcription"


@command(epilog="""Examples:

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
                say(f"rtcfg: {beside} is a broken symlink; not overwritten, so the editor finds no "
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
        say(f"rtcfg: wrote {', '.join(written)}; next: rtcfg validate {path}")
    for problem in failed:
        say(f"rtcfg: {problem}")
    if failed:
        raise typer.Exit(2)


@command(epilog="""Needs the optional extra: pip install 'rtcfg[lsp]'. Set-up for VS Code, Neovim and
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
        say("rtcfg server needs the language-server extra: pip install 'rtcfg[lsp]'")
        raise typer.Exit(2)
    serve()


def main() -> None:
    """The command line read by typer alone, every one of it (`rtcfg` itself is realtime_cfg.main,
    which reads the pre-commit hook's command lines without typer first: cli/fast.py). See
    realtime_cfg.cli.process for signals, streams and exit codes."""
    from .process import run

    run(lambda: app(prog_name="rtcfg"))
