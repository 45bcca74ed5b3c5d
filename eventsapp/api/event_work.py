"""``/api/v1/events/<id>/agenda`` and ``/tasks``: an event's agenda and logistics tasks."""

from .views import bp  # noqa: F401  (its routes join the API's blueprint)
