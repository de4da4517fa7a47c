"""Reporting: the run's model, the text report, the machine formats (json, github, sarif, junit),
and the masking and cleaning every printed text goes through."""
