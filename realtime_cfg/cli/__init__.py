"""The command line: typer commands that turn flags into pipeline options, call realtime_cfg.pipeline
and pick a reporter (cli/app.py); signals, streams and exit codes (cli/process.py)."""
