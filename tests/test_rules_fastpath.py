"""The shortcuts the checks take (realtime_cfg/check, targets, report/masking.py) find exactly
what the long way finds: the secret pre-filter against the full pattern, and each walk that
skips part of a config against the same walk skipping nothing."""

from __future__ import annotations

import ast
import random
import re
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import realtime_cfg
from realtime_cfg.check.rules import spelling
from realtime_cfg.check.subject import walk
from realtime_cfg.report import masking
from realtime_cfg.report.masking import SECRET, mask_secret, mask_secrets, might_hold_secret, search_secret
from realtime_cfg.schema.views import SESSION_SCHEMA, annotation, session_properties
from realtime_cfg.targets import carrying, canonical
from realtime_cfg.schema.views import Reaches

import strategies
from conftest import ROOT

try:  # the regular-expression parser: 3.11 renamed it
    from re import _parser as regex_parser
except ImportError:  # pragma: no cover - Python 3.10
    import sre_parse as regex_parser

# -- the secret pre-filter ---------------------------------------------------------------------


def test_no_secret_is_shorter_than_the_pre_filter_asks():
    assert regex_parser.parse(SECRET.pattern).getwidth()[0] == masking._SHORTEST_SECRET


def test_bearer_matches_only_ascii_letters_that_lower_to_it():
    """(?i:bearer): which characters can stand for each letter, out of every code point; the
    pre-filter looks for `bearer` in text.lower()."""
    every = "".join(chr(code) for code in range(sys.maxunicode + 1) if not 0xD800 <= code <= 0xDFFF)
    for letter in "bear":
        matched = re.findall(f"(?i:{letter})", every)
        assert sorted(matched) == [letter.upper(), letter], letter
        assert {char.lower() for char in matched} == {letter}


