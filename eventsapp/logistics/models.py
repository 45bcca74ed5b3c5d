"""Logistics tasks of events, and the weekly reminders sent to their owners."""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..catalogue.models import Event
from ..core.clock import utcnow
from ..core.dates import within_calendar_years
from ..core.labels import Labelled, sql_in
from ..extensions import db


class TaskStatus(Labelled):
    TO_DO = "to_do", _l("To do")
    IN_PROGRESS = "in_progress", _l("In progress")
    DONE = "done", _l("Done")
    BLOCKED = "blocked", _l("Blocked")


class Anchor(Labelled):
    START = "start", _l("start")
    END = "end", _l("end")


class Task(db.Model):
    """A task of an event, owned by a staff account or by a unit or partner named in words.

    Its due date is fixed, or ``offset_days`` from the event's start or end (``anchor``): then
    ``due_on`` is worked out again whenever the event's window moves (``hooks``).
    """

    __tablename__ = "tasks"
    __table_args__ = (
        CheckConstraint("length(title) BETWEEN 1 AND 300", name="title_length"),
        CheckConstraint(f"status IN ({sql_in(TaskStatus)})", name="status"),
        CheckConstraint(f"anchor IS NULL OR anchor IN ({sql_in(Anchor)})", name="anchor"),
        CheckConstraint("(anchor IS NULL) = (offset_days IS NULL)", name="relative_complete"),
        CheckConstraint("offset_days BETWEEN -3660 AND 3660", name="offset_in_range"),
        CheckConstraint(within_calendar_years("due_on"), name="due_on_in_calendar"),
        Index(None, "status", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(300))
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    owner_name: Mapped[str | None] = mapped_column(String(200))  # a unit or a partner
    due_on: Mapped[date]
    anchor: Mapped[str | None] = mapped_column(String(10))
    offset_days: Mapped[int | None]
    status: Mapped[str] = mapped_column(String(20), default=TaskStatus.TO_DO)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    event: Mapped[Event] = relationship()
    owner: Mapped[User | None] = relationship()

    @property
    def status_label(self) -> str:
        return TaskStatus(self.status).label

    @property
    def owner_label(self) -> str:
        if self.owner is not None:
            return self.owner.name or self.owner.email
        return self.owner_name or str(_l("Nobody yet"))

    @property
    def approximate(self) -> bool:
        """Due against a window known only roughly ("May/June 2012"): the date is approximate."""
        return self.anchor is not None and self.event.precision != "day"

    @property
    def relative_label(self) -> str | None:
        """ "45 days before start", "3 days after end", "on the start day"."""
        if self.anchor is None:
            return None
        anchor = Anchor(self.anchor).label
        if self.offset_days == 0:
            return str(_l("on the %(anchor)s day", anchor=anchor))
        if self.offset_days < 0:
            return str(_l("%(num)d days before %(anchor)s", num=-self.offset_days, anchor=anchor))
        return str(_l("%(num)d days after %(anchor)s", num=self.offset_days, anchor=anchor))

    def __repr__(self) -> str:
        return f"<Task {self.id} {self.title[:30]!r}>"


class TaskReminder(db.Model):
    """The weekly reminder sent to an owner: at most one a week (``week_of``, its Monday)."""

    __tablename__ = "task_reminders"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    week_of: Mapped[date] = mapped_column(primary_key=True)
    tasks: Mapped[int]
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
