"""The periodic job of registration (``flask jobs worker`` runs it; ``flask registration tick`` by
hand or from cron)."""

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..catalogue.models import Event, EventStatus
from ..core.jobs import periodic
from ..extensions import db
from .models import Registration, RegistrationSettings, Status
from .notifications import notify
from .seats import lock_event
from .services import forget_unconfirmed
from .statuses import expire_offers
from .waiting_list import offer_free_seats


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


@periodic("registration", every=timedelta(minutes=5))
def tick(now: datetime) -> dict[str, int]:
    """What cron runs: expired offers pass on, free seats are offered (also those of a capacity
    raised on the event form), reminders go out, registrations never confirmed are forgotten.
    Events that ended are left alone."""
    event_ids = db.session.scalars(
        select(Registration.event_id)
        .join(Event, Event.id == Registration.event_id)
        .where(Registration.status == Status.WAITLISTED, Event.ends_on >= now.date())
        .distinct()
        .order_by(Registration.event_id)
    ).all()
    expired = 0
    for event_id in event_ids:
        lock_event(event_id)
        event = db.session.get(Event, event_id)
        expired += expire_offers(event, now)
        offer_free_seats(event, now)
    return {
        "offers expired": expired,
        "reminders": send_reminders(now),
        "unconfirmed forgotten": forget_unconfirmed(now),
    }
