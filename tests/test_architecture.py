"""The structure docs/architecture.md promises, kept true: no import cycle, each rule code
declared and emitted in one module, target names compared only inside targets/, and every
command going through the one pipeline."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from realtime_cfg.check.registry import RULES

PACKAGE = Path(__file__).resolve().parent.parent / "realtime_cfg"
CODE = re.compile(r"[FLBSRTXA]\d{3}")


def _modules() -> dict[str, Path]:
    modules = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return modules


MODULES = _modules()


def _is_type_checking(node: ast.If) -> bool:
    return isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"


def _imports(module: str, path: Path) -> set[str]:
    """Every module of the package `module` imports, at the top or inside a function (a cycle
    hidden in a function is still a cycle); imports for type checkers only are not run."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            return
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[:len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:
                candidate = f"{target}.{alias.name}"
                found.add(candidate if candidate in MODULES else target)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return {name for name in found if name in MODULES and name != module}


def test_the_package_has_no_import_cycle():
    graph = {module: _imports(module, path) for module, path in MODULES.items()}
    # a package's __init__ importing its own modules is how a package is made, not a cycle
    for module in graph:
        graph[module] = {d for d in graph[module] if not (module.startswith(d + ".") and MODULES[d].name == "__init__.py"
                                                           and not _imports(d, MODULES[d]))}
    state: dict[str, int] = {}
    cycles = []

    def walk(module: str, trail: list[str]) -> None:
        state[module] = 1
        for dependency in sorted(graph[module]):
            if state.get(dependency) == 1:
                cycles.append(trail[trail.index(dependency):] + [dependency] if dependency in trail
                              else [module, dependency])
            elif dependency not in state:
                walk(dependency, trail + [dependency])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            walk(module, [module])
    assert cycles == []


def _code_literals(path: Path) -> set[str]:
    """The rule codes written as string literals in a module (docstrings aside)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef)) and node.body
                  and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    return {node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and CODE.fullmatch(node.value)
            and id(node) not in docstrings}


def test_each_code_is_written_in_exactly_one_module_the_one_that_declares_it():
    where: dict[str, list[str]] = {}
    for module, path in MODULES.items():
        for code in _code_literals(path):
            where.setdefault(code, []).append(module)
    assert {code: modules for code, modules in where.items() if len(modules) != 1} == {}
    assert set(where) == set(RULES)
    for code, (module,) in where.items():
        declared = [node for node in ast.walk(ast.parse(MODULES[module].read_text(encoding="utf-8")))
                    if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Rule"
                    and node.args and getattr(node.args[0], "value", None) == code]
        assert declared, f"{code} is written in {module} but not declared there"


def test_the_codes_the_schema_names_are_declared_by_the_module_that_reads_them():
    from realtime_cfg.check.rules import open_sets, schema

    text = "".join(path.read_text(encoding="utf-8") for path in (PACKAGE.parent / "schemas").glob("*.json"))
    named = set(re.findall(r'"x-rtcfg-code": "(\w+)"', text))
    assert named and named <= set(schema._BY_CODE)
    open_set_codes = set(re.findall(r'"code": "(\w+)"', text))
    assert open_set_codes and open_set_codes <= set(open_sets._BY_CODE)


def _target_name_comparisons(path: Path) -> list[str]:
    """`x == "ga"`, `"beta" in ...` and the like: a target's name compared outside targets/."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            if any(isinstance(o, ast.Constant) and o.value in ("ga", "beta") for o in operands):
                found.append(f"{path.name}:{node.lineno}")
    return found


def test_no_module_outside_targets_compares_a_target_name():
    outside = [path for module, path in MODULES.items() if not module.startswith("realtime_cfg.targets")]
    assert [hit for path in outside for hit in _target_name_comparisons(path)] == []


def test_the_guard_sees_a_comparison(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text('def f(shape):\n    return shape == "ga"\n')
    assert _target_name_comparisons(probe) == ["probe.py:2"]


@pytest.mark.parametrize("front", ["realtime_cfg.cli.app", "realtime_cfg.cli.validating", "realtime_cfg.api",
                                   "realtime_cfg.editor.workspace", "realtime_cfg.editor.actions"])
def test_the_commands_and_the_library_reach_the_steps_only_through_the_pipeline(front):
    steps = {"realtime_cfg.check.validation", "realtime_cfg.targets.canonical", "realtime_cfg.output.defaults",
             "realtime_cfg.building.merge", "realtime_cfg.building.interpolation"}
    imported = _imports(front, MODULES[front])
    assert "realtime_cfg.pipeline" in imported
    assert imported & steps == set()


def test_the_version_is_the_one_pyproject_declares():
    import realtime_cfg

    text = (PACKAGE.parent / "pyproject.toml").read_text(encoding="utf-8")
    assert f'version = "{realtime_cfg.__version__}"' in text


@pytest.mark.parametrize("module", sorted(MODULES))
def test_every_module_imports(module):
    import importlib

    importlib.import_module(module)


def _third_party_imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and not node.level and node.module:
            found.add(node.module.split(".")[0])
        elif isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
    return found


def test_the_language_server_libraries_are_imported_only_by_the_editor_package():
    users = {module for module, path in MODULES.items() if _third_party_imports(path) & {"pygls", "lsprotocol"}}
    assert users and all(module.startswith("realtime_cfg.editor") for module in users)
    assert {module for module in users if "pygls" in _third_party_imports(MODULES[module])} == {
        "realtime_cfg.editor.server"}


def test_only_the_server_command_reaches_the_editor_package():
    outside = {module for module, path in MODULES.items() if not module.startswith("realtime_cfg.editor")
               and any(name.startswith("realtime_cfg.editor") for name in _imports(module, path))}
    assert outside == {"realtime_cfg.cli.app"}


def test_validate_never_loads_the_language_server():
    """`rtcfg server` is an optional extra: validate (the pre-commit hook) must start as fast
    as before, so neither pygls, lsprotocol nor rtcfg's editor modules may load with it."""
    import subprocess
    import sys

    sample = sorted((PACKAGE.parent / "sample_configs").glob("*.yaml"))[0]
    run = subprocess.run([sys.executable, "-X", "importtime", "-m", "realtime_cfg", "validate", str(sample)],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    loaded = {line.rsplit("|", 1)[-1].strip() for line in run.stderr.splitlines() if "|" in line}
    assert "realtime_cfg.pipeline" in loaded  # the probe sees rtcfg's own modules
    assert not {name for name in loaded if name.split(".")[0] in ("pygls", "lsprotocol", "cattrs")
                or name.startswith("realtime_cfg.editor")}


def test_websockets_is_imported_only_by_the_live_websocket_module():
    users = {module for module, path in MODULES.items() if "websockets" in _third_party_imports(path)}
    assert users == {"realtime_cfg.live.websocket"}


def test_only_check_live_reaches_the_live_package_but_its_codes():
    """Every command lists the live codes (`rtcfg rules`), so live/problems.py is loaded by all;
    the code that talks to servers only through the pipeline (ask_server and its helpers), which
    `check --live` and the library's ask_server call."""
    outside = {module: sorted(name for name in _imports(module, path)
                              if name.startswith("realtime_cfg.live") and name != "realtime_cfg.live.problems")
               for module, path in MODULES.items() if not module.startswith("realtime_cfg.live")}
    assert {module for module, names in outside.items() if names} == {"realtime_cfg.pipeline"}


@pytest.mark.parametrize("command", [["validate"], ["render"], ["render", "--explain"], ["rules"]])
def test_validate_and_render_never_load_the_live_check(command):
    """`check --live` is the only command that talks to a server: the others start as fast as
    before, without the network modules (http.client, ssl, websockets) or rtcfg's own."""
    import subprocess
    import sys

    sample = sorted((PACKAGE.parent / "sample_configs").glob("*.yaml"))[0]
    args = [*command, str(sample)] if command != ["rules"] else command
    run = subprocess.run([sys.executable, "-X", "importtime", "-m", "realtime_cfg", *args],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    loaded = {line.rsplit("|", 1)[-1].strip() for line in run.stderr.splitlines() if "|" in line}
    assert "realtime_cfg.live.problems" in loaded  # the probe sees the codes' module
    assert not {name for name in loaded if name.split(".")[0] in ("websockets", "ssl", "http", "concurrent")
                or name.startswith("realtime_cfg.live.") and name != "realtime_cfg.live.problems"}
