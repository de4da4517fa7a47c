"""Hypothesis strategies for valid session configs (as authored, lenient spellings included).

- `configs()`: the flat authoring format, valid for the beta target (no GA-only field).
- `ga_configs()`: the flat authoring format with every setting GA can carry.
- `ga_transcription_sessions()`: GA-shaped transcription sessions (`type: transcription`).

Names the API leaves open (models, voices, transcription models) are drawn from the names
rtcfg knows, so a generated config draws no "unknown name" warning. Some of those models have
an announced shutdown date (R015: a warning before it, an error after it): tests that render
generated configs pin RTCFG_TODAY to BEFORE_EVERY_SHUTDOWN.
"""

from __future__ import annotations

from hypothesis import strategies as st

# a date before every announced shutdown of a model drawn here (the first: gpt-realtime, 2027-01-20)
BEFORE_EVERY_SHUTDOWN = "2026-12-01"

text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40)
names = st.from_regex(r"[a-z][a-z0-9_]{0,20}", fullmatch=True)

# -- names the API leaves open: the ones rtcfg and openai-python 3.57.0 know ------------

# from the beta judge's `model` Literal (openai.types.beta.realtime), which a beta payload must
# match; its gpt-realtime and gpt-realtime-2025-08-28 are left out: they shut down on 2027-01-20,
# and not every test of configs() pins RTCFG_TODAY
BETA_MODELS = ["gpt-4o-realtime-preview", "gpt-4o-realtime-preview-2024-10-01", "gpt-4o-realtime-preview-2024-12-17",
               "gpt-4o-realtime-preview-2025-06-03", "gpt-4o-mini-realtime-preview",
               "gpt-4o-mini-realtime-preview-2024-12-17"]
GA_MODELS = ["gpt-realtime", "gpt-realtime-2025-08-28", "gpt-realtime-mini", "gpt-realtime-mini-2025-10-06",
             "gpt-realtime-mini-2025-12-15", "gpt-realtime-1.5", "gpt-realtime-2", "gpt-realtime-2.1",
             "gpt-realtime-2.1-mini", "gpt-audio-1.5", "gpt-audio-mini", "gpt-audio-mini-2025-10-06",
             "gpt-audio-mini-2025-12-15", "gpt-4o-realtime-preview", "gpt-4o-realtime-preview-2024-10-01",
             "gpt-4o-realtime-preview-2024-12-17", "gpt-4o-realtime-preview-2025-06-03", "gpt-4o-mini-realtime-preview",
             "gpt-4o-mini-realtime-preview-2024-12-17"]
# openai-python's beta types list these 8; marin and cedar are GA's (T003 for beta)
BETA_VOICES = ["alloy", "ash", "ballad", "coral", "echo", "sage", "shimmer", "verse"]
VOICES = BETA_VOICES + ["marin", "cedar"]
WHISPER = "gpt-realtime-whisper"
WITH_LANGUAGES = ["gpt-transcribe", "gpt-live-transcribe"]  # the models that take `languages` and `keywords`
TRANSCRIPTION_MODELS = ["whisper-1", "gpt-transcribe", "gpt-live-transcribe", "gpt-4o-mini-transcribe",
                        "gpt-4o-mini-transcribe-2025-12-15", "gpt-4o-transcribe", "gpt-4o-transcribe-diarize", WHISPER]
CONNECTORS = ["connector_dropbox", "connector_gmail", "connector_googlecalendar", "connector_googledrive",
              "connector_microsoftteams", "connector_outlookcalendar", "connector_outlookemail",
              "connector_sharepoint"]
EFFORTS = ["minimal", "low", "medium", "high", "xhigh"]  # reasoning.effort and transcription.delay
languages = st.sampled_from(["en", "no", "de", "es", "ja"])


def some_of(fields: dict, **required):
    """A dict with the `required` keys and some of `fields`: as often all of them as any
    subset. Optional keys alone (each left out half the time) seldom fill a nested setting
    down to its leaves, and the GA tests need every leaf reached."""
    return st.one_of(st.fixed_dictionaries(required, optional=fields), st.fixed_dictionaries({**required, **fields}))


def merged(*parts):
    """One dict from several dict strategies (keys of later parts win)."""
    return st.tuples(*parts).map(lambda dicts: {k: v for d in dicts for k, v in d.items()})


token_limit = st.one_of(
    st.integers(1, 4096),
    st.integers(1, 4096).map(float),
    st.integers(1, 4096).map(str),
    st.sampled_from(["inf", "INF", "Inf", float("inf")]),
)

