"""What the commands share, without the command-line library (so that fast.py can run
`validate` without importing typer): usage errors, messages on stderr, a config's settings
and pipeline options, rule codes given on the command line, output to stdout or a file.

An exit is `SystemExit(code)`: click lets it through as it is, so both readers of the command
line end the same way.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import NoReturn


class UsageError(Exception):
    """A command line that cannot be run: exit 2 with click's "Invalid value for '--option':
    message" under the command's usage (app.py shows it, for either reader of the command line)."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


def say(message: str) -> None:
    """One `rtcfg: ...` line on stderr; it may quote a path or a setting, so terminal controls
    in them are shown replaced, as in every report."""
    from ..report.masking import printable

    sys.stderr.write(printable(message) + "\n")
    sys.stderr.flush()


def fail(message: str, code: int = 2) -> NoReturn:
    say(message)
    raise SystemExit(code)


def check_today() -> None:
    """RTCFG_TODAY, the day R015 compares shutdown dates with (tests, what-ifs), must be a date:
    checked before any command runs."""
    if "RTCFG_TODAY" in os.environ:
        from ..check.rules.open_sets import today

        try:
            today()
        except ValueError as exc:
            fail(f"rtcfg: {exc}")


def project(path: str, target=None, strict: bool | None = None, ignore: list[str] | None = None,
            exit_on_error: bool = True):
    """The settings for a config file: its [tool.rtcfg] table, overridden by command-line
    flags (`target`: a Target; an --ignore adds to the project's list). A table that cannot be
    used is exit 2 with its message, or (exit_on_error off: validate, where it is one file's
    finding) SettingsError."""
    from ..records import replace
    from ..source.settings import SettingsError, settings_for

    try:
        settings = settings_for(path)
    except SettingsError as exc:
        if not exit_on_error:
            raise
        fail(f"rtcfg: {exc}")
    return replace(settings, target=target.value if target else settings.target,
                   strict=settings.strict if strict is None else strict,
                   ignore=settings.ignore + tuple(ignore or ()))


def limits(max_bytes: int):
    from ..source.document import Limits

    if max_bytes < 1:
        raise UsageError("must be at least 1", "--max-bytes")
    return Limits(max_bytes=max_bytes)


def pipeline_options(settings, limits, no_env: bool, allow_outside_root: bool, overrides=None,
                     confine_source: bool = False):
    """The pipeline's options: the flags, else the config's [tool.rtcfg] settings."""
    from .. import pipeline
    from ..building.builder import BuildOptions

    build = BuildOptions(interpolate=not no_env, overrides=tuple(overrides or ()),
                         allow_outside_root=allow_outside_root or settings.allow_outside_root,
                         limits=limits, confine_source=confine_source)
    return pipeline.Options(settings.target, settings.strict, settings.ignore, settings.known, build)


def check_codes(ignore: list[str] | None) -> list[str]:
    """--ignore's codes (comma-separated or repeated), each one that can be suppressed."""
    return [check_code(code, "--ignore", suppressible=True)
            for option in ignore or () for code in option.split(",") if code.strip()]


def check_code(code: str, option: str, suppressible: bool = False) -> str:
    """The rule code, upper-cased; a usage error if there is no such code (or, where it is
    to be suppressed, if it cannot be)."""
    from ..check.registry import RULES
    from ..check.suppression import why_unsuppressible

    code = code.strip().upper()
    if code not in RULES:
        raise UsageError(f"{code[:20]!r} is no rule code; `rtcfg rules` lists them", option)
    if suppressible and why_unsuppressible(code):
        raise UsageError(f"{code} cannot be ignored: {why_unsuppressible(code)}", option)
    return code


def emit(text: str, output: Path | None) -> None:
    """Print text, or write it atomically to `output` (exit 2 if that fails)."""
    from ..output.files import write_atomic

    if output is None:
        sys.stdout.write(text)
        return
    try:
        write_atomic(output, text)
    except OSError as exc:
        fail(f"rtcfg: cannot write {output}: {exc.strerror or exc}")
