"""Check-ins per day, certificates, and evaluations: their questions, answers and receipts."""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.clock import utcnow
from ..core.labels import Labelled, sql_in
from ..extensions import db
from ..registration.models import Registration
from ..registration.participants import WITH_A_PLACE


class AttendanceSettings(db.Model):
    """What staff set for an event's attendance: the certificate's minimum of days, whether its
    evaluation is anonymous, and when the evaluation was opened (emailed to attendees)."""

    __tablename__ = "attendance_settings"
    __table_args__ = (
        CheckConstraint(
            "certificate_minimum_days IS NULL OR certificate_minimum_days >= 1",
            name="certificate_minimum_days",
        ),
    )

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    certificate_minimum_days: Mapped[int | None]  # None: every day of the event
    evaluation_anonymous: Mapped[bool] = mapped_column(default=True)
    evaluation_opened_at: Mapped[datetime | None]


class CheckIn(db.Model):
    """A participant was there on ``day`` (once a day, however often scanned)."""

    __tablename__ = "check_ins"
    __table_args__ = (UniqueConstraint("registration_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"))
    day: Mapped[date]
    checked_in_at: Mapped[datetime] = mapped_column(default=utcnow)


class Certificate(db.Model):
    """A certificate of participation; ``code`` is in its verification URL."""

    __tablename__ = "certificates"
    __table_args__ = (CheckConstraint("days_attended >= 1", name="days_attended"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), unique=True
    )
    code: Mapped[str] = mapped_column(String(40), unique=True)
    days_attended: Mapped[int]
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]

    registration: Mapped[Registration] = relationship()

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def valid(self) -> bool:
        """Not revoked, and its holder still has a place (declined or withdrawn: not valid)."""
        return not self.revoked and self.registration.status in WITH_A_PLACE


class QuestionKind(Labelled):
    SCALE = "scale", _l("Scale from 1 to 5")
    SHORT_TEXT = "short_text", _l("Short text")
    LONG_TEXT = "long_text", _l("Long text")
    ONE_CHOICE = "one_choice", _l("One choice")
    YES_NO = "yes_no", _l("Yes or no")


class EvaluationQuestion(db.Model):
    """A question of an event's evaluation form (without any, the form asks the default three
    scales)."""

    __tablename__ = "evaluation_questions"
    __table_args__ = (
        CheckConstraint(f"kind IN ({sql_in(QuestionKind)})", name="kind"),
        CheckConstraint("length(label) > 0", name="label_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(20))
    choices: Mapped[list] = mapped_column(JSON, default=list)  # of a one-choice question
    required: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)

    @property
    def key(self) -> str:
        """The question's key in an answer's ``answers``."""
        return str(self.id)

    @property
    def kind_label(self) -> str:
        return QuestionKind(self.kind).label


class EvaluationResponse(db.Model):
    """One attendee's evaluation of an event: ``answers`` by question key (1–5 for a scale, the
    text or choice, true or false), a closing comment, and the overall scale's score again as
    ``satisfaction`` for the results summaries.

    In an anonymous evaluation the answer keeps no registration and only the day it came; the
    attendee's ``EvaluationReceipt`` says they answered."""

    __tablename__ = "evaluation_responses"
    __table_args__ = (
        CheckConstraint(
            "satisfaction IS NULL OR satisfaction BETWEEN 1 AND 5", name="satisfaction"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), unique=True
    )
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    satisfaction: Mapped[int | None] = mapped_column(SmallInteger)
    comment: Mapped[str] = mapped_column(Text, default="")
    submitted_on: Mapped[date]


class EvaluationReceipt(db.Model):
    """That an attendee answered the evaluation (so that each answers once), kept apart from the
    answer itself. Its key is the registration: no number of its own that would tell in which
    order attendees answered, and so pair a receipt with an anonymous answer."""

    __tablename__ = "evaluation_receipts"

    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), primary_key=True
    )
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
