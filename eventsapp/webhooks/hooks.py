"""What happens reaches the webhooks through the action log: each line that announces a webhook
type (``events.ACTIONS``) is noted in the session, and when its transaction commits the
deliveries are added to that same transaction (``before_commit``), so that a change rolled back
sends nothing and a change committed is never without its deliveries. The objects are read
then, as the change leaves them (a registration's status is set after its line is written).
An event deleted is read at once, while it is still there. The subscriptions are read at the
commit, unless the transaction read already that there is none (``core.actions.no_readers``:
a registration's confirmation reads it with its seats)."""

from sqlalchemy import event as sa_event
from sqlalchemy import exists
from sqlalchemy.orm import Session

from ..core.actions import LoggedAction, no_readers
from ..core.clock import utcnow
from ..core.signals import action_logged, log_readers
from ..extensions import db
from .events import ACTIONS, EVENT_DELETED, Happening, deleted_event, happenings
from .models import WebhookSubscription
from .services import queue, subscriptions

_NOTED = "webhook_lines"  # in the session's info: [(line or happening, in the session?)]


@action_logged.connect
def _note(line: LoggedAction, obj=None) -> None:
    if line.action not in ACTIONS:
        return
    noted = db.session.info.setdefault(_NOTED, [])
    if line.action == EVENT_DELETED:
        if obj is not None:
            noted.append((deleted_event(obj), False))
    else:
        noted.append((line, obj is not None))


@log_readers.connect
def _any_subscription(_sender) -> object:
    """Read with another statement: whether a subscription exists (on or off: the deliveries
    of one switched off wait for it)."""
    return exists().where(WebhookSubscription.id.is_not(None))


@sa_event.listens_for(Session, "before_commit")
def _queue_deliveries(session: Session) -> None:
    noted = session.info.pop(_NOTED, None)
    if not noted or no_readers(session):
        return
    to = subscriptions()
    if not to:  # most sites have none: the changed objects are not read again for nothing
        return
    found: list[Happening] = []
    for entry, added in noted:
        if isinstance(entry, Happening):
            found.append(entry)
        elif not added or entry in session:  # not undone by a savepoint rolled back
            found.extend(happenings(entry))
    queue(found, to, utcnow())


@sa_event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, previous_transaction) -> None:
    if not previous_transaction.nested:
        session.info.pop(_NOTED, None)
