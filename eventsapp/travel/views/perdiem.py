"""Travel: perdiem pages."""

from . import bp  # noqa: F401
