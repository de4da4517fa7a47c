"""In-process throughput: small configs validated per second by one process, with the
compiled schema validator built once and reused (as an application or a test suite would).

    python benchmarks/inprocess.py              # 20,000 validations of each kind
    python benchmarks/inprocess.py --count 100000

Three numbers: the schema check alone (`realtime_cfg.schema.views.engine().is_valid`), the full
check of a config (`realtime_cfg.validate`: schema, rules, target, with positions), and
load + validate of the same config as YAML text (`realtime_cfg.loads`). This is a
measurement, not a test: machines are noisy, so no threshold fails it.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import realtime_cfg  # noqa: E402
from realtime_cfg.schema.views import engine  # noqa: E402

SMALL = {
    "model": "gpt-realtime-2",
    "voice": "ash",
    "modalities": ["text", "audio"],
    "instructions": "You are a concise support agent.",
    "turn_detection": {"type": "server_vad", "silence_duration_ms": 500},
}
SMALL_YAML = """\
model: gpt-realtime-2
voice: ash
modalities: [text, audio]
instructions: You are a concise support agent.
turn_detection: {type: server_vad, silence_duration_ms: 500}
"""


def rate(function, count: int) -> float:
    function()  # build and cache the validator first
    started = time.perf_counter()
    for _ in range(count):
        function()
    return count / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20_000)
    args = parser.parse_args()
    validator = engine()
    assert validator.is_valid(SMALL) and realtime_cfg.validate(SMALL) == []
    rows = {
        "schema check, one compiled validator reused": lambda: validator.is_valid(SMALL),
        "realtime_cfg.validate (schema, rules, target)": lambda: realtime_cfg.validate(SMALL),
        "realtime_cfg.loads + validate (YAML text)": lambda: realtime_cfg.validate(realtime_cfg.loads(SMALL_YAML)),
    }
    print(f"python {sys.version.split()[0]}, {args.count:,} small configs each ({len(json.dumps(SMALL))} bytes)\n")
    print("| what | configs per second |")
    print("|---|---:|")
    for name, function in rows.items():
        print(f"| {name} | {rate(function, args.count):,.0f} |", flush=True)


if __name__ == "__main__":
    main()
