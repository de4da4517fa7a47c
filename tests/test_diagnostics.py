"""Wording and targeting of diagnostics beyond the code: what a person reads."""

from __future__ import annotations

from conftest import diagnose


def only(text):
    found = diagnose(text)
    assert len(found) == 1, [(d.code, d.message) for d in found]
    return found[0]


def test_null_where_not_allowed_says_so_and_how_to_keep_the_default():
    d = only("instructions:\n")
    assert d.code == "S003" and d.message == "instructions must be a string, not null"
    assert "leave the key out" in d.hint


def test_number_written_as_a_number_is_a_type_error_not_a_yaml_surprise():
    assert only("model: 4\n").code == "S003"
    d = only("instructions: 1.10\n")
    assert d.code == "S006" and d.hint == 'quote it: "1.10"'


def test_bad_type_keyword_in_tool_parameters_is_S008_and_says_what_is_allowed():
    d = only("tools: [{type: function, name: f, parameters: {type: 5}}]\n")
    assert d.code == "S008" and d.path == "tools[0].parameters.type"
    assert '"string"' in d.message and "or a list" in d.message


def test_dangling_local_ref_in_tool_parameters():
    d = only("tools: [{type: function, name: f, parameters: "
             "{type: object, properties: {a: {$ref: '#/$defs/nope'}}}}]\n")
    assert d.code == "S008" and d.path == "tools[0].parameters.properties.a.$ref"
    assert diagnose("tools: [{type: function, name: f, parameters: {type: object, $defs: {nope: {type: string}}, "
                    "properties: {a: {$ref: '#/$defs/nope'}}}}]\n") == []


def test_unknown_key_suggestion_ignores_keys_already_present():
    d = only("max_output_tokens: 5\nmax_tokenz: 5\n")
    assert d.code == "S001" and "'max_output_tokens'" not in d.hint


def test_discriminator_typo_is_reported_on_the_type_itself():
    d = only("turn_detection: {type: semantic-vad, eagerness: low}\n")
    assert (d.code, d.path, d.hint) == ("S002", "turn_detection.type", 'did you mean "semantic_vad"?')


def test_error_in_merged_mapping_points_at_the_merge():
    found = diagnose("turn_detection:\n  <<: {type: server_vad, eagerness: low}\n")
    assert [(x.code, x.line, x.column) for x in found] == [("S007", 2, 3)]
