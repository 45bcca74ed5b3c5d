"""The worker's daily job of follow-up surveys: each event's periods that have come (within
60 days) are sent to those who took part, an event at a time; then the reminders."""

from collections.abc import Iterator
from datetime import datetime, timedelta

from ..core.jobs import Unit, periodic_in_units
from .services import events_due, send_due_reminders, send_period


def _send(event, months: list[int], now: datetime) -> dict[str, int]:
    return {"surveys emailed": sum(send_period(event, m, now) for m in months)}


def units(now: datetime) -> Iterator[Unit]:
    for event, months in events_due(now):
        yield Unit(
            f"event {event.id}", lambda event=event, months=months: _send(event, months, now)
        )
    yield Unit("reminders", lambda: {"reminders": send_due_reminders(now)})


# Daily: a period is due on a day; a job run more often sends nothing more (once per
# participant and period, the database's unique constraint too).
follow_up = periodic_in_units(
    "follow_up", every=timedelta(days=1), units=units, says=("surveys emailed", "reminders")
)
