"""The weekly reminder: each owner of overdue tasks gets one email a week listing them (run by
``flask jobs worker``; the first run of each week sends, later ones find it sent)."""

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..core.jobs import periodic
from ..core.links import site_url
from ..extensions import db
from ..mail.services import queue_email
from .models import TaskReminder
from .services import by_owner, open_tasks_due


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


@periodic("task reminders", every=timedelta(hours=1))
def tick(now: datetime) -> dict[str, int]:
    return {"task reminders": send_weekly_reminders(now)}
