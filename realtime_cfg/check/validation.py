"""Turn schema errors and rule findings into diagnostics a person can act on.

Every problem is reported, not just the first. Each diagnostic carries the
file, line, column, field path, a stable code and, where it can be known, what
to write instead. A union (anyOf/oneOf) failure is explained through the branch
the user meant: the one named by a discriminator (`x-rtcfg-discriminator`), or
else the one whose type matches the value.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any, Mapping, Sequence

from . import session_rules as rules
from .field_values import check_known
from ..diagnostics import Diagnostic, diagnostic_at, format_path, prepare_for_display, quoted, shorten, suggest
from ..source.document import Document
from ..targets.canonical import coerce
from ..schema.views import SHAPE_SCHEMAS, alternatives, declared_types, engine, load_schema, object_properties
from ..targets import carrying, ga, target_module
from ..schema.engine import SchemaError, json_type

# The unquoted scalars YAML 1.1 reads as false where a user may have meant "off".
_OFF_WORDS = {"off", "no", "false", "n"}

# A report lists at most this many findings of one file; one X001 says how many more there
# are. Thousands of findings are rarely thousands of mistakes (a wrong or generated file), and
# listing them all would make the report cost more than the check. The README cites it.
MAX_FINDINGS = 1000
_RANK = {"error": 0, "warning": 1, "info": 2}  # the most severe first


def validate(document: Document, target: str | None = None, strict: bool = False,
             check_target: bool = True, known: Mapping[str, Sequence[str]] | None = None) -> list[Diagnostic]:
    """All problems in a loaded config, sorted by position.

    The file is checked against the schema of its own shape (flat or GA), then, unless
    check_target is off, for what `target` can carry (default: the file's own shape).
    `strict` makes a field the target would drop (T002) an error. `known` adds a project's
    own names to the open sets by the sets' names (`{"models": ["my-deployment"]}`)."""
    if target is not None:
        target_module(target)  # ValueError for an unknown target
    known = check_known(known)  # TypeError or ValueError for a malformed one
    schema_name = SHAPE_SCHEMAS[document.shape]
    data = coerce(document.data, schema_name)
    found = rules.check(data, document, target, known)
    # NaN and infinity get one clear R001 each, not also a range or type complaint
    non_finite = {d.path for d in found if d.code == "R001"}
    try:
        errors = engine(schema_name).errors(data)
        for error in _drop_restated(errors):
            explained = _explain(error, document)
            found.extend(d for d in explained if d.path not in non_finite)
        if check_target:
            flagged = {d.path for d in found if d.severity == "error"}  # a warning never hides T001
            found.extend(d for d in carrying.check(document, data, load_schema(schema_name),
                                                  target or document.shape, strict) if d.path not in flagged)
    except RecursionError:  # only reachable when a caller raised Limits.max_depth far above the default
        found.append(Diagnostic("L005", "the config is nested too deeply to check", document.name, 1, 1))
    unique: dict[tuple, Diagnostic] = {}
    for diagnostic in found:
        # the position too: two long keys can share a cut path and message
        where = (diagnostic.file, diagnostic.line, diagnostic.column)
        unique.setdefault((diagnostic.code, diagnostic.path, diagnostic.message, *where), diagnostic)
    ordered = _capped(sorted(unique.values(), key=lambda d: (d.file, d.line or 0, d.column or 0, d.code)),
                      document.name)
    if not ordered:
        return ordered
    # R012 is raised for every key and value that holds a secret: without one, none to look for
    secrets = rules.secret_places(document) if any(d.code == "R012" for d in unique.values()) else set()
    # capped first: only what is listed pays for excerpts and masking
    return prepare_for_display(ordered, document.texts(), document.redactions, secrets)


def _capped(ordered: list[Diagnostic], name: str) -> list[Diagnostic]:
    """The first MAX_FINDINGS findings, and an X001 for the rest: as severe as the most
    severe of them, so that the exit code stays what the whole list would give."""
    if len(ordered) <= MAX_FINDINGS:
        return ordered
    left_out = ordered[MAX_FINDINGS:]
    severity = min((d.severity or "error" for d in left_out), key=_RANK.__getitem__)
    more = f"{len(left_out):,} more findings in this file are not listed" if len(left_out) > 1 \
        else "1 more finding in this file is not listed"
    return ordered[:MAX_FINDINGS] + [Diagnostic(
        "X001", f"{more} (a report lists at most {MAX_FINDINGS:,} a file)", name, severity=severity,
        hint="fix the first ones (the rest often go with them), or check that this is the file you meant")]


def _drop_restated(errors: list[SchemaError]) -> list[SchemaError]:
    """An enum over whole lists or objects (modalities) restates what a deeper
    error already says about one item; keep the deeper one."""
    above = {e.path[:depth] for e in errors for depth in range(len(e.path))}  # paths with an error below
    return [e for e in errors
            if not (e.keyword == "enum" and isinstance(e.instance, (list, dict)) and e.path in above)]


def _field(path: tuple) -> str:
    return format_path(path) or "the session"


def _show(value: Any) -> str:
    """A config value as a message quotes it, in JSON, cut (secrets masked) so that a long one
    makes no long message."""
    if isinstance(value, str):  # cut before it is quoted: the quotes stay
        return json.dumps(shorten(value), ensure_ascii=False)
    return shorten(json.dumps(value, ensure_ascii=False, default=str))


def _describe(schema: Any) -> str:
    """A short phrase for what a schema accepts: 'an integer from 1 to 4096'."""
    phrases = []
    for branch in alternatives(schema):
        if "const" in branch:
            phrases.append(_show(branch["const"]))
            continue
        if "enum" in branch:
            phrases.append("one of " + ", ".join(_show(v) for v in branch["enum"]))
            continue
        declared = branch.get("type")
        for name in declared if isinstance(declared, list) else [declared] if declared else []:
            phrase = {"string": "a string", "object": "a mapping", "array": "a list", "boolean": "true or false",
                      "null": "null", "integer": "an integer", "number": "a number"}[name]
            if name in ("integer", "number") and "minimum" in branch and "maximum" in branch:
                phrase += f" from {branch['minimum']} to {branch['maximum']}"
            phrases.append(phrase)
    phrases = list(dict.fromkeys(phrases))
    if not phrases:
        return "a different value"
    return phrases[0] if len(phrases) == 1 else ", ".join(phrases[:-1]) + " or " + phrases[-1]


def _yaml_surprise(error: SchemaError, document: Document, accepts: set[str]) -> Diagnostic | None:
    """`language: no` read as false where a string was wanted: say so, and how to write it."""
    _, _, raw = document.locate(error.path)
    if raw is None or isinstance(error.instance, str) or error.instance is None:
        return None
    if isinstance(error.instance, bool) and raw.lower() in ("true", "false"):
        return None  # a boolean written as one is no surprise, just the wrong type
    if not isinstance(error.instance, bool) and (accepts & {"integer", "number"} or _show(error.instance) == raw):
        # a number where numbers are allowed, or one YAML read exactly as written (`type: 5`),
        # is a plain type or range problem; `version: 1.10` read as 1.1 is YAML's doing
        return None
    read_as = _show(error.instance)
    field = _field(error.path)
    raw = shorten(raw)
    if "null" in accepts and raw.lower() in _OFF_WORDS:
        hint = f"to switch {field} off write `null`; to mean the text, quote it: \"{raw}\""
    elif "string" in accepts:
        hint = f"quote it: \"{raw}\""
    else:
        return None
    return diagnostic_at(document, "S006", f"YAML read the unquoted `{raw}` as {read_as}, but {field} must be "
                         f"{_describe(error.schema)}", error.path, hint)


def _explain(error: SchemaError, document: Document, siblings: list[dict] | None = None,
             union: dict | None = None) -> list[Diagnostic]:
    """Diagnostics for one schema error. `siblings` are the other variants of a
    discriminated union the error came from; `union` is the anyOf it came from."""
    found = _explain_keyword(error, document, siblings, union)
    if error.code == "S008":  # inside tool parameters: say it is the parameters schema that is broken
        found = [d if d.code == "S008" else _as_parameters_problem(d, error.path) for d in found]
    return found


def _explain_keyword(error: SchemaError, document: Document, siblings: list[dict] | None,
                     union: dict | None) -> list[Diagnostic]:
    keyword, path, schema, value = error.keyword, error.path, error.schema, error.instance
    field = _field(path)

    if keyword in ("not", "false") or "x-rtcfg-message" in schema:
        at = schema.get("x-rtcfg-at")
        target = path + (at,) if at and isinstance(value, dict) and at in value else path
        message = schema.get("x-rtcfg-message") or f"{field} is not allowed here"
        return [diagnostic_at(document, schema.get("x-rtcfg-code", "S002"), message, target,
                              schema.get("x-rtcfg-hint"), at_key=True)]

    if keyword in ("anyOf", "oneOf"):
        return _explain_union(error, document)

    if keyword == "additionalProperties":
        # a key declared only to be refused (`not: {}`, audio.output in a transcription session) is no suggestion
        known = [k for k, sub in object_properties(schema).items() if not (isinstance(sub, dict) and "not" in sub)]
        key_path = path + (error.key,)
        for branch in siblings or ():
            if error.key in branch.get("properties", {}):
                owner = branch["properties"].get("type", {}).get("const", "another variant")
                current = value.get("type", "the default type") if isinstance(value, dict) else "this type"
                discriminator = f"{field}.type" if path else "type"
                return [diagnostic_at(document, "S007", f"{quoted(error.key)} is a {owner} setting; it is not "
                                      f"allowed when {discriminator} is {quoted(current)}", key_path,
                                      f"remove {shorten(error.key)}, or set {discriminator} to {owner!r}",
                                      at_key=True)]
        if not path and document.shape == "ga" and error.key in load_schema()["properties"]:
            return [_beta_name_in_ga(error.key, document)]
        # a known rename (the other shape's name for a field that lives here, or a name from
        # another OpenAI API) before any guess by spelling
        guess = (target_module(document.shape).renamed(error.key, path)
                 or schema.get("x-rtcfg-renames", {}).get(error.key)
                 or suggest(error.key, [k for k in known if k not in value]))
        where = "the session" if not path else field
        if guess:
            hint = f"did you mean {guess!r}?"
        elif len(known) <= 8:
            hint = f"known keys: {', '.join(known)}"
        else:
            hint = "remove it; `rtcfg schema` lists every known key"
        return [diagnostic_at(document, "S001", f"unknown key {quoted(error.key)} in {where}", key_path, hint,
                              at_key=True)]

    if keyword == "type":
        surprise = _yaml_surprise(error, document, declared_types(schema))
        if surprise:
            return [surprise]
        return [_wrong_type(error, document, schema)]

    if keyword in ("enum", "const"):
        allowed = schema["enum"] if keyword == "enum" else [schema["const"]]
        surprise = _yaml_surprise(error, document, declared_types(schema))
        if surprise:
            return [surprise]
        if all(isinstance(v, list) for v in allowed):
            combos = []
            for combo in allowed:
                if sorted(combo) not in [sorted(c) for c in combos]:
                    combos.append(combo)
            shown = " and ".join(_show(c) for c in combos)
            return [diagnostic_at(document, "S002", f"invalid {field} {_show(value)}: supported combinations are "
                                  f"{shown}", path, "order does not matter; [\"audio\"] alone is rejected by the server"
                                  if value == ["audio"] else None)]
        listed = ", ".join(_show(v) for v in allowed)
        guess = suggest(value, [v for v in allowed if isinstance(v, str)])
        hint = f"did you mean {_show(guess)}?" if guess else None
        if path == ("tool_choice",) and document.shape == "ga" and isinstance(value, str) and not guess:
            hint = f"to force a function in the GA shape write {{type: function, name: {value}}}"
        return [diagnostic_at(document, "S002", f"invalid value {_show(value)} for {field}; expected {listed}", path,
                              hint)]

    if keyword in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"):
        bound = schema[keyword]
        relation = {"minimum": "below the minimum", "maximum": "above the maximum",
                    "exclusiveMinimum": "not above", "exclusiveMaximum": "not below",
                    "multipleOf": "not a multiple of"}[keyword]
        allowed = _describe(union if union is not None else schema)
        hint = f"allowed: {allowed}; values are never clamped"
        return [diagnostic_at(document, "S004", f"{field} {_show(value)} is {relation} {bound}", path, hint)]

    if keyword == "required":
        return [diagnostic_at(document, "S005", f"{field} is missing the required key {error.key!r}", path)]

    messages = {
        "minLength": f"{field} must not be empty" if schema.get("minLength") == 1
        else f"{field} must be at least {schema.get('minLength')} characters",
        "maxLength": f"{field} must be at most {schema.get('maxLength')} characters",
        "pattern": f"{field} {_show(value)} does not match the pattern {schema.get('pattern')!r}",
        "minItems": f"{field} needs at least {schema.get('minItems')} item(s)",
        "maxItems": f"{field} allows at most {schema.get('maxItems')} item(s)",
        "uniqueItems": f"{field} lists the same item twice",
        "propertyNames": f"{field} has an invalid key {quoted(error.key)}",
    }
    return [diagnostic_at(document, "S009", messages.get(keyword, f"{field} is invalid ({keyword})"), path)]


def _beta_name_in_ga(key: str, document: Document) -> Diagnostic:
    """`voice` at the top of a GA-shaped file: say where GA keeps it."""
    where = ga.LOCATIONS.get(key)
    field = load_schema()["properties"][key]
    if "x-rtcfg-message" in field:  # client_secret: not a session field in either shape
        return diagnostic_at(document, field["x-rtcfg-code"], field["x-rtcfg-message"], (key,),
                             field.get("x-rtcfg-hint"), at_key=True)
    if document.session_type == "transcription" and (not where or where[:2] != ("audio", "input")):
        realtime = format_path(where) if where else key
        return diagnostic_at(document, "S012", f"{quoted(key)} is a beta name of a realtime setting ({realtime} in a GA "
                             "realtime session); a transcription session has none", (key,),
                             "remove it, or set type: realtime", at_key=True)
    if where:
        new = format_path(where)
        message = f"{quoted(key)} is the beta name; in a GA-shaped file it is {new}"
        hint = f"move it to {new}, or run `rtcfg migrate` on a flat file to convert it whole"
    else:
        message = f"{quoted(key)} is not a field of the GA API"
        hint = f"remove {key}" + (", or keep the file flat and render it with --target beta"
                                  if key == "temperature" else "")
    return diagnostic_at(document, "S012", message, (key,), hint, at_key=True)


def _as_parameters_problem(diagnostic: Diagnostic, path: tuple) -> Diagnostic:
    """Restate a meta-schema finding as what it is: a broken tool `parameters` schema."""
    root = path[: path.index("parameters") + 1] if "parameters" in path else path
    return Diagnostic("S008", f"{_field(root)} is not a valid JSON Schema: {diagnostic.message}",
                      diagnostic.file, diagnostic.line, diagnostic.column, diagnostic.path, diagnostic.hint)


def _branch_matches_type(branch_errors: list[SchemaError], path: tuple, value: Any) -> bool:
    for error in branch_errors:
        if error.path != path:
            continue
        if error.keyword == "type":
            return False
        if error.keyword in ("const", "enum"):
            allowed = [error.schema["const"]] if error.keyword == "const" else error.schema["enum"]
            if json_type(value) not in {json_type(v) for v in allowed} | (
                    {"integer"} if any(json_type(v) == "number" for v in allowed) else set()):
                return False
    return True


def _explain_union(error: SchemaError, document: Document) -> list[Diagnostic]:
    schema, value, path = error.schema, error.instance, error.path
    branches = error.branch_schemas
    discriminator = schema.get("x-rtcfg-discriminator")
    if discriminator and isinstance(value, dict):
        name = discriminator["property"]
        consts = [b.get("properties", {}).get(name, {}).get("const") for b in branches]
        if name not in value and "default" not in discriminator:  # nothing to explain the object by
            if name in schema.get("required", ()):
                return []  # the union's own `required` reports it
            listed = " or ".join(_show(c) for c in consts if c)
            return [diagnostic_at(document, "S005", f"{_field(path)} is missing the required key {name!r}", path,
                                  f"add {name}: {listed}")]
        chosen = value.get(name, discriminator.get("default"))
        if chosen in consts:
            index = consts.index(chosen)
            others = [b for i, b in enumerate(branches) if i != index]
            result = []
            for sub in error.branches[index]:
                result.extend(_explain(sub, document, siblings=others))
            return result
        guess = suggest(chosen, [c for c in consts if c])
        listed = ", ".join(_show(c) for c in consts if c)
        return [diagnostic_at(document, "S002", f"invalid value {_show(chosen)} for {_field(path + (name,))}; "
                              f"expected {listed}", path + (name,), f"did you mean {_show(guess)}?" if guess else None)]

    matching = [i for i, errs in enumerate(error.branches) if _branch_matches_type(errs, path, value)]
    if len(matching) >= 1 and any(error.branches[i] for i in matching):
        best = min(matching, key=lambda i: len(error.branches[i]))
        result = []
        for sub in error.branches[best]:
            result.extend(_explain(sub, document, union=schema))
        return result
    error = replace(error, schema={"anyOf": branches})
    surprise = _yaml_surprise(error, document, declared_types(error.schema))
    if surprise:
        return [surprise]
    return [_wrong_type(error, document, error.schema)]


def _wrong_type(error: SchemaError, document: Document, schema: Any) -> Diagnostic:
    """`S003 voice must be one of ..., not list ["a"]`"""
    value = error.instance
    kind = {"array": "list", "object": "mapping"}.get(json_type(value), json_type(value))
    got = "null" if value is None else f"{kind} {_show(value)}"
    hint = "null is not allowed here; leave the key out to keep the server's default" if value is None else None
    if document.shape == "ga" and isinstance(value, str) and value in ga.FORMATS:
        hint = f"GA formats are objects: write {_show(ga.FORMATS[value])} (the GA spelling of {value})"
    return diagnostic_at(document, "S003", f"{_field(error.path)} must be {_describe(schema)}, not {got}", error.path,
                         hint)
