"""The command line: typer commands that turn flags into pipeline options, call realtime_cfg.pipeline
and pick a reporter (cli/app.py), over what they share without typer (cli/common.py, and
validate's run in cli/validating.py); validate's options declared once (cli/options.py) and
read without typer for the pre-commit hook's command lines (cli/fast.py); worker processes
for long runs (cli/workers.py); signals, streams and exit codes (cli/process.py)."""
