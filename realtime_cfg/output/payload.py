"""The payload an application sends: the target's session, optionally wrapped in
the `session.update` client event, serialized as JSON or YAML, written atomically."""

from __future__ import annotations

import errno
import json
import os
import stat
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..targets import render_session

FORMATS = ("json", "yaml")
MAX_EVENT_ID = 512  # GA caps event_id at 512 characters; beta states no cap, so the same bound is applied


def envelope(session: dict, event_id: str | None = None) -> dict:
    """Wrap a session payload as the `session.update` client event."""
    event: dict[str, Any] = {"type": "session.update"}
    if event_id is not None:
        if not event_id or len(event_id) > MAX_EVENT_ID:
            raise ValueError(f"event_id must be 1 to {MAX_EVENT_ID} characters")
        event["event_id"] = event_id
    event["session"] = session
    return event


def payload(canonical: dict, target: str, wrap: bool = False,
            event_id: str | None = None) -> dict:
    session = render_session(canonical, target)
    return envelope(session, event_id) if wrap or event_id is not None else session


_YAML_LINE_BREAKS = "\x85\u2028\u2029"


@lru_cache(maxsize=None)
def _yaml_dumper():
    import yaml

    class Dumper(yaml.SafeDumper):
        """Block style for multi-line strings, so instructions stay readable."""

    def represent_str(dumper, value: str):
        if any(ch in value for ch in _YAML_LINE_BREAKS):
            style = '"'  # YAML 1.1 reads these raw as line breaks; only double quotes escape them
        elif "\n" in value and not any(line != line.rstrip() for line in value.split("\n")):
            style = "|"
        else:
            style = None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    Dumper.add_representer(str, represent_str)
    return Dumper


def serialize(data: Any, fmt: str = "json") -> str:
    """Text of `data` in json (2-space indent) or yaml (block style, key order kept)."""
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    if fmt == "yaml":
        import yaml

        return yaml.dump(data, Dumper=_yaml_dumper(), sort_keys=False, allow_unicode=True,
                         default_flow_style=False, width=100)
    raise ValueError(f"unknown format {fmt!r}; choose json or yaml")


def _hold_interrupts():
    """Block SIGINT and SIGTERM (in the main thread, where Python takes them) until the
    temporary file's name is known, so that neither can leave it behind; returns what to restore."""
    import signal
    import threading

    if hasattr(signal, "pthread_sigmask") and threading.current_thread() is threading.main_thread():
        return signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    return None


def _release_interrupts(previous) -> None:
    if previous is not None:
        import signal

        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _temporary(target: Path):
    """(fd, name, held interrupts) of a new temporary file beside `target`; the caller
    releases the interrupts inside the try that removes the file."""
    folder = target.parent if str(target.parent) else Path(".")
    held = _hold_interrupts()
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except BaseException:  # e.g. a folder we cannot write to: nothing to clean up
        _release_interrupts(held)
        raise
    return fd, temp, held


def write_atomic(path: str | os.PathLike, text: str) -> None:
    """Write text so that `path` holds either its old content or all of the new,
    never a part: a temporary file in the same folder, flushed, then renamed.

    A symlink is written through (the file it points at is replaced, the link stays). A
    path that is no regular file (/dev/stdout, a named pipe, a terminal) is written to as
    it is: renaming over it would replace the device itself, and "all or nothing" means
    nothing there."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        mode = None
    if mode is not None and not stat.S_ISREG(mode):
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, "it is a directory", str(path))
        with open(path, "w", encoding="utf-8", errors="backslashreplace", newline="\n") as stream:
            stream.write(text)
        return
    target = Path(os.path.realpath(path)) if mode is not None else Path(path)
    fd, temp, held = _temporary(target)
    try:
        _release_interrupts(held)  # a Ctrl-C now lands inside the try, which removes the temporary
        # backslashreplace: only a report can hold text that is not UTF-8 (a file name
        # with undecodable bytes); a loaded config never does
        with os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace", newline="\n") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        if target.exists():
            os.chmod(temp, target.stat().st_mode & 0o7777)
        else:  # mkstemp makes 0600; a new file gets the usual umask-based mode
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temp, 0o666 & ~umask)
        os.replace(temp, target)
    except BaseException:  # includes an interrupt (process.Interrupted): never leave the temporary behind
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise


def write_new(path: str | os.PathLike, text: str) -> None:
    """Write a file that must not exist yet, all or nothing: a temporary file, then a hard
    link to the name (which fails if the name exists), so nothing is ever overwritten.
    Raises FileExistsError if it exists."""
    target = Path(path)
    fd, temp, held = _temporary(target)
    try:
        _release_interrupts(held)  # a Ctrl-C now lands inside the try, which removes the temporary
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temp, 0o666 & ~umask)
        try:
            os.link(temp, target)
        except FileExistsError:
            raise
        except OSError:  # a file system without hard links: exclusive create instead
            with open(target, "x", encoding="utf-8", newline="\n") as stream:
                stream.write(text)
    finally:
        try:
            os.unlink(temp)
        except OSError:
            pass
