"""The alumni directory (``/alumni/``): people who chose to be found by fellow alumni."""
