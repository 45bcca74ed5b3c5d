"""API: travel (rooming)."""

from . import bp  # noqa: F401
