"""Fuzz rtcfg for a time budget: every input must end in exit 0, 1 or 2 with a message,
never a traceback or an "internal error".

    python benchmarks/fuzz.py --minutes 10            # the budget the benchmark issue asks for
    python benchmarks/fuzz.py --minutes 1 --seed 7

Inputs come from hypothesis: YAML and JSON text (mutated samples, random structures
written out, raw printable and binary noise) and config structures, each checked with
`validate` in all report formats and with `render` for both targets, in-process (the CLI's
own entry point, so a crash is exactly what a user would see). Every failure found is
printed with its input and written under benchmarks/.work/fuzz-failures/; make each one a
test in tests/test_hostile.py.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from realtime_cfg import cli  # noqa: E402
from strategies import configs, ga_configs  # noqa: E402

FAILURES = ROOT / "benchmarks" / ".work" / "fuzz-failures"
SAMPLES = [p.read_bytes() for p in sorted((ROOT / "sample_configs").glob("*.*")) if p.suffix in (".yaml", ".json")]
COMMANDS = [["validate", "-f", "text"], ["validate", "-f", "json"], ["validate", "-f", "sarif"],
            ["validate", "-f", "junit"], ["validate", "-f", "github"], ["render", "--target", "beta"],
            ["render", "--target", "ga", "--explain"], ["migrate"]]

json_value = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=30)),
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(st.text(max_size=12), children, max_size=4)),
    max_leaves=20)
yaml_tokens = st.sampled_from([
    ":", " ", "\n", "- ", "[", "]", "{", "}", ",", "&a ", "*a", "<<: ", "!!str ", "!!python/object ", "? ", "|", ">",
    "'", '"', "#", "---\n", "...\n", "\t", "\r", "\u2028", "\x85", "\ufeff", "\x00", "\\", "${X}", "$file: ",
    "extends: ", "voice", "tools", "type", "realtime", "audio", "no", "1e400", ".nan", "0x1F", "~", "=",
])


@st.composite
def mutated_sample(draw):
    data = bytearray(draw(st.sampled_from(SAMPLES)))
    for _ in range(draw(st.integers(1, 8))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        action = draw(st.sampled_from(["flip", "insert", "delete", "token"]))
        if action == "flip":
            data[at] = draw(st.integers(0, 255))
        elif action == "insert":
            data[at:at] = draw(st.binary(max_size=8))
        elif action == "delete":
            del data[at:at + draw(st.integers(1, 16))]
        else:
            data[at:at] = draw(yaml_tokens).encode("utf-8")
    return bytes(data)


inputs = st.one_of(
    mutated_sample(),
    st.lists(yaml_tokens, max_size=40).map(lambda parts: "".join(parts).encode("utf-8")),
    json_value.map(lambda v: json.dumps(v).encode()),
    json_value.map(lambda v: json.dumps({"voice": v, "tools": [v], "turn_detection": v}).encode()),
    configs().map(lambda c: json.dumps(c, allow_nan=True).encode()),
    ga_configs().map(lambda c: json.dumps(c, allow_nan=True).encode()),
    st.binary(max_size=200),
    st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")),
)


def run(argv: list[str]) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    old = sys.argv
    sys.argv = ["rtcfg", *argv]
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                cli.main()
                code = 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    finally:
        sys.argv = old
    return code, out.getvalue() + err.getvalue()


class Found(Exception):
    pass


def check(data: bytes, suffix: str, folder: Path) -> None:
    path = folder / f"input{suffix}"
    path.write_bytes(data)
    for command in COMMANDS:
        code, output = run([*command, str(path)])
        if code not in (0, 1, 2) or "internal error" in output or "Traceback" in output:
            FAILURES.mkdir(parents=True, exist_ok=True)
            saved = FAILURES / f"{int(time.time() * 1000)}{suffix}"
            saved.write_bytes(data)
            raise Found(f"rtcfg {' '.join(command)} {saved}: exit {code}\n{output[-2000:]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()
    deadline = time.monotonic() + args.minutes * 60
    seed = args.seed if args.seed is not None else random.randrange(2**32)
    count = 0
    with tempfile.TemporaryDirectory(prefix="rtcfg-fuzz-") as temp:
        folder = Path(temp)
        (folder / "pyproject.toml").write_text("")
        rounds = 0
        while time.monotonic() < deadline:
            rounds += 1

            @settings(max_examples=200, deadline=None, database=None, derandomize=False,
                      suppress_health_check=list(HealthCheck))
            @given(inputs, st.sampled_from([".yaml", ".json"]))
            def target(data: bytes, suffix: str) -> None:
                nonlocal count
                if time.monotonic() >= deadline:
                    return
                count += 1
                check(data, suffix, folder)

            random.seed(seed + rounds)
            try:
                target()
            except Found as failure:
                print(f"FAILURE after {count} inputs:\n{failure}")
                return 1
    print(f"fuzz: {count} inputs x {len(COMMANDS)} commands in {args.minutes:g} min (seed {seed}): no crash")
    return 0


if __name__ == "__main__":
    sys.exit(main())
