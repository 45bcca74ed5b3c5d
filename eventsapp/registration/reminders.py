"""The reminder emailed to approved participants some days before their event."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..catalogue.models import Event, EventStatus
from ..extensions import db
from .models import Registration, RegistrationSettings, Status
from .notifications import notify


def send_reminders(now: datetime) -> int:
    """Remind approved participants ``reminder_days`` before their event, once."""
    today = now.date()
    rows = db.session.execute(
        select(Registration, RegistrationSettings.reminder_days)
        .join(Event, Event.id == Registration.event_id)
        .join(RegistrationSettings, RegistrationSettings.event_id == Event.id)
        .where(
            Registration.status == Status.APPROVED,
            Registration.reminded_at.is_(None),
            RegistrationSettings.reminder_days > 0,
            Event.starts_on > today,
            Event.status.not_in([EventStatus.CANCELLED, EventStatus.POSTPONED]),
        )
        .options(joinedload(Registration.event))
    ).all()
    count = 0
    for registration, days in rows:
        if (registration.event.starts_on - today).days <= days:
            registration.reminded_at = now
            notify(registration, "reminder")
            count += 1
    return count
