"""Loading YAML and JSON: positions, safety and every way a file can be wrong."""

from __future__ import annotations

import codecs

import pytest

import realtime_cfg
from realtime_cfg.source.document import Limits
from realtime_cfg.source.loader import discover

from conftest import run_cli


def load_text(text, fmt="yaml", **limits):
    return realtime_cfg.loads(text, name="cfg", format=fmt, limits=Limits(**limits) if limits else None)


def load_error(text, fmt="yaml", **limits):
    with pytest.raises(realtime_cfg.LoadError) as info:
        load_text(text, fmt, **limits)
    return info.value.diagnostics[0]


class TestPositions:
    def test_yaml_values_and_keys(self):
        doc = load_text("model: m\nturn_detection:\n  type: server_vad\ntools:\n  - name: f\n")
        assert doc.locate(("model",)) == (1, 8, None)
        assert doc.locate(("model",), at_key=True) == (1, 1, None)
        assert doc.locate(("turn_detection", "type"))[:2] == (3, 9)
        assert doc.locate(("tools", 0, "name"))[:2] == (5, 11)

    def test_json_values_and_keys(self):
        doc = load_text('{\n  "voice": "ash",\n  "tools": [{"name": "f"}]\n}', fmt="json")
        assert doc.locate(("voice",))[:2] == (2, 12)
        assert doc.locate(("voice",), at_key=True)[:2] == (2, 3)
        assert doc.locate(("tools", 0, "name"))[:2] == (3, 22)

    def test_unknown_path_falls_back_to_nearest_parent(self):
        doc = load_text("tracing:\n  metadata: {a: 1}\n")
        assert doc.locate(("tracing", "metadata", "zzz"))[:2] == (2, 13)

    def test_crlf_line_ends_count_lines_correctly(self, write):
        path = write("crlf.yaml", b"model: m\r\nvoice: ash\r\n")
        assert realtime_cfg.load(path).locate(("voice",))[:2] == (2, 8)

    def test_raw_text_is_kept_for_yaml_11_surprises(self):
        doc = load_text("language: no\nquoted: 'no'\n")
        assert doc.data == {"language": False, "quoted": "no"}
        assert doc.locate(("language",))[2] == "no"
        assert doc.locate(("quoted",))[2] is None


class TestYamlSafety:
    @pytest.mark.parametrize("tag", ["!!python/object/apply:os.system ['echo hi']", "!!python/name:os.system",
                                     "!custom thing", "!!binary aGVsbG8=", "!!set {a, b}"])
    def test_tags_never_build_objects(self, tag):
        error = load_error(f"instructions: {tag}\n")
        assert error.code == "L004" and error.line == 1

    def test_standard_tags_are_fine(self):
        assert load_text("a: !!str 12\nb: !!int '7'\n").data == {"a": "12", "b": 7}

    def test_billion_laughs_is_refused(self):
        # 9^9 values if expanded; refused by counting values, not by a clock (a test must not
        # depend on the machine's speed; test_hostile.py measures the memory this takes)
        bomb = "a: &a ['lol','lol','lol','lol','lol','lol','lol','lol','lol']\n"
        for prev, name in zip("abcdefgh", "bcdefghi"):
            bomb += f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]\n"
        error = load_error(bomb)
        assert error.code == "L006" and "100000" in error.message.replace(",", "")

    def test_ten_thousand_levels_of_nesting(self):
        error = load_error("a: " + "[" * 10_000 + "]" * 10_000 + "\n")
        assert error.code == "L005"
        error = load_error('{"a": ' + "[" * 10_000 + "]" * 10_000 + "}", fmt="json")
        assert error.code == "L005"

    def test_anchors_and_merge_keys(self):
        doc = load_text("base: &vad {type: server_vad, threshold: 0.5}\n"
                        "turn_detection:\n  <<: *vad\n  threshold: 0.7\n")
        assert doc.data["turn_detection"] == {"threshold": 0.7, "type": "server_vad"}

    def test_multiple_documents_are_an_error(self):
        assert load_error("voice: alloy\n---\nvoice: ash\n").code == "L007"

    def test_timestamps_stay_text(self):
        assert load_text("when: 2024-10-01\n").data == {"when": "2024-10-01"}

    def test_non_string_keys_keep_their_text(self):
        assert load_text("on: 1\n2: x\n").data == {"on": 1, "2": "x"}

    def test_huge_integer_is_a_clear_error(self):
        assert load_error("max_response_output_tokens: " + "9" * 5000 + "\n").code == "L001"


