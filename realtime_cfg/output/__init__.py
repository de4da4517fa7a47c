"""Step 5, output: what the commands produce from a valid config: the payload (and its
serialization and atomic writes), diffs, migration, provenance (`render --explain`),
server defaults, and starter configs."""
