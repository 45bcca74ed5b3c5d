"""What logistics does when an event is saved (core.signals): relative due dates follow it."""

from ..core.signals import event_saved
from .services import reschedule


@event_saved.connect
def _due_dates_follow_the_window(event, **_):
    reschedule(event)
