"""Shared helpers: run the real CLI in a subprocess, and validate config text in-process."""

from __future__ import annotations

import importlib
import os
import pkgutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import realtime_cfg

# R015 turns a warning into an error on a model's shutdown date: the suite runs on a fixed day,
# whatever the machine's calendar says (tests of R015 set their own; CLI runs inherit this)
os.environ.setdefault("RTCFG_TODAY", "2026-12-01")


# -- the same examples from Hypothesis, whichever tests run first ---------------------------
# Hypothesis (6.131 and later) draws some values from the constants in the source of the local
# modules loaded when a test runs. Which are loaded depends on the tests before it (one imports
# realtime_cfg.output.diffing, test_scaling.py imports benchmarks/scaling.py as it is collected,
# test_spec_drift.py loads scripts/spec_drift.py), so a `derandomize=True` test such as those
# of test_openai_ga.py generated other examples alone than after other tests. So: every module
# of the package is loaded now, and the constants Hypothesis draws from are fixed to theirs
# before any test module is collected.


def _load_every_module_of_the_package() -> None:
    """Import every module of realtime_cfg, found by walking the package (modules come and go
    as it is reorganised, so no list is kept here)."""
    for module in pkgutil.walk_packages(realtime_cfg.__path__, realtime_cfg.__name__ + "."):
        if module.name.rpartition(".")[2] != "__main__":  # that one would run the command line
            importlib.import_module(module.name)


_load_every_module_of_the_package()


@pytest.hookimpl(trylast=True)  # after Hypothesis's own: touching its storage before is warned about
def pytest_sessionstart(session):
    """Fix Hypothesis's local constants to those of the modules loaded now (before collection).
    Hypothesis has no setting for this: they come from one private function,
    hypothesis.internal.conjecture.providers._get_local_constants (called for each example),
    which is replaced by one that returns what it returns now. A Hypothesis without it (before
    6.131, which has no local constants, or a later layout) is left as it is."""
    try:
        from hypothesis.internal.conjecture import providers
    except ImportError:  # pragma: no cover - another Hypothesis layout
        return
    collect = getattr(providers, "_get_local_constants", None)
    if callable(collect):
        constants = collect()
        providers._get_local_constants = lambda: constants

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_configs"
GOOD_SAMPLES = sorted(p for p in SAMPLES.glob("*.*") if p.suffix in (".yaml", ".yml", ".json"))
BROKEN_SAMPLES = sorted((SAMPLES / "broken").glob("*.*"))


def run_cli(*args: str, stdin: str | bytes | None = None, env: dict | None = None,
            cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run `python -m realtime_cfg ARGS` as a user would (no terminal, so no colour)."""
    environment = {**os.environ, **(env or {})}
    environment.pop("FORCE_COLOR", None)
    data = stdin.encode() if isinstance(stdin, str) else stdin
    result = subprocess.run([sys.executable, "-m", "realtime_cfg", *args], input=data,
                            capture_output=True, env=environment, cwd=cwd or ROOT, timeout=60)
    result.stdout = result.stdout.decode("utf-8", "replace")
    result.stderr = result.stderr.decode("utf-8", "replace")
    assert "Traceback" not in result.stderr, result.stderr
    return result


def diagnose(text: str, fmt: str = "yaml", name: str = "cfg.yaml", target: str | None = None):
    """Validate config text (for `target`, default its own shape); returns the
    diagnostics, or the load diagnostics if it does not load."""
    try:
        document = realtime_cfg.loads(textwrap.dedent(text), name=name, format=fmt)
    except realtime_cfg.LoadError as exc:
        return exc.diagnostics
    return realtime_cfg.validate(document, target=target)


def codes(text: str, fmt: str = "yaml") -> list[str]:
    return [d.code for d in diagnose(text, fmt)]


def error_codes(text: str, fmt: str = "yaml") -> list[str]:
    """The codes of errors only: what the server would reject (warnings are advice)."""
    return [d.code for d in diagnose(text, fmt) if d.severity == "error"]


@pytest.fixture
def write(tmp_path):
    """write(name, text) -> Path of a new file in a temporary folder (text dedented)."""

    def _write(name: str, text: str | bytes) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return _write


# -- configs changed one value at a time (comparing two validators' verdicts) ------------------

REMOVE = object()  # a replacement that removes the value
# a missing key, null, a number out of most ranges, a string outside every enum, an empty
# list, an object with an unknown key
ONE_VALUE_CHANGES = (REMOVE, None, -1, "x", [], {"bogus": 1})


def value_paths(value, path: tuple = ()):
    """The path of every value inside `value` (not `value` itself)."""
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return
    for key, child in items:
        yield path + (key,)
        yield from value_paths(child, path + (key,))


def one_value_changed(data: dict, replacements=ONE_VALUE_CHANGES):
    """(label, `data` with one value removed or replaced) for every path and replacement."""
    import copy

    for path in value_paths(data):
        for replacement in replacements:
            changed = copy.deepcopy(data)
            parent = changed
            for key in path[:-1]:
                parent = parent[key]
            if replacement is REMOVE:
                del parent[path[-1]]
            else:
                parent[path[-1]] = replacement
            yield f"{'.'.join(map(str, path))}={'<removed>' if replacement is REMOVE else repr(replacement)}", changed


def with_small_tool_parameters(data: dict) -> dict:
    """The config with each tool's `parameters` cut to {type: object}: jsonschema takes about
    16 ms to check a JSON Schema against the 2020-12 meta-schema (its $dynamicRefs), which each
    of hundreds of changes would pay again. Tests compare whole parameters elsewhere, and
    changes to `parameters` itself are still made."""
    import copy

    data = copy.deepcopy(data)
    for tool in data.get("tools", ()):
        if isinstance(tool, dict) and "parameters" in tool:
            tool["parameters"] = {"type": "object"}
    return data
