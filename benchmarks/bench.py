"""Time `rtcfg validate` side by side with check-jsonschema and with the floor.

    python benchmarks/bench.py --peer PATH/TO/check-jsonschema          # everything below
    python benchmarks/bench.py --sizes 1 1000 --runs 9 --peer ...
    python benchmarks/bench.py --no-peer --sizes 1                       # rtcfg and the floor only

What it prints (each figure the median of --runs fresh processes, after one warm-up run):

1. start-up: `rtcfg --version`, `rtcfg --help`, `python -c "import yaml"` (the floor of any
   YAML tool in Python), `rtcfg validate` of one file with rtcfg's modules not compiled
   (PYTHONDONTWRITEBYTECODE=1 in a fresh clone: every start compiles them again).
2. one row per corpus and size: rtcfg, check-jsonschema and benchmarks/floor.py (libyaml's
   loader and a minimal key check, no positions, no rules: the least the job costs in
   Python) on the same files, given as arguments as pre-commit gives them. The runs are
   paired (rtcfg, peer, floor, rtcfg, peer, floor, ...), so a machine that slows down slows
   all three; the ratio is of the medians. Then the cost of each file past the first.
3. the second core: `--jobs 1` against `--jobs N` on growing numbers of files, and the
   smallest number from which the processes pay for themselves (the break-even).
4. colour: a report with findings printed to a terminal (a pseudo-terminal) against a pipe.

Bytecode: before timing, every module of both tools and the standard library is compiled
(compileall, as installing a wheel does) and PYTHONDONTWRITEBYTECODE is removed from the
runs' environment, so no run compiles anything; row 1's "not compiled" figure shows what an
environment that forbids bytecode pays instead.

The corpora: `small` (a 167-byte config: model, voice, modalities, instructions, server
VAD) and `voice` (sample_configs/voice-agent.yaml, 1.6 KB, two function tools with JSON
Schema parameters), copied under benchmarks/.work/. This is a measurement, not a test:
machines are noisy, so nothing here fails on a figure.
"""

from __future__ import annotations

import argparse
import compileall
import os
import pty
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "benchmarks" / ".work"
sys.path.insert(0, str(ROOT / "benchmarks"))
from inprocess import SMALL_YAML  # noqa: E402 - the small config, one definition for both benchmarks

CORPORA = {"small": SMALL_YAML.encode(), "voice": (ROOT / "sample_configs" / "voice-agent.yaml").read_bytes()}
ENVIRONMENT = {key: value for key, value in os.environ.items()
               if key not in ("PYTHONDONTWRITEBYTECODE", "PRE_COMMIT", "FORCE_COLOR", "NO_COLOR")}


def corpus(kind: str, size: int) -> list[str]:
    folder = WORK / f"{kind}-{size}"
    if not folder.is_dir() or len(list(folder.iterdir())) != size:
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        for index in range(size):
            (folder / f"{index:05d}-session.yaml").write_bytes(CORPORA[kind])
    return sorted(str(path) for path in folder.iterdir())


def run_once(command: list[str], environment: dict | None = None, terminal: bool = False,
             cwd: str | None = None) -> tuple[float, int]:
    """(wall seconds, peak RSS in KiB) of one fresh process; output to a pipe or a terminal."""
    if terminal:
        controller, child_end = pty.openpty()
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=child_end, stderr=child_end, env=environment or ENVIRONMENT,
                                   cwd=cwd)
        os.close(child_end)
        reader = threading.Thread(target=_drain, args=(controller,))
        reader.start()
    else:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                   env=environment or ENVIRONMENT, cwd=cwd)
        process.stdout.read()
    _, _, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    if terminal:
        reader.join()
        os.close(controller)
    else:
        process.stdout.close()
    return wall, usage.ru_maxrss


def _drain(descriptor: int) -> None:
    try:
        while os.read(descriptor, 65536):
            pass
    except OSError:  # the terminal closes when the child exits
        pass


def paired(commands: dict[str, list[str]], runs: int, **how) -> dict[str, dict]:
    """Each command run `runs` times, taking turns; {name: {"median": s, "best": s, "rss": MiB}}."""
    for command in commands.values():
        run_once(command, **how)  # warm the page cache
    times: dict[str, list] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            times[name].append(run_once(command, **how))
    return {name: {"median": statistics.median(t for t, _ in got), "best": min(t for t, _ in got),
                   "rss": max(r for _, r in got) / 1024} for name, got in times.items()}


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds >= 0.0095 else f"{seconds * 1000:.2f} ms"


def tool(name: str) -> str | None:
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else shutil.which(name)


def compile_everything(*interpreters: str) -> None:
    """Bytecode for every module the runs import, so that no run compiles (see the docstring)."""
    compileall.compile_dir(str(ROOT / "realtime_cfg"), quiet=1)
    for python in {os.path.realpath(p) for p in interpreters}:
        paths = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib']); "
                                "print(sysconfig.get_paths()['stdlib'])"], capture_output=True, text=True,
                               env=ENVIRONMENT).stdout.split()
        for path in paths:
            subprocess.run([python, "-m", "compileall", "-q", "-x", r"/(test|tests|idlelib|lib2to3)/", path],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENVIRONMENT)


