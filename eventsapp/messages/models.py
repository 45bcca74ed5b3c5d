"""A message staff sent to participants, and its recipients (the log of who got what).

A message is written to the participants of one event, or to every participant of a programme's
year, in one language first (its default: ``subject``, ``body`` and ``language``) and, where
staff wrote them, in the site's other languages (``texts``): each recipient reads the one of
their registration's language, else the default. Sending it only records its recipients,
waiting; the worker's job (``cron.py``) then hands them to the outbox a few at a time, at the
rate the mail server accepts.
"""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..catalogue.models import CONTENT_LANGUAGES
from ..core.clock import utcnow
from ..core.labels import Labelled, sql_in
from ..extensions import db
from ..mail.models import OutboxEmail
from ..registration.models import Registration


class Message(db.Model):
    """A message staff sent to some participants of an event, or of a programme's year."""

    __tablename__ = "participant_messages"
    __table_args__ = (
        CheckConstraint(
            "(event_id IS NOT NULL AND programme_id IS NULL AND year IS NULL)"
            " OR (event_id IS NULL AND programme_id IS NOT NULL AND year IS NOT NULL)",
            name="one_event_or_a_programme_year",
        ),
        CheckConstraint(
            "NOT calendar_file OR event_id IS NOT NULL", name="calendar_file_of_an_event"
        ),
        CheckConstraint(
            f"language IS NULL OR language IN ({sql_in(CONTENT_LANGUAGES)})", name="language"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int | None] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    programme_id: Mapped[int | None] = mapped_column(
        ForeignKey("programmes.id", ondelete="CASCADE"), index=True
    )
    year: Mapped[int | None]
    # Who it went to, as staff chose them ("Approved · Mexico"), for the log.
    audience: Mapped[str] = mapped_column(String(500), default="")
    # The default wording, and its language (None: sent before messages had languages).
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(5))
    # The event's calendar file goes with it (to an event's participants only).
    calendar_file: Mapped[bool] = mapped_column(default=False, server_default="0")
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The composing form's one-time key: sending the same form twice (a double click, the back
    # button) records the message once.
    send_key: Mapped[str | None] = mapped_column(String(32), unique=True)

    recipients: Mapped[list["MessageRecipient"]] = relationship(
        back_populates="message", cascade="all, delete-orphan", order_by="MessageRecipient.id"
    )
    texts: Mapped[list["MessageText"]] = relationship(
        cascade="all, delete-orphan", order_by="MessageText.locale", lazy="selectin"
    )

    def wording(self, language: str | None) -> "MessageText":
        """The subject and body a reader of ``language`` gets: theirs if written, else the
        default."""
        for text in self.texts:
            if text.locale == language:
                return text
        return MessageText(locale=self.language, subject=self.subject, body=self.body)

    @property
    def wordings(self) -> list["MessageText"]:
        """Every wording, the default first."""
        default = MessageText(locale=self.language, subject=self.subject, body=self.body)
        return [default, *(text for text in self.texts if text.locale != self.language)]


class MessageText(db.Model):
    """A message's subject and body in a language other than its default's."""

    __tablename__ = "participant_message_texts"
    __table_args__ = (
        UniqueConstraint("message_id", "locale"),
        CheckConstraint(f"locale IN ({sql_in(CONTENT_LANGUAGES)})", name="locale"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(
        ForeignKey("participant_messages.id", ondelete="CASCADE")
    )
    locale: Mapped[str] = mapped_column(String(5))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)


class RecipientState(Labelled):
    QUEUED = "queued", _l("Waiting to be sent")
    HANDED = "handed", _l("In the outbox")
    SKIPPED = "skipped", _l("Not sent: the registration was deleted, withdrawn or declined")


class MessageRecipient(db.Model):
    """One recipient of a message: queued, then handed to the outbox with its email (one
    transaction), or skipped."""

    __tablename__ = "participant_message_recipients"
    __table_args__ = (
        UniqueConstraint("message_id", "registration_id"),
        CheckConstraint(f"state IN ({sql_in(RecipientState)})", name="state"),
        CheckConstraint(
            "(state = 'handed') = (handed_at IS NOT NULL)", name="handed_at_when_handed"
        ),
        Index("ix_participant_message_recipients_state_id", "state", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(
        ForeignKey("participant_messages.id", ondelete="CASCADE")
    )
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("registrations.id", ondelete="SET NULL")
    )
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    state: Mapped[str] = mapped_column(String(10), default=RecipientState.QUEUED)
    handed_at: Mapped[datetime | None] = mapped_column(index=True)
    outbox_email_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_emails.id", ondelete="SET NULL")
    )

    message: Mapped[Message] = relationship(back_populates="recipients")
    registration: Mapped[Registration | None] = relationship()
    outbox_email: Mapped[OutboxEmail | None] = relationship()

    @property
    def state_label(self) -> str:
        return RecipientState(self.state).label
