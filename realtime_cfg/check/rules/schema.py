"""S: what the schema says, explained so a person can act on it.

The schema (schemas/*.schema.json) decides what is valid; this module turns each of its
errors into one diagnostic: file, line, column, field path, and where it can be known what
to write instead. A union (anyOf/oneOf) failure is explained through the branch the user
meant: the one named by a discriminator (`x-rtcfg-discriminator`), or else the one whose
type matches the value. A schema node may name its own code and message (`x-rtcfg-code`,
`x-rtcfg-message`, `x-rtcfg-hint`): the code must be one declared here.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ...diagnostics import Diagnostic, Fix, Rule, format_path, same_spelling, suggest
from ...fixing.edits import remove_entry, rename_key, replace_value
from ...records import replace
from ...report.masking import quoted, shorten
from ...schema.engine import SchemaError, json_type, pointer_target
from ...schema.views import SHAPE_SCHEMAS, alternatives, declared_types, engine, load_schema, object_properties
from ...source.document import Document
from ...targets import display_name, target_module
from ..subject import Subject, walk

UNKNOWN_KEY = Rule(
    "S001", "unknown-key", "error", "A key the server does not know; the server rejects unknown parameters.",
    "The server closes the session with `Unknown parameter`; a typo is found in production instead of at commit.",
    "max_tokens: 300\n", "max_output_tokens: 300\n", fixes=("unsafe",))
INVALID_VALUE = Rule(
    "S002", "invalid-value", "error", "A value outside the field's allowed set.",
    "The server rejects the session.update with `Invalid value`.",
    "input_audio_format: g711-ulaw\n", "input_audio_format: g711_ulaw\n", fixes=("safe", "unsafe"))
WRONG_TYPE = Rule(
    "S003", "wrong-type", "error", "A value of the wrong JSON type.",
    "The server rejects the session.update with `Invalid type`.",
    "temperature: warm\n", "temperature: 0.9\n", fixes=("safe",))
OUT_OF_RANGE = Rule(
    "S004", "out-of-range", "error", "A number outside the field's documented range.",
    "The server rejects it (`decimal below minimum value`); rtcfg never clamps a value into range for you.",
    "temperature: 0.3\n", "temperature: 0.6\n")
MISSING_KEY = Rule(
    "S005", "missing-key", "error", "A required key is missing.",
    "The server rejects an object without it, e.g. a function tool without a name.",
    "tools:\n  - type: function\n    description: no name\n",
    "tools:\n  - type: function\n    name: f\n    description: named\n")
YAML_IMPLICIT_TYPE = Rule(
    "S006", "yaml-implicit-type", "error",
    "YAML 1.1 read an unquoted scalar (no, off, yes, 1.10 ...) as a boolean or number where a string is required.",
    "`language: no` (Norwegian) is read as false and `turn_detection: off` as false: the file says one "
    "thing and the payload another.",
    "input_audio_transcription:\n  language: no\n", "input_audio_transcription:\n  language: \"no\"\n",
    fixes=("safe",))
WRONG_VARIANT_FIELD = Rule(
    "S007", "wrong-variant-field", "error",
    "A field that belongs to another variant of a union (a server_vad field under semantic_vad).",
    "The server rejects the field, or the author believes a setting is active when it cannot be.",
    "turn_detection:\n  type: semantic_vad\n  threshold: 0.5\n",
    "turn_detection:\n  type: server_vad\n  threshold: 0.5\n")
INVALID_TOOL_PARAMETERS = Rule(
    "S008", "invalid-tool-parameters", "error", "A function tool's parameters is not a valid JSON Schema object.",
    "The model gets a broken schema for the function's arguments, or the server refuses the tool.",
    "tools:\n  - type: function\n    name: f\n    parameters: {type: object, required: city}\n",
    "tools:\n  - type: function\n    name: f\n    parameters: {type: object, required: [city]}\n",
    fixes=("safe", "unsafe"))
CONSTRAINT = Rule(
    "S009", "constraint", "error", "A length, pattern or uniqueness constraint is not met.",
    "The server rejects empty names and repeated items.", "tool_choice: ''\n", "tool_choice: auto\n")
CONFLICTING_KEYS = Rule(
    "S010", "conflicting-keys", "error", "Two keys that set the same thing.",
    "Only one of them can win, and which one depends on the server.",
    "max_output_tokens: 10\nmax_response_output_tokens: 10\n", "max_response_output_tokens: 10\n")
NOT_A_SESSION_FIELD = Rule(
    "S011", "not-a-session-field", "error", "A key that exists in the API but is rejected in session.update.",
    "client_secret belongs to the request that creates a session token, not to the session itself.",
    "client_secret: {expires_after: {anchor: created_at, seconds: 60}}\n", "model: gpt-realtime-2\n")
WRONG_SHAPE_FIELD = Rule(
    "S012", "wrong-shape-field", "error",
    "A beta field name in a GA-shaped file (or the reverse); the hint says where it goes.",
    "A GA server does not know the flat beta names and rejects them.",
    "type: realtime\nvoice: ash\n", "type: realtime\naudio: {output: {voice: ash}}\n", fixes=("unsafe",))

RULES = (UNKNOWN_KEY, INVALID_VALUE, WRONG_TYPE, OUT_OF_RANGE, MISSING_KEY, YAML_IMPLICIT_TYPE, WRONG_VARIANT_FIELD, INVALID_TOOL_PARAMETERS, CONSTRAINT, CONFLICTING_KEYS, NOT_A_SESSION_FIELD, WRONG_SHAPE_FIELD)
_BY_CODE = {rule.code: rule for rule in RULES}


def check(subject: Subject, skip: set[str] = frozenset()) -> list[Diagnostic]:
    """Every schema error of the subject's data, explained; none at a path in `skip` (a value
    another rule already reports whole: NaN is R001, not also out of range)."""
    document, data = subject.document, subject.data
    found: list[Diagnostic] = []
    tools = data.get("tools") if isinstance(data.get("tools"), list) else []
    for index, tool in enumerate(tools):
        parameters = tool.get("parameters") if isinstance(tool, dict) else None
        if isinstance(parameters, dict):
            found.extend(_dangling_references(parameters, ("tools", index, "parameters"), document))
    for error in _drop_restated(engine(SHAPE_SCHEMAS[document.shape]).errors(data)):
        found.extend(d for d in _explain(error, document) if d.path not in skip)
    return found


# The unquoted scalars YAML 1.1 reads as false where a user may have meant "off".
_OFF_WORDS = {"off", "no", "false", "n"}


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
    fix = None
    if "null" in accepts and raw.lower() in _OFF_WORDS:
        hint = f"to switch {field} off write `null`; to mean the text, quote it: \"{raw}\""
    elif "string" in accepts:
        hint = f"quote it: \"{raw}\""
        # the text as written is the only string it can have meant
        fix = replace_value(document, error.path, raw, "safe", f'quote it: "{raw}"', quote=True)
    else:
        return None
    return YAML_IMPLICIT_TYPE.at(document, f"YAML read the unquoted `{raw}` as {read_as}, but {field} must be "
                         f"{_describe(error.schema)}", error.path, hint, fix=fix)


def _explain(error: SchemaError, document: Document, siblings: list[dict] | None = None,
             union: dict | None = None) -> list[Diagnostic]:
    """Diagnostics for one schema error. `siblings` are the other variants of a
    discriminated union the error came from; `union` is the anyOf it came from."""
    found = _explain_keyword(error, document, siblings, union)
    if error.code == INVALID_TOOL_PARAMETERS.code:  # inside tool parameters: say it is the parameters schema that is broken
        found = [d if d.code == INVALID_TOOL_PARAMETERS.code else _as_parameters_problem(d, error.path) for d in found]
    return found


def _explain_keyword(error: SchemaError, document: Document, siblings: list[dict] | None,
                     union: dict | None) -> list[Diagnostic]:
    keyword, path, schema, value = error.keyword, error.path, error.schema, error.instance
    field = _field(path)

    if keyword in ("not", "false") or "x-rtcfg-message" in schema:
        at = schema.get("x-rtcfg-at")
        target = path + (at,) if at and isinstance(value, dict) and at in value else path
        message = schema.get("x-rtcfg-message") or f"{field} is not allowed here"
        return [_BY_CODE[schema.get("x-rtcfg-code", INVALID_VALUE.code)].at(document, message, target,
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
                return [WRONG_VARIANT_FIELD.at(document, f"{quoted(error.key)} is a {owner} setting; it is not "
                                      f"allowed when {discriminator} is {quoted(current)}", key_path,
                                      f"remove {shorten(error.key)}, or set {discriminator} to {owner!r}",
                                      at_key=True)]
        if not path and error.key in load_schema()["properties"]:  # a flat field, unknown at the top of this shape
            return [_beta_name_in_ga(error.key, document)]
        # a known rename (the other shape's name for a field that lives here, or a name from
        # another OpenAI API) before any guess by spelling
        guess = (target_module(document.shape).renamed(error.key, path)
                 or schema.get("x-rtcfg-renames", {}).get(error.key)
                 or suggest(error.key, [k for k in known if k not in value]))
        where = "the session" if not path else field
        fix = None
        if guess:
            hint = f"did you mean {guess!r}?"
            fix = rename_key(document, key_path, guess, "unsafe", f"rename it to {guess}")
        elif len(known) <= 8:
            hint = f"known keys: {', '.join(known)}"
        else:
            hint = "remove it; `rtcfg schema` lists every known key"
        return [UNKNOWN_KEY.at(document, f"unknown key {quoted(error.key)} in {where}", key_path, hint,
                              at_key=True, fix=fix)]

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
            return [INVALID_VALUE.at(document, f"invalid {field} {_show(value)}: supported combinations are "
                                  f"{shown}", path, "order does not matter; [\"audio\"] alone is rejected by the server"
                                  if value == ["audio"] else None)]
        listed = ", ".join(_show(v) for v in allowed)
        guess = suggest(value, [v for v in allowed if isinstance(v, str)])
        hint = f"did you mean {_show(guess)}?" if guess else None
        if (path == ("tool_choice",) and not target_module(document.shape).NAMES_FUNCTION_BY_STRING
                and isinstance(value, str) and not guess):
            hint = f"to force a function in the {display_name(document.shape)} shape write {{type: function, name: {value}}}"
        return [INVALID_VALUE.at(document, f"invalid value {_show(value)} for {field}; expected {listed}", path,
                              hint, fix=_respelled(document, path, value, guess))]

    if keyword in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"):
        bound = schema[keyword]
        relation = {"minimum": "below the minimum", "maximum": "above the maximum",
                    "exclusiveMinimum": "not above", "exclusiveMaximum": "not below",
                    "multipleOf": "not a multiple of"}[keyword]
        allowed = _describe(union if union is not None else schema)
        hint = f"allowed: {allowed}; values are never clamped"
        return [OUT_OF_RANGE.at(document, f"{field} {_show(value)} is {relation} {bound}", path, hint)]

    if keyword == "required":
        return [MISSING_KEY.at(document, f"{field} is missing the required key {error.key!r}", path)]

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
    return [CONSTRAINT.at(document, messages.get(keyword, f"{field} is invalid ({keyword})"), path)]


def _respelled(document: Document, path: tuple, value: Any, guess: str | None) -> Fix | None:
    """The fix for a value with a close allowed value: safe when they differ only in case, `-`,
    `_` or spaces (`g711-ulaw`: it can only have meant g711_ulaw), else a guess to confirm."""
    if guess is None:
        return None
    safety = "safe" if same_spelling(value, guess) else "unsafe"
    return replace_value(document, path, guess, safety, f"write {_show(guess)}")


def _beta_name_in_ga(key: str, document: Document) -> Diagnostic:
    """`voice` at the top of a GA-shaped file: say where GA keeps it."""
    where = target_module(document.shape).location(key)
    where = where if where != (key,) else None
    field = load_schema()["properties"][key]
    if "x-rtcfg-message" in field:  # client_secret: not a session field in either shape
        return _BY_CODE[field["x-rtcfg-code"]].at(document, field["x-rtcfg-message"], (key,),
                             field.get("x-rtcfg-hint"), at_key=True)
    if document.session_type == "transcription" and (not where or where[:2] != ("audio", "input")):
        realtime = format_path(where) if where else key
        return WRONG_SHAPE_FIELD.at(document, f"{quoted(key)} is a beta name of a realtime setting ({realtime} in a GA "
                             "realtime session); a transcription session has none", (key,),
                             "remove it, or set type: realtime", at_key=True)
    fix = None
    if where:
        new = format_path(where)
        message = f"{quoted(key)} is the beta name; in a GA-shaped file it is {new}"
        hint = f"move it to {new}, or run `rtcfg migrate` on a flat file to convert it whole"
        value = document.data[key]
        if len(where) == 1 and target_module(document.shape).render({key: value}).get(where[0]) == value:
            # a pure rename (max_response_output_tokens: 5 is max_output_tokens: 5); a move into
            # audio, or a value GA writes differently, is what `rtcfg migrate` is for
            fix = rename_key(document, (key,), where[0], "unsafe", f"rename it to {where[0]}")
    else:
        message = f"{quoted(key)} is not a field of the GA API"
        hint = f"remove {key}" + (", or keep the file flat and render it with --target beta"
                                  if key == "temperature" else "")
        fix = remove_entry(document, (key,), "unsafe", f"remove {key}")
    return WRONG_SHAPE_FIELD.at(document, message, (key,), hint, at_key=True, fix=fix)


def _as_parameters_problem(diagnostic: Diagnostic, path: tuple) -> Diagnostic:
    """Restate a meta-schema finding as what it is: a broken tool `parameters` schema."""
    root = path[: path.index("parameters") + 1] if "parameters" in path else path
    return replace(diagnostic, code=INVALID_TOOL_PARAMETERS.code, name=INVALID_TOOL_PARAMETERS.name,
                   severity=INVALID_TOOL_PARAMETERS.severity,
                   message=f"{_field(root)} is not a valid JSON Schema: {diagnostic.message}")


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
            return [MISSING_KEY.at(document, f"{_field(path)} is missing the required key {name!r}", path,
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
        return [INVALID_VALUE.at(document, f"invalid value {_show(chosen)} for {_field(path + (name,))}; "
                              f"expected {listed}", path + (name,), f"did you mean {_show(guess)}?" if guess else None,
                              fix=_respelled(document, path + (name,), chosen, guess))]

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
    fix = None
    spelling = target_module(document.shape).format_spelling(value) if isinstance(value, str) else None
    if spelling is not None:
        shape = display_name(document.shape)
        hint = f"{shape} formats are objects: write {_show(spelling)} (the {shape} spelling of {value})"
        fix = replace_value(document, error.path, spelling, "safe", f"write {_show(spelling)}")
    number = _number_text(value, declared_types(schema))
    if number is not None:  # "300" where a number goes: it can only mean 300
        hint = f"write it unquoted: {number}"
        fix = replace_value(document, error.path, number, "safe", f"write {number}")
    return WRONG_TYPE.at(document, f"{_field(error.path)} must be {_describe(schema)}, not {got}", error.path,
                         hint, fix=fix)


_INTEGER = re.compile(r"-?(?:0|[1-9][0-9]*)")  # as JSON writes one: "007" is not plainly 7
_DECIMAL = re.compile(r"-?(?:0|[1-9][0-9]*)\.[0-9]+")


def _number_text(value: Any, accepts: set[str]) -> int | float | None:
    """The number a string holds, where the field takes a number and the string is exactly how
    JSON would write that number (so nothing about it is a guess)."""
    if not isinstance(value, str) or len(value) > 20:
        return None
    if _INTEGER.fullmatch(value) and accepts & {"integer", "number"}:
        return int(value)
    if _DECIMAL.fullmatch(value) and "number" in accepts and json.dumps(float(value)) == value:
        return float(value)
    return None


def _dangling_references(parameters: dict, root: tuple, document: Document) -> list[Diagnostic]:
    """Local `$ref`s ("#/$defs/x") in tool parameters that point at nothing: the
    meta-schema cannot see these, and the model would get a broken schema.
    Remote references are left alone: whether OpenAI resolves them is not documented."""
    found = []
    for path, value in walk(parameters, root):
        reference = value.get("$ref") if isinstance(value, dict) else None
        if not isinstance(reference, str) or not reference.startswith("#"):
            continue
        try:
            pointer_target(parameters, reference[1:])
        except KeyError:
            found.append(INVALID_TOOL_PARAMETERS.at(document, f"{format_path(root)} is not a valid JSON Schema: "
                                                    f"$ref {quoted(reference)} points at nothing", path + ("$ref",),
                                                    "define the target under $defs, or fix the reference"))
    return found
