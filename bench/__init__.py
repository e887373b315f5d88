"""`make bench`: performance figures for the product in `qic/` (a benchmark, not a timed test).

Kept outside the product package: nothing here is imported by the site, and it may import any of
the site's apps (the layer contract in pyproject.toml covers `qic` only). `run` is the entry point.
"""
