"""The waiting list: free seats offered in turn, by signed links valid for the event's hours."""

from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..catalogue.models import Event
from ..core.actions import describe, log_action
from ..core.links import site_url
from ..core.tokens import SEAT_OFFER
from ..extensions import db
from .funding import settle_and_tell
from .models import Registration, Status
from .notifications import notify
from .seats import StatusError, get_settings, lock_event, seats_held, why_closed

OFFERED = describe("registration.offered", _l("Offered a seat to %(object)s until %(until)s"))


def offer_free_seats(event: Event, now: datetime) -> list[Registration]:
    """Offer each free seat to the next on the waiting list, for ``offer_hours``, while the event
    takes registrations. Call it whenever seats may have freed (a raised capacity…); it takes the
    event's lock. Returns the registrations offered a seat."""
    lock_event(event.id)
    settings = get_settings(event.id)
    if why_closed(event, settings, now):
        return []
    waiting = (
        select(Registration)
        .where(
            Registration.event_id == event.id,
            Registration.status == Status.WAITLISTED,
            Registration.offer_expires_at.is_(None),
            Registration.nominated.is_(False),
        )
        .order_by(Registration.waitlisted_at, Registration.id)
    )
    if event.capacity is not None:
        free = event.capacity - seats_held([event.id], now).get(event.id, 0)
        if free <= 0:
            return []
        waiting = waiting.limit(free)
    offered = db.session.scalars(waiting).all()
    for registration in offered:
        registration.offer_expires_at = now + timedelta(hours=settings.offer_hours)
        log_action(registration, OFFERED, None, {"until": registration.offer_expires_at}, at=now)
        notify(registration, "offered", accept_url=offer_url(registration))
        settle_and_tell(event, registration.organisation_id, now)
    return list(offered)


def events_with_waiting_lists(today: date) -> list[int]:
    """The events not ended yet with someone on their waiting list, offered a seat or not."""
    return db.session.scalars(
        select(Registration.event_id)
        .join(Event, Event.id == Registration.event_id)
        .where(Registration.status == Status.WAITLISTED, Event.ends_on >= today)
        .distinct()
        .order_by(Registration.event_id)
    ).all()


def offer_url(registration: Registration) -> str:
    token = SEAT_OFFER.sign(
        {"r": registration.id, "until": registration.offer_expires_at.isoformat()}
    )
    return site_url("registration.accept_offer", token=token)


def registration_for_offer(token: str) -> Registration:
    """The registration a seat-offer link is for; a tampered or replaced link is refused."""
    data = SEAT_OFFER.read(token)
    if not isinstance(data, dict) or not isinstance(data.get("r"), int):
        raise StatusError(_("This link is not valid. Copy it whole from the email."))
    registration = db.session.get(Registration, data["r"])
    current = registration and registration.offer_expires_at
    if not current or current.isoformat() != data["until"]:
        raise StatusError(_("This offer is no longer open."))
    return registration
