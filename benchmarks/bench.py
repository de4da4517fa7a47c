"""Time `rtcfg validate` on 1 and on many config files (wall time and peak memory).

    python benchmarks/bench.py                 # 1 and 1,000 files, 5 runs each
    python benchmarks/bench.py --sizes 1 100 1000 10000 --runs 3
    python benchmarks/bench.py --peer          # side by side with check-jsonschema, if installed
    python benchmarks/bench.py --peer path/to/check-jsonschema --sizes 1 100 1000 10000

The files are copies of the good samples in sample_configs/ (YAML and JSON),
written once under benchmarks/.work/. Each measurement runs the installed
command as a fresh process, as pre-commit does, and reports the median and the
best of the runs. Peak memory is the child's maximum resident set size.
This is a measurement, not a test: machines are noisy, so no threshold fails it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "benchmarks" / ".work"
# The flat samples: check-jsonschema knows only the one schema it is given, so a GA-shaped
# file would be invalid for it and the two tools would not be doing the same work.
SAMPLES = sorted(p for p in (ROOT / "sample_configs").iterdir()
                 if p.suffix in (".yaml", ".json") and not p.name.startswith("ga-"))


def corpus(size: int) -> Path:
    folder = WORK / f"files-{size}"
    if folder.is_dir() and len(list(folder.iterdir())) == size:
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for index in range(size):
        sample = SAMPLES[index % len(SAMPLES)]
        (folder / f"{index:05d}-{sample.name}").write_bytes(sample.read_bytes())
    return folder


def run_once(command: list[str]) -> tuple[float, int, int]:
    """(wall seconds, peak RSS in KiB, exit code) of one fresh process."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    return wall, usage.ru_maxrss, os.waitstatus_to_exitcode(status)


def measure(command: list[str], runs: int) -> dict:
    run_once(command)  # warm the page cache and .pyc files
    results = [run_once(command) for _ in range(runs)]
    codes = {code for _, _, code in results}
    return {
        "median": statistics.median(r[0] for r in results),
        "best": min(r[0] for r in results),
        "rss_mib": max(r[1] for r in results) / 1024,
        "exit": codes.pop() if len(codes) == 1 else sorted(codes),
    }


def tool(name: str) -> str | None:
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else shutil.which(name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 1000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--peer", nargs="?", const="check-jsonschema", default=None, metavar="COMMAND",
                        help="also time check-jsonschema (this command or path) on the same files")
    args = parser.parse_args()

    rtcfg = tool("rtcfg")
    if rtcfg is None:
        sys.exit("rtcfg is not installed: pip install -e . first")
    peer = (args.peer if os.path.sep in args.peer else tool(args.peer)) if args.peer else None
    if args.peer and (peer is None or not Path(peer).exists()):
        sys.exit("check-jsonschema is not installed: pip install check-jsonschema (or give its path to --peer)")
    schema = str(ROOT / "schemas" / "session.schema.json")

    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, {args.runs} runs per row\n")
    helped = measure([rtcfg, "--help"], args.runs)
    line = f"`rtcfg --help`: {helped['median'] * 1000:,.0f} ms median, {helped['best'] * 1000:,.0f} ms best"
    if peer:
        theirs = measure([peer, "--help"], args.runs)
        line += f"; `check-jsonschema --help`: {theirs['median'] * 1000:,.0f} ms"
    print(line + "\n")
    header = "| files | rtcfg median | rtcfg best | rtcfg peak RSS |"
    rule = "|---:|---:|---:|---:|"
    if peer:
        header += " check-jsonschema median | peak RSS | rtcfg / peer |"
        rule += "---:|---:|---:|"
    print(header)
    print(rule)
    for size in args.sizes:
        folder = corpus(size)
        files = sorted(str(p) for p in folder.iterdir())
        target = files if size == 1 else [str(folder)]
        ours = measure([rtcfg, "validate", *target], args.runs)
        row = (f"| {size:,} | {ours['median'] * 1000:,.0f} ms | {ours['best'] * 1000:,.0f} ms "
               f"| {ours['rss_mib']:.1f} MiB |")
        if peer:
            theirs = measure([peer, "--schemafile", schema, *files], args.runs)
            row += (f" {theirs['median'] * 1000:,.0f} ms | {theirs['rss_mib']:.1f} MiB "
                    f"| {ours['median'] / theirs['median']:.2f} |")
        print(row, flush=True)


if __name__ == "__main__":
    main()
