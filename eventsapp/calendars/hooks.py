"""What calendars answer for the capabilities below them (core.signals)."""

from ..catalogue.models import Event
from ..core.signals import event_calendar_file
from .ical import FeedContext
from .services import event_ics


@event_calendar_file.connect
def _event_calendar_file(event: Event, **_) -> bytes:
    """The event's .ics file with links to SITE_URL, for the email that confirms a place."""
    return event_ics(event, FeedContext.current())
