"""Worker processes (cli/workers.py) and `rtcfg validate --jobs`: whatever the number of
processes, the same results in the same order, the same report and exit code."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from realtime_cfg.cli import validating, workers

ROOT = Path(__file__).resolve().parent.parent
PARENT = os.getpid()

pytestmark = pytest.mark.skipif(not workers.available(), reason="no fork on this platform: always one process")


def square(item: int) -> tuple[int, int]:
    return item * item, os.getpid()


def test_results_come_in_order_for_any_number_of_processes():
    for jobs in (1, 2, 3, 4, 8):
        for length in range(0, 14):
            items = list(range(length))
            got = list(workers.in_order(square, items, jobs))
            assert [value for value, _ in got] == [i * i for i in items], (jobs, length)


def test_more_than_one_process_does_the_work():
    pids = {pid for _, pid in workers.in_order(square, list(range(40)), 3)}
    assert len(pids) == 3 and os.getpid() in pids


class Refused(ValueError):
    pass


def refuse_seven(item: int) -> int:
    if item == 7:
        raise Refused(f"item {item}")
    return item


@pytest.mark.parametrize("jobs", [1, 2, 4])
def test_an_exception_is_raised_in_its_items_turn(jobs):
    got = []
    with pytest.raises(Refused, match="item 7"):
        for value in workers.in_order(refuse_seven, list(range(20)), jobs):
            got.append(value)
    assert got == list(range(7))


def die_in_a_child(item: int) -> int:
    if os.getpid() != PARENT:
        os._exit(9)  # killed, out of memory, ...: the parent does that run itself
    return -item


def test_a_child_that_dies_costs_time_not_results():
    assert list(workers.in_order(die_in_a_child, list(range(12)), 3)) == [-i for i in range(12)]


def unpicklable_in_a_child(item: int):
    return (lambda: item) if os.getpid() != PARENT else item


def test_a_result_that_cannot_be_sent_back_is_made_here():
    assert list(workers.in_order(unpicklable_in_a_child, list(range(9)), 2)) == list(range(9))


def test_stopping_early_leaves_no_child_behind():
    for value in workers.in_order(square, list(range(30)), 3):
        if value[0] == 4:
            break
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)


@pytest.mark.parametrize("failing", ["fork", "pipe"])
def test_a_child_that_cannot_be_made_costs_time_not_results(monkeypatch, failing):
    """Out of processes (a container's pids limit) or of file descriptors: the parent does that
    run, and the children already made are reaped."""
    real = getattr(os, failing)
    calls = []

    def second_fails(*args):
        calls.append(1)
        if len(calls) == 2:
            raise BlockingIOError(11, "Resource temporarily unavailable")
        return real(*args)

    monkeypatch.setattr(os, failing, second_fails)
    assert [value for value, _ in workers.in_order(square, list(range(25)), 4)] == [i * i for i in range(25)]
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)


def test_a_signal_while_children_are_made_reaches_the_parent_once_they_are_known(monkeypatch):
    """SIGTERM arriving right after a fork: handled in the parent (not in the child, which runs
    none of the parent's handlers), after the child is registered, so it is stopped and reaped."""
    import signal

    class Terminated(Exception):
        pass

    def terminate(signum, frame):
        raise Terminated

    real_fork = os.fork

    def fork_then_signal():
        pid = real_fork()
        if pid:
            os.kill(os.getpid(), signal.SIGTERM)
        return pid

    previous = signal.signal(signal.SIGTERM, terminate)
    monkeypatch.setattr(os, "fork", fork_then_signal)
    try:
        with pytest.raises(Terminated):
            list(workers.in_order(square, list(range(30)), 3))
    finally:
        signal.signal(signal.SIGTERM, previous)
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)


def test_an_ignored_sigchld_does_not_make_the_parent_redo_the_childrens_work():
    """Inherited from some CI runners: the children's results are still used (more than one
    process did the work), and the setting is put back afterwards."""
    import signal

    previous = signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    try:
        pids = {pid for _, pid in workers.in_order(square, list(range(41)), 2)}
        assert len(pids) == 2
        assert signal.getsignal(signal.SIGCHLD) == signal.SIG_IGN
    finally:
        signal.signal(signal.SIGCHLD, previous)


def test_the_cpus_are_those_the_process_may_use(monkeypatch, tmp_path):
    import builtins

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(64)), raising=False)
    real_open = builtins.open
    for written, expected in (("max 100000\n", 64), ("200000 100000\n", 2), ("150000 100000\n", 2),
                              ("1000 100000\n", 1), ("junk\n", 64), ("5 0\n", 64)):
        quota = tmp_path / "cpu.max"
        quota.write_text(written)
        monkeypatch.setattr(builtins, "open", lambda name, *a, **k: real_open(
            quota if name == "/sys/fs/cgroup/cpu.max" else name, *a, **k))
        assert workers.cpu_count() == expected, written
        monkeypatch.setattr(builtins, "open", real_open)


