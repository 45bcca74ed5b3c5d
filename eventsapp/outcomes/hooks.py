"""Fills the registry of plan measures (``plans.measures``) with the computations of
``outcomes.measures``: imported when the app is assembled."""

from . import measures as _measures  # noqa: F401  (registers each measure as it is imported)
