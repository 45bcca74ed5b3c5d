"""Who holds a seat, what the public sees of an event's registration, and the event's lock.

Seats are never sold twice: every change that can take or free a seat first locks the event's
row (``SELECT … FOR UPDATE`` on PostgreSQL), so that transactions registering for one event run
one after the other and each counts the seats the previous ones took. SQLite runs one writer at a
time.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import aliased, joinedload

from ..catalogue.models import Event, EventStatus
from ..core.errors import InvalidInput
from ..extensions import db
from .models import (
    CONFIRMED,
    SEAT_HOLDING,
    Access,
    Invitation,
    Registration,
    RegistrationSettings,
    Status,
)


class RegistrationRefused(Exception):
    """The event takes no registration now (closed, cancelled, full, by invitation…)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class StatusError(ValueError):
    """A status change that is not possible, with the reason for staff or the delegate."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def holds_seat(now: datetime):
    """Registrations holding a seat: pending, approved, attended, or a running seat offer."""
    return or_(
        Registration.status.in_(SEAT_HOLDING),
        and_(Registration.status == Status.WAITLISTED, Registration.offer_expires_at > now),
    )


def holds_seat_now(registration: Registration, now: datetime) -> bool:
    return registration.status in SEAT_HOLDING or (
        registration.has_offer and registration.offer_expires_at > now
    )


def seats_held(event_ids: list[int], now: datetime) -> dict[int, int]:
    """Seats held per event, for any number of events in one query."""
    if not event_ids:
        return {}
    rows = db.session.execute(
        select(Registration.event_id, func.count(Registration.id))
        .where(Registration.event_id.in_(event_ids), holds_seat(now))
        .group_by(Registration.event_id)
    )
    return dict(rows.all())


def seat_free(event: Event, now: datetime) -> bool:
    return event.capacity is None or seats_held([event.id], now).get(event.id, 0) < event.capacity


def lock_event(event_id: int) -> None:
    """Serialise the transactions that take or free seats of this event (PostgreSQL row lock)."""
    db.session.execute(select(Event.id).where(Event.id == event_id).with_for_update())


def lock_with_settings(event: Event) -> RegistrationSettings | None:
    """``lock_event``, reading the event again (as the lock found it, with its venue for the
    emails) and its settings, in one statement."""
    return db.session.execute(
        select(Event, RegistrationSettings)
        .outerjoin(RegistrationSettings, RegistrationSettings.event_id == Event.id)
        .where(Event.id == event.id)
        .options(joinedload(Event.venue))
        .with_for_update(of=Event)
        .execution_options(populate_existing=True)
    ).one()[1]


@dataclass(frozen=True)
class Tally:
    """An event's registrations as one taking a place needs them, counted in one query. Counted
    under the event's lock, it stays true until the transaction ends."""

    held: int  # seats held (see ``holds_seat``)
    waiting: int  # on the waiting list, offered a seat or not
    unoffered: int  # on the waiting list without an offer running
    lapsed: int  # offers that ran out, not passed on yet
    last_registered: datetime | None  # the latest ``created_at`` of those that count
    last_waitlisted: datetime | None  # the latest ``waitlisted_at``

    def free(self, capacity: int | None) -> bool:
        return capacity is None or self.held < capacity

    def next_place(self, now: datetime) -> tuple[datetime, datetime]:
        """When a registration taking its place now counts from, and when it joins the waiting
        list: ``now``, or just after the latest (``now`` was read before the lock, and another
        request may have taken it meanwhile), so that places go in the order of the lock."""

        def after(latest: datetime | None) -> datetime:
            return now if latest is None or now > latest else latest + timedelta(microseconds=1)

        return after(self.last_registered), after(self.last_waitlisted)


def tally(event_id: int, now: datetime) -> Tally:
    return Tally(*db.session.execute(tally_query(event_id, now)).one())


def tally_query(event_id: int, now: datetime) -> Select:
    """``tally``'s query (one row of ``Tally``'s fields), for a caller reading more with it."""
    waitlisted = Registration.status == Status.WAITLISTED
    return select(
        func.count().filter(holds_seat(now)),
        func.count().filter(waitlisted),
        func.count().filter(waitlisted, Registration.offer_expires_at.is_(None)),
        func.count().filter(waitlisted, Registration.offer_expires_at <= now),
        func.max(Registration.created_at).filter(Registration.status.in_(CONFIRMED)),
        func.max(Registration.waitlisted_at),
    ).where(Registration.event_id == event_id)


def get_settings(event_id: int) -> RegistrationSettings | None:
    return db.session.get(RegistrationSettings, event_id)


def registration_count(event_id: int) -> int:
    """How many registrations an event has, whatever their status (once confirmed)."""
    return db.session.scalar(
        select(func.count(Registration.id)).where(
            Registration.event_id == event_id, Registration.status.in_(CONFIRMED)
        )
    )


def check_capacity(event: Event, capacity: int | None, now: datetime) -> None:
    """Refuse a capacity below the seats already held: nobody loses a seat by a number typed."""
    if capacity is None or event.id is None:
        return
    held = seats_held([event.id], now).get(event.id, 0)
    if capacity < held:
        raise InvalidInput(
            "capacity",
            _(
                "%(held)s seats are held: the capacity cannot be less. Decline participants or "
                "move them to the waiting list first.",
                held=held,
            ),
        )


# ---------------------------------------------------------------- availability


