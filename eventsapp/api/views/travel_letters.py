"""API: travel (letters)."""

from . import bp  # noqa: F401