def uncompiled_copy() -> Path:
    """realtime_cfg copied without its bytecode, for the "not compiled" row."""
    folder = Path(tempfile.mkdtemp(prefix="rtcfg-nopyc-"))
    shutil.copytree(ROOT / "realtime_cfg", folder / "realtime_cfg", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "schemas", folder / "schemas")
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 100, 1000])
    parser.add_argument("--corpora", nargs="+", default=list(CORPORA), choices=list(CORPORA))
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--peer", default="check-jsonschema", metavar="COMMAND",
                        help="check-jsonschema (this command or path), timed on the same files")
    parser.add_argument("--no-peer", action="store_true", help="time rtcfg and the floor only")
    parser.add_argument("--jobs-sizes", type=int, nargs="*", default=[20, 40, 80, 160, 320, 1000],
                        help="file counts for the --jobs comparison (none: skip it)")
    args = parser.parse_args()

    rtcfg = tool("rtcfg")
    if rtcfg is None:
        sys.exit("rtcfg is not installed: pip install -e . first")
    peer = None
    if not args.no_peer:
        peer = args.peer if os.path.sep in args.peer else tool(args.peer)
        if peer is None or not Path(peer).exists():
            sys.exit("check-jsonschema is not installed: pip install check-jsonschema (or give its path to "
                     "--peer, or --no-peer)")
    python = sys.executable
    compile_everything(python, *([Path(peer).parent / "python"] if peer else []))
    schema = str(ROOT / "schemas" / "session.schema.json")
    floor = [python, str(ROOT / "benchmarks" / "floor.py")]
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"python {sys.version.split()[0]}, {cpus} CPUs, {args.runs} runs per figure (median), bytecode compiled "
          "first, PYTHONDONTWRITEBYTECODE unset in the runs\n")

    print("| start-up | median | best |\n|---|---:|---:|")
    sample = corpus("voice", 1)
    copy = uncompiled_copy()
    cold = {**ENVIRONMENT, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPATH": str(copy)}
    starts = paired({"`rtcfg --version`": [rtcfg, "--version"], "`rtcfg --help`": [rtcfg, "--help"],
                     "`python -c 'import yaml'` (the floor)": [python, "-c", "import yaml"],
                     "`rtcfg validate` one file": [rtcfg, "validate", *sample]}, args.runs)
    starts["`rtcfg validate` one file, rtcfg not compiled"] = paired(
        {"cold": [python, "-c", "from realtime_cfg import main; main()", "validate", *sample]}, args.runs,
        environment=cold, cwd=str(copy))["cold"]  # in the copy: `python -c` puts the working directory first
    shutil.rmtree(copy, ignore_errors=True)
    if peer:
        starts["`check-jsonschema --help`"] = paired({"peer": [peer, "--help"]}, args.runs)["peer"]
    for name, figures in starts.items():
        print(f"| {name} | {ms(figures['median'])} | {ms(figures['best'])} |", flush=True)

    print("\n| corpus | files | rtcfg | peak RSS | check-jsonschema | rtcfg / peer | floor | rtcfg / floor |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    timed: dict[tuple, dict] = {}
    for kind in args.corpora:
        for size in args.sizes:
            files = corpus(kind, size)
            commands = {"rtcfg": [rtcfg, "validate", *files], "floor": [*floor, *files]}
            if peer:
                commands["peer"] = [peer, "--schemafile", schema, *files]
            got = timed[kind, size] = paired(commands, args.runs)
            ours, least = got["rtcfg"]["median"], got["floor"]["median"]
            theirs = got["peer"]["median"] if peer else None
            print(f"| {kind} | {size:,} | {ms(ours)} | {got['rtcfg']['rss']:.1f} MiB | "
                  f"{ms(theirs) if theirs else '-'} | {f'**{ours / theirs:.2f}**' if theirs else '-'} | "
                  f"{ms(least)} | {ours / least:.1f} |", flush=True)
    if len(args.sizes) > 1:
        first, last = min(args.sizes), max(args.sizes)
        print(f"\nPer file past the first ({first:,} -> {last:,} files):\n")
        print("| corpus | rtcfg | check-jsonschema | floor |\n|---|---:|---:|---:|")
        for kind in args.corpora:
            def per_file(name):
                if name not in timed[kind, last]:
                    return "-"
                return ms((timed[kind, last][name]["median"] - timed[kind, first][name]["median"]) / (last - first))
            print(f"| {kind} | {per_file('rtcfg')} | {per_file('peer')} | {per_file('floor')} |")

    if args.jobs_sizes and cpus > 1:
        print(f"\nThe second core (`rtcfg validate --jobs 1` against `--jobs {cpus}`, voice corpus):\n")
        print(f"| files | --jobs 1 | --jobs {cpus} | ratio |\n|---:|---:|---:|---:|")
        break_even = None
        for size in args.jobs_sizes:
            files = corpus("voice", size)
            got = paired({"one": [rtcfg, "validate", "--jobs", "1", *files],
                          "all": [rtcfg, "validate", "--jobs", str(cpus), *files]}, args.runs)
            ratio = got["all"]["median"] / got["one"]["median"]
            if ratio < 1 and break_even is None:
                break_even = size
            print(f"| {size:,} | {ms(got['one']['median'])} | {ms(got['all']['median'])} | {ratio:.2f} |",
                  flush=True)
        from realtime_cfg.cli.validating import FILES_PER_WORKER

        print(f"\nbreak-even: {f'--jobs {cpus} is faster from {break_even:,} files' if break_even else 'not reached'}"
              f" (the default starts a process for every {FILES_PER_WORKER} files)")

    broken = [str(path) for path in sorted((ROOT / "sample_configs" / "broken").iterdir())]
    findings = paired({"pipe": [rtcfg, "validate", *broken]}, args.runs)["pipe"]
    coloured = paired({"terminal": [rtcfg, "validate", *broken]}, args.runs, terminal=True)["terminal"]
    print(f"\nColour: `rtcfg validate sample_configs/broken/*` (the broken samples' findings) to a pipe "
          f"{ms(findings['median'])}, "
          f"to a terminal (coloured) {ms(coloured['median'])}")


if __name__ == "__main__":
    main()
