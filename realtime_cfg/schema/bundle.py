"""`rtcfg schema --bundle`: one self-contained schema file for editors that do not run rtcfg.

schemas/*.schema.json stay the single source of truth rtcfg validates with; a bundle is made
from them on demand and never read back. It differs from its source in four ways:

- Every `$ref` points inside the file. A reference into the sibling file (the GA schema's
  `session.schema.json#/...`) becomes `#/$defs/...`, with the definition copied in (and what
  it refers to, in turn); `$ref`s stay `$ref`s, so recursion stays finite and the file small.
  The JSON Schema meta-schema that function `parameters` refer to (json-schema.org, which an
  offline editor cannot fetch) is replaced by a local copy of what it checks (`JsonSchema`).
- Editor keywords are added: `markdownDescription` (the description, plus the range, the
  default and which targets have the field) and `deprecationMessage` (retiring models,
  deprecated fields, another shape's names, keys the server refuses). They never change
  which files are valid: tests/test_bundle.py compares the verdicts with the source's.
- rtcfg's private annotations (`x-rtcfg-*`) are removed once turned into the above: they
  mean nothing to an editor, and validators in strict mode (Ajv, which SchemaStore's checks
  use) refuse unknown keywords. `$comment`s stay: they are standard, ignored by editors, and
  say where each fact comes from.
- No `$id`: every `$ref` is a fragment, so the file works from wherever it is served (a
  SchemaStore catalog entry's url, a path on disk) and the same sources give the same bytes.

Shape `any` (for a SchemaStore entry, which has one URL for every `*.rtcfg.*` file) holds both
shapes and picks one with if/then/else as rtcfg does (targets.shape_of): a file with one of a
shape's marker keys (`type`, `audio`, `output_modalities`) is GA-shaped, any other flat.
"""

from __future__ import annotations

import json
import re
from typing import Any, Iterator

from ..targets import CANONICAL, TARGETS, display_name, target_module
from .engine import pointer_target
from .views import SESSION_SCHEMA, SHAPE_SCHEMAS, load_schema

ANY = "any"  # both shapes in one file
SHAPES = (*SHAPE_SCHEMAS, ANY)  # what bundle() takes: a target's name, or ANY

_META_SCHEMA = "https://json-schema.org/draft/2020-12/schema"
_JSON_SCHEMA = "JsonSchema"  # the $defs name of the local stand-in for the meta-schema

