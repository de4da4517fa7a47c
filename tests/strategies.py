"""Hypothesis strategies for valid session configs (as authored, lenient spellings included)."""

from __future__ import annotations

from hypothesis import strategies as st

text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40)
names = st.from_regex(r"[a-z][a-z0-9_]{0,20}", fullmatch=True)

token_limit = st.one_of(
    st.integers(1, 4096),
    st.integers(1, 4096).map(float),
    st.integers(1, 4096).map(str),
    st.sampled_from(["inf", "INF", "Inf", float("inf")]),
)

server_vad = st.fixed_dictionaries({}, optional={
    "type": st.just("server_vad"),
    "threshold": st.floats(0, 1),
    "prefix_padding_ms": st.integers(0, 2000),
    "silence_duration_ms": st.one_of(st.integers(0, 5000), st.integers(0, 5000).map(float)),
    "create_response": st.booleans(),
    "interrupt_response": st.booleans(),
})
semantic_vad = st.fixed_dictionaries({"type": st.just("semantic_vad")}, optional={
    "eagerness": st.sampled_from(["low", "medium", "high", "auto"]),
    "create_response": st.booleans(),
    "interrupt_response": st.booleans(),
})

json_leaf = st.one_of(st.none(), st.booleans(), st.integers(-100, 100), text)
parameters = st.fixed_dictionaries({"type": st.just("object")}, optional={
    "properties": st.dictionaries(names, st.fixed_dictionaries(
        {"type": st.sampled_from(["string", "integer", "number", "boolean"])},
        optional={"description": text}), max_size=3),
    "required": st.lists(names, max_size=2, unique=True),
    "additionalProperties": st.booleans(),
})


@st.composite
def tools(draw):
    tool_names = draw(st.lists(names, max_size=3, unique=True))
    return [draw(st.fixed_dictionaries({"type": st.just("function"), "name": st.just(name)},
                                       optional={"description": text, "parameters": parameters}))
            for name in tool_names]


@st.composite
def configs(draw):
    """A valid config dict: every field optional, nullable features sometimes null."""
    config = draw(st.fixed_dictionaries({}, optional={
        "model": st.sampled_from(["gpt-4o-realtime-preview", "gpt-4o-realtime-preview-2024-12-17",
                                  "gpt-4o-mini-realtime-preview"]),
        "modalities": st.sampled_from([["text"], ["text", "audio"], ["audio", "text"]]),
        "instructions": text,
        "voice": st.sampled_from(["alloy", "ash", "ballad", "coral", "echo", "sage", "shimmer", "verse"]),
        "input_audio_format": st.sampled_from(["pcm16", "g711_ulaw", "g711_alaw"]),
        "output_audio_format": st.sampled_from(["pcm16", "g711_ulaw", "g711_alaw"]),
        "input_audio_transcription": st.one_of(st.none(), st.fixed_dictionaries({}, optional={
            "model": st.sampled_from(["whisper-1", "gpt-4o-transcribe", "gpt-4o-mini-transcribe"]),
            "language": st.sampled_from(["en", "no", "de"]), "prompt": text})),
        "turn_detection": st.one_of(st.none(), server_vad, semantic_vad),
        "input_audio_noise_reduction": st.one_of(st.none(), st.fixed_dictionaries({}, optional={
            "type": st.sampled_from(["near_field", "far_field"])})),
        "temperature": st.floats(0.6, 1.2),
        "speed": st.floats(0.25, 1.5),
        "tracing": st.one_of(st.none(), st.just("auto"), st.fixed_dictionaries({}, optional={
            "workflow_name": text, "group_id": text,
            "metadata": st.dictionaries(names, json_leaf, max_size=3)})),
    }))
    tool_list = draw(st.one_of(st.none(), tools()))
    if tool_list is not None:
        config["tools"] = tool_list
        choices = ["auto", "none", "required"] + [t["name"] for t in tool_list]
        if draw(st.booleans()):
            config["tool_choice"] = draw(st.sampled_from(choices))
    if draw(st.booleans()):
        key = draw(st.sampled_from(["max_response_output_tokens", "max_output_tokens"]))
        config[key] = draw(token_limit)
    keys = list(config)
    order = draw(st.permutations(keys))
    return {k: config[k] for k in order}
