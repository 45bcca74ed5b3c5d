"""What every capability uses, and nothing capability-specific: the clock, input errors and checks,
labelled choices, the date-phrase reader, links to the site, spreadsheet exports, the hooks through
which a lower capability reaches a higher one (``signals``), and the registry of periodic jobs.

It imports no capability (the import contract in ``pyproject.toml`` holds this).
"""