# The 2020-12 meta-schema (jsonschema_specifications' draft202012/: metaschema.json and its
# vocabularies) flattened into one recursive schema, `$dynamicRef: "#meta"` read as a plain
# `$ref` (nothing here extends the dialect, so it means the same) and the `format`s left out
# (annotations only, for rtcfg's engine and for jsonschema alike). So a function's
# `parameters` are checked offline exactly as rtcfg checks them (S008): `required: city` or
# `type: strng` is underlined, and the editor completes the keywords. A permissive
# `{type: object}` would have been smaller, but silent about exactly those mistakes.
_SUB = {"$ref": f"#/$defs/{_JSON_SCHEMA}"}
_SUBS = {"type": "array", "minItems": 1, "items": _SUB}
_SUB_MAP = {"type": "object", "additionalProperties": _SUB}
_NAMES = {"type": "array", "items": {"type": "string"}, "uniqueItems": True}
_COUNT = {"type": "integer", "minimum": 0}
_NUMBER = {"type": "number"}
_STRING = {"type": "string"}
_FLAG = {"type": "boolean"}
_ANCHOR = {"type": "string", "pattern": "^[A-Za-z_][-A-Za-z0-9._]*$"}
_TYPE_NAME = {"enum": ["array", "boolean", "integer", "null", "number", "object", "string"]}
_JSON_SCHEMA_DEF = {
    "description": "A JSON Schema (draft 2020-12). This copy checks what the 2020-12 meta-schema "
                   "checks (each keyword's type; `required` a list of distinct names; `type` one of "
                   "array, boolean, integer, null, number, object, string), offline.",
    "type": ["object", "boolean"],
    "properties": {
        # core
        "$id": {"type": "string", "pattern": "^[^#]*#?$"}, "$schema": _STRING, "$ref": _STRING,
        "$anchor": _ANCHOR, "$dynamicRef": _STRING, "$dynamicAnchor": _ANCHOR,
        "$vocabulary": {"type": "object", "additionalProperties": _FLAG}, "$comment": _STRING,
        "$defs": _SUB_MAP,
        # applicator
        "prefixItems": _SUBS, "items": _SUB, "contains": _SUB, "additionalProperties": _SUB,
        "properties": _SUB_MAP, "patternProperties": _SUB_MAP, "dependentSchemas": _SUB_MAP,
        "propertyNames": _SUB, "if": _SUB, "then": _SUB, "else": _SUB,
        "allOf": _SUBS, "anyOf": _SUBS, "oneOf": _SUBS, "not": _SUB,
        # unevaluated, content
        "unevaluatedItems": _SUB, "unevaluatedProperties": _SUB,
        "contentEncoding": _STRING, "contentMediaType": _STRING, "contentSchema": _SUB,
        # validation
        "type": {"anyOf": [_TYPE_NAME, {"type": "array", "items": _TYPE_NAME, "minItems": 1, "uniqueItems": True}]},
        "const": True, "enum": {"type": "array"},
        "multipleOf": {"type": "number", "exclusiveMinimum": 0},
        "maximum": _NUMBER, "exclusiveMaximum": _NUMBER, "minimum": _NUMBER, "exclusiveMinimum": _NUMBER,
        "maxLength": _COUNT, "minLength": _COUNT, "pattern": _STRING,
        "maxItems": _COUNT, "minItems": _COUNT, "uniqueItems": _FLAG, "maxContains": _COUNT,
        "minContains": _COUNT, "maxProperties": _COUNT, "minProperties": _COUNT,
        "required": _NAMES, "dependentRequired": {"type": "object", "additionalProperties": _NAMES},
        # meta-data, format
        "title": _STRING, "description": _STRING, "default": True, "deprecated": _FLAG,
        "readOnly": _FLAG, "writeOnly": _FLAG, "examples": {"type": "array"}, "format": _STRING,
        # earlier drafts' keywords, which the meta-schema still checks
        "definitions": _SUB_MAP,
        "dependencies": {"type": "object", "additionalProperties": {"anyOf": [_SUB, _NAMES]}},
        "$recursiveAnchor": _ANCHOR, "$recursiveRef": _STRING,
    },
}

# Keywords whose values are subschemas (the rest hold data: examples, const, enum, default).
_ONE = ("additionalProperties", "propertyNames", "items", "contains", "not", "if", "then", "else")
_MANY = ("allOf", "anyOf", "oneOf", "prefixItems")
_NAMED = ("properties", "patternProperties", "$defs")


def bundle(shape: str) -> dict:
    """The self-contained schema of a file in `shape` (a name in SHAPES)."""
    if shape == ANY:
        return _either_shape()
    return _finish(_assemble(SHAPE_SCHEMAS[shape]), shape)


def bundle_text(shape: str) -> str:
    """bundle(shape) as `rtcfg schema --bundle` writes it (the same bytes for the same sources)."""
    return json.dumps(bundle(shape), indent=2, ensure_ascii=False) + "\n"


# -- walking schemas ----------------------------------------------------------------------------


def _children(node: Any) -> Iterator[dict]:
    if not isinstance(node, dict):
        return
    for key in _ONE:
        if isinstance(node.get(key), dict):
            yield node[key]
    for key in _MANY:
        yield from (sub for sub in node.get(key, ()) if isinstance(sub, dict))
    for key in _NAMED:
        yield from (sub for sub in node.get(key, {}).values() if isinstance(sub, dict))


def _walk(node: dict) -> Iterator[dict]:
    """Every schema node in `node`, itself first."""
    yield node
    for child in _children(node):
        yield from _walk(child)


def _copy(schema: Any) -> Any:
    """A copy sharing nothing with `schema` or with another copy: nodes are changed in place
    later (load_schema's are cached, and _JSON_SCHEMA_DEF uses one dict in many places, which
    copy.deepcopy would keep shared)."""
    return json.loads(json.dumps(schema))


