"""Messages to participants: placeholders filled per recipient, one email each through the outbox,
and the log. Nothing here commits."""

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..catalogue.models import Event
from ..core.errors import InvalidInput
from ..extensions import db
from ..mail.services import in_language, queue_email
from ..registration.models import Registration
from .models import Message, MessageRecipient

PLACEHOLDERS = ("{name}", "{event}", "{dates}")


def fill_placeholders(text: str, registration: Registration, event: Event) -> str:
    """``{name}``, ``{event}`` and ``{dates}`` replaced; any other brace is left as written."""
    values = {"{name}": registration.name, "{event}": event.title, "{dates}": event.window_label}
    for placeholder, value in values.items():
        text = text.replace(placeholder, value)
    return text


def send_message(
    event: Event, subject: str, body: str, recipients: list[Registration], sender, now: datetime
) -> Message:
    """One email to each recipient, in their language, through the outbox; the message and its
    recipients are kept as the log."""
    if not recipients:
        raise InvalidInput("recipients", _("Tick at least one participant, or write to all."))
    message = Message(event_id=event.id, subject=subject.strip(), body=body, sent_at=now)
    message.sent_by_id = sender.id if sender is not None else None
    db.session.add(message)
    for registration in recipients:
        with in_language(registration.locale):
            queue_email(
                registration.email,
                fill_placeholders(message.subject, registration, event),
                "participant_message",
                locale=registration.locale,
                body=fill_placeholders(body, registration, event),
            )
        message.recipients.append(
            MessageRecipient(
                registration_id=registration.id, name=registration.name, email=registration.email
            )
        )
    return message


def messages_of(event_id: int) -> list[Message]:
    return list(
        db.session.scalars(
            select(Message)
            .where(Message.event_id == event_id)
            .options(joinedload(Message.recipients))
            .order_by(Message.sent_at.desc(), Message.id.desc())
        ).unique()
    )
