"""Travel: letters pages."""

from . import bp  # noqa: F401
