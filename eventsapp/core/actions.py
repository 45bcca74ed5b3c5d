"""The action log: who did what, when, to which object, with what data.

Services record each change they make with ``log_action``, in the caller's transaction: the line
is added to the session, so that it is committed with the change and rolled back with it (never
committed on its own). The actor is an argument, never read from the request:

- an account (staff deciding, a delegate acting on their own registration);
- a person without an account, by name (an authority's contact following their request's link);
- None: the site itself (the worker, a periodic job, a command), shown as such.

Each capability names its actions once with ``describe``: the dotted name stored, in the users'
words ("registration.approved", "cost_rule.saved"), and the phrase the History pages show in the
visitor's language ("Approved the registration of %(object)s"). Lines keep a label of their
object as it was (a delegate's name, an event's title), so that they read the same once the
object is gone; the event and the account they concern are kept for the two History pages
(``event_history``, ``account_history``), which read them in two queries whatever their number.
Each line written is announced (``core.signals.action_logged``): webhooks hear of what happens
through it. A request whose every round trip counts reads whether anything hears the lines
(``readers_clause``) in a statement it sends anyway, and notes the answer (``note_readers``), so
that the commit needs no read of its own when nothing does (``no_readers``).
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    Select,
    String,
    insert,
    or_,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .clock import utcnow
from .i18n import format_day, format_moment
from .signals import action_logged, ask, log_readers

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?")
LABEL_LENGTH = 300
# What lines say of a person who was forgotten (``privacy``): as the object of a sentence and
# as who did it, in the reader's language.
FORGOTTEN_LABEL, FORGOTTEN_ACTOR = "a participant", "A participant"


class LoggedAction(db.Model):
    """One line of the action log."""

    __tablename__ = "action_log"
    __table_args__ = (
        CheckConstraint("length(action) > 0", name="action_not_empty"),
        Index("ix_action_log_event_id_at", "event_id", "at"),
        Index("ix_action_log_account_id_at", "account_id", "at"),
        Index("ix_action_log_actor_id_at", "actor_id", "at"),
        Index("ix_action_log_object", "object_type", "object_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)  # UTC
    # Who: an account (kept by name when it goes), a person without one (a name alone), or the
    # site itself (neither).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor_name: Mapped[str | None] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(60))
    # What it was done to: its kind (the action's first word), its id and what it was called.
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int | None]
    label: Mapped[str] = mapped_column(String(LABEL_LENGTH), default="")
    # The event and the account it concerns, for their History pages (kept, without them, when
    # they are deleted: the label says what they were).
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # What changed ({"changes": {field: [before, after]}}), a reason or note ("text"), counts.
    data: Mapped[dict] = mapped_column(JSON, default=dict)

    @property
    def who(self) -> str:
        if self.actor_name == FORGOTTEN_ACTOR:
            return _("A participant")
        return self.actor_name or _("The site")

    @property
    def sentence(self) -> str:
        """What was done, in the visitor's language: "Approved the registration of Amina"."""
        return sentence(self)

    @property
    def details(self) -> list[str]:
        return details(self)


# ---------------------------------------------------------------- writing


_FROM_OBJECT = object()


def log_action(
    obj,
    action: str,
    actor,
    data: dict | None = None,
    *,
    at: datetime | None = None,
    label: str | None = None,
    event_id=_FROM_OBJECT,
    account_id=_FROM_OBJECT,
    add: bool = True,
) -> LoggedAction:
    """Record ``action`` on ``obj`` by ``actor`` (an account, a person's name, or None for the
    site) at ``at`` (now by default), in the session's transaction (``add=False``: the line is
    only made, for ``log_actions`` to write with others).

    The object's label is its ``title`` or ``name`` unless given; the event it concerns is the
    object itself or its ``event_id``, the account its ``user_id`` or ``account_id`` (the account
    itself for an account), unless given. A new object (or account) is flushed first, for its id.
    """
    if _unsaved(obj) or (not isinstance(actor, str) and _unsaved(actor)):
        db.session.flush()
    line = LoggedAction(
        at=at or utcnow(),
        actor_id=None if actor is None or isinstance(actor, str) else actor.id,
        actor_name=_name_of(actor),
        action=action,
        object_type=action.partition(".")[0],
        object_id=getattr(obj, "id", None),
        label=(label if label is not None else _label_of(obj))[:LABEL_LENGTH],
        event_id=_event_of(obj) if event_id is _FROM_OBJECT else event_id,
        account_id=_account_of(obj) if account_id is _FROM_OBJECT else account_id,
        data=_plain(data or {}),
    )
    if add:
        db.session.add(line)
        action_logged.send(line, obj=obj)
    return line


def log_actions(lines: list[LoggedAction]) -> None:
    """Write lines made by ``log_action(..., add=False)`` in one statement: one action done to
    many objects at once (an event's badges printed), however many."""
    columns = [c.key for c in LoggedAction.__table__.columns if c.key != "id"]
    if lines:
        db.session.execute(
            insert(LoggedAction), [{key: getattr(line, key) for key in columns} for line in lines]
        )
    for line in lines:
        action_logged.send(line, obj=None)


_READERS = "log_readers"  # in the session's info: (its transaction, whether any reader exists)


def readers_clause():
    """An SQL expression, true when something reads the log's lines at commit (None: nothing
    can), to be selected with another statement; its value goes to ``note_readers``."""
    return ask(log_readers, None)


def note_readers(exist: bool) -> None:
    """Whether anything reads this transaction's lines, as read in it (``readers_clause``)."""
    session = db.session()
    session.info[_READERS] = (session.get_transaction(), bool(exist))


