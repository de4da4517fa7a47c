"""Worker processes for a long `rtcfg validate` run: the second core (and the others).

`in_order(function, items, jobs)` is `map(function, items)` spread over `jobs` processes,
with the results (and an exception, where `function` raised one) given back in the items'
order, so a report does not depend on how many processes made it.

How: the first item is done here, which imports and builds everything a check needs
(the schema, compiled once); then the process forks, so each child starts warm, with
nothing to import or compile. The rest of the items is split into `jobs` contiguous runs:
this process does the first while each child does one of the others and sends back its
results, pickled, through a pipe. Forking costs about a millisecond, so a child pays for
itself once it has some tens of files (the break-even is measured in docs/performance.md);
cli/validating.py decides how many to start.

Where there is no fork (Windows), or a child fails in any way (killed, out of memory, a
result that cannot be pickled), that run is done here instead: never a wrong or missing
result, only a slower one. An exception comes back as pickle rebuilds it, from its `args`
(the only one raised through here, building's OverrideError, is a plain ValueError). A
child ends on Ctrl-C or SIGTERM without a word; the parent reports the interrupt and stops
the children it started.
"""

from __future__ import annotations

import os
import signal
from typing import Any, Callable, Iterator, Sequence


def available() -> bool:
    return hasattr(os, "fork")


def cpu_count() -> int:
    """The CPUs this process may use: those it may run on (taskset, a container's cpuset), and
    no more than a cgroup v2 CPU quota allows (`docker --cpus=2` on a 64-CPU host: 2)."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    try:
        with open("/sys/fs/cgroup/cpu.max", encoding="ascii") as limits:  # "max 100000" or "200000 100000"
            quota, period = limits.read().split()[:2]
        if quota != "max":
            cpus = min(cpus, max(1, -(-int(quota) // int(period))))
    except (OSError, ValueError, ZeroDivisionError):
        pass
    return cpus


def in_order(function: Callable[[Any], Any], items: Sequence, jobs: int) -> Iterator:
    """function(item) for each item, in order, in up to `jobs` processes. An exception
    `function` raises is raised here when its item's turn comes (items after it are not done)."""
    if jobs < 2 or len(items) < 3 or not available():
        for item in items:
            yield function(item)
        return
    yield function(items[0])
    runs = _split(items[1:], jobs)
    children: list[_Child] = []
    # An inherited SIGCHLD of "ignore" (some CI runners, daemons) makes the kernel reap the
    # children itself: waitpid would fail and every run be done twice. The default while here.
    reaping = _default_sigchld()
    try:
        with _signals_held():  # a child is in `children` (to be stopped) before a signal can land
            for run in runs[1:]:
                children.append(_Child(function, run))
        for item in runs[0]:
            yield function(item)
        for child in children:
            yield from child.results()
    finally:
        for child in children:
            child.stop()
        if reaping is not None:
            signal.signal(signal.SIGCHLD, reaping)


def _default_sigchld():
    """SIGCHLD's handler set to the default; the one it replaces (None where it cannot be set:
    no SIGCHLD, or not the main thread, where a handler cannot be changed)."""
    try:
        return signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    except (AttributeError, ValueError):
        return None


def _split(items: Sequence, parts: int) -> list[Sequence]:
    """`items` in `parts` contiguous runs whose lengths differ by at most one."""
    size, extra = divmod(len(items), parts)
    runs, start = [], 0
    for index in range(parts):
        end = start + size + (index < extra)
        runs.append(items[start:end])
        start = end
    return [run for run in runs if run]


class _signals_held:
    """SIGINT and SIGTERM held back (not lost) while children are forked: a child must not run
    the parent's handler, and the parent must know every child it made before it handles one."""

    SIGNALS = {getattr(signal, name) for name in ("SIGINT", "SIGTERM") if hasattr(signal, name)}

    def __enter__(self) -> None:
        signal.pthread_sigmask(signal.SIG_BLOCK, self.SIGNALS)

    def __exit__(self, *exc_info) -> None:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, self.SIGNALS)  # one that came in is handled now


class _Child:
    """One forked process doing `function` over a run of items (or, where the process cannot be
    made, for want of file descriptors or processes, none: the parent does the run)."""

    def __init__(self, function: Callable, items: Sequence) -> None:
        self.function, self.items = function, items
        self.pid = self.pipe = None
        try:
            read_end, write_end = os.pipe()
        except OSError:
            return
        try:
            pid = os.fork()
        except OSError:
            os.close(read_end)
            os.close(write_end)
            return
        if pid == 0:  # the child: never returns
            os.close(read_end)
            _work(function, items, write_end)
        os.close(write_end)
        self.pid, self.pipe = pid, read_end

    def results(self) -> Iterator:
        import pickle

        outcomes = None
        try:
            if self.pid is None:
                raise OSError("no child was made")
            with os.fdopen(self.pipe, "rb") as pipe:
                self.pipe = None
                data = pipe.read()
            _, status = os.waitpid(self.pid, 0)
            self.pid = None
            if os.waitstatus_to_exitcode(status) == 0:
                outcomes = pickle.loads(data)
        except Exception:  # noqa: BLE001 - whatever went wrong, the run is done here instead
            outcomes = None
        if outcomes is None or len(outcomes) > len(self.items):
            outcomes = []  # do them all here
        for done, value in outcomes:
            if not done:
                raise value
            yield value
        for item in self.items[len(outcomes):]:
            yield self.function(item)

    def stop(self) -> None:
        """End the child if it is still running (the parent stopped early) and reap it."""
        if self.pipe is not None:
            os.close(self.pipe)
            self.pipe = None
        if self.pid is not None:
            try:
                os.kill(self.pid, signal.SIGTERM)
                os.waitpid(self.pid, 0)
            except OSError:
                pass
            self.pid = None


def _work(function: Callable, items: Sequence, write_end: int) -> None:
    """The child's whole life: do the items, send (done, result or exception) for each up to
    the first exception, exit. os._exit: no clean-up of the parent's (buffered output, atexit)."""
    code = 1
    try:
        for signum in _signals_held.SIGNALS:  # end quietly: the parent reports the interrupt
            signal.signal(signum, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _signals_held.SIGNALS)
        import pickle

        outcomes = []
        for item in items:
            try:
                outcomes.append((True, function(item)))
            except Exception as exc:  # noqa: BLE001 - raised in the parent, in the item's turn
                outcomes.append((False, exc))
                break
        data = pickle.dumps(outcomes, protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(data)
        code = 0
    finally:
        os._exit(code)
