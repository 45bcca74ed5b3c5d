"""What the staff home gathers: what needs doing across events, each part in one or two queries
whatever the number of events, registrations and tasks."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ..catalogue.models import Event, EventStatus
from ..core.actions import LoggedAction, recent_actions
from ..extensions import db
from ..logistics.models import Task
from ..logistics.services import open_tasks_due, overdue_count, progress
from ..privacy.services import waiting_erasure_count
from ..registration.models import Registration, Status
from ..registration.seats import seats_held

UPCOMING_DAYS = 90
OFFER_WARNING = timedelta(hours=24)
SHOWN = 20  # rows per part; the counts say how many there are in all


@dataclass
class Upcoming:
    event: Event
    seats_held: int
    tasks_done: int
    tasks: int


@dataclass
class Home:
    pending: list[tuple[Event, int]]  # events with registrations pending approval, and how many
    pending_total: int
    offers: list[Registration]  # seat offers to waitlisted delegates ending within a day
    upcoming: list[Upcoming]
    overdue: list[Task]
    overdue_total: int
    changes: tuple[list[LoggedAction], dict[int, str]]  # the log's latest lines, events' titles
    erasures: int  # requests to be forgotten waiting for staff


def pending_approvals() -> tuple[list[tuple[Event, int]], int]:
    counted = (
        select(Registration.event_id, func.count().label("pending"))
        .where(Registration.status == Status.PENDING)
        .group_by(Registration.event_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Event, counted.c.pending)
        .join(counted, counted.c.event_id == Event.id)
        .options(joinedload(Event.venue))
        .order_by(Event.starts_on, Event.id)
        .limit(SHOWN)
    ).all()
    total = db.session.scalar(
        select(func.count()).select_from(Registration).where(Registration.status == Status.PENDING)
    )
    return [(event, count) for event, count in rows], total


def offers_running_out(now: datetime) -> list[Registration]:
    return list(
        db.session.scalars(
            select(Registration)
            .where(
                Registration.status == Status.WAITLISTED,
                Registration.offer_expires_at > now,
                Registration.offer_expires_at <= now + OFFER_WARNING,
            )
            .options(joinedload(Registration.event))
            .order_by(Registration.offer_expires_at, Registration.id)
            .limit(SHOWN)
        )
    )


def upcoming_events(now: datetime) -> list[Upcoming]:
    today = now.date()
    events = list(
        db.session.scalars(
            select(Event)
            .where(
                Event.ends_on >= today,
                Event.starts_on <= today + timedelta(days=UPCOMING_DAYS),
                Event.status != EventStatus.CANCELLED,
            )
            .options(joinedload(Event.venue))
            .order_by(Event.starts_on, Event.id)
            .limit(SHOWN * 2)
        )
    )
    ids = [e.id for e in events]
    seats, tasks = seats_held(ids, now), progress(ids)
    return [Upcoming(e, seats.get(e.id, 0), *tasks.get(e.id, (0, 0))) for e in events]


def recent_changes(limit: int = 10) -> tuple[list[LoggedAction], dict[int, str]]:
    """The latest lines of the action log, and the titles of the events they concern."""
    lines = recent_actions(limit)
    ids = {line.event_id for line in lines if line.event_id}
    if not ids:
        return lines, {}
    titles = db.session.execute(select(Event.id, Event.title).where(Event.id.in_(ids)))
    return lines, dict(titles.all())


def staff_home(now: datetime) -> Home:
    today = now.date()
    pending, pending_total = pending_approvals()
    return Home(
        pending=pending,
        pending_total=pending_total,
        offers=offers_running_out(now),
        upcoming=upcoming_events(now),
        overdue=open_tasks_due(today - timedelta(days=1), limit=SHOWN),
        overdue_total=overdue_count(today),
        changes=recent_changes(),
        erasures=waiting_erasure_count(),
    )
