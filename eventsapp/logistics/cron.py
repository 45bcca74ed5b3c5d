"""The weekly reminder: each owner of overdue tasks gets one email a week listing them (run by
``flask jobs worker``; the first run of each week sends, later ones find it sent)."""

from datetime import datetime, timedelta

from ..core.jobs import periodic
from .services import send_weekly_reminders


@periodic("task reminders", every=timedelta(hours=1))
def tick(now: datetime) -> dict[str, int]:
    return {"task reminders": send_weekly_reminders(now)}
