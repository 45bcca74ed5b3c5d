"""The worker's job of attendance: each event's evaluation is emailed to its attendees once the
event has ended (once per event; staff may also send it by hand)."""

from datetime import datetime, timedelta

from ..core.jobs import periodic
from .evaluations import open_due_evaluations


@periodic("evaluations", every=timedelta(hours=1))
def open_evaluations(now: datetime) -> dict[str, int]:
    return {"evaluations emailed": open_due_evaluations(now)}
