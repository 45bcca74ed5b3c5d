"""Travel: hotels pages."""

from . import bp  # noqa: F401