def _resolved(node: dict, root: dict) -> dict:
    """The node with its local `$ref`s followed; its own keys win (as editors merge them)."""
    for _ in range(100):  # a chain of $refs, not recursion: the schemas have short ones
        ref = node.get("$ref")
        if not (isinstance(ref, str) and ref.startswith("#")):
            return node
        target = pointer_target(root, ref[1:])
        if not isinstance(target, dict):
            return node
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    raise ValueError(f"a $ref chain that does not end: {node.get('$ref')}")


# -- one file: every $ref local ---------------------------------------------------------------


def _assemble(name: str) -> dict:
    """The schema file `name` with every `$ref` pointing inside it (see the module docstring)."""
    root = _copy(load_schema(name))
    defs = root.setdefault("$defs", {})
    copied: dict[tuple[str, str], str] = {}  # (file, pointer) -> the name of its copy in $defs

    def localize(node: dict, source: str) -> None:
        for sub in list(_walk(node)):  # listed first: copies are added to $defs on the way
            ref = sub.get("$ref")
            if not isinstance(ref, str):
                continue
            if ref == _META_SCHEMA:
                defs.setdefault(_JSON_SCHEMA, _copy(_JSON_SCHEMA_DEF))
                sub["$ref"] = f"#/$defs/{_JSON_SCHEMA}"
                continue
            base, _, pointer = ref.partition("#")
            file = base or source
            if file == name:
                sub["$ref"] = "#" + pointer
                continue
            if (file, pointer) not in copied:
                parts = pointer.split("/")[1:]
                if len(parts) == 2 and parts[0] == "$defs":
                    label = parts[1]  # a definition keeps its name
                else:  # another part of the file is named by its place: session.properties.model
                    label = ".".join([file.removesuffix(".schema.json"), *parts])
                if label in defs or "/" in label or "~" in label:
                    raise ValueError(f"cannot copy {ref} into $defs as {label!r}")
                copied[(file, pointer)] = label
                defs[label] = _copy(pointer_target(load_schema(file), pointer))
                localize(defs[label], file)
            sub["$ref"] = f"#/$defs/{copied[(file, pointer)]}"

    localize(root, name)
    if not defs:
        del root["$defs"]
    inlined = {file for file, _ in copied}
    if inlined and isinstance(root.get("description"), str):
        # "... session.schema.json, which must sit beside this file ...": not of a bundle
        sentences = re.split(r"(?<=\.)\s+", root["description"])
        root["description"] = " ".join(s for s in sentences if not any(file in s for file in inlined))
    _add_after(root, "$schema", "$comment", f"Made by `rtcfg schema --bundle` from "
               f"{', '.join([name, *sorted(inlined)])}; edit those files, not this one.")
    return root


# -- what editors show --------------------------------------------------------------------------


def _finish(root: dict, shape: str) -> dict:
    _refuse_other_names(root, shape)
    for node in list(_walk(root)):
        _add_value_notes(node)
        if "x-rtcfg-deprecated" in node:
            node["deprecationMessage"] = node["x-rtcfg-deprecated"]
        if node.get("not") == {} and "x-rtcfg-message" in node:
            # a key declared only to be refused (client_secret; audio.output in a transcription
            # session): the editor says "not allowed", this says why. The node never validates,
            # so the message never shows on a valid file.
            node["deprecationMessage"] = _refusal(node)
    top = root.get("properties", {})
    for node in list(_walk(root)):
        if isinstance(node.get("description"), str):
            places = _places(node, top, shape)
            _add_after(node, "description", "markdownDescription", _markdown(_resolved(node, root), places))
    for node in _walk(root):
        for key in [k for k in node if k.startswith("x-rtcfg-")]:
            del node[key]
    return root


def _add_value_notes(node: dict) -> None:
    """A warning on a value the schema accepts but rtcfg warns about: a model with an announced
    shutdown (`x-rtcfg-lifecycle`, R015 in rtcfg) or a value known to be a mistake
    (`x-rtcfg-value-mistakes`: the text-to-speech voices).

    `deprecationMessage` belongs to a schema node, not to a value, so each value gets a node
    that applies to it alone: `{if: {const: value}, then: {deprecationMessage}}` in `allOf`.
    The `then` asserts nothing, so no file's verdict changes. (The other way, an `anyOf` of
    one `const` branch per value plus the original schema less those values, would do the same
    for validation, but yaml-language-server offers every `const` of an `anyOf` as a completion:
    the editor would suggest exactly the models being shut down.)"""
    notes = {}
    for model, plan in node.get("x-rtcfg-lifecycle", {}).items():
        instead = f"use '{plan['replacement']}' instead" if plan.get("replacement") else "move to a current model"
        notes[model] = f"'{model}' is deprecated: OpenAI announced its shutdown for {plan['shutdown']}; {instead}"
    for value, mistake in node.get("x-rtcfg-value-mistakes", {}).items():
        notes[value] = mistake["message"]
    if notes:
        node["allOf"] = [*node.get("allOf", ()),
                         *({"if": {"const": value}, "then": {"deprecationMessage": text}} for value, text in notes.items())]