def no_readers(session) -> bool:
    """True when this transaction read that nothing hears its lines (``note_readers``)."""
    known = session.info.get(_READERS)
    return known is not None and known[0] is session.get_transaction() and not known[1]


def changes(before: dict, after: dict) -> dict:
    """``{"changes": {name: [before, after]}}`` for the names whose value changed (empty when
    none did), for a line's data."""
    changed = {
        k: [before.get(k), v] for k, v in after.items() if _plain(before.get(k)) != _plain(v)
    }
    return {"changes": changed} if changed else {}


def _unsaved(instance) -> bool:
    return instance is not None and hasattr(instance, "id") and instance.id is None


def _name_of(actor) -> str | None:
    if actor is None or isinstance(actor, str):
        return actor or None
    return actor.name or actor.email


def _is_table(obj, name: str) -> bool:
    return getattr(obj, "__tablename__", None) == name


def _label_of(obj) -> str:
    if _is_table(obj, "users"):
        return obj.name or obj.email
    return str(getattr(obj, "title", None) or getattr(obj, "name", None) or "")


def _event_of(obj) -> int | None:
    return obj.id if _is_table(obj, "events") else getattr(obj, "event_id", None)


def _account_of(obj) -> int | None:
    if _is_table(obj, "users"):
        return obj.id
    return getattr(obj, "user_id", None) or getattr(obj, "account_id", None)


def _plain(value):
    """``value`` as JSON keeps it: days and times in ISO 8601, amounts as text."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if value is None or isinstance(value, bool | int | float):
        return value
    return str(value)  # labelled choices are their slug; lazy strings their text


# ---------------------------------------------------------------- describing


@dataclass(frozen=True)
class Description:
    phrase: object  # a lazy string: %(object)s and the names of the line's data
    labels: dict = field(default_factory=dict)  # data name → the Labelled choice its slug is of
    fields: dict = field(default_factory=dict)  # changed field → its label


_DESCRIPTIONS: dict[str, Description] = {}


def describe(action: str, phrase, *, labels: dict | None = None, fields: dict | None = None) -> str:
    """Name an action and what the History pages say of it: ``phrase`` with ``%(object)s`` (the
    object's label) and the names of the line's data; ``labels`` shows data holding a slug by
    its label (``{"status": Status}``); ``fields`` names the fields of ``data["changes"]``.
    Returns the action's name, for the capability to log it by."""
    _DESCRIPTIONS[action] = Description(phrase, labels or {}, fields or {})
    return action


class _Values(dict):
    def __missing__(self, key):
        return "—"


def sentence(line: LoggedAction) -> str:
    description = _DESCRIPTIONS.get(line.action)
    if description is None:
        return f"{line.action}: {line.label}" if line.label else line.action
    values = _Values(
        {
            key: _shown(value, description.labels.get(key))
            for key, value in (line.data or {}).items()
            if key != "changes"
        }
    )
    values["object"] = _("a participant") if line.label == FORGOTTEN_LABEL else line.label or "—"
    return str(description.phrase) % values


def details(line: LoggedAction) -> list[str]:
    """What changed ("Capacity: 20 → 25") and the text that came with it (a reason, a note)."""
    description = _DESCRIPTIONS.get(line.action) or Description("")
    data = line.data or {}
    shown = [
        f"{description.fields.get(name, name.replace('_', ' '))}: "
        f"{_shown(before, description.labels.get(name))} → "
        f"{_shown(after, description.labels.get(name))}"
        for name, (before, after) in (data.get("changes") or {}).items()
    ]
    if data.get("text"):
        shown.append(str(data["text"]))
    return shown


def _shown(value, labelled=None) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, list):
        return ", ".join(_shown(v, labelled) for v in value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if labelled is not None and value in labelled.__members__.values():
        return labelled(value).label
    if isinstance(value, str) and _ISO_DAY.fullmatch(value):
        return format_day(date.fromisoformat(value))
    if isinstance(value, str) and _ISO_MOMENT.fullmatch(value):
        return format_moment(datetime.fromisoformat(value))
    return str(value)


# ---------------------------------------------------------------- reading


def _newest_first(stmt: Select) -> Select:
    return stmt.order_by(LoggedAction.at.desc(), LoggedAction.id.desc())


def recent_actions(limit: int) -> list[LoggedAction]:
    """The latest lines of the whole site (the staff home's "Recent changes")."""
    return list(db.session.scalars(_newest_first(select(LoggedAction)).limit(limit)))


def event_history(event_id: int) -> Select:
    """What was done in an event, newest first (to paginate)."""
    return _newest_first(select(LoggedAction).where(LoggedAction.event_id == event_id))


def account_history(account_id: int) -> Select:
    """What an account did, and what was done concerning it, newest first (to paginate)."""
    return _newest_first(
        select(LoggedAction).where(
            or_(LoggedAction.actor_id == account_id, LoggedAction.account_id == account_id)
        )
    )


def object_history(object_type: str, object_id: int, leaving_out=()) -> list[LoggedAction]:
    """An object's lines in the order they happened (a request's timeline), without the
    actions ``leaving_out`` names."""
    stmt = select(LoggedAction).where(
        LoggedAction.object_type == object_type, LoggedAction.object_id == object_id
    )
    if leaving_out:
        stmt = stmt.where(LoggedAction.action.not_in(leaving_out))
    return list(db.session.scalars(stmt.order_by(LoggedAction.at, LoggedAction.id)))
