"""Check-ins per day, certificates and evaluation answers."""

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.clock import utcnow
from ..extensions import db
from ..registration.models import Registration


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
    def valid(self) -> bool:
        return self.revoked_at is None


class EvaluationResponse(db.Model):
    """One attendee's evaluation of an event: scores 1–5 by question key, and a comment.

    The registration is kept only so that each attendee answers once; results never show it."""

    __tablename__ = "evaluation_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), unique=True
    )
    scores: Mapped[dict] = mapped_column(JSON, default=dict)
    comment: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