class TestJson:
    @pytest.mark.parametrize("text, message", [
        ('{"a": 1,}', "trailing comma"),
        ('{"a": NaN}', "NaN"),
        ('{"a": 1} x', "extra data"),
        ('{"a" 1}', "expected ':'"),
        ('{"a": "unterminated', "Unterminated string"),
    ])
    def test_syntax_errors(self, text, message):
        error = load_error(text, fmt="json")
        assert error.code == "L001" and message in error.message

    def test_duplicate_key(self):
        error = load_error('{"voice": "a",\n "voice": "b"}', fmt="json")
        assert (error.code, error.line, error.column) == ("L002", 2, 2)
        assert "first given at line 1" in error.message

    def test_numbers_match_json_loads(self):
        assert load_text('{"a": -0, "b": 1.5e3, "c": 10, "d": 1e400}', fmt="json").data == {
            "a": 0, "b": 1500.0, "c": 10, "d": float("inf")}


class TestFiles:
    def test_top_level_must_be_a_mapping(self):
        for text, what in [("- a\n", "a list"), ("just text\n", "a string"), ("", "empty"), ("# only a comment\n", "empty")]:
            error = load_error(text)
            assert error.code == "L003" and what in error.message

    def test_utf16_with_bom_is_read(self, write):
        path = write("u16.yaml", codecs.BOM_UTF16_LE + "voice: ash\n".encode("utf-16-le"))
        assert realtime_cfg.load(path).data == {"voice": "ash"}

    def test_utf8_bom_is_skipped(self, write):
        path = write("bom.json", codecs.BOM_UTF8 + b'{"voice": "ash"}')
        assert realtime_cfg.load(path).data == {"voice": "ash"}

    def test_invalid_utf8_names_the_position(self, write):
        path = write("latin1.yaml", "voice: ash\ninstructions: caf\xe9\n".encode("latin-1"))
        with pytest.raises(realtime_cfg.LoadError) as info:
            realtime_cfg.load(path)
        error = info.value.diagnostics[0]
        assert (error.code, error.line, error.column) == ("L008", 2, 18)

    def test_nul_bytes_mean_binary(self, write):
        path = write("bin.yaml", b"voice: ash\n\x00\x01\x02")
        with pytest.raises(realtime_cfg.LoadError) as info:
            realtime_cfg.load(path)
        assert info.value.diagnostics[0].code == "L008"

    def test_size_limit_is_enforced_without_reading_everything(self, write):
        path = write("big.yaml", "instructions: " + "x" * 5000 + "\n")
        with pytest.raises(realtime_cfg.LoadError) as info:
            realtime_cfg.load(path, limits=Limits(max_bytes=1000))
        assert info.value.diagnostics[0].code == "L009"
        assert realtime_cfg.load(path, limits=Limits(max_bytes=10_000)).data["instructions"].startswith("xxx")

    def test_discover_walks_directories_without_following_symlink_loops(self, tmp_path):
        (tmp_path / "a").mkdir()
        (tmp_path / "a" / "one.yaml").write_text("voice: ash\n")
        (tmp_path / "a" / "two.JSON").write_text("{}")
        (tmp_path / "a" / "notes.txt").write_text("x")
        (tmp_path / "a" / "loop").symlink_to(tmp_path / "a")
        (tmp_path / "empty").mkdir()
        (tmp_path / "a" / ".hidden").mkdir()
        (tmp_path / "a" / ".hidden" / "three.yaml").write_text("voice: ash\n")
        found = discover([str(tmp_path / "a"), str(tmp_path / "empty")])
        assert [f.rsplit("/", 1)[1] for f in found.files] == ["one.yaml", "two.JSON"]
        assert found.walked == set(found.files)
        assert found.empty == [str(tmp_path / "empty")]
        assert found.hidden == [str(tmp_path / "a" / ".hidden")]


