"""Attendance per agenda session: which sessions take attendance, checking a participant in to
one (and so to its day), and the printed sheet entered afterwards. Nothing here commits.

A session takes attendance when it is published, is not a break and falls within the event's
days; the check-in page offers those of the days one may be checked in for
(``services.check_in_days``).
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select

from ..agenda.models import AgendaSession, SessionKind
from ..catalogue.models import Event
from ..core.actions import describe, log_action
from ..core.errors import InvalidInput
from ..extensions import db
from ..registration.models import Registration
from ..registration.participants import WITH_A_PLACE, participants_with_a_place
from .models import CheckIn, SessionCheckIn
from .services import check_in, check_in_days

SESSION_CHECKED_IN = describe(
    "registration.session_checked_in", _l("Checked in %(object)s to the session %(session)s")
)
SHEET_ENTERED = describe(
    "event.attendance_sheet_entered",
    _l(
        "Entered the attendance sheet of %(object)s for %(day)s "
        "(ticked: %(added)s, unticked: %(removed)s)"
    ),
)


def _countable(event_ids: list[int]):
    return (
        select(AgendaSession)
        .join(Event, Event.id == AgendaSession.event_id)
        .where(
            AgendaSession.event_id.in_(event_ids),
            AgendaSession.kind != SessionKind.BREAK,
            AgendaSession.published.is_(True),
            AgendaSession.day >= Event.starts_on,
            AgendaSession.day <= Event.ends_on,
        )
        .order_by(AgendaSession.starts_at, AgendaSession.id)
    )


def countable_sessions(event: Event) -> list[AgendaSession]:
    """The agenda's sessions that take attendance (breaks aside), in order (one query)."""
    return list(db.session.scalars(_countable([event.id])))


def countable_sessions_of(event_ids: list[int]) -> dict[int, list[AgendaSession]]:
    """``{event id: its countable sessions}`` for many events (one query)."""
    found: dict[int, list[AgendaSession]] = {event_id: [] for event_id in event_ids}
    if event_ids:
        for session in db.session.scalars(_countable(event_ids)):
            found[session.event_id].append(session)
    return found


def sessions_attended_of(event_ids: list[int]) -> dict[int, int]:
    """``{registration id: countable sessions attended}`` for many events (one query)."""
    if not event_ids:
        return {}
    countable = _countable(event_ids).with_only_columns(AgendaSession.id).order_by(None)
    rows = db.session.execute(
        select(SessionCheckIn.registration_id, func.count(SessionCheckIn.id))
        .where(SessionCheckIn.session_id.in_(countable.scalar_subquery()))
        .group_by(SessionCheckIn.registration_id)
    )
    return dict(rows.all())


def sessions_attended(event_id: int) -> dict[int, int]:
    """``{registration id: sessions attended}`` (countable sessions only; one query)."""
    return sessions_attended_of([event_id])


def attendance_per_session(event_id: int) -> list[tuple[AgendaSession, int]]:
    """Each countable session with how many participants with a place attended it (two
    queries)."""
    event = db.session.get(Event, event_id)
    sessions = countable_sessions(event)
    rows = db.session.execute(
        select(SessionCheckIn.session_id, func.count(SessionCheckIn.id))
        .join(Registration, Registration.id == SessionCheckIn.registration_id)
        .where(Registration.event_id == event_id, Registration.status.in_(WITH_A_PLACE))
        .group_by(SessionCheckIn.session_id)
    )
    counts = Counter(dict(rows.all()))
    return [(session, counts[session.id]) for session in sessions]


def who_attended(event_id: int) -> dict[int, set[int]]:
    """``{registration id: ids of the sessions they attended}`` (one query)."""
    found: dict[int, set[int]] = {}
    rows = db.session.execute(
        select(SessionCheckIn.registration_id, SessionCheckIn.session_id)
        .join(Registration, Registration.id == SessionCheckIn.registration_id)
        .where(Registration.event_id == event_id)
    )
    for registration_id, session_id in rows:
        found.setdefault(registration_id, set()).add(session_id)
    return found


# ---------------------------------------------------------------- check-in to a session


def sessions_of_day(event: Event, day: date) -> list[AgendaSession]:
    return [s for s in countable_sessions(event) if s.day == day]


def running_session(sessions: list[AgendaSession], now: datetime) -> AgendaSession | None:
    """The session running at ``now`` (UTC, as sessions' times are stored), if any."""
    return next((s for s in sessions if s.starts_at <= now < s.ends_at), None)


def session_to_check_in(event: Event, session_id: int | None, now: datetime) -> AgendaSession:
    """The countable session ``session_id`` of the event, on a day one may be checked in for
    now; else a refusal naming the problem."""
    session = db.session.get(AgendaSession, session_id) if session_id is not None else None
    if session is None or session.event_id != event.id or session not in countable_sessions(event):
        raise InvalidInput("session", _("This session is not one of the event's sessions."))
    if session.day not in check_in_days(event, now):
        raise InvalidInput(
            "session", _("This session's day is not one of the event's days so far.")
        )
    return session


