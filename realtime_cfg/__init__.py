"""rtcfg: build, validate, normalize, render and diff OpenAI Realtime session configs.

The public API (see realtime_cfg.api for the documentation of each):

    load, loads, build, validate, normalize, render, load_session, diff, migrate, check_file, fix,
    ask_server
    Document, Diagnostic, Change, FixResult, Answered, Limits, LoadError, ConfigError, RtcfgWarning

Names are imported on first use, so `import realtime_cfg` stays cheap for the CLI.
"""

from __future__ import annotations

try:  # the first code of rtcfg's that runs: Ctrl-C from here on is a message, not a traceback
    from importlib import import_module
except KeyboardInterrupt:  # pragma: no cover - depends on when the signal lands
    import sys

    sys.stderr.write("rtcfg: interrupted\n")
    raise SystemExit(130) from None

from .version import __version__  # noqa: E402 - a leaf module, cheap to import

_EXPORTS = {
    "load": "api", "loads": "api", "build": "api", "validate": "api", "normalize": "api", "render": "api",
    "load_session": "api", "diff": "api", "check_file": "api", "migrate": "api", "RtcfgWarning": "api",
    "fix": "api", "FixResult": "fixing.applying", "ask_server": "api", "Answered": "api",
    "Document": "source.document", "Limits": "source.document", "LoadError": "source.document",
    "Diagnostic": "check.registry", "ConfigError": "diagnostics", "Change": "output.diffing",
}
__all__ = sorted(_EXPORTS) + ["__version__"]

# Not typing's: importing typing costs `rtcfg --version` (the whole run) about 3 ms; type
# checkers read any TYPE_CHECKING as true.
TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    from typing import Any

    from .api import (Answered, RtcfgWarning, ask_server, build, check_file, diff, fix, load,  # noqa: F401
                      load_session, loads, migrate, normalize, render, validate)
    from .fixing.applying import FixResult  # noqa: F401
    from .diagnostics import ConfigError, Diagnostic  # noqa: F401
    from .output.diffing import Change  # noqa: F401
    from .source.document import Document, Limits, LoadError  # noqa: F401


def main() -> None:
    """The `rtcfg` command. Signals are caught before the command line is imported, so Ctrl-C
    or SIGTERM while it loads is a message too."""
    try:
        from .cli.process import run
    except KeyboardInterrupt:
        import sys

        sys.stderr.write("rtcfg: interrupted\n")
        sys.exit(130)
    run(_command_line)


def _command_line() -> None:
    """The pre-commit hook's command lines (`rtcfg validate FILES`, `--version`) are read without
    typer, by cli/fast.py; any other is typer's."""
    import sys

    from .cli.fast import run

    if not run(sys.argv[1:]):
        from .cli.app import app

        app(prog_name="rtcfg")


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'realtime_cfg' has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value