def _refusal(node: dict) -> str:
    hint = node.get("x-rtcfg-hint")
    return node["x-rtcfg-message"] + (f" ({hint})" if hint else "")


def _refuse_other_names(root: dict, shape: str) -> None:
    """Declare, in each closed object of a session, the keys rtcfg knows belong elsewhere,
    refused (`not: {}`) with a message saying where they go: the flat (beta) names in a
    GA-shaped file (rtcfg's S012: `voice` is audio.output.voice there) and the names of
    another API (`x-rtcfg-renames`: max_tokens). The editor's "not allowed" gets its reason,
    and `doNotSuggest` keeps them out of completions. In a closed object (additionalProperties
    false) an undeclared key and a key declared `not: {}` are equally invalid, so no verdict
    changes. The flat file itself accepts every flat name: nothing is added there but renames.

    The flat file's `max_output_tokens` (`x-rtcfg-alias-of`) gets no warning: flat files may
    spell it either way, and rtcfg renders it under the target's wire name."""
    module = target_module(shape)
    flat = load_schema(SESSION_SCHEMA)["properties"]
    canonical = display_name(CANONICAL)
    discriminator = root.get("x-rtcfg-discriminator", {}).get("property", "type")
    sessions = [b for b in root.get("oneOf", [root]) if "properties" in b]

    def kind(session: dict) -> str:
        return f"{discriminator}: {session['properties'].get(discriminator, {}).get('const', '?')}"

    for session in sessions:
        own = session["properties"]
        if session.get("additionalProperties") is not False:
            continue
        for key, new in session.get("x-rtcfg-renames", {}).items():
            _refuse(own, key, f"'{key}' is not a session field; the setting is '{new}'")
        for key, field in flat.items():
            where = module.location(key)
            dotted = ".".join(where)
            if key not in own:
                if "x-rtcfg-message" in field:  # client_secret: refused in either shape
                    text = _refusal(field)
                elif _object_at(session, where, root) is not None:
                    text = f"'{key}' is the {canonical} name; in a {module.DISPLAY}-shaped file it is {dotted}"
                else:
                    other = next((s for s in sessions if _object_at(s, where, root) is not None), None)
                    text = (f"'{key}' is not a field of a {kind(session)} session ({dotted} in a {kind(other)} "
                            f"session)" if other else f"'{key}' is not a field of the {module.DISPLAY} API")
                _refuse(own, key, text)
            # one level in: `input_audio_format` written under audio.input, where it is `format`
            parent = _object_at(session, where[:-1], root) if len(where) > 1 else None
            if parent and parent.get("additionalProperties") is False and key not in parent.get("properties", {}) \
                    and where[-1] in parent.get("properties", {}):
                _refuse(parent["properties"], key, f"'{key}' is the {canonical} name; here it is '{where[-1]}' ({dotted})")


def _refuse(properties: dict, key: str, text: str) -> None:
    if key not in properties:
        properties[key] = {"description": text, "not": {}, "deprecationMessage": text, "doNotSuggest": True}


def _object_at(node: dict, path: tuple, root: dict) -> dict | None:
    """The schema of the value at `path` under `node` (by `properties`), or None if none is declared."""
    for part in path:
        node = _resolved(node, root).get("properties", {}).get(part)
        if not isinstance(node, dict) or node.get("not") == {}:
            return None
    return _resolved(node, root)


def _places(node: dict, top: dict, shape: str) -> list[str]:
    """For a top-level field of a shape other targets lay out differently: where they keep it."""
    name = next((key for key, sub in top.items() if sub is node), None)
    if name is None:
        return []
    notes = []
    for other, module in TARGETS.items():
        where = module.location(name)
        if other != shape and where != (name,):
            notes.append(f"**In a {module.DISPLAY}-shaped file:** `{'.'.join(where)}`")
    return notes


