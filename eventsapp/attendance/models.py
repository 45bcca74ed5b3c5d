"""Check-ins per day and per session, the completion rule, and evaluations: their questions,
answers and receipts. (Certificates are documents: ``documents.models``.)"""

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
from sqlalchemy.orm import Mapped, mapped_column

from ..core.clock import utcnow
from ..core.labels import Labelled, sql_in
from ..core.question_columns import QuestionColumns
from ..core.questions import FILE, KINDS
from ..extensions import db


class Basis(Labelled):
    """What a completion rule counts: the agenda's sessions or the event's days."""

    SESSIONS = "sessions", _l("sessions")
    DAYS = "days", _l("days")


class AttendanceSettings(db.Model):
    """What staff set for an event's attendance: its completion rule (a minimum share of the
    sessions or days attended, optionally a minimum score in the post-test, and whether those
    who attended without completing get a certificate of attendance), whether its evaluation
    is anonymous, and when the evaluation was opened (emailed to attendees)."""

    __tablename__ = "attendance_settings"
    __table_args__ = (
        CheckConstraint(f"basis IN ({sql_in(Basis)})", name="basis"),
        CheckConstraint("minimum_share BETWEEN 1 AND 100", name="minimum_share"),
        CheckConstraint(
            "minimum_post_score IS NULL OR minimum_post_score BETWEEN 1 AND 100",
            name="minimum_post_score",
        ),
    )

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    basis: Mapped[str] = mapped_column(String(10), default=Basis.DAYS, server_default="days")
    minimum_share: Mapped[int] = mapped_column(SmallInteger, default=100, server_default="100")
    minimum_post_score: Mapped[int | None] = mapped_column(SmallInteger)
    attendance_certificates: Mapped[bool] = mapped_column(default=False, server_default="0")
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


class SessionCheckIn(db.Model):
    """A participant was at an agenda session: scanned at its door ("scan") or ticked on the
    printed sheet and entered afterwards ("sheet")."""

    __tablename__ = "session_check_ins"
    __table_args__ = (
        UniqueConstraint("registration_id", "session_id"),
        CheckConstraint("source IN ('scan', 'sheet')", name="source"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"))
    session_id: Mapped[int] = mapped_column(
        ForeignKey("agenda_sessions.id", ondelete="CASCADE"), index=True
    )
    checked_in_at: Mapped[datetime] = mapped_column(default=utcnow)
    source: Mapped[str] = mapped_column(String(10), default="scan")


class EvaluationQuestion(QuestionColumns, db.Model):
    """A question of an event's evaluation form (without any, the form asks the default three
    scales). Its kinds are the question engine's but a file upload: an evaluation asks opinions,
    and on an anonymous one a file (a document, which often names its author) would be kept
    linked to nobody, so could be neither returned nor erased on request."""

    __tablename__ = "evaluation_questions"
    OFFERED = tuple(kind for kind in KINDS if kind != FILE)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)


class EvaluationResponse(db.Model):
    """One attendee's evaluation of an event: ``answers`` by question key (as the question
    engine stores them: 1–5 for a scale, a text, a choice, "yes" or "no"…), a closing comment,
    and the overall scale's score again as ``satisfaction`` for the results summaries.

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
