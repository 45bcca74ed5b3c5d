"""Every email to a participant, in their language: ``notify``, the one way registration,
attendance and messages write to a registration's address.

Each email is declared once (``participant_email``), by the capability that sends it: its
template (``templates/emails/<template>.txt``), its subject (translated, ``%(title)s`` being the
event's title), whether the event's calendar file goes with it, and what it shows that its
callers need not give. ``notify`` renders it in the registration's language (``locale``: the one
the delegate registered in) with what every such email shows: the registration, its event, the
links to the event's page and to "My registrations", and the site's name.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l

from ..catalogue.translations import localized
from ..core.links import site_url
from ..core.signals import ask, event_calendar_file, participant_email_attachments
from ..mail.models import OutboxEmail
from ..mail.services import in_language, queue_email
from .models import Registration, Status
from .seats import waiting_positions

# The calendar file publishes the event (no invitation to answer), in UTF-8.
CALENDAR_TYPE = "text/calendar; method=PUBLISH"


def _never(_registration: Registration) -> bool:
    return False


def _always(_registration: Registration) -> bool:
    return True


@dataclass(frozen=True)
class ParticipantEmail:
    # Formatted with the event's title; None: each email brings its own (a message's).
    subject: Any
    # Whether the event's calendar file goes with it, to this registration.
    calendar_file: Callable[[Registration], bool] = _never
    # What the template shows, read from the registration when the caller does not give it.
    defaults: dict[str, Callable[[Registration], Any]] = field(default_factory=dict)


PARTICIPANT_EMAILS: dict[str, ParticipantEmail] = {}


def participant_email(template: str, subject, calendar_file=_never, **defaults) -> str:
    """Declare the email ``template`` to participants (see ParticipantEmail); returns its name."""
    PARTICIPANT_EMAILS[template] = ParticipantEmail(subject, calendar_file, defaults)
    return template


def _waiting_position(registration: Registration) -> int:
    return waiting_positions([registration])[registration.id]


def _holds_the_approval_file(registration: Registration) -> bool:
    """Those whose approval brought the calendar file: a new one updates their calendar."""
    return registration.status == Status.APPROVED


participant_email("confirm", _l("Confirm your registration: %(title)s"))
participant_email("already_registered", _l("You are registered already: %(title)s"))
participant_email("received", _l("Registration received: %(title)s"))
participant_email("approved", _l("Your place is confirmed: %(title)s"), _always)
participant_email("declined", _l("Your registration was not accepted: %(title)s"))
participant_email(
    "waitlisted", _l("You are on the waiting list: %(title)s"), position=_waiting_position
)
participant_email("offered", _l("A seat is free for you: %(title)s"))
participant_email("offer_lapsed", _l("The seat offered to you has passed on: %(title)s"))
participant_email("funding", _l("Funding of your place: %(title)s"))
participant_email("reminder", _l("Reminder: %(title)s"))
participant_email("withdrawn", _l("You withdrew: %(title)s"), held_seat=lambda _registration: True)
participant_email("event_cancelled", _l("Cancelled: %(title)s"))
participant_email("event_postponed", _l("Postponed: %(title)s"))
participant_email("event_moved", _l("New dates: %(title)s"), _holds_the_approval_file)


def localized_title(event) -> str:
    """The event's title in the current language (the recipient's, within ``in_language``)."""
    return str(localized(event, "title"))


def notify(
    registration: Registration,
    template: str,
    *,
    subject: str | None = None,
    calendar_file: bool | None = None,
    **context,
) -> OutboxEmail:
    """Queue the participant email ``template`` (declared by ``participant_email``) to the
    registration's address, in its language. ``subject`` replaces the declared one (a message's,
    written by staff: used as it is); ``calendar_file`` says whether the event's calendar file
    goes with it, when the email does not decide (a message). The template is told whether it
    went (``calendar_file``), and which files the capabilities above add, made as it is sent
    (``attached``: the names of their makers, such as "badge")."""
    email = PARTICIPANT_EMAILS[template]
    event = registration.event
    for name, default in email.defaults.items():
        if name not in context:
            context[name] = default(registration)
    if calendar_file is None:
        calendar_file = email.calendar_file(registration)
    with in_language(registration.locale):
        attachment = None
        if calendar_file and (calendar := ask(event_calendar_file, event)) is not None:
            attachment = (f"event-{event.id}.ics", CALENDAR_TYPE, calendar)
        to_make = [
            item
            for _receiver, items in participant_email_attachments.send(
                registration, template=template
            )
            for item in items or ()
        ]
        return queue_email(
            registration.email,
            subject if subject is not None else email.subject % {"title": localized_title(event)},
            template,
            locale=registration.locale,
            attachment=attachment,
            attachments_to_make=to_make,
            attached=[item["maker"] for item in to_make],
            registration=registration,
            event=event,
            event_url=site_url("site.event_page", event_id=event.id),
            my_registrations_url=site_url("registration.my_registrations"),
            calendar_file=attachment is not None,
            **context,
        )