class TestStdin:
    def test_yaml_on_stdin(self):
        result = run_cli("validate", "-", stdin="voice: ash\n")
        assert result.returncode == 0

    def test_json_on_stdin_is_detected(self):
        result = run_cli("render", "-", stdin='{"voice": "ash", "voice": "x"}')
        assert result.returncode == 1
        assert "<stdin>:1:18: L002" in result.stderr

    def test_closed_stdin(self):
        import subprocess
        import sys

        result = subprocess.run([sys.executable, "-m", "realtime_cfg", "validate", "-"],
                                stdin=subprocess.DEVNULL, capture_output=True, text=True)
        # /dev/null is an empty file: an empty config, not a crash
        assert result.returncode == 1 and "L003" in result.stdout
        result = subprocess.run([sys.executable, "-c",
                                 "import sys; sys.stdin.close(); sys.argv=['rtcfg','validate','-'];"
                                 "from realtime_cfg.cli.app import main; main()"],
                                capture_output=True, text=True)
        assert result.returncode == 2 and "standard input is closed" in result.stdout
        assert "Traceback" not in result.stderr


class TestOddScalars:
    """Inputs found by fuzzing: each once escaped as an internal error."""

    @pytest.mark.parametrize("text", ["temperature: !!float\n", "speed: !!int ''\n", "a: !!int _\n"])
    def test_typed_empty_scalars_are_load_errors(self, text):
        assert load_error(text).code == "L001"

    def test_merge_key_text_in_value_position_is_a_string(self):
        assert load_text("tracing: {metadata: {a: <<}}\nx: [<<]\n").data == {
            "tracing": {"metadata": {"a": "<<"}}, "x": ["<<"]}

    def test_explicit_merge_tag_on_a_value_is_refused(self):
        assert load_error("tracing: {metadata: {site: !!merge oslo}}\n").code == "L004"

    def test_equals_sign_is_text(self):
        assert load_text("instructions: =\n=: 1\n").data == {"instructions": "=", "=": 1}

    def test_unpaired_surrogate_escape_in_json_is_refused(self):
        error = load_error('{"instructions": "\\ud800"}', fmt="json")
        assert (error.code, error.line, error.column) == ("L008", 1, 18)
        assert load_text('{"instructions": "\\ud83d\\ude00"}', fmt="json").data == {"instructions": "\U0001F600"}

    def test_lone_cr_ends_a_json_line(self):
        doc = load_text('{"instructions": "a",\r"voice": "x"}', fmt="json")
        assert doc.locate(("voice",))[:2] == (2, 10)

    def test_loads_skips_a_bom_in_json_text(self):
        assert load_text('\ufeff{"voice": "ash"}', fmt="json").data == {"voice": "ash"}

    def test_decode_error_column_counts_characters(self, write):
        path = write("multibyte.yaml", "instructions: ééé\xff\n".encode("latin-1").replace(
            "ééé".encode("latin-1"), "ééé".encode("utf-8")))
        with pytest.raises(realtime_cfg.LoadError) as info:
            realtime_cfg.load(path)
        assert (info.value.diagnostics[0].line, info.value.diagnostics[0].column) == (1, 18)

    def test_raised_depth_limit_still_never_raises_from_validate(self):
        deep = '{"tracing": {"metadata": ' + '{"a": ' * 3000 + "1" + "}" * 3002
        document = load_text(deep, fmt="json", max_depth=5000)
        assert [d.code for d in realtime_cfg.validate(document)] == ["L005"]
