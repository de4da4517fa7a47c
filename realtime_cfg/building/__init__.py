"""Build one session config from parts: overlays, includes, the environment and overrides.

    extends: base.yaml              # or a list; this file is merged over its bases
    instructions: {$file: prompts/support.md}          # a text file's content
    tools:
      - $file: tools/lookup.yaml    # a YAML/JSON file: its value (a list is spliced in)
    voice: ${VOICE:-ash}            # ${VAR}, ${VAR:-default}; $$ is a literal $

Order, per file: parse; interpolate `${VAR}` in string values; replace every `{$file: path}`
by that file's content (built the same way, relative to it); then merge the file over its
`extends` bases. `--set path=value` overrides apply last, to the whole result.

Merging: mappings merge key by key; a list replaces the base's list, except the top-level
`tools`, which merge by name (function `name`, MCP `server_label`: a tool of the same name is
merged into the base's, a new one is appended); an explicit null replaces the base's value,
turning its feature off.

Paths are relative to the file that names them and may not leave the project root (the
nearest folder above the config with a pyproject.toml or .git, else the config's own
folder): an absolute path, a `..` that climbs out, or a symlink that points out is refused
(B003) unless `allow_outside_root` is set.

Every value keeps the position it was written at, in its own file, so diagnostics point
there and `render --explain` can say where each field came from.
"""
