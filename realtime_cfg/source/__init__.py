"""Step 1, load: read one file (only regular files, within limits), decode it, parse YAML or JSON
keeping the position of every key and value (Document), and find configs in folders; also the
project settings ([tool.rtcfg]). F and L codes are declared in source/problems.py."""
