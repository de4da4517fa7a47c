"""The floor: the least a Python process doing rtcfg's job can cost.

    python benchmarks/floor.py FILE...

Reads each file, parses it with libyaml (PyYAML's C loader, no positions), and makes one
minimal check: the top level is a mapping whose keys are properties of the session schema.
No positions, no rules, no report beyond a count. benchmarks/bench.py times it beside rtcfg
on the same files, so each of rtcfg's figures can be read as a distance from this one.
"""

import json
import sys
from pathlib import Path

import yaml

SCHEMA = Path(__file__).resolve().parent.parent / "schemas" / "session.schema.json"


def main() -> int:
    known = set(json.loads(SCHEMA.read_text(encoding="utf-8")).get("properties", {}))
    bad = 0
    for name in sys.argv[1:]:
        with open(name, "rb") as file:
            data = yaml.load(file.read(), Loader=yaml.CSafeLoader)
        if not isinstance(data, dict) or not set(data) <= known:
            bad += 1
    print(f"{len(sys.argv) - 1} files, {bad} not sessions")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
