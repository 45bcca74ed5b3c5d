"""When follow-up surveys go out: a programme's months (the default of its events), an event's
own (which may be none), read from what staff type ("3, 6"), and the day each period is due."""

import calendar
import re
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import or_, select

from ..catalogue.models import Event
from ..core.errors import InvalidInput
from ..extensions import db
from .models import FIRST_MONTHS, LAST_MONTHS, MAX_PERIODS, FollowUpSchedule

_SEPARATORS = re.compile(r"[\s,;]+")


def read_months(text: str, field: str = "months") -> tuple[int, ...]:
    """The periods staff typed ("3, 6"), ascending; empty for none. InvalidInput naming
    ``field`` for anything else: a word, 0, 37, a period twice, more than four."""
    parts = [p for p in _SEPARATORS.split((text or "").strip()) if p]
    if not all(p.isascii() and p.isdigit() and len(p) <= 3 for p in parts):
        raise InvalidInput(
            field, _("Write numbers of months, separated by commas, for example “3, 6”.")
        )
    months = [int(p) for p in parts]
    if any(not FIRST_MONTHS <= m <= LAST_MONTHS for m in months):
        raise InvalidInput(
            field,
            _(
                "Each period is from %(low)d to %(high)d months after the event.",
                low=FIRST_MONTHS,
                high=LAST_MONTHS,
            ),
        )
    if len(set(months)) != len(months):
        raise InvalidInput(field, _("Give each period once."))
    if len(months) > MAX_PERIODS:
        raise InvalidInput(field, _("At most %(num)d periods.", num=MAX_PERIODS))
    return tuple(sorted(months))


def written(months) -> str:
    """Periods as staff type them: "3, 6"."""
    return ", ".join(str(m) for m in months)


def months_after(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day where it has fewer days)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_on(event: Event, months: int) -> date:
    """The day a period's survey is due: the event's last day plus ``months``."""
    return months_after(event.ends_on, months)


@dataclass(frozen=True)
class Schedule:
    """An event's periods, and whether they are its own (else its programme's)."""

    months: tuple[int, ...]
    own: bool


def _rows(event_ids, programme_ids) -> list[FollowUpSchedule]:
    if not event_ids and not programme_ids:
        return []
    return list(
        db.session.scalars(
            select(FollowUpSchedule).where(
                or_(
                    FollowUpSchedule.event_id.in_(list(event_ids)),
                    FollowUpSchedule.programme_id.in_(list(programme_ids)),
                )
            )
        )
    )


def schedules(events) -> dict[int, Schedule]:
    """Each event's schedule (event id → Schedule), in one query."""
    events = list(events)
    rows = _rows({e.id for e in events}, {e.programme_id for e in events if e.programme_id})
    own = {r.event_id: r.months for r in rows if r.event_id is not None}
    of_programme = {r.programme_id: r.months for r in rows if r.programme_id is not None}
    return {
        e.id: Schedule(own[e.id], True)
        if e.id in own
        else Schedule(of_programme.get(e.programme_id, ()), False)
        for e in events
    }


def schedule_of(event: Event) -> Schedule:
    return schedules([event])[event.id]


def programme_months(programme_id: int) -> tuple[int, ...]:
    row = db.session.scalar(
        select(FollowUpSchedule).where(FollowUpSchedule.programme_id == programme_id)
    )
    return row.months if row else ()


def _row(**owner) -> FollowUpSchedule:
    row = db.session.scalar(select(FollowUpSchedule).filter_by(**owner))
    if row is None:
        row = FollowUpSchedule(**owner)
        db.session.add(row)
    return row


def set_programme_months(programme_id: int, text: str) -> tuple[int, ...]:
    """The programme's periods from what staff typed (empty: no survey); InvalidInput."""
    months = read_months(text)
    _row(programme_id=programme_id).months = months
    return months


def set_event_schedule(event: Event, use_programme: bool, text: str) -> Schedule:
    """The event follows its programme's schedule, or has its own (``text``; empty: none)."""
    if use_programme:
        db.session.execute(
            FollowUpSchedule.__table__.delete().where(FollowUpSchedule.event_id == event.id)
        )
        return schedule_of(event)
    months = read_months(text)
    _row(event_id=event.id).months = months
    return Schedule(months, True)
