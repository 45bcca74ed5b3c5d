"""Follow-up surveys: when they go out (a schedule per programme, which an event may replace),
what they ask (a programme's questions, else the built-in ones), and one row per participant and
period: sent, reminded, answered, with the answers."""

from datetime import datetime
from itertools import pairwise

from sqlalchemy import JSON, CheckConstraint, ForeignKey, SmallInteger, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.question_columns import QuestionColumns
from ..core.questions import FILE, KINDS
from ..extensions import db
from ..registration.models import Registration

# A period is a number of months after the event's last day.
FIRST_MONTHS, LAST_MONTHS = 1, 36
MAX_PERIODS = 4
PERIOD_COLUMNS = ("period_1", "period_2", "period_3", "period_4")


def _periods_in_order() -> tuple[CheckConstraint, ...]:
    """Each period within the bounds, the periods ascending without gaps (so none twice)."""
    checks = [
        CheckConstraint(
            f"{column} IS NULL OR {column} BETWEEN {FIRST_MONTHS} AND {LAST_MONTHS}",
            name=f"{column}_months",
        )
        for column in PERIOD_COLUMNS
    ]
    for before, after in pairwise(PERIOD_COLUMNS):
        checks.append(
            CheckConstraint(
                f"{after} IS NULL OR ({before} IS NOT NULL AND {after} > {before})",
                name=f"{after}_after",
            )
        )
    return tuple(checks)


class FollowUpSchedule(db.Model):
    """The months after an event when its follow-up survey goes out: a programme's (the
    default of its events) or an event's own, which replaces it. No period at all: none
    (a programme without a row sends none either)."""

    __tablename__ = "follow_up_schedules"
    __table_args__ = (
        CheckConstraint("(programme_id IS NULL) <> (event_id IS NULL)", name="one_owner"),
        *_periods_in_order(),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int | None] = mapped_column(
        ForeignKey("programmes.id", ondelete="CASCADE"), unique=True
    )
    event_id: Mapped[int | None] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), unique=True
    )
    period_1: Mapped[int | None] = mapped_column(SmallInteger)
    period_2: Mapped[int | None] = mapped_column(SmallInteger)
    period_3: Mapped[int | None] = mapped_column(SmallInteger)
    period_4: Mapped[int | None] = mapped_column(SmallInteger)

    @property
    def months(self) -> tuple[int, ...]:
        return tuple(m for m in (getattr(self, c) for c in PERIOD_COLUMNS) if m is not None)

    @months.setter
    def months(self, months) -> None:
        given = sorted(months)
        for index, column in enumerate(PERIOD_COLUMNS):
            setattr(self, column, given[index] if index < len(given) else None)


class FollowUpQuestion(QuestionColumns, db.Model):
    """A question of a programme's follow-up survey (without any, the survey asks the built-in
    three). Every kind but a file upload: a survey asks about one's work."""

    __tablename__ = "follow_up_questions"
    OFFERED = tuple(kind for kind in KINDS if kind != FILE)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programmes.id", ondelete="CASCADE"), index=True
    )


class FollowUpSurvey(db.Model):
    """A participant's survey for one period: sent once (the unique constraint holds it,
    whatever how often the worker runs), reminded at most once by the worker, answered once."""

    __tablename__ = "follow_up_surveys"
    __table_args__ = (
        UniqueConstraint("registration_id", "months"),
        CheckConstraint(f"months BETWEEN {FIRST_MONTHS} AND {LAST_MONTHS}", name="months"),
        CheckConstraint("answered_at IS NULL OR answered_at >= sent_at", name="answered_after"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    months: Mapped[int] = mapped_column(SmallInteger)
    sent_at: Mapped[datetime]
    reminded_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]
    answers: Mapped[dict] = mapped_column(JSON, default=dict)

    registration: Mapped[Registration] = relationship()
