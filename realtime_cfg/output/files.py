"""Writing files all or nothing: a report or payload (`-o`), a migrated config, a starter config."""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path


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


def write_atomic(path: str | os.PathLike, text: str, encoding: str = "utf-8") -> None:
    """Write text so that `path` holds either its old content or all of the new,
    never a part: a temporary file in the same folder, flushed, then renamed. Line breaks
    are written as they are in `text` (a fixed CRLF file keeps its CRLF).

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
        with os.fdopen(fd, "w", encoding=encoding, errors="backslashreplace", newline="\n") as stream:
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
