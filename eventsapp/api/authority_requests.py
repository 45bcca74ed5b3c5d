"""``/api/v1/requests``: requests from electoral authorities, for staff."""

from .views import bp  # noqa: F401  (its routes join the API's blueprint)