def check_in_to_session(
    registration: Registration, session: AgendaSession, now: datetime, staff
) -> bool:
    """Mark the participant present at ``session`` and on its day; False when they were at
    the session already (nothing changes)."""
    check_in(registration, session.day, now, staff)
    exists = db.session.scalar(
        select(SessionCheckIn.id).where(
            SessionCheckIn.registration_id == registration.id,
            SessionCheckIn.session_id == session.id,
        )
    )
    if exists:
        return False
    db.session.add(
        SessionCheckIn(
            registration_id=registration.id, session_id=session.id, checked_in_at=now, source="scan"
        )
    )
    db.session.flush()
    log_action(registration, SESSION_CHECKED_IN, staff, {"session": session.title}, at=now)
    return True


def checked_in_to(session_id: int) -> set[int]:
    """Who is checked in to the session (with a place or not: the counter counts those)."""
    return set(
        db.session.scalars(
            select(SessionCheckIn.registration_id).where(SessionCheckIn.session_id == session_id)
        )
    )


# ---------------------------------------------------------------- the printed sheet


@dataclass
class Sheet:
    """A day's sheet: the participants with a place (by name), the day's countable sessions,
    and the pairs (registration id, session id) checked in already, with their check-in's id."""

    day: date
    people: list[Registration]
    sessions: list[AgendaSession]
    ticked: dict[tuple[int, int], int]


def sheet_days(event: Event) -> list[date]:
    """The days a sheet can be printed for: the event's days that have countable sessions."""
    return sorted({s.day for s in countable_sessions(event)})


def attendance_sheet(event: Event, day: date) -> Sheet:
    """The day's sheet, in four queries whatever the number of participants."""
    sessions = sessions_of_day(event, day)
    people = participants_with_a_place(event.id)
    ticked = {}
    if sessions:
        rows = db.session.execute(
            select(SessionCheckIn.registration_id, SessionCheckIn.session_id, SessionCheckIn.id)
            .join(Registration, Registration.id == SessionCheckIn.registration_id)
            .where(
                Registration.event_id == event.id,
                SessionCheckIn.session_id.in_([s.id for s in sessions]),
            )
        )
        ticked = {(r, s): id_ for r, s, id_ in rows}
    return Sheet(day, people, sessions, ticked)


def parse_ticks(values: list[str], sheet: Sheet) -> set[tuple[int, int]]:
    """The boxes ticked on the form ("registration id:session id"), each one of the sheet's;
    anything else refuses the whole sheet."""
    people = {r.id for r in sheet.people}
    sessions = {s.id for s in sheet.sessions}
    ticks = set()
    for value in values:
        left, _sep, right = value.partition(":")
        if not (left.isascii() and left.isdigit() and right.isascii() and right.isdigit()):
            raise InvalidInput("present", _("The sheet holds a box that is not one of its own."))
        pair = (int(left), int(right))
        if pair[0] not in people or pair[1] not in sessions:
            raise InvalidInput("present", _("The sheet holds a box that is not one of its own."))
        ticks.add(pair)
    return ticks


def enter_sheet(
    event: Event, sheet: Sheet, ticks: set[tuple[int, int]], now: datetime, staff
) -> tuple[int, int]:
    """Save the sheet as ticked: session check-ins added (source "sheet", with the day's
    check-in) for the boxes newly ticked, removed for the boxes unticked (a tick entered by
    mistake; the day's check-in stays, as it may come from a scan). One line in the action
    log for the whole change. Returns (added, removed)."""
    if sheet.day not in check_in_days(event, now):
        raise InvalidInput("day", _("This day is not one of the event's days so far."))
    added, removed = ticks - set(sheet.ticked), set(sheet.ticked) - ticks
    if removed:
        db.session.execute(
            delete(SessionCheckIn).where(SessionCheckIn.id.in_([sheet.ticked[p] for p in removed]))
        )
    if added:
        present = set(
            db.session.scalars(
                select(CheckIn.registration_id).where(
                    CheckIn.registration_id.in_({r for r, _s in added}), CheckIn.day == sheet.day
                )
            )
        )
        db.session.add_all(
            CheckIn(registration_id=r, day=sheet.day, checked_in_at=now)
            for r in sorted({r for r, _s in added} - present)
        )
        db.session.add_all(
            SessionCheckIn(registration_id=r, session_id=s, checked_in_at=now, source="sheet")
            for r, s in sorted(added)
        )
    if added or removed:
        log_action(
            event,
            SHEET_ENTERED,
            staff,
            {"day": sheet.day, "added": len(added), "removed": len(removed)},
            at=now,
        )
    return len(added), len(removed)
