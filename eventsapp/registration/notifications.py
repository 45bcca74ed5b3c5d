"""The emails that tell delegates what became of their registration, in their language."""

from flask_babel import lazy_gettext as _l

from ..core.links import site_url
from ..core.signals import ask, event_calendar_file
from ..mail.services import in_language, queue_email
from .models import Registration
from .seats import waiting_positions

# The approval's calendar file publishes the event (no invitation to answer), in UTF-8.
CALENDAR_TYPE = "text/calendar; method=PUBLISH"

SUBJECTS = {
    "confirm": _l("Confirm your registration: %(title)s"),
    "already_registered": _l("You are registered already: %(title)s"),
    "received": _l("Registration received: %(title)s"),
    "approved": _l("Your place is confirmed: %(title)s"),
    "declined": _l("Your registration was not accepted: %(title)s"),
    "waitlisted": _l("You are on the waiting list: %(title)s"),
    "offered": _l("A seat is free for you: %(title)s"),
    "offer_lapsed": _l("The seat offered to you has passed on: %(title)s"),
    "funding": _l("Funding of your place: %(title)s"),
    "reminder": _l("Reminder: %(title)s"),
    "withdrawn": _l("You withdrew: %(title)s"),
    "event_cancelled": _l("Cancelled: %(title)s"),
    "event_postponed": _l("Postponed: %(title)s"),
    "event_moved": _l("New dates: %(title)s"),
}


def notify(registration: Registration, template: str, **context) -> None:
    """Queue the email ``template`` to the registration's delegate, in their language; the
    approval carries the event's .ics file. The waiting list's email says the place on it
    (``position``, read from the database unless given)."""
    event = registration.event
    if template == "waitlisted" and "position" not in context:
        context["position"] = waiting_positions([registration])[registration.id]
    with in_language(registration.locale):
        attachment = None
        if template == "approved":
            calendar = ask(event_calendar_file, event)
            if calendar is not None:
                attachment = (f"event-{event.id}.ics", CALENDAR_TYPE, calendar)
        queue_email(
            registration.email,
            SUBJECTS[template] % {"title": event.title},
            template,
            locale=registration.locale,
            attachment=attachment,
            registration=registration,
            event=event,
            event_url=site_url("site.event_page", event_id=event.id),
            my_registrations_url=site_url("registration.my_registrations"),
            **context,
        )
