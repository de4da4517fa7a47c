"""Fixes: the text edits that resolve a finding, made where the value is written so that
comments, order, quoting and blank lines stay as they are (edits.py), and applied pass by pass,
each checked to remove its finding and add none (applying.py)."""