_server_vad_fields = {
    "type": st.just("server_vad"),
    "threshold": st.floats(0, 1),
    "prefix_padding_ms": st.integers(0, 2000),
    "silence_duration_ms": st.one_of(st.integers(0, 5000), st.integers(0, 5000).map(float)),
    "create_response": st.booleans(),
    "interrupt_response": st.booleans(),
}
server_vad = some_of(_server_vad_fields)  # `type` may be left out: server_vad
ga_server_vad = some_of({**_server_vad_fields, "idle_timeout_ms": st.one_of(st.none(), st.integers(5000, 30000))})
semantic_vad = some_of({
    "eagerness": st.sampled_from(["low", "medium", "high", "auto"]),
    "create_response": st.booleans(),
    "interrupt_response": st.booleans(),
}, type=st.just("semantic_vad"))


def turn_detections(ga: bool = False):
    return st.one_of(st.none(), ga_server_vad if ga else server_vad, semantic_vad)


def noise_reductions(ga: bool = False):
    fields = {"type": st.sampled_from(["near_field", "far_field"])}
    if ga:
        fields["strength"] = st.one_of(st.floats(0, 10), st.integers(0, 10))
    return some_of(fields)


@st.composite
def transcriptions(draw, ga: bool = False):
    """An input transcription: for GA, only settings its model supports (R017-R019 are
    warnings, but a config that draws them is not what anyone would write). With no model
    the rules cannot apply, so every setting may come."""
    model = draw(st.one_of(st.none(), st.sampled_from(TRANSCRIPTION_MODELS)))
    optional = {"language": languages}
    if not (ga and model == WHISPER):
        optional["prompt"] = text
    if ga and model in (None, *WITH_LANGUAGES):
        optional["languages"] = st.lists(languages, min_size=1, max_size=3)
        optional["keywords"] = st.lists(text, max_size=3)
    if ga and model in (None, WHISPER):
        optional["delay"] = st.sampled_from(EFFORTS)
    transcription = draw(some_of(optional, **({} if model is None else {"model": st.just(model)})))
    if "languages" in transcription and "language" in transcription and draw(st.booleans()):
        del transcription["language"]  # one language or several; both is allowed but rare
    return transcription


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
    """A valid config dict for the beta target: every field optional, nullable features
    sometimes null, none of the GA-only settings, only the voices openai's beta types list."""
    config = draw(st.fixed_dictionaries({}, optional={
        "model": st.sampled_from(BETA_MODELS),
        "modalities": st.sampled_from([["text"], ["text", "audio"], ["audio", "text"]]),
        "instructions": text,
        "voice": st.sampled_from(BETA_VOICES),
        "input_audio_format": st.sampled_from(["pcm16", "g711_ulaw", "g711_alaw"]),
        "output_audio_format": st.sampled_from(["pcm16", "g711_ulaw", "g711_alaw"]),
        "input_audio_transcription": st.one_of(st.none(), transcriptions()),
        "turn_detection": turn_detections(),
        "input_audio_noise_reduction": st.one_of(st.none(), noise_reductions()),
        "temperature": st.floats(0.6, 1.2),
        "speed": st.floats(0.25, 1.5),
        "tracing": st.one_of(st.none(), st.just("auto"), some_of({
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

custom_voice = st.fixed_dictionaries({"id": st.from_regex(r"voice_[a-z0-9]{4,24}", fullmatch=True)})
tunnel_ids = st.from_regex(r"tunnel_[a-z0-9]{32}", fullmatch=True)
ga_formats = st.sampled_from([{"type": "audio/pcm", "rate": 24000}, {"type": "audio/pcm"}, {"type": "audio/pcmu"},
                              {"type": "audio/pcma"}]).map(dict)

mcp_filter = some_of({"read_only": st.booleans(), "tool_names": st.lists(names, max_size=3, unique=True)})
approval_filter = some_of({"always": mcp_filter, "never": mcp_filter})

# a prompt variable's value: a string or a content part as openai-python's models want it
# (input_image needs `detail`; an image or a file is given one way)
content_parts = st.one_of(
    st.fixed_dictionaries({"type": st.just("input_text"), "text": text}),
    merged(st.fixed_dictionaries({"type": st.just("input_image"),
                                  "detail": st.sampled_from(["low", "high", "auto"])}),
           st.one_of(st.fixed_dictionaries({"image_url": st.just("https://example.com/menu.png")}),
                     st.fixed_dictionaries({"file_id": st.just("file-abc123")}))),
    merged(st.fixed_dictionaries({"type": st.just("input_file")}),
           st.one_of(st.fixed_dictionaries({"file_id": st.just("file-abc123")}),
                     st.fixed_dictionaries({"file_url": st.just("https://example.com/menu.pdf")}),
                     st.fixed_dictionaries({"file_data": st.just("data:application/pdf;base64,JVBERi0xLjQK"),
                                            "filename": st.just("menu.pdf")}))),
)
prompts = some_of({
    "version": st.one_of(st.none(), st.sampled_from(["1", "2"])),
    "variables": st.one_of(st.none(), st.dictionaries(names, st.one_of(text, content_parts), max_size=3)),
}, id=st.sampled_from(["pmpt_123", "pmpt_68d2f0c1e4a08190"]))
truncations = st.one_of(
    st.sampled_from(["auto", "disabled"]),
    some_of({"token_limits": some_of({"post_instructions": st.integers(0, 100_000)})},
            type=st.just("retention_ratio"), retention_ratio=st.floats(0, 1)))
reasonings = some_of({"effort": st.sampled_from(EFFORTS)})
includes = st.sampled_from([[], ["item.input_audio_transcription.logprobs"]]).map(list)


@st.composite
def mcp_tool(draw, label):
    """An MCP tool with exactly one of server_url, connector_id and tunnel_id."""
    endpoint = draw(st.one_of(
        st.fixed_dictionaries({"server_url": st.just(f"https://mcp.example.com/{label}")}),
        st.fixed_dictionaries({"connector_id": st.sampled_from(CONNECTORS)}),
        st.fixed_dictionaries({"tunnel_id": tunnel_ids})))
    tool = {"type": "mcp", "server_label": label, **endpoint}
    tool.update(draw(some_of({
        "server_description": text,
        "authorization": st.just("oauth-token-placeholder"),
        "headers": st.one_of(st.none(), st.dictionaries(names, text, max_size=2)),
        "allowed_tools": st.one_of(st.none(), st.lists(names, max_size=3, unique=True), mcp_filter),
        "require_approval": st.one_of(st.none(), st.sampled_from(["always", "never"]), approval_filter,
                                      approval_filter),
        "allowed_callers": st.one_of(st.none(), st.lists(st.sampled_from(["direct", "programmatic"]),
                                                         min_size=1, max_size=2, unique=True)),
        "defer_loading": st.booleans(),
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
    if servers:  # (twice: it has the most fields to reach)
        mcp = st.fixed_dictionaries({"type": st.just("mcp"), "server_label": st.sampled_from(servers)},
                                    optional={"name": st.one_of(names, st.none())})
        choices += [mcp, mcp]
    return draw(st.one_of(choices))


@st.composite
def ga_configs(draw):
    """A valid config for the GA target, in the authoring format: every field of
    `configs()` GA can carry (not temperature), with GA's wider values (voices, custom
    voices, transcription, noise reduction and VAD settings), plus the GA-only fields."""
    config = draw(configs())
    config.pop("temperature", None)
    config.pop("tools", None)
    config.pop("tool_choice", None)
    config.update(draw(some_of({
        "voice": st.one_of(st.sampled_from(VOICES), custom_voice),
        "model": st.sampled_from(GA_MODELS),
        "input_audio_transcription": st.one_of(st.none(), transcriptions(ga=True)),
        "input_audio_noise_reduction": st.one_of(st.none(), noise_reductions(ga=True)),
        "turn_detection": turn_detections(ga=True),
        "truncation": truncations,
        "prompt": st.one_of(st.none(), prompts),
        "include": includes,
        "reasoning": reasonings,
        "parallel_tool_calls": st.booleans(),
    })))
    transcription = config.get("input_audio_transcription")
    if isinstance(transcription, dict) and transcription.get("model") == WHISPER:
        transcription.pop("prompt", None)  # drawn by configs(): GA's gpt-realtime-whisper takes none (R018)
    # tools and tool_choice two times in three: they hold the most fields
    tool_list = draw(st.one_of(st.none(), ga_tools(), ga_tools()))
    if tool_list is not None:
        config["tools"] = tool_list
        if draw(st.sampled_from([False, True, True])):
            config["tool_choice"] = draw(ga_tool_choice(tool_list))
    return config


@st.composite
def ga_transcription_sessions(draw):
    """A valid GA-shaped transcription session: `type: transcription`, the settings of
    `audio.input` and `include`. A gpt-realtime-whisper session has turn detection off (R020)."""
    audio_input = draw(some_of({
        "format": ga_formats,
        "transcription": st.one_of(st.none(), transcriptions(ga=True)),
        "noise_reduction": st.one_of(st.none(), noise_reductions(ga=True)),
        "turn_detection": turn_detections(ga=True),
    }))
    transcription = audio_input.get("transcription")
    if isinstance(transcription, dict) and transcription.get("model") == WHISPER:
        audio_input["turn_detection"] = None
    input_order = draw(st.permutations(list(audio_input)))
    session = {"type": "transcription"}
    audio = st.just({"input": {k: audio_input[k] for k in input_order}})
    # `audio: {}` is valid too (and sets nothing); audio settings come three times in four
    session.update(draw(some_of({"audio": st.one_of(audio, audio, audio, st.builds(dict)), "include": includes})))
    order = draw(st.permutations(list(session)))
    return {k: session[k] for k in order}