def _strings_in_the_tests() -> list[str]:
    """Every string written in the test suite (each secret example among them), and every line
    of its data files and of the samples."""
    found = []
    for path in sorted((ROOT / "tests").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.append(node.value)
    for folder in ("tests/hostile", "tests/fixtures", "sample_configs"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file() and path.suffix in (".yaml", ".yml", ".json", ".toml", ".txt"):
                text = path.read_bytes().decode("utf-8", "replace")
                found += [text, *text.splitlines()]
    return found


def _generated(count: int) -> list[str]:
    """Random texts around what a secret looks like: its starts in every letter case, after
    letters, digits and escapes, followed by more or fewer characters than it needs, and
    characters that case-fold oddly (long s, Kelvin sign, dotted I)."""
    rng = random.Random(20260801)
    starts = ["sk-", "ek_", "bearer", "Bearer", "BEARER", "bEaReR", "sk_", "ek-", "s k-", "bearer_", "bearer \t",
              "bear", "sk", "ſk-", "\u212a", "\u0130", "bearer\u00a0"]
    before = ["", "x", "1", " ", "\\x41", "\\u0041", "\\U00000041", "\\n", "\\", "-", "é", "sk-", "\\x4"]
    key = "ABCXYZabcxyz0189_-"  # what a key is made of
    odd = ".~+/= \t\\é\u212a"
    texts = []
    for _ in range(count):
        length = rng.choice([0, 1, 12, 14, 15, 16, 17, 19, 20, 21, 25, 40])
        chars = key if rng.random() < 0.6 else key + odd
        text = rng.choice(before) + rng.choice(starts) + "".join(rng.choice(chars) for _ in range(length))
        if rng.random() < 0.3:
            text += rng.choice(["", "=", "==", " and more", "\n", "sk-" + "a" * 20])
        if rng.random() < 0.2:
            text = "".join(rng.choice(key + odd) for _ in range(rng.randrange(30))) + text
        texts.append(text)
    return texts


CORPUS = _strings_in_the_tests() + _generated(20_000)


def test_the_corpus_holds_secrets_and_near_misses():
    holding = sum(1 for text in CORPUS if SECRET.search(text))
    assert holding > 1000 and len(CORPUS) - holding > 1000


def test_the_pre_filter_never_skips_a_text_that_holds_a_secret():
    for text in CORPUS:
        if SECRET.search(text):
            assert might_hold_secret(text), repr(text)


def test_the_pre_filtered_functions_find_what_the_full_pattern_finds(monkeypatch):
    """Each function that searches for secrets, with the pre-filter and with it answering True
    for every text (so the full pattern runs on everything), over the same corpus."""
    def results() -> list:
        found = []
        for text in CORPUS:
            match = search_secret(text)
            found.append((match and match.span(), mask_secrets(text), mask_secrets(text, keep_length=True),
                          masking._secret_spans(text), masking.shorten(text)))
        return found

    filtered = results()
    monkeypatch.setattr(masking, "might_hold_secret", lambda text: True)
    assert results() == filtered
    # and the unfiltered functions are the plain pattern
    assert [found[1] for found in filtered] == [SECRET.sub(lambda m: mask_secret(m.group()), text) for text in CORPUS]


def test_every_secret_example_is_still_found():
    for text in CORPUS:
        if "sk-proj-AbCdEfGhIjKlMnOpQrStUvWx" in text:
            assert search_secret(text) is not None


# -- walks that skip what cannot matter --------------------------------------------------------


def _walked(value, path=()):
    """The order walk promises: a value, then the walk of each member, the last one first."""
    yield path, value
    members = list(value.items()) if isinstance(value, dict) else list(enumerate(value)) \
        if isinstance(value, list) else []
    for key, member in reversed(members):
        yield from _walked(member, path + (key,))


def _with_whole_floats(value):
    """Every integer of a config as a float: R021 for each one that goes where an integer does."""
    if isinstance(value, dict):
        return {key: _with_whole_floats(member) for key, member in value.items()}
    if isinstance(value, list):
        return [_with_whole_floats(member) for member in value]
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


configs = st.one_of(strategies.configs(), strategies.ga_configs(), strategies.ga_transcription_sessions())
configs = st.one_of(configs, configs.map(_with_whole_floats))
SOME = settings(max_examples=120, deadline=None, database=None, suppress_health_check=list(HealthCheck))
FEW = settings(SOME, max_examples=50)


def _findings(config):
    return [(d.code, d.path, d.message, d.line, d.column, d.hint)
            for target in ("beta", "ga") for d in realtime_cfg.validate(config, target=target)]


@FEW
@given(configs)
def test_walk_visits_every_value_in_its_order(config):
    assert list(walk(config)) == list(_walked(config))


@SOME
@given(configs)
def test_skipping_what_holds_no_integer_or_target_mark_changes_no_finding(config):
    fast = _findings(config)
    with pytest.MonkeyPatch.context() as patch:  # look at every value
        patch.setattr(spelling, "_integers_below", lambda schema: True)
        patch.setattr(carrying, "_marked", lambda schema: True)
        assert _findings(config) == fast


@FEW
@given(configs)
def test_coerce_reads_the_marked_fields_as_before(config):
    properties = session_properties(SESSION_SCHEMA)
    expected = dict(config)
    for key, value in config.items():
        rule = annotation(properties[key], "x-rtcfg-normalize") if key in properties else None
        if rule:
            expected[key] = canonical._COERCIONS[rule](value)
    assert canonical.coerce(config) == expected
    assert list(canonical.coerce(config)) == list(config)


def _integer_only(schema) -> bool:
    return schema.get("type") == "integer"


def test_reaches_answers_for_schemas_that_refer_to_themselves():
    """x -> y -> x, and x -> an integer: y reaches it through x, whichever is asked first (a
    walk that took a node's provisional answer for its final one would say y does not)."""
    def schemas():
        integer = {"type": "integer"}
        x = {"type": "object", "properties": {}}
        y = {"type": "object", "properties": {"x": x}}
        x["properties"].update({"y": y, "n": integer})
        lone = {"type": "object", "properties": {"self": None}}
        lone["properties"]["self"] = lone
        return x, y, lone

    x, y, lone = schemas()
    reaches = Reaches(_integer_only)
    assert reaches(x) and reaches(y) and not reaches(lone)
    x, y, lone = schemas()
    reaches = Reaches(_integer_only)
    assert reaches(y) and reaches(x) and not reaches(lone)
    listed = {"type": "array", "items": {"type": "integer"}}
    assert reaches(listed) and not reaches({"type": "array", "items": {"type": "string"}})