def _markdown(node: dict, places: list[str]) -> str:
    """The description, then what the schema states about the value: its range, its default,
    which targets have it, where another shape keeps it."""
    facts = []
    # a union's range is its first branch's that has one (a token limit: 1 to 4096, or "inf")
    span = _range(node) or next((r for r in map(_range, node.get("anyOf", node.get("oneOf", ()))) if r), None)
    if span:
        facts.append(f"**Range:** {span}")
    if "default" in node:
        facts.append(f"**Default:** `{json.dumps(node['default'], ensure_ascii=False)}`")
    targets = node.get("x-rtcfg-targets")
    if targets:
        others = " and ".join(display_name(t) for t in TARGETS if t not in targets)
        only = " and ".join(display_name(t) for t in targets)
        if node.get("x-rtcfg-unsupported") == "drop":
            effect = f"rtcfg leaves it out of a {others} payload, with a warning (an error with `--strict`)"
        else:
            effect = f"rendering it for {others} is an error"
        facts.append(f"**{only[:1].upper() + only[1:]} only:** {effect}.")
    return "\n\n".join([node["description"], *facts, *places])


def _range(node: Any) -> str | None:
    if not isinstance(node, dict):
        return None
    if "minimum" in node and "maximum" in node:
        return f"{json.dumps(node['minimum'])} to {json.dumps(node['maximum'])}"
    bounds = [f"{word} {json.dumps(node[key])}" for key, word in (
        ("minimum", "at least"), ("exclusiveMinimum", "more than"), ("maximum", "at most"), ("exclusiveMaximum", "less than"))
        if key in node]
    return " and ".join(bounds) or None


def _add_after(node: dict, after: str, key: str, value: Any) -> None:
    """Set node[key], placed right after node[after] (so the file reads description, then its markdown)."""
    items = [(k, v) for k, v in node.items() if k != key]
    node.clear()
    for k, v in items:
        node[k] = v
        if k == after:
            node[key] = value


# -- both shapes in one file ------------------------------------------------------------------


def _either_shape() -> dict:
    """Each shape's bundle under `$defs` (named by its schema file), picked by if/then/else
    the way targets.shape_of picks: the first target other than the canonical one whose marker
    keys the file has, else the canonical (flat) shape."""
    defs: dict[str, Any] = {}
    names = {}
    for shape, file in SHAPE_SCHEMAS.items():
        schema = bundle(shape)
        for label, definition in schema.pop("$defs", {}).items():
            if defs.setdefault(label, definition) != definition:
                raise ValueError(f"the shapes' bundles define {label!r} differently")
        for key in ("$schema", "$comment"):
            schema.pop(key, None)
        names[shape] = file.removesuffix(".schema.json")
        if names[shape] in defs:
            raise ValueError(f"{names[shape]!r} is already a definition")
        defs[names[shape]] = schema
    choice: dict = {"$ref": f"#/$defs/{names[CANONICAL]}"}
    for shape in reversed([s for s in TARGETS if s != CANONICAL]):
        markers = target_module(shape).MARKERS  # what its recognizes() looks for, in a mapping
        choice = {"if": {"type": "object", "anyOf": [{"required": [key]} for key in markers]},
                  "then": {"$ref": f"#/$defs/{names[shape]}"}, "else": choice}
    keys = [f"`{key}`" for s in TARGETS if s != CANONICAL for key in target_module(s).MARKERS]
    shown = ", ".join(keys[:-1]) + " or " + keys[-1] if len(keys) > 1 else keys[0]
    description = ("One Realtime API session, in the flat authoring format or in the GA shape, told apart as "
                   f"rtcfg tells them: a file with {shown} is GA-shaped, any other is flat.")
    return {
        "$schema": load_schema(SESSION_SCHEMA)["$schema"],
        "$comment": f"Made by `rtcfg schema --bundle --shape {ANY}` from {', '.join(SHAPE_SCHEMAS.values())}; "
                    "edit those files, not this one.",
        "title": "OpenAI Realtime session config (rtcfg), either shape",
        "description": description,
        "markdownDescription": description,
        **choice,
        "$defs": defs,
    }
