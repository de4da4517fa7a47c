"""The rule families: one module each, its Rules declared beside the code that finds them
(listed in check/registry.py)."""
