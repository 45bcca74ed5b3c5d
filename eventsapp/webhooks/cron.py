"""The webhooks' step of every round of the worker: the deliveries due (``delivery``). A
committed transaction that queued deliveries wakes the worker (``NOTIFY`` on PostgreSQL), so a
delivery leaves within moments of the change it announces."""

from datetime import timedelta

from ..core.jobs import periodic
from .delivery import deliver_due

periodic("webhooks", every=timedelta(0))(deliver_due)
