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


# -- GA: the same authoring format with the settings only the GA API has -----------------

mcp_filter = st.fixed_dictionaries({}, optional={
    "read_only": st.booleans(), "tool_names": st.lists(names, max_size=3, unique=True)})


@st.composite
def mcp_tool(draw, label):
    endpoint = draw(st.one_of(
        st.fixed_dictionaries({"server_url": st.just(f"https://mcp.example.com/{label}")}),
        st.fixed_dictionaries({"connector_id": st.sampled_from(
            ["connector_dropbox", "connector_gmail", "connector_googlecalendar", "connector_sharepoint"])})))
    tool = {"type": "mcp", "server_label": label, **endpoint}
    tool.update(draw(st.fixed_dictionaries({}, optional={
        "server_description": text,
        "authorization": st.just("oauth-token-placeholder"),
        "headers": st.one_of(st.none(), st.dictionaries(names, text, max_size=2)),
        "allowed_tools": st.one_of(st.none(), st.lists(names, max_size=3, unique=True), mcp_filter),
        "require_approval": st.one_of(st.none(), st.sampled_from(["always", "never"]),
                                      st.fixed_dictionaries({"always": mcp_filter}, optional={"never": mcp_filter}),
                                      st.fixed_dictionaries({"never": mcp_filter})),
    })))
    return tool


@st.composite
def ga_tools(draw):
    """Function tools and MCP servers; names (functions) and server_labels (MCP) unique."""
    labels = draw(st.lists(names, max_size=4, unique=True))
    result = []
    for label in labels:
        if draw(st.booleans()):
            result.append(draw(st.fixed_dictionaries({"type": st.just("function"), "name": st.just(label)},
                                                     optional={"description": text, "parameters": parameters})))
        else:
            result.append(draw(mcp_tool(label)))
    return result


@st.composite
def ga_tool_choice(draw, tool_list):
    choices = [st.sampled_from(["auto", "none", "required"])]
    functions = [t["name"] for t in tool_list if t["type"] == "function"]
    servers = [t["server_label"] for t in tool_list if t["type"] == "mcp"]
    if functions:
        name = st.sampled_from(functions)
        choices += [name, st.fixed_dictionaries({"type": st.just("function"), "name": name})]
    if servers:
        choices.append(st.fixed_dictionaries({"type": st.just("mcp"), "server_label": st.sampled_from(servers)},
                                             optional={"name": names}))
    return draw(st.one_of(choices))


@st.composite
def ga_configs(draw):
    """A valid config for the GA target, in the authoring format: every field of
    `configs()` GA can carry (not temperature) plus the GA-only ones."""
    config = draw(configs())
    config.pop("temperature", None)
    config.pop("tools", None)
    config.pop("tool_choice", None)
    config.update(draw(st.fixed_dictionaries({}, optional={
        "voice": st.sampled_from(["alloy", "ash", "ballad", "coral", "echo", "sage", "shimmer", "verse",
                                  "marin", "cedar"]),
        "model": st.sampled_from(["gpt-realtime", "gpt-realtime-2025-08-28", "gpt-4o-realtime-preview"]),
        "truncation": st.one_of(st.sampled_from(["auto", "disabled"]), st.fixed_dictionaries(
            {"type": st.just("retention_ratio"), "retention_ratio": st.floats(0, 1)})),
        "prompt": st.fixed_dictionaries({"id": st.just("pmpt_123")}, optional={
            "version": st.sampled_from(["1", "2"]),
            "variables": st.dictionaries(names, st.one_of(text, st.fixed_dictionaries(
                {"type": st.just("input_text"), "text": text})), max_size=2)}),
        "include": st.sampled_from([[], ["item.input_audio_transcription.logprobs"]]),
    })))
    if draw(st.booleans()):
        config["input_audio_transcription"] = draw(st.fixed_dictionaries({}, optional={
            "model": st.sampled_from(["whisper-1", "gpt-4o-transcribe", "gpt-4o-mini-transcribe",
                                      "gpt-4o-transcribe-latest"]),
            "language": st.sampled_from(["en", "no", "de"]), "prompt": text}))
    if draw(st.booleans()):
        config["turn_detection"] = draw(server_vad.map(lambda vad: {"type": "server_vad", **vad}).flatmap(
            lambda vad: st.fixed_dictionaries({k: st.just(v) for k, v in vad.items()}, optional={
                "idle_timeout_ms": st.one_of(st.none(), st.integers(5000, 30000))})))
    tool_list = draw(st.one_of(st.none(), ga_tools()))
    if tool_list is not None:
        config["tools"] = tool_list
        if draw(st.booleans()):
            config["tool_choice"] = draw(ga_tool_choice(tool_list))
    return config