@dataclass
class Availability:
    """What the public sees of an event's registration."""

    settings: RegistrationSettings | None
    capacity: int | None
    held: int
    closed_reason: str | None = None  # None: registration is open

    @property
    def is_open(self) -> bool:
        return self.closed_reason is None

    @property
    def by_invitation(self) -> bool:
        return bool(self.settings and self.settings.access == Access.INVITATION)

    @property
    def by_nomination(self) -> bool:
        return bool(self.settings and self.settings.access == Access.NOMINATION)

    @property
    def seats_left(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.held, 0)

    @property
    def full(self) -> bool:
        return self.seats_left == 0


def closing_day(event: Event, settings: RegistrationSettings) -> date:
    """The last day to register: the one set, or the day before the event starts."""
    return settings.closes_on or event.starts_on - timedelta(days=1)


def _closed_reason(event: Event, settings: RegistrationSettings | None, today: date, full: bool):
    if settings is None:
        return _("This event does not take registrations online.")
    if event.status == EventStatus.CANCELLED:
        return _("This event is cancelled.")
    if event.status == EventStatus.POSTPONED:
        return _("This event is postponed: registration reopens when its new dates are set.")
    if settings.opens_on and today < settings.opens_on:
        return _("Registration opens on %(day)s.", day=format_date(settings.opens_on, "long"))
    if (
        event.status == EventStatus.HELD
        or today > closing_day(event, settings)
        or today >= event.starts_on
    ):
        return _("Registration has closed.")
    if full and not settings.waiting_list:
        return _("This event is full, and it keeps no waiting list.")
    return None


def availability(
    event: Event, settings: RegistrationSettings | None, held: int, today: date
) -> Availability:
    result = Availability(settings, event.capacity, held)
    result.closed_reason = _closed_reason(event, settings, today, result.full)
    return result


def why_closed(event: Event, settings: RegistrationSettings | None, now: datetime) -> str | None:
    """Why the event takes no registration now, full or not; None while it takes them. Seats are
    offered, and offers accepted, only then."""
    return _closed_reason(event, settings, now.date(), full=False)


def availability_for(events: list[Event], now: datetime) -> dict[int, Availability]:
    """Availability of many events (a page of the catalogue) in two queries."""
    ids = [e.id for e in events]
    settings = {
        s.event_id: s
        for s in db.session.scalars(
            select(RegistrationSettings).where(RegistrationSettings.event_id.in_(ids))
        )
    }
    held = seats_held(ids, now)
    return {
        e.id: availability(e, settings.get(e.id), held.get(e.id, 0), now.date()) for e in events
    }


def _held_by_event(now: datetime):
    """The seats held of the event of the enclosing query."""
    return (
        select(func.count(Registration.id))
        .where(Registration.event_id == Event.id, holds_seat(now))
        .scalar_subquery()
    )


def event_availability(event: Event, now: datetime) -> Availability:
    """One event's availability, in one query."""
    settings, count = db.session.execute(
        select(RegistrationSettings, _held_by_event(now))
        .select_from(Event)
        .outerjoin(RegistrationSettings, RegistrationSettings.event_id == Event.id)
        .where(Event.id == event.id)
    ).one()
    return availability(event, settings, count, now.date())


def event_with_availability(event_id: int, now: datetime) -> tuple[Event, Availability] | None:
    """An event, with what the registration pages and emails show of it (its venue), and its
    availability, in one query: the form's request computes it once."""
    row = db.session.execute(
        select(Event, RegistrationSettings, _held_by_event(now))
        .outerjoin(RegistrationSettings, RegistrationSettings.event_id == Event.id)
        .where(Event.id == event_id)
        .options(joinedload(Event.venue))
    ).first()
    if row is None:
        return None
    event, settings, count = row
    return event, availability(event, settings, count, now.date())


def invitation_only_message() -> str:
    return _(
        "This event takes registrations by invitation only: the training centre sends "
        "invitation links to the officials of the requesting authority."
    )


def nomination_only_message() -> str:
    return _(
        "Officials take part in this event by nomination of their authority: ask your "
        "electoral authority to nominate you through the focal point the training centre "
        "invited."
    )


def refuse_unless_open(state: Availability, event: Event, invitation: Invitation | None) -> None:
    if not state.is_open:
        raise RegistrationRefused(state.closed_reason)
    if state.by_invitation and (invitation is None or invitation.event_id != event.id):
        raise RegistrationRefused(invitation_only_message())
    if state.by_nomination:
        raise RegistrationRefused(nomination_only_message())


def registration_form_state(
    event: Event, now: datetime, invitation: Invitation | None = None
) -> Availability:
    """What the registration form shows of the event; raises RegistrationRefused (as
    ``register`` does) when the event takes no registration now, or not without an invitation."""
    state = event_availability(event, now)
    refuse_unless_open(state, event, invitation)
    return state


def waiting_positions(registrations: list[Registration]) -> dict[int, int]:
    """The place in its event's waiting list (1 = next) of each waitlisted registration, by id,
    for any number of registrations and events in one query. Those with a seat offer running are
    still on the list, ahead of the others."""
    ids = [r.id for r in registrations if r.status == Status.WAITLISTED]
    if not ids:
        return {}
    ahead = aliased(Registration)
    rows = db.session.execute(
        select(Registration.id, func.count(ahead.id))
        .join(
            ahead,
            and_(
                ahead.event_id == Registration.event_id,
                ahead.status == Status.WAITLISTED,
                or_(
                    ahead.waitlisted_at < Registration.waitlisted_at,
                    and_(
                        ahead.waitlisted_at == Registration.waitlisted_at,
                        ahead.id <= Registration.id,
                    ),
                ),
            ),
        )
        .where(Registration.id.in_(ids))
        .group_by(Registration.id)
    )
    return dict(rows.all())
