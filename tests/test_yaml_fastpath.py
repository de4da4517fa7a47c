"""The YAML parser's fast way against its plain way, and both against PyYAML.

`yaml_parser.build` reads a plain scalar that cannot be anything but a string without trying
the resolver's patterns, reads the other plain scalars once per text (kept between files), and
takes lines and columns from libyaml's marks. `yaml_parser._parse(..., fast=False)` is the
plain way, what build did before: every scalar through PyYAML's Resolver and SafeConstructor,
every line and column worked out from the mark's offset by LineIndex. The plain way is kept in
the module (the fast way falls back on it), so these tests compare the code that runs.

For every YAML file of the repository, and for a generated corpus of scalars in many places,
both ways must give the same Document: the same data (types and order included), every
Position equal, or the same diagnostics. And where rtcfg loads a text, PyYAML itself must
agree: `yaml.load` on the data, `yaml.compose`'s node marks on the positions.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import yaml
from yaml.resolver import Resolver

from realtime_cfg.source import yaml_parser
from realtime_cfg.source.document import LineIndex, Limits, LoadError
from realtime_cfg.source.loader import decode

ROOT = Path(__file__).resolve().parent.parent
CORPUS_FOLDERS = ("sample_configs", "tests/hostile", "tests/fixtures", "tests/golden")
CORPUS = sorted(path for folder in CORPUS_FOLDERS for path in (ROOT / folder).rglob("*")
                if path.suffix in (".yaml", ".yml") and path.is_file())
SMALL_LIMITS = Limits(max_depth=3, max_nodes=20)
TAG = "tag:yaml.org,2002:"


@pytest.fixture(autouse=True)
def cold_reads(monkeypatch):
    """Each test starts with nothing read before (and leaves the module's own reads alone)."""
    monkeypatch.setattr(yaml_parser, "_READ_AS_KEY", {})
    monkeypatch.setattr(yaml_parser, "_READ_AS_VALUE", {})


# -- the outcome of a parse, in a form that compares exactly ------------------------------------------------------------

def exact(value):
    """The value with its types spelled out: True is not 1, 1 is not 1.0, NaN is NaN, -0.0 is
    not 0.0, and a mapping's order counts."""
    if isinstance(value, dict):
        return ("dict", [(exact(key), exact(item)) for key, item in value.items()])
    if isinstance(value, list):
        return ("list", [exact(item) for item in value])
    if isinstance(value, float):
        return ("float", repr(value))
    return (type(value).__name__, value)


def outcome(text: str, fast: bool, limits: Limits = Limits()):
    """("loaded", data, positions) or ("refused", diagnostics), every field of each."""
    try:
        document = yaml_parser._parse(text, "cfg.yaml", limits, fast=fast)
    except LoadError as error:
        return ("refused", [{name: getattr(diagnostic, name) for name in diagnostic._fields}
                            for diagnostic in error.diagnostics])
    return ("loaded", exact(document.data), document.positions)


def assert_fast_is_plain(text: str, limits: Limits = Limits()) -> None:
    plain = outcome(text, fast=False, limits=limits)
    assert outcome(text, fast=True, limits=limits) == plain, text[:300]
    assert outcome(text, fast=True, limits=limits) == plain, text[:300]  # again, with what the first one read kept


# -- the texts: every YAML file of the repository, as parse() reads it and as build() could get it ----------------------

def text_of(path: Path) -> str:
    raw = path.read_bytes()
    try:
        return decode(raw, path.name).removeprefix("\ufeff")  # as loader.parse gives it to build
    except LoadError:  # not UTF-8 or holds a NUL: build never sees it, but give it what it can read
        return raw.decode("utf-8", "replace")


def variants(text: str) -> list[str]:
    """The text, with a byte order mark left in (build given it directly), with CRLF line ends,
    and with a NEL in a comment on the first line (lines then counted from offsets)."""
    return [text, "\ufeff" + text, text.replace("\r\n", "\n").replace("\n", "\r\n"), "# \x85\n" + text]


def test_the_corpus_is_there():
    assert len(CORPUS) > 50
    assert {"billion-laughs.yaml", "crlf.yaml", "utf16-bom.yaml", "voice-agent.yaml"} <= {p.name for p in CORPUS}


@pytest.mark.parametrize("path", CORPUS, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_yaml_file_reads_the_same_both_ways(path):
    for text in variants(text_of(path)):
        assert_fast_is_plain(text)
        assert_fast_is_plain(text, SMALL_LIMITS)  # the depth and alias limits, hit at the same place


# -- the scalars: every YAML 1.1 form, in every place a scalar can be -------------------------------------------------

SIGNED = ["0", "7", "17", "017", "08", "0o7", "0O7", "0b101", "0b1_0", "0b2", "0x1F", "0x_1f", "0X1F", "0xG",
          "1_000", "1__0", "_1", "1_", "1:20", "190:20:30", "1:60", "1:5:9", "1:20.5", "190:20:30.15",
          "1.5", "1.", ".5", "1.5e+3", "1.5e3", "1e3", "1e+3", "1.5E-3", "1_000.5", "0.0", "00", "0_0", "1.2.3",
          ".inf", ".Inf", ".INF", ".iNF", "inf", ".nan", ".NaN", ".NAN", "nan", "685.230_15e+03", "6.8523015e+5"]
WORDS = ["~", "null", "Null", "NULL", "nULL", "yes", "Yes", "YES", "yEs", "no", "No", "NO", "nO", "true", "True",
         "TRUE", "tRUE", "false", "False", "FALSE", "on", "On", "ON", "oN", "off", "Off", "OFF", "y", "Y", "n", "N",
         "<<", "<<<", "<", "=", "==", "=x"]
DATES = ["2001-12-14", "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10 -5", "2001-12-15T02:59:43.1Z",
         "2001-12-15 2:59:43.10", "2002-12-14", "2001-1-1", "2001-13-45", "2001-12-14T", "20011214"]
TEXTS = ["type", "name", "tools", "format", "ok", "o", "nothing", "Tomorrow", "You are Rosa.", "Off-topic", "-foo",
         "+x", ".x", "0abc", "1 2", "~x", "<a>", "é", "日本語", "\U0001F600 smile", "x y", "a\tb", "yes please",
         "No way", "null-ish", "2001-12-14 is a date", "a: b", "a #b"]
LONG = ["1" * 4300, "1" * 4301, "9" * 99, "9" * 150, "0x" + "f" * 4298, "0b" + "1" * 4298, "1" + ":59" * 1433,
        "1" + ":59" * 1500, "-" + "1" * 4300, "1." + "5" * 4300, "y" * 5000, "T" * 150]
TAGGED = ["! 123", "! yes", '! "123"', "! '~'", "!!str 123", "!!str yes", "!!int 12", '!!int "12"', "!!int abc",
          "!!int 0x1F", "!!float 1", "!!float ''", "!!float .nan", "!!bool yes", "!!bool maybe", "!!null ''",
          "!!null x", "!!timestamp 2001-12-14", "!!timestamp x", "!!merge x", "!!merge <<", "!!value =",
          "!!binary aGk=", "!custom x", "!!python/none ''", "!<tag:yaml.org,2002:int> 5", "!!yaml x", "!!map x",
          "!!int " + "1" * 4301]

SCALARS = ([sign + body for body in SIGNED for sign in ("", "-", "+")] + WORDS + DATES + TEXTS + LONG + TAGGED
           + [f"'{text}'" for text in SIGNED[:12] + WORDS + DATES[:2]]
           + [f'"{text}"' for text in SIGNED[12:24] + WORDS + ["\\x85", "\\u2028 x", "\\U0001F600", "a\\tb"]]
           + ["''", '""', "'it''s'", "&anchor 5", "&anchor yes", "&anchor type"])

# Where a scalar can be; {s} is the scalar. Some put a character before it that counts lines
# or columns otherwise (astral characters, CRLF, NEL, U+2028, a byte order mark, tabs).
PLACES = {
    "value": "k: {s}\n",
    "key": "{s}: v\n",
    "key and value": "{s}: {s}\n",
    "value then key": "a: {s}\n{s}: b\n",
    "block sequence": "- {s}\n- {s}\n",
    "flow sequence": "[{s}, x]\n",
    "flow mapping": "{{k: {s}, {s}: v}}\n",
    "nested": "a:\n  b: [x, {s}]\n  c:\n    - {s}\n",
    "after astral characters": "\U0001F600\U0001F600: [\U0001F600, {s}]\r\nk\U0001F600: {s}\r\n",
    "after CRLF and CR": "a: 1\r\nb: 2\rc: {s}\r\n",
    "after NEL": "a: \"x\x85y\"\nb: {s}\n",
    "after U+2028": "a: 'x\u2028y'\nb: {s}\n",
    "after a byte order mark": "\ufeffk: {s}\nv: {s}\n",
    "after a tab": "k:\t{s}\nv: [\t{s}]\n",
    "after a long line": "k: " + "x" * 20_000 + "\nv: {s}\n",
    "anchored and aliased": "k: &a {s}\nv: *a\nw: [*a]\n",
    "anchored key": "&a {s}: 1\nv: *a\n",
    "in a merge": "b: &b {{{s}: 1, z: {s}}}\nm:\n  <<: *b\n  k: {s}\n",
    "beside a merge key": "b: &b {{x: 1}}\nm: {{<<: *b, k: {s}}}\nn: {{k: {s}, <<: [*b]}}\n",
    "block literal": "k: |\n  {s}\nv: >-\n  {s}\n",
    "explicit key": "? {s}\n: v\n",
    "second document": "k: 1\n---\nv: {s}\n",
}


@pytest.mark.parametrize("place", sorted(PLACES))
def test_every_scalar_reads_the_same_both_ways(place):
    for scalar in SCALARS:
        assert_fast_is_plain(PLACES[place].format(s=scalar))


def test_without_libyaml_too(monkeypatch):
    """PyYAML's own parser (used where libyaml is missing) has marks of its own: the same holds."""
    monkeypatch.setattr(yaml_parser, "_Parser", yaml.SafeLoader)
    for path in CORPUS:  # (10,000 levels of nesting take that parser seconds to refuse)
        if path.parent.name in ("sample_configs", "hostile") and path.name != "deep-nesting.yaml":
            for text in variants(text_of(path)):
                assert_fast_is_plain(text)
    for place in ("key and value", "after astral characters", "after CRLF and CR", "after NEL", "after a byte order mark"):
        for scalar in SCALARS:
            assert_fast_is_plain(PLACES[place].format(s=scalar))


def test_the_scalars_read_as_yaml_11_does():
    """A few that matter, spelled out (the comparisons above would pass if both ways were wrong)."""
    data = yaml_parser.build("a: [no, on, 0o7, 017, 1_000, 0x1F, .inf, -.inf, ~, '', 2001-12-14, =, 1:20, 0b11, "
                             "+12, 1e3, 1.0e+3, Yes, nO, <<, '1', ! 12, ! '12', !!str 12]\n", "cfg", Limits()).data
    assert exact(data["a"]) == exact([False, True, "0o7", 15, 1000, 31, math.inf, -math.inf, None, "", "2001-12-14",
                                      "=", 80, 3, 12, "1e3", 1000.0, True, "nO", "<<", "1", 12, 12, "12"])


def test_a_key_is_the_text_written_and_a_merge_only_as_a_key():
    """What one scalar was read as, as a key, is never used for it as a value, nor the reverse."""
    document = yaml_parser.build("x: <<\nb: &b {z: 1}\nm: {<<: *b}\nn: <<\non: no\nk: on\n", "cfg", Limits())
    assert document.data == {"x": "<<", "b": {"z": 1}, "m": {"z": 1}, "n": "<<", "on": False, "k": True}


def test_what_was_read_is_kept_within_bounds(monkeypatch):
    monkeypatch.setattr(yaml_parser, "_READ_LIMIT", 3)
    text = "".join(f"k{number}: {number}\n" for number in range(10)) + "t: true\nlong: " + "1" * 150 + "\n"
    assert_fast_is_plain(text)
    assert 0 < len(yaml_parser._READ_AS_VALUE) <= 3 and "1" * 150 not in yaml_parser._READ_AS_VALUE


def test_a_nan_is_the_same_object_both_ways():
    """PyYAML reads every .nan as its one NaN object, so a mapping holding it equals itself:
    a .nan read before and kept is that object too."""
    text = "a: .nan\nb: [.NaN]\n"
    fast, plain = yaml_parser.build(text, "cfg", Limits()).data, yaml_parser._parse(text, "cfg", Limits(), False).data
    assert math.isnan(fast["a"]) and fast == plain and yaml_parser.build(text, "cfg", Limits()).data == plain


def test_no_pattern_applies_to_any_first_character():
    """The fast way trusts the resolver's patterns to be keyed by first character: PyYAML's
    Resolver has none for any character (keyed None) and no path resolvers."""
    assert None not in Resolver.yaml_implicit_resolvers and not Resolver.yaml_path_resolvers
    assert yaml_parser._MAY_NOT_BE_TEXT == frozenset(Resolver.yaml_implicit_resolvers)


def test_lines_come_from_offsets_where_yaml_counts_them_otherwise():
    for text in ("k: 1\n", "k: 1\r\nv: \U0001F600\n"):
        assert yaml_parser._Marks(text).direct
    for text in ("a: \x85\nb: 2\n", "a: 'x\u2028'\n", "a: 'x\u2029'\n", "\ufeffa: 1\n"):
        assert not yaml_parser._Marks(text).direct
    assert not yaml_parser._Marks("k: 1\n", trust_lines=False).direct
    document = yaml_parser.build("a: \"\x85\u2028\"\nb: 2\n", "cfg", Limits())
    assert (document.positions[("b",)].line, document.positions[("b",)].column) == (2, 4)


# -- PyYAML agrees where rtcfg loads ------------------------------------------------------------------------------------

class JsonLike:
    """PyYAML's safe loader with what rtcfg does on purpose: a key that is not a string is the
    text written (`on:` is "on"), and a date, `=` and a `<<` that is a value are text."""

    yaml_constructors = {**yaml.SafeLoader.yaml_constructors,
                         **{TAG + tag: yaml.SafeLoader.construct_scalar for tag in ("timestamp", "value", "merge")}}

    def construct_mapping(self, node, deep=False):
        self.flatten_mapping(node)
        mapping = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=deep)
            mapping[key if isinstance(key, str) else key_node.value] = self.construct_object(value_node, deep=deep)
        return mapping


class JsonLikeLoader(JsonLike, yaml.SafeLoader):
    pass


class JsonLikeCLoader(JsonLike, yaml.CSafeLoader):
    pass


def unordered(value):
    """exact(), but a mapping's order does not count (PyYAML puts merged keys first)."""
    if isinstance(value, dict):
        return ("dict", sorted((key, unordered(item)) for key, item in value.items()))
    if isinstance(value, list):
        return ("list", [unordered(item) for item in value])
    return exact(value)


def assert_pyyaml_agrees(text: str) -> int:
    """Where rtcfg loads the text: the same data as yaml.load, and for every value the
    composer shows where it is written, the position of its node (1 if compared, else 0)."""
    try:
        document = yaml_parser.build(text, "cfg", Limits())
    except LoadError:
        return 0
    # PyYAML's own parser, or libyaml's where that one refuses the text (a tab inside a plain
    # scalar); neither loads an anchor defined twice, which rtcfg allows (the later one counts)
    for json_like, loader in ((JsonLikeLoader, yaml.SafeLoader), (JsonLikeCLoader, yaml.CSafeLoader)):
        try:
            data = yaml.load(text, Loader=json_like)
            break
        except yaml.YAMLError:
            continue
    else:
        return 0
    assert unordered(data) == unordered(document.data), text[:300]
    lines = LineIndex(text)
    seen: set[int] = set()
    todo = [((), yaml.compose(text, Loader=loader), None)]
    while todo:  # in the order of the text, so an anchor is met before its aliases
        path, node, key_node = todo.pop()
        if node is None or id(node) in seen:  # an alias: its node is the anchor's, written elsewhere
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            todo.extend(reversed([(path + (key.value,), value, key) for key, value in node.value]))
        elif isinstance(node, yaml.SequenceNode):
            todo.extend(reversed([(path + (index,), value, None) for index, value in enumerate(node.value)]))
        if key_node is not None and key_node.tag == TAG + "merge":
            continue  # the mappings merged in have no position of their own, only their keys
        position = document.positions[path]
        assert (position.line, position.column) == lines.position(node.start_mark.index), (text[:300], path)
        assert position.start == node.start_mark.index, (text[:300], path)
        if isinstance(node, yaml.ScalarNode) or node.flow_style:  # a block collection ends at its last value
            assert position.end == node.end_mark.index, (text[:300], path)
        if key_node is not None and id(key_node) not in seen:  # (an alias as a key is written elsewhere)
            seen.add(id(key_node))
            assert (position.key_line, position.key_column) == lines.position(key_node.start_mark.index), path
            if position.key_start is not None:  # None: an anchored key, not edited in place
                assert (position.key_start, position.key_end) == (key_node.start_mark.index, key_node.end_mark.index)
    return 1


def test_pyyaml_agrees_on_every_yaml_file():
    compared = sum(assert_pyyaml_agrees(text) for path in CORPUS for text in variants(text_of(path))[::2])
    assert compared > 100


# (not after a byte order mark, which PyYAML's offsets count and libyaml's do not, nor in a
# second document, which rtcfg never loads; nor after a 20,000-character line, which takes
# PyYAML's own parser seconds for all the scalars)
@pytest.mark.parametrize("place", sorted(set(PLACES) - {"after a byte order mark", "second document",
                                                        "after a long line"}))
def test_pyyaml_agrees_on_every_scalar(place):
    compared = sum(assert_pyyaml_agrees(PLACES[place].format(s=scalar)) for scalar in SCALARS)
    assert compared > 300  # of 370: some are refused (`!!int abc`), some put twice in a mapping
