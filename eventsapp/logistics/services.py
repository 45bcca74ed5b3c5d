"""Logistics tasks: saving them, their due dates, the lists, the weekly reminder and the year
grid, as plain functions over models. Nothing here commits: the caller owns the transaction."""

import itertools
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, joinedload

from ..accounts.models import STAFF_ROLES, User
from ..catalogue.models import Event, EventStatus, Programme
from ..core.actions import changes, describe, log_action
from ..core.dates import FIRST_YEAR, LAST_YEAR
from ..core.errors import InvalidInput
from ..core.links import site_url
from ..extensions import db
from ..mail.services import queue_email
from .checklists import CHECKLISTS
from .models import Anchor, Task, TaskReminder, TaskStatus

OPEN_STATUSES = (TaskStatus.TO_DO, TaskStatus.IN_PROGRESS, TaskStatus.BLOCKED)
SOON_DAYS = 14


@dataclass
class TaskInput:
    """What staff enter for a task: a fixed ``due_on``, or ``days`` from the event's ``anchor``
    (negative: before)."""

    title: str
    due_on: date | None = None
    days: int | None = None
    anchor: str | None = None
    owner_id: int | None = None
    owner_name: str | None = None
    status: str = TaskStatus.TO_DO
    notes: str = ""


def relative_due(event: Event, anchor: str, days: int) -> date:
    """The day ``days`` from the event's start or end: against the window's first and last day,
    whatever its precision (an approximate window gives an approximate date)."""
    return (event.starts_on if anchor == Anchor.START else event.ends_on) + timedelta(days=days)


def _checked_due(due: date, field: str) -> date:
    if not FIRST_YEAR <= due.year <= LAST_YEAR:
        raise InvalidInput(
            field, _("Choose a due date between %(a)d and %(b)d.", a=FIRST_YEAR, b=LAST_YEAR)
        )
    return due


TASK_ADDED, TASK_SAVED = (
    describe(
        action,
        phrase,
        labels={"status": TaskStatus},
        fields={"title": _l("Task"), "status": _l("Status"), "due_on": _l("Due")},
    )
    for action, phrase in (
        ("task.added", _l("Added the task %(object)s")),
        ("task.saved", _l("Changed the task %(object)s")),
    )
)
_LOGGED = ("title", "status", "due_on")


def save_task(event: Event, task: Task, data: TaskInput, actor=None) -> Task:
    """Apply what staff entered to a new or existing task of ``event``, and add it; recorded as
    ``actor``'s when one is given (a template's or an import's tasks are not, one by one)."""
    before = None if task.id is None else {name: getattr(task, name) for name in _LOGGED}
    if (data.days is None) == (data.due_on is None):
        raise InvalidInput(
            "due_on",
            _("Give either a due date, or a number of days from the event's start or end."),
        )
    if data.days is not None:
        if data.anchor not in set(Anchor) or not -3660 <= data.days <= 3660:
            raise InvalidInput(
                "days",
                _(
                    "Give a number of days (up to ten years) before or after "
                    "the event's start or end."
                ),
            )
        task.anchor, task.offset_days = data.anchor, data.days
        task.due_on = _checked_due(relative_due(event, data.anchor, data.days), "days")
    else:
        task.anchor = task.offset_days = None
        task.due_on = _checked_due(data.due_on, "due_on")
    if data.owner_id is not None:
        owner = db.session.get(User, data.owner_id)
        if owner is None or owner.role not in STAFF_ROLES:
            raise InvalidInput("owner_id", _("Choose a staff account."))
    if data.status not in set(TaskStatus):
        raise InvalidInput("status", _("Choose a status."))
    task.event_id = event.id
    task.title = " ".join(data.title.split())[:300]
    task.owner_id = data.owner_id
    task.owner_name = " ".join((data.owner_name or "").split())[:200] or None
    task.status = data.status
    task.notes = (data.notes or "").strip()
    db.session.add(task)
    db.session.flush()
    if actor is not None:
        _log_saved(task, before, actor)
    return task


def _log_saved(task: Task, before: dict | None, actor) -> None:
    if before is None:
        log_action(task, TASK_ADDED, actor)
    elif changed := changes(before, {name: getattr(task, name) for name in _LOGGED}):
        log_action(task, TASK_SAVED, actor, changed)


def reschedule(event: Event) -> int:
    """Move the relative due dates of an event's tasks with its window; how many moved."""
    moved = 0
    for task in db.session.scalars(
        select(Task).where(Task.event_id == event.id, Task.anchor.is_not(None))
    ):
        due = relative_due(event, task.anchor, task.offset_days)
        if task.due_on != due and FIRST_YEAR <= due.year <= LAST_YEAR:
            task.due_on = due
            moved += 1
    return moved


def apply_checklist(event: Event) -> int:
    """Add the tasks of the event kind's template that the event lacks (by title); how many."""
    have = set(db.session.scalars(select(Task.title).where(Task.event_id == event.id)))
    position = len(have)
    added = 0
    for title, days, anchor in CHECKLISTS.get(event.kind, []):
        if str(title) in have:
            continue
        task = save_task(
            event,
            Task(position=position + added),
            TaskInput(title=str(title), days=days, anchor=anchor),
        )
        have.add(task.title)
        added += 1
    return added


def checklist_size(event: Event) -> int:
    return len(CHECKLISTS.get(event.kind, []))


