"""rtcfg in the editor: `rtcfg server`, a language server with rtcfg's own findings, docs and
quick fixes (docs/editors.md).

    server.py ── the only module that imports pygls: the protocol's messages in and out
       │
       ├─ workspace.py  open documents → the pipeline → diagnostics where the findings are
       ├─ actions.py    quick fixes, "ignore on this line", "fix all safe"
       ├─ help.py       hover and completion from the schema
       ├─ context.py    where the cursor is in a YAML or JSON text, broken or not
       └─ positions.py  rtcfg's 1-based code-point columns <-> the client's units

Nothing here is imported by the other commands: `validate` starts as fast as before.
"""
