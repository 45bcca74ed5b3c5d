"""Receivers of ``core.signals`` for per diem: the budgets (costs) ask for the participants'
entitlements (``perdiem.entitlements``)."""

from ..core.signals import event_per_diem
from .perdiem import entitlements


@event_per_diem.connect
def _per_diem(_sender, events, registration_ids=None, **_) -> dict:
    return entitlements(events, registration_ids)
