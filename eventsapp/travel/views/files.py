"""Travel: files pages."""

from . import bp  # noqa: F401
