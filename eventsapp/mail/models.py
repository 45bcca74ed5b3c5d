"""Emails waiting to be sent (or sent, or given up on)."""

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..core.clock import utcnow
from ..core.labels import Labelled, sql_in
from ..extensions import db


class EmailStatus(Labelled):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class OutboxEmail(db.Model):
    __tablename__ = "outbox_emails"
    __table_args__ = (
        CheckConstraint(f"status IN ({sql_in(EmailStatus)})", name="status"),
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    to: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str | None] = mapped_column(Text)
    attachment: Mapped[bytes | None] = mapped_column(LargeBinary)
    attachment_filename: Mapped[str | None] = mapped_column(String(200))
    attachment_mimetype: Mapped[str | None] = mapped_column(String(100))
    # Files made when the email is sent, by the makers of ``mail.attachments`` (a delegate's
    # badge): [{"maker": "badge", "key": registration id}, ...].
    attachments_to_make: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(10), default=EmailStatus.PENDING, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"<OutboxEmail {self.id} {self.status} to {self.to}>"
