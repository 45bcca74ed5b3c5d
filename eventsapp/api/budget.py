"""``/api/v1/events/<id>/budget``: an event's budget by payer (the costs capability)."""

from .views import bp  # noqa: F401  (its routes join the API's blueprint)
