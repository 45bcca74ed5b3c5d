"""The periodic job of registration (``flask jobs worker`` runs it; ``flask registration tick`` by
hand or from cron)."""

from collections.abc import Iterator
from datetime import datetime, timedelta

from ..core.jobs import Unit, periodic_in_units
from .reminders import send_reminders
from .services import forget_unconfirmed
from .statuses import pass_on_expired_offers
from .waiting_list import events_with_waiting_lists


def units(now: datetime) -> Iterator[Unit]:
    """Expired offers pass on and free seats are offered, each event under its lock in a
    transaction of its own; reminders go out; registrations never confirmed are forgotten.
    Events that ended are left alone."""
    for event_id in events_with_waiting_lists(now.date()):
        yield Unit(
            f"event {event_id}",
            lambda event_id=event_id: {"offers expired": pass_on_expired_offers(event_id, now)},
        )
    yield Unit("reminders", lambda: {"reminders": send_reminders(now)})
    yield Unit("unconfirmed", lambda: {"unconfirmed forgotten": forget_unconfirmed(now)})


# What the worker runs every 5 minutes, and ``flask registration tick`` once.
tick = periodic_in_units(
    "registration",
    every=timedelta(minutes=5),
    units=units,
    says=("offers expired", "reminders", "unconfirmed forgotten"),
)
