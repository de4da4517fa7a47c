"""What does `rtcfg check --live` cost beyond `rtcfg validate`, and do --jobs overlap the
server's latency? Wall times against a local server that answers after a fixed delay.

    python benchmarks/live.py                          # 20 configs, 100 ms latency, 5 runs
    python benchmarks/live.py --configs 20 --latency 0.1 --runs 5 --json benchmarks/.work/live.json

A local HTTP server on 127.0.0.1 plays OpenAI's client_secrets endpoint: it waits --latency
seconds, then answers with the spec's example (tests/fixtures/live/client_secrets-200.json).
Measured, each as a fresh process, median of --runs (after one warm-up):

- `rtcfg validate CONFIGS` (the static check alone, for reference);
- `rtcfg check --live CONFIGS` with --jobs 1, 4 and 8.

With N configs and latency L, --jobs 1 cannot be faster than N x L; --jobs J should approach
N x L / J plus start-up. The real server's latency (a client secret takes roughly 100-500 ms
to create) dominates everything rtcfg does. This is a measurement, not a test: machines are
noisy, so no threshold fails it.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HERE = Path(__file__).resolve().parent
ANSWER = json.loads((HERE.parent / "tests" / "fixtures" / "live" / "client_secrets-200.json").read_text())["body"]
CONFIG = """\
type: realtime
model: gpt-realtime-2
instructions: You are a friendly assistant.
audio:
  output:
    voice: alloy
"""


def serve(latency: float) -> ThreadingHTTPServer:
    body = json.dumps(ANSWER).encode()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("content-length", 0)))
            time.sleep(latency)  # the server's own latency, simulated
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def timed(args: list[str], env: dict, runs: int) -> list[float]:
    subprocess.run(args, capture_output=True, env=env)  # warm-up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run = subprocess.run(args, capture_output=True, env=env)
        times.append(time.perf_counter() - start)
        if run.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(args[2:5])}... failed: {run.stdout.decode()[-500:]}{run.stderr.decode()[-500:]}")
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--configs", type=int, default=20)
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", type=Path)
    options = parser.parse_args()
    server = serve(options.latency)
    url = f"http://127.0.0.1:{server.server_address[1]}/v1/realtime/client_secrets"
    env = {**os.environ, "RTCFG_BENCH_KEY": "sk-bench-0123456789abcdefghij", "RTCFG_TODAY": "2026-06-01"}
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for index in range(options.configs):
            path = Path(folder) / f"agent{index}.yaml"
            path.write_text(CONFIG, encoding="utf-8")
            paths.append(str(path))
        rtcfg = [sys.executable, "-m", "realtime_cfg"]
        results["validate"] = timed([*rtcfg, "validate", *paths], env, options.runs)
        for jobs in (1, 4, 8):
            results[f"check --live --jobs {jobs}"] = timed(
                [*rtcfg, "check", "--live", "--endpoint", url, "--api-key-env", "RTCFG_BENCH_KEY", "--jobs", str(jobs),
                 *paths], env, options.runs)
    server.shutdown()
    print(f"{options.configs} configs, server latency {options.latency * 1000:.0f} ms, median of {options.runs} runs "
          f"(floor with --jobs 1: {options.configs * options.latency * 1000:.0f} ms)")
    for name, times in results.items():
        print(f"  {name:<24} {statistics.median(times) * 1000:8.0f} ms   (min {min(times) * 1000:.0f})")
    if options.json:
        options.json.parent.mkdir(parents=True, exist_ok=True)
        options.json.write_text(json.dumps({"configs": options.configs, "latency": options.latency, "runs": results},
                                           indent=2))


if __name__ == "__main__":
    main()
