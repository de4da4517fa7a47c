#!/usr/bin/env python3
"""Compare the Realtime session schemas of OpenAI's OpenAPI spec with rtcfg's GA schema.

    python scripts/spec_drift.py OPENAPI_YAML [--json] [--only-spec-fields]

OPENAPI_YAML is openai-openapi's `openapi.yaml`. Two spec schemas are compared with the
two branches of schemas/session-ga.schema.json:

    components.schemas.RealtimeSessionCreateRequestGA               -> type: realtime
    components.schemas.RealtimeTranscriptionSessionCreateRequestGA  -> type: transcription

Each difference is one line, sorted by session and path (list items as `[]`, mapping
values as `{}`):

    + spec only: realtime audio.input.noise_reduction.strength    a field rtcfg lacks
    - rtcfg only: realtime truncation.token_limits                 a field the spec lacks
    ~ values: realtime audio.output.voice: spec has 'newvoice'     an enum/const value one side lacks
    ~ open: realtime audio.output.voice: spec takes any string, rtcfg only listed values
    ~ range: realtime audio.output.speed maximum: spec 1.5, rtcfg 2.0
    ~ null: realtime prompt.version: spec allows null, rtcfg does not

Below a field one side lacks, nothing more is listed. Union branches (anyOf, oneOf, allOf)
are merged at the same path, as rtcfg merges them. The insides of free-form values
(`parameters`, `metadata`, `variables`, `headers`) are not compared. rtcfg's listed names
of an open string (`x-rtcfg-known-values`) count as its values. Null is a difference only
when the spec allows it and rtcfg does not. A range is one of the keywords minimum,
maximum, exclusiveMinimum, exclusiveMaximum, minItems, maxItems, minLength, maxLength,
pattern and default.

Exit status: 0 no differences, 1 differences, 2 usage error or unreadable spec.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # runs from a checkout without installing rtcfg

PROG = "spec_drift.py"
SPEC_ROOTS = {
    "realtime": "RealtimeSessionCreateRequestGA",
    "transcription": "RealtimeTranscriptionSessionCreateRequestGA",
}
SESSIONS = tuple(SPEC_ROOTS)
FREE_FORM = {"parameters", "metadata", "variables", "headers"}
RANGE_KEYWORDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minItems", "maxItems",
                  "minLength", "maxLength", "pattern", "default")
KIND_ORDER = {"spec-only": 0, "rtcfg-only": 1, "values": 2, "open": 3, "range": 4, "null": 5}
MAX_DEPTH = 40


class SpecError(Exception):
    """The spec cannot be read or used: a one-line message, exit status 2."""


# -- one side, as a table of paths ----------------------------------------------------------

@dataclass
class Node:
    """What one side says about one path, merged over all union branches."""

    values: dict  # canonical key -> value, from enum / const / x-rtcfg-known-values
    keywords: dict  # range keyword -> {canonical key: value}
    nullable: bool = False
    open_string: bool = False  # a string branch without enum or const


def _canonical(value: Any) -> str:
    def normal(v: Any) -> Any:
        if isinstance(v, bool) or v is None or isinstance(v, str):
            return v
        if isinstance(v, (int, float)):
            return float(v)  # 1 and 1.0 are the same number
        if isinstance(v, dict):
            return {str(k): normal(x) for k, x in v.items()}
        if isinstance(v, (list, tuple)):
            return [normal(x) for x in v]
        return str(v)  # a YAML date or the like

    return json.dumps(normal(value), sort_keys=True)


def _shown(value: Any) -> str:
    if isinstance(value, str):
        return repr(value)
    try:
        return json.dumps(value)
    except (TypeError, ValueError):
        return repr(value)


def collect(root: Any, expand: Callable[[Any], list[dict]]) -> dict[str, Node]:
    """Every path below `root` with what the schema says there. `expand` turns a schema into
    its union branches, each a dict with its references resolved."""
    table: dict[str, Node] = {}

    def visit(schema: Any, path: str, depth: int, refs: frozenset) -> None:
        branches = expand(schema)
        node = table.setdefault(path, Node(values={}, keywords={})) if path else None
        children: dict[str, list] = {}
        for branch in branches:
            if node is not None:
                _describe(branch, node)
            for key, sub in (branch.get("properties") or {}).items():
                if isinstance(sub, dict) and sub.get("not") == {}:
                    continue  # declared only to be rejected: not a field of this session
                children.setdefault(_join(path, str(key)), []).append((key, sub))
            if isinstance(branch.get("items"), dict):
                children.setdefault(f"{path}[]", []).append((None, branch["items"]))
            if isinstance(branch.get("additionalProperties"), dict) and branch["additionalProperties"]:
                children.setdefault(f"{path}{{}}", []).append((None, branch["additionalProperties"]))
        if depth >= MAX_DEPTH:
            return
        for child_path, subs in children.items():
            table.setdefault(child_path, Node(values={}, keywords={}))
            for key, sub in subs:
                if key in FREE_FORM:
                    _describe_all(expand(sub), table[child_path])
                    continue
                ref = sub.get("$ref") if isinstance(sub, dict) else None
                if ref is not None and ref in refs:
                    continue  # a recursive schema: its fields are those above
                visit(sub, child_path, depth + 1, refs | {ref} if ref else refs)

    visit(root, "", 0, frozenset())
    return table


def _describe_all(branches: list[dict], node: Node) -> None:
    for branch in branches:
        _describe(branch, node)


def _describe(branch: dict, node: Node) -> None:
    declared = branch.get("type")
    names = declared if isinstance(declared, list) else [declared] if declared else []
    if "null" in names or branch.get("nullable") is True:
        node.nullable = True
    listed = []
    if "const" in branch:
        listed.append(branch["const"])
    if isinstance(branch.get("enum"), list):
        listed.extend(branch["enum"])
    if isinstance(branch.get("x-rtcfg-known-values"), list):
        listed.extend(branch["x-rtcfg-known-values"])
    for value in listed:
        if value is None:
            node.nullable = True
        else:
            node.values.setdefault(_canonical(value), value)
    if "string" in names and "const" not in branch and "enum" not in branch:
        node.open_string = True
    for keyword in RANGE_KEYWORDS:
        if keyword == "default" and keyword in branch and len(listed) == 1 and listed[0] == branch[keyword]:
            continue  # the default of a branch with one value (`const: auto, default: auto`) says nothing
        if keyword in branch:
            node.keywords.setdefault(keyword, {}).setdefault(_canonical(branch[keyword]), branch[keyword])


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


# -- the spec's side ---------------------------------------------------------------------------

def spec_expander(components: dict) -> Callable[[Any], list[dict]]:
    """Union branches of a spec schema: $refs (`#/components/schemas/X`) resolved, siblings of
    a $ref kept (they win), anyOf/oneOf flattened with the parent's own keys on each branch,
    and allOf members added as further branches (their properties merge, as rtcfg merges)."""

    def resolve(schema: Any, seen: frozenset = frozenset()) -> Any:
        while isinstance(schema, dict) and isinstance(schema.get("$ref"), str):
            ref = schema["$ref"]
            prefix = "#/components/schemas/"
            if not ref.startswith(prefix) or ref in seen:
                return {k: v for k, v in schema.items() if k != "$ref"}
            target = components.get(ref[len(prefix):])
            if not isinstance(target, dict):
                raise SpecError(f"unresolvable $ref {ref!r}")
            seen = seen | {ref}
            schema = {**target, **{k: v for k, v in schema.items() if k != "$ref"}}
        return schema

    def expand(schema: Any, depth: int = 0) -> list[dict]:
        schema = resolve(schema)
        if not isinstance(schema, dict) or depth > MAX_DEPTH:
            return []
        own = {k: v for k, v in schema.items() if k not in ("anyOf", "oneOf", "allOf")}
        subs = (schema.get("anyOf") or []) + (schema.get("oneOf") or [])
        result = [{**own, **b} for sub in subs for b in expand(sub, depth + 1)] if subs else [own]
        for member in schema.get("allOf") or []:
            result.extend(expand(member, depth + 1))
        return result

    return expand


def load_spec(path: str) -> dict:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        with open(path, encoding="utf-8") as handle:
            document = yaml.load(handle, Loader=loader)
    except FileNotFoundError:
        raise SpecError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise SpecError(f"{path}: is a directory, not a file") from None
    except OSError as exc:
        raise SpecError(f"{path}: cannot read it: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise SpecError(f"{path}: not UTF-8 text, so not an openapi.yaml") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise SpecError(f"{path}: not valid YAML: {problem}{where}") from None
    schemas = document.get("components", {}).get("schemas") if isinstance(document, dict) else None
    if not isinstance(schemas, dict):
        raise SpecError(f"{path}: not an OpenAPI document (no components.schemas)")
    for name in SPEC_ROOTS.values():
        if not isinstance(schemas.get(name), dict):
            raise SpecError(f"{path}: no components.schemas.{name}")
    return schemas


# -- rtcfg's side ------------------------------------------------------------------------------

def rtcfg_tables() -> dict[str, dict[str, Node]]:
    from realtime_cfg.schema.views import GA_SCHEMA, alternatives, branch_for, load_schema

    ga = load_schema(GA_SCHEMA)
    tables = {}
    for session in SESSIONS:
        branch = branch_for(ga, {"type": session})
        tables[session] = collect(branch, alternatives) if branch is not None else {}
    return tables


# -- the comparison ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Difference:
    session: str
    path: str
    kind: str
    text: str  # the line
    detail: dict

    def sort_key(self) -> tuple:
        return (SESSIONS.index(self.session), self.path, KIND_ORDER[self.kind], self.text)


def _below(path: str, parents: set[str]) -> bool:
    return any(path.startswith(p) and path[len(p):len(p) + 1] in (".", "[", "{") for p in parents)


def compare(session: str, spec: dict[str, Node], ours: dict[str, Node],
            only_spec_fields: bool = False) -> list[Difference]:
    found: list[Difference] = []

    def add(path: str, kind: str, text: str, **detail: Any) -> None:
        found.append(Difference(session, path, kind, text, {"session": session, "path": path, "kind": kind,
                                                              **detail}))

    spec_only = {p for p in spec if p not in ours}
    ours_only = {p for p in ours if p not in spec}
    for path in sorted(spec_only):
        if not _below(path, spec_only):
            add(path, "spec-only", f"+ spec only: {session} {path}")
    if not only_spec_fields:
        for path in sorted(ours_only):
            if not _below(path, ours_only):
                add(path, "rtcfg-only", f"- rtcfg only: {session} {path}")
    for path in sorted(set(spec) & set(ours)):
        theirs, mine = spec[path], ours[path]
        for key in sorted(set(theirs.values) - set(mine.values)):
            value = theirs.values[key]
            add(path, "values", f"~ values: {session} {path}: spec has {_shown(value)}", side="spec", value=value)
        for key in sorted(set(mine.values) - set(theirs.values)):
            value = mine.values[key]
            add(path, "values", f"~ values: {session} {path}: rtcfg has {_shown(value)}", side="rtcfg", value=value)
        if theirs.values and mine.values and theirs.open_string != mine.open_string:
            if theirs.open_string:
                add(path, "open", f"~ open: {session} {path}: spec takes any string, rtcfg only listed values",
                    side="spec")
            else:
                add(path, "open", f"~ open: {session} {path}: rtcfg takes any string, spec only listed values",
                    side="rtcfg")
        for keyword in RANGE_KEYWORDS:
            a, b = theirs.keywords.get(keyword, {}), mine.keywords.get(keyword, {})
            if set(a) != set(b):
                shown_a = " | ".join(_shown(a[k]) for k in sorted(a)) or "none"
                shown_b = " | ".join(_shown(b[k]) for k in sorted(b)) or "none"
                add(path, "range", f"~ range: {session} {path} {keyword}: spec {shown_a}, rtcfg {shown_b}",
                    keyword=keyword, spec=[a[k] for k in sorted(a)], rtcfg=[b[k] for k in sorted(b)])
        if theirs.nullable and not mine.nullable:
            add(path, "null", f"~ null: {session} {path}: spec allows null, rtcfg does not")
    return found


def differences(spec_path: str, only_spec_fields: bool = False) -> list[Difference]:
    schemas = load_spec(spec_path)
    expand = spec_expander(schemas)
    ours = rtcfg_tables()
    found: list[Difference] = []
    for session, name in SPEC_ROOTS.items():
        spec = collect(schemas[name], expand)
        found.extend(compare(session, spec, ours[session], only_spec_fields))
    return sorted(found, key=Difference.sort_key)


# -- the command -------------------------------------------------------------------------------

class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2 (argparse prints the usage too)
        self.exit(2, f"{PROG}: {message} (see --help)\n")


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def main(argv: list[str] | None = None) -> int:
    parser = _Parser(
        prog=PROG, formatter_class=argparse.RawDescriptionHelpFormatter,
        description="List the differences between the Realtime session schemas of OpenAI's openapi.yaml "
                    "(RealtimeSessionCreateRequestGA, RealtimeTranscriptionSessionCreateRequestGA) and "
                    "rtcfg's GA schema (schemas/session-ga.schema.json): fields, enum values, ranges, null.",
        epilog="one line per difference, sorted by session and path:\n"
               "  + spec only: SESSION PATH                      a field rtcfg lacks\n"
               "  - rtcfg only: SESSION PATH                     a field the spec lacks\n"
               "  ~ values: SESSION PATH: spec has VALUE         an enum/const value rtcfg lacks (or: rtcfg has)\n"
               "  ~ open: SESSION PATH: spec takes any string, rtcfg only listed values (or the reverse)\n"
               "  ~ range: SESSION PATH KEYWORD: spec X, rtcfg Y  minimum, maximum, minItems, pattern, default...\n"
               "  ~ null: SESSION PATH: spec allows null, rtcfg does not\n"
               "exit status: 0 no differences, 1 differences, 2 usage error or unreadable spec")
    parser.add_argument("spec", metavar="OPENAPI_YAML", help="openai-openapi's openapi.yaml")
    parser.add_argument("--json", action="store_true",
                        help="print a JSON list of differences (objects with session, path, kind and details)")
    parser.add_argument("--only-spec-fields", action="store_true",
                        help="report only paths the spec has: leave out the fields only rtcfg has "
                             "(for a partial spec, such as a test fixture)")
    args = parser.parse_args(argv)
    try:
        found = differences(args.spec, args.only_spec_fields)
    except SpecError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps([_jsonable(d.detail) | {"line": d.text} for d in found], indent=2))
    else:
        for difference in found:
            print(difference.text)
    return 1 if found else 0


if __name__ == "__main__":
    try:
        status = main()
        sys.stdout.flush()
    except BrokenPipeError:  # `| head`: no traceback, and none when Python flushes stdout at exit
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        status = 1
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        status = 130
    sys.exit(status)
