"""Step 3, check (and suppress): every rule family over a loaded config (check/validation.py),
the registry of codes (check/registry.py), the families (check/rules/), and suppressions."""
