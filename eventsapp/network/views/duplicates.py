"""Duplicates suggested, and two records of one person merged side by side."""

from . import bp  # noqa: F401