def event_tasks(event_id: int) -> list[Task]:
    return list(
        db.session.scalars(
            select(Task)
            .where(Task.event_id == event_id)
            .options(joinedload(Task.owner), joinedload(Task.event))
            .order_by(Task.due_on, Task.position, Task.id)
        )
    )


def get_task(event_id: int, task_id: int) -> Task | None:
    task = db.session.get(Task, task_id)
    return task if task is not None and task.event_id == event_id else None


def progress(event_ids: list[int]) -> dict[int, tuple[int, int]]:
    """Per event: (tasks done, tasks), in one query."""
    if not event_ids:
        return {}
    rows = db.session.execute(
        select(
            Task.event_id,
            func.count().filter(Task.status == TaskStatus.DONE),
            func.count(),
        )
        .where(Task.event_id.in_(event_ids))
        .group_by(Task.event_id)
    )
    return {event_id: (done, total) for event_id, done, total in rows}


def open_tasks_due(
    until: date, owner_id: int | None = None, limit: int | None = None
) -> list[Task]:
    """Open tasks due up to ``until`` (overdue ones first), of live events, in one query."""
    stmt = (
        select(Task)
        .join(Task.event)
        .outerjoin(Task.owner)
        .where(
            Task.status.in_(OPEN_STATUSES),
            Task.due_on <= until,
            Event.status != EventStatus.CANCELLED,
        )
        .options(contains_eager(Task.event), contains_eager(Task.owner))
        .order_by(Task.due_on, Task.event_id, Task.position, Task.id)
    )
    if owner_id is not None:
        stmt = stmt.where(Task.owner_id == owner_id)
    if limit is not None:
        stmt = stmt.limit(limit)
    return list(db.session.scalars(stmt))


def by_owner(tasks: list[Task]) -> list[tuple[str, list[Task]]]:
    """Tasks grouped by their owner's label, the owners in alphabetical order."""
    ordered = sorted(tasks, key=lambda t: (t.owner_label.casefold(), t.due_on, t.id))
    return [
        (owner, list(group)) for owner, group in itertools.groupby(ordered, lambda t: t.owner_label)
    ]


def send_weekly_reminders(now: datetime) -> int:
    """Email each staff owner their overdue tasks, once a week; how many emails."""
    week_of = now.date() - timedelta(days=now.weekday())
    overdue = [t for t in open_tasks_due(now.date() - timedelta(days=1)) if t.owner is not None]
    sent_to = set(
        db.session.scalars(select(TaskReminder.user_id).where(TaskReminder.week_of == week_of))
    )
    sent = 0
    for _owner, tasks in by_owner(overdue):
        owner = tasks[0].owner
        if owner.id in sent_to or not owner.active:
            continue
        queue_email(
            owner.email,
            _l("Overdue tasks: %(num)d", num=len(tasks)),
            "task_reminder",
            locale=owner.locale,
            name=owner.name or owner.email,
            tasks=tasks,
            dashboard_url=site_url("logistics.dashboard", mine=1),
        )
        db.session.add(TaskReminder(user_id=owner.id, week_of=week_of, tasks=len(tasks)))
        sent += 1
    return sent


def overdue_count(today: date) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Task)
        .join(Task.event)
        .where(
            Task.status.in_(OPEN_STATUSES),
            Task.due_on < today,
            Event.status != EventStatus.CANCELLED,
        )
    )


@dataclass
class GridRow:
    event: Event
    months: set[int]  # the months of the year its window covers
    tasks: list[Task]
    task_months: Counter  # month → tasks due in it


def year_grid(programme: Programme, year: int) -> list[GridRow]:
    """The action plan of a programme's year: each event whose window touches the year, the
    months (I–XII) it covers and its tasks, in two queries."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    events = list(
        db.session.scalars(
            select(Event)
            .where(
                Event.programme_id == programme.id, Event.starts_on <= last, Event.ends_on >= first
            )
            .options(joinedload(Event.section), joinedload(Event.venue))
            .order_by(Event.starts_on, Event.id)
        )
    )
    tasks: dict[int, list[Task]] = {e.id: [] for e in events}
    if events:
        for task in db.session.scalars(
            select(Task)
            .where(Task.event_id.in_(list(tasks)))
            .options(joinedload(Task.owner))
            .order_by(Task.due_on, Task.position, Task.id)
        ):
            tasks[task.event_id].append(task)
    rows = []
    for event in events:
        start, end = max(event.starts_on, first), min(event.ends_on, last)
        months = set(range(start.month, end.month + 1))
        due = Counter(t.due_on.month for t in tasks[event.id] if t.due_on.year == year)
        rows.append(GridRow(event, months, tasks[event.id], due))
    return rows


def plan_years() -> list[tuple[Programme, list[int]]]:
    """Each programme with the years its action plan can be shown for (those of its events)."""
    rows = db.session.execute(
        select(Programme, func.min(Event.starts_on), func.max(Event.ends_on))
        .join(Event, Event.programme_id == Programme.id)
        .group_by(Programme.id)
        .order_by(Programme.name)
    ).all()
    return [(p, list(range(first.year, last.year + 1))) for p, first, last in rows]


def staff_choices() -> list[tuple[int, str]]:
    users = db.session.scalars(
        select(User).where(User.role.in_(STAFF_ROLES), User.active).order_by(User.name, User.email)
    )
    return [(u.id, u.name or u.email) for u in users]
