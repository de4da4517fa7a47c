"""The rtcfg process around a command: signals, the standard streams, and exit codes for
what is no config's fault.

- Ctrl-C (SIGINT) and SIGTERM: `rtcfg: interrupted`, exit 130 or 143 (128 + the signal), a
  file being written left as it was (output/files.write_atomic removes its temporary file).
- Standard output that cannot be written: a closed pipe (`rtcfg render ... | head -1`) exits
  2 without a word (the reader left on purpose); a full disk or a closed stdout (`>&-`) exits 2
  with one line saying so. Whatever was written before stays written.
- Anything unexpected outside a single file's check: one line, exit 2, never a traceback.
  (An internal error while checking one file is that file's F003 finding: api.check_file.)
"""

from __future__ import annotations

import os
import signal
import sys
TYPE_CHECKING = False  # not typing's: see realtime_cfg/__init__.py
if TYPE_CHECKING:  # pragma: no cover
    from typing import Callable


class Interrupted(BaseException):
    """SIGINT or SIGTERM arrived. A BaseException, as KeyboardInterrupt is: `except
    Exception` does not swallow it, and the command-line library does not turn it into an
    exit code of its own."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


class OutputFailed(BaseException):
    """Standard output could not be written. A BaseException so that it reaches run() as is,
    past the command-line library's own handling of EPIPE (which exits 1)."""

    def __init__(self, error: OSError | None) -> None:
        super().__init__(error)
        self.error = error


def _interrupted(signum: int, frame) -> None:
    # a second signal must not interrupt the clean-up the first one started
    for name in ("SIGINT", "SIGTERM"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_IGN)
    raise Interrupted(signum)


def catch_signals() -> dict:
    """From here on SIGINT and SIGTERM raise Interrupted (the first thing the command does:
    the smaller the window before it, the rarer Python's own start-up traceback). Returns
    the handlers there were before."""
    previous = {}
    for name in ("SIGINT", "SIGTERM"):
        if hasattr(signal, name):
            previous[name] = signal.signal(getattr(signal, name), _interrupted)
    return previous


class _Output:
    """Standard output that raises OutputFailed when it cannot be written (or is closed)."""

    def __init__(self, stream) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        if self._stream is None:
            raise OutputFailed(None)
        try:
            return self._stream.write(text)
        except OSError as exc:
            raise OutputFailed(exc) from None

    def flush(self) -> None:
        if self._stream is None:
            return
        try:
            self._stream.flush()
        except OSError as exc:
            raise OutputFailed(exc) from None

    def isatty(self) -> bool:
        return self._stream is not None and self._stream.isatty()

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


class _Discard:
    """Where stderr goes when it is closed: nothing could show a message anyway."""

    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


def _silence_stdout() -> None:
    """After a failed write, point stdout at /dev/null so that Python's own flush at exit
    cannot fail again and print a message of its own."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.close(null)
    except OSError:
        pass


def run(command: Callable[[], None]) -> None:
    """Run the command line and exit with its code; see the module docstring."""
    handlers, streams = catch_signals(), (sys.stdout, sys.stderr)
    for stream in (sys.stdout, sys.stderr):  # a file name that is not UTF-8 must not crash a report
        if stream is not None and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    if sys.stderr is None:
        sys.stderr = _Discard()
    sys.stdout = _Output(sys.stdout)
    code: int | str | None = 0
    try:
        try:
            command()
        except SystemExit as exit:
            code = exit.code
        sys.stdout.flush()  # here, not at interpreter exit, so a full disk is reported
    except Interrupted as interrupt:
        _say("rtcfg: interrupted")
        code = 128 + interrupt.signum
    except OutputFailed as failure:
        _silence_stdout()
        error = failure.error
        if not isinstance(error, BrokenPipeError):
            reason = "it is closed" if error is None else (error.strerror or str(error))
            _say(f"rtcfg: cannot write standard output: {reason}")
        code = 2
    except Exception as exc:  # noqa: BLE001 - the promise is: never a traceback
        _say(f"rtcfg: internal error: {type(exc).__name__}: {str(exc)[:200]}\n"
             "This is a bug in rtcfg; please report it with the input that caused it.")
        code = 2
    finally:  # as they were, for a caller that runs the command line in its own process (tests)
        for name, handler in handlers.items():
            signal.signal(getattr(signal, name), handler)
        sys.stdout, sys.stderr = streams
    sys.exit(code)


def _say(message: str) -> None:
    try:
        sys.stderr.write(message + "\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
