"""After approval: check-in per day, and the attendance settings of an event. Nothing here
commits (sessions are in ``sessions``, the completion rule and certificates in ``completion``,
evaluations in ``evaluations``).

Only days that were real count: check-in offers the event's days once its window is exact (its
dates written to the day and not tentative) and never a day still to come; an approximate window
("November 2027 (tbc)") asks staff to confirm the dates first. Certificates are documents
(``documents``), issued once the event's first day has passed.
"""

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from ..catalogue.models import Event
from ..core.actions import describe, log_action
from ..core.errors import InvalidInput
from ..core.i18n import format_day
from ..core.tokens import BADGE, ids_in
from ..documents.services import badge_by_reference
from ..extensions import db
from ..registration.models import Registration
from ..registration.participants import WITH_A_PLACE
from .models import AttendanceSettings, CheckIn

CHECKED_IN = describe("registration.checked_in", _l("Checked in %(object)s for %(day)s"))
# Certificates were logged so until they became documents ("document.issued"): the lines stay.
describe("certificate.issued", _l("Issued a certificate to %(object)s (days attended: %(days)s)"))
describe("certificate.revoked", _l("Revoked the certificate of %(object)s"))

# ---------------------------------------------------------------- settings


def attendance_settings(event_id: int) -> AttendanceSettings:
    """The event's attendance settings; the defaults (not saved) when staff set none."""
    return db.session.get(AttendanceSettings, event_id) or AttendanceSettings(
        event_id=event_id, evaluation_anonymous=True
    )


def saved_settings(event_id: int) -> AttendanceSettings:
    """The event's settings row, added when missing, for a change to be saved."""
    settings = attendance_settings(event_id)
    if settings not in db.session:
        db.session.add(settings)
    return settings


# ---------------------------------------------------------------- the days that are real


def event_days(event: Event) -> list[date]:
    """Every day of the event's window."""
    return [
        event.starts_on + timedelta(days=n)
        for n in range((event.ends_on - event.starts_on).days + 1)
    ]


def dates_confirmed(event: Event) -> bool:
    """Whether the window names the event's real days: written to the day, not tentative."""
    return event.precision == "day" and not event.tentative


def event_today(event: Event, now: datetime) -> date:
    """The day it is where the event is (its time zone, when it has times), else in UTC."""
    if event.timezone:
        return now.replace(tzinfo=UTC).astimezone(ZoneInfo(event.timezone)).date()
    return now.date()


def check_in_days(event: Event, now: datetime) -> list[date]:
    """The days one may be checked in for now: the event's, once its dates are confirmed, up to
    today (none before it starts)."""
    if not dates_confirmed(event):
        return []
    today = event_today(event, now)
    return [day for day in event_days(event) if day <= today]


def why_no_check_in(event: Event, now: datetime) -> str | None:
    """Why nobody can be checked in now (the dates are not confirmed, the event has not
    begun), or None."""
    if not dates_confirmed(event):
        return _(
            "The dates of this event are not confirmed yet (%(dates)s): write its exact dates "
            "on its form first. Check-in offers only the days it really takes place.",
            dates=event.date_text,
        )
    if event_today(event, now) < event.starts_on:
        return _(
            "Check-in opens on the event's first day, %(day)s.", day=format_day(event.starts_on)
        )
    return None


def why_no_certificates(event: Event, now: datetime) -> str | None:
    """Why certificates cannot be issued now (the dates are not confirmed, the first day has
    not passed yet), or None."""
    if not dates_confirmed(event):
        return _(
            "The dates of this event are not confirmed yet (%(dates)s): write its exact dates "
            "on its form first. Certificates count only the days it really took place.",
            dates=event.date_text,
        )
    if event_today(event, now) <= event.starts_on:
        return _(
            "Certificates can be issued once the event's first day has passed: from %(day)s.",
            day=format_day(event.starts_on + timedelta(days=1)),
        )
    return None


# ---------------------------------------------------------------- check-in


def registration_of_badge(event: Event, reference: str) -> Registration | None:
    """The participant a badge names, if they have a place at the event: the badge's QR code
    (its verification page's address), its code or serial typed in, or the signed token that
    badges printed before documents held."""
    badge = badge_by_reference(event, reference)
    if badge is not None:
        registration = badge.registration
    else:
        ids = ids_in(BADGE.read(reference.strip()), 2)
        if ids is None or ids[0] != event.id:
            return None
        registration = db.session.get(Registration, ids[1])
    if registration is None or registration.status not in WITH_A_PLACE:
        return None
    return registration


def check_in(registration: Registration, day: date, now: datetime, staff) -> bool:
    """Mark the participant present on ``day`` (``staff``: who checks them in); False when they
    were already (nothing changes). Only a day of ``check_in_days``."""
    if registration.status not in WITH_A_PLACE:
        raise InvalidInput(
            "token", _("%(name)s has no place at this event.", name=registration.name)
        )
    event = registration.event
    if problem := why_no_check_in(event, now):
        raise InvalidInput("day", problem)
    if day not in check_in_days(event, now):
        raise InvalidInput("day", _("This day is not one of the event's days so far."))
    exists = db.session.scalar(
        select(CheckIn.id).where(CheckIn.registration_id == registration.id, CheckIn.day == day)
    )
    if exists:
        return False
    db.session.add(CheckIn(registration_id=registration.id, day=day, checked_in_at=now))
    db.session.flush()
    log_action(registration, CHECKED_IN, staff, {"day": day}, at=now)
    return True


def find_participants(event_id: int, words: str, limit: int = 20) -> list[Registration]:
    """Participants with a place whose name or organisation holds ``words``."""
    pattern = f"%{words.strip().lower()}%"
    return list(
        db.session.scalars(
            select(Registration)
            .where(
                Registration.event_id == event_id,
                Registration.status.in_(WITH_A_PLACE),
                or_(
                    func.lower(Registration.name).like(pattern),
                    func.lower(Registration.email).like(pattern),
                ),
            )
            .options(joinedload(Registration.organisation))
            .order_by(Registration.name)
            .limit(limit)
        )
    )


def places_count(event_id: int) -> int:
    """How many participants have a place (the check-in counter's "of M")."""
    return db.session.scalar(
        select(func.count(Registration.id)).where(
            Registration.event_id == event_id, Registration.status.in_(WITH_A_PLACE)
        )
    )


def checked_in_on(event_id: int, day: date) -> set[int]:
    return set(
        db.session.scalars(
            select(CheckIn.registration_id)
            .join(Registration, Registration.id == CheckIn.registration_id)
            .where(Registration.event_id == event_id, CheckIn.day == day)
        )
    )


def days_attended(event: Event, now: datetime) -> dict[int, int]:
    """``{registration id: days checked in}`` for the event, counting only its days so far (a
    check-in on a day the window no longer holds, or still to come, counts for nothing)."""
    last = min(event.ends_on, event_today(event, now))
    rows = db.session.execute(
        select(CheckIn.registration_id, func.count(CheckIn.id))
        .join(Registration, Registration.id == CheckIn.registration_id)
        .where(
            Registration.event_id == event.id,
            CheckIn.day >= event.starts_on,
            CheckIn.day <= last,
        )
        .group_by(CheckIn.registration_id)
    )
    return dict(rows.all())


def counts_per_day(event_id: int) -> Counter:
    rows = db.session.execute(
        select(CheckIn.day, func.count(CheckIn.id))
        .join(Registration, Registration.id == CheckIn.registration_id)
        .where(Registration.event_id == event_id)
        .group_by(CheckIn.day)
    )
    return Counter(dict(rows.all()))
