"""The person registry's search and a person's page."""

from . import bp  # noqa: F401