def test_the_default_is_one_process_for_few_files_and_under_pre_commit(monkeypatch):
    monkeypatch.setattr(workers, "cpu_count", lambda: 4)
    monkeypatch.delenv("PRE_COMMIT", raising=False)
    per = validating.FILES_PER_WORKER
    assert [validating.default_jobs(n) for n in (0, 1, per - 1, 2 * per - 1)] == [1, 1, 1, 1]
    assert [validating.default_jobs(n) for n in (2 * per, 3 * per, 100 * per)] == [2, 3, 4]
    monkeypatch.setenv("PRE_COMMIT", "1")
    assert validating.default_jobs(100 * per) == 1


def _corpus(folder: Path) -> Path:
    """130 configs: the good and broken samples over and over, one with a finding in a base
    file shared by several, and a hidden folder."""
    samples = sorted(p for p in (ROOT / "sample_configs").glob("*.*") if p.suffix in (".yaml", ".json"))
    samples += sorted((ROOT / "sample_configs" / "broken").iterdir())
    (folder / "base").mkdir(parents=True)
    (folder / "base" / "shared.yaml").write_text("voice: ash\ntemperature: 0.3\n")
    for index in range(130):
        if index % 13 == 5:
            (folder / f"{index:03d}-layered.yaml").write_text("extends: base/shared.yaml\nmodel: gpt-realtime\n")
            continue
        sample = samples[index % len(samples)]
        (folder / f"{index:03d}-{sample.name}").write_bytes(sample.read_bytes())
    (folder / ".hidden").mkdir()
    (folder / ".hidden" / "x.yaml").write_text("voice: ash\n")
    return folder


def _validate(folder: Path, *args: str, env: dict | None = None) -> tuple[int, str, str]:
    environment = {k: v for k, v in os.environ.items() if k not in ("PRE_COMMIT", "FORCE_COLOR")}
    run = subprocess.run([sys.executable, "-m", "realtime_cfg", "validate", *args, "."], capture_output=True,
                         text=True, cwd=folder, env={**environment, **(env or {})}, timeout=300)
    assert "Traceback" not in run.stderr
    return run.returncode, run.stdout, run.stderr


@pytest.mark.parametrize("format", ["text", "json", "sarif"])
def test_the_report_is_the_same_with_any_number_of_processes(tmp_path, format):
    folder = _corpus(tmp_path)
    serial = _validate(folder, "--format", format, "--jobs", "1")
    assert serial[0] == 1 and serial[1]
    for jobs in ("2", "3", "7"):
        assert _validate(folder, "--format", format, "--jobs", jobs) == serial, jobs
    assert _validate(folder, "--format", format) == serial  # the default: 2+ processes where there are CPUs


def test_a_usage_error_in_one_file_is_the_same_with_any_number_of_processes(tmp_path):
    """--set that cannot apply to the 90th file only: the same message, whichever process meets it."""
    for index in range(120):
        detection = "server_vad" if index == 90 else "{type: server_vad}"
        (tmp_path / f"{index:03d}.yaml").write_text(f"voice: ash\nturn_detection: {detection}\n")
    serial = _validate(tmp_path, "--set", "turn_detection.threshold=0.6", "--jobs", "1")
    assert serial[0] == 2 and "--set" in serial[2] and "turn_detection" in serial[2]
    assert _validate(tmp_path, "--set", "turn_detection.threshold=0.6", "--jobs", "3") == serial
