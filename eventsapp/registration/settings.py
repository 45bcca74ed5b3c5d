"""How an event takes registrations online: its settings, set by staff."""

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select

from ..catalogue.models import Event
from ..core.errors import InvalidInput
from ..extensions import db
from .funding import settle_and_tell
from .models import Access, Registration, RegistrationSettings
from .seats import check_capacity, get_settings, lock_event
from .waiting_list import offer_free_seats


@dataclass
class SettingsInput:
    capacity: int | None
    opens_on: date | None = None
    closes_on: date | None = None
    access: str = Access.OPEN
    approval_required: bool = True
    waiting_list: bool = True
    quota_per_organisation: int | None = None
    offer_hours: int = 48
    reminder_days: int = 7


def _check_settings(event: Event, data: SettingsInput) -> None:
    """Registration runs before the event: an event that has started takes none."""
    start = format_date(event.starts_on, "long")
    if data.opens_on and data.opens_on >= event.starts_on:
        raise InvalidInput(
            "opens_on", _("Registration must open before the event starts (%(day)s).", day=start)
        )
    if data.closes_on and data.closes_on >= event.starts_on:
        raise InvalidInput(
            "closes_on",
            _(
                "Registration closes on the day before the event starts (%(day)s) at the latest.",
                day=start,
            ),
        )
    if data.opens_on and data.closes_on and data.closes_on < data.opens_on:
        raise InvalidInput("closes_on", _("Registration closes before it opens."))


def save_settings(event: Event, data: SettingsInput, now: datetime) -> RegistrationSettings:
    """Open (or change) online registration. A raised capacity offers seats to the waiting list;
    a changed quota of funded places is settled, and those whose funding changed are told."""
    _check_settings(event, data)
    lock_event(event.id)
    check_capacity(event, data.capacity, now)
    settings = get_settings(event.id) or RegistrationSettings(event_id=event.id)
    for name in (
        "opens_on",
        "closes_on",
        "access",
        "approval_required",
        "waiting_list",
        "quota_per_organisation",
        "offer_hours",
        "reminder_days",
    ):
        setattr(settings, name, getattr(data, name))
    event.capacity = data.capacity
    db.session.add(settings)
    db.session.flush()
    organisation_ids = db.session.scalars(
        select(Registration.organisation_id).where(Registration.event_id == event.id).distinct()
    )
    for organisation_id in organisation_ids.all():
        settle_and_tell(event, organisation_id, now)
    offer_free_seats(event, now)
    return settings
