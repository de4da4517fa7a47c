"""The JSON Schema that drives validation: the engine (schema/engine.py) and the views rtcfg
takes of schemas/*.schema.json (schema/views.py). The schema file is the one source of truth."""
