"""Messages to participants: placeholders filled per recipient, the recipients recorded when staff
send, handed to the outbox by the worker at the rate the mail server accepts, and the log.
Nothing here commits.

Handing a recipient over writes its outbox email and marks it handed in the same transaction
(the worker's job's): a worker stopped at any point either did both or neither, so that the next
round resumes with the recipients still waiting and nobody gets the message twice. The outbox
then sends each email once (``mail.sender``).
"""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from ..catalogue.models import Event
from ..core.errors import InvalidInput
from ..core.i18n import language_of
from ..core.links import site_url
from ..extensions import db
from ..mail.models import EmailStatus, OutboxEmail
from ..mail.services import in_language
from ..registration.models import Registration, Status
from ..registration.notifications import localized_title, notify, participant_email
from .models import Message, MessageRecipient, MessageText, RecipientState

# Its subject is the message's own; the event's calendar file goes with it when the message asks.
MESSAGE_EMAIL = participant_email("participant_message", None)

# What each placeholder becomes for a recipient (a registration).
PLACEHOLDERS = {
    "name": lambda r: r.name,
    "event": lambda r: localized_title(r.event),
    "dates": lambda r: r.event.window_label,
    "registrations_link": lambda r: site_url("registration.my_registrations"),
    "event_link": lambda r: site_url("site.event_page", event_id=r.event_id),
    "calendar_link": lambda r: site_url("calendars.event_file", event_id=r.event_id),
}
# A message to a programme's year goes once to each person, whatever their events: it names none.
PROGRAMME_PLACEHOLDERS = ("name", "registrations_link")
NO_LONGER_WRITTEN_TO = (Status.DECLINED, Status.WITHDRAWN, Status.UNCONFIRMED)
_BRACES = re.compile(r"\{([^{}\n]{1,60})\}")


def check_placeholders(field: str, text: str, allowed=tuple(PLACEHOLDERS)) -> None:
    """Refuse a text with a placeholder we do not know ("{nmae}"), naming it."""
    unknown = [f"{{{word}}}" for word in _BRACES.findall(text) if word not in allowed]
    if unknown:
        raise InvalidInput(
            field,
            _(
                "Unknown placeholder: %(unknown)s. You can use %(known)s.",
                unknown=", ".join(dict.fromkeys(unknown)),
                known=", ".join(f"{{{word}}}" for word in allowed),
            ),
        )


def fill_placeholders(text: str, registration: Registration) -> str:
    """Each known placeholder replaced by the recipient's value, in one pass (a name written
    like a placeholder stays as written); anything else in braces is left alone."""

    def value(match: re.Match) -> str:
        fill = PLACEHOLDERS.get(match.group(1))
        return fill(registration) if fill else match.group(0)

    return _BRACES.sub(value, text)


def word_message(
    message: Message, language: str, subject: str, body: str, others: dict[str, tuple[str, str]]
) -> None:
    """Set the message's default wording (in ``language``) and its wordings in ``others``
    (language → subject and body; both empty: none in that language)."""
    message.language, message.subject, message.body = language, subject, body
    texts = []
    for code, (other_subject, other_body) in others.items():
        if not ((other_subject or "").strip() or (other_body or "").strip()):
            continue
        if code == language:
            raise InvalidInput(
                f"subject_{code}", _("The message above is in this language: write it there.")
            )
        texts.append(MessageText(locale=code, subject=other_subject or "", body=other_body or ""))
    message.texts = texts


def check_message(message: Message) -> None:
    """Refuse a placeholder we do not know, or one a message to a programme's year cannot fill,
    in any of its wordings; and a wording in another language with its subject or body alone.
    (The fields of the wording in a language are ``subject_<language>``, ``body_<language>``.)"""
    allowed = tuple(PLACEHOLDERS) if message.event_id else PROGRAMME_PLACEHOLDERS
    check_placeholders("subject", message.subject, allowed)
    check_placeholders("body", message.body, allowed)
    for text in message.texts:
        for name in ("subject", "body"):
            field = f"{name}_{text.locale}"
            if not (getattr(text, name) or "").strip():
                raise InvalidInput(field, _("Write the subject and the message, or neither."))
            check_placeholders(field, getattr(text, name), allowed)


def wording_for(message: Message, registration: Registration) -> tuple[str, str]:
    """The subject and body ``registration`` gets: in its language if staff wrote it, else the
    default; placeholders filled as the recipient reads them ({dates} in their language)."""
    text = message.wording(language_of(registration.locale))
    with in_language(registration.locale):
        return fill_placeholders(text.subject, registration), fill_placeholders(
            text.body, registration
        )


@dataclass
class Wording:
    """What the recipients of one wording read, as the first of them reads it."""

    language: str | None  # the wording's (None: a message of no stated language)
    first: Registration
    subject: str
    body: str
    count: int  # recipients who get it


@dataclass
class Preview:
    wordings: list[Wording]  # the default's first
    count: int  # recipients


def preview_message(message: Message, recipients: list[Registration]) -> Preview:
    """Each wording the recipients get, as the first of its readers reads it."""
    check_message(message)
    if not recipients:
        raise InvalidInput("subject", _("Nobody is chosen: tick participants, or write to all."))
    readers: dict[str | None, list[Registration]] = {}
    for registration in recipients:
        language = message.wording(language_of(registration.locale)).locale
        readers.setdefault(language, []).append(registration)
    order = [text.locale for text in message.wordings]
    wordings = [
        Wording(language, group[0], *wording_for(message, group[0]), len(group))
        for language, group in sorted(readers.items(), key=lambda item: order.index(item[0]))
    ]
    return Preview(wordings, len(recipients))


def already_sent(send_key: str | None) -> bool:
    """Whether the form with this one-time key was sent before (``Message.send_key``)."""
    return (
        bool(send_key)
        and db.session.scalar(select(Message.id).where(Message.send_key == send_key)) is not None
    )


def send_message(
    message: Message, recipients: list[Registration], now: datetime, send_key: str | None = None
) -> Message:
    """Record the message and its recipients, waiting for the worker (``hand_over_due``).

    ``message`` has its event or programme year, audience, subject and body set.
    """
    preview_message(message, recipients)
    message.subject = message.subject.strip()
    for text in message.texts:
        text.subject = text.subject.strip()
    message.sent_at = now
    message.send_key = send_key or None
    message.recipients = [
        MessageRecipient(registration_id=r.id, name=r.name, email=r.email) for r in recipients
    ]
    db.session.add(message)
    return message


def hand_over_due(now: datetime, per_minute: int) -> dict[str, int]:
    """Hand waiting recipients to the outbox, oldest first, so that at most ``per_minute`` are
    handed over in any minute. Returns how many were handed over and skipped."""
    handed_lately = db.session.scalar(
        select(func.count(MessageRecipient.id)).where(
            MessageRecipient.handed_at > now - timedelta(minutes=1)
        )
    )
    room = per_minute - handed_lately
    if room <= 0:
        return {"handed": 0, "skipped": 0}
    # Locked until the job's transaction ends: two workers never take the same recipient.
    ids = db.session.scalars(
        select(MessageRecipient.id)
        .where(MessageRecipient.state == RecipientState.QUEUED)
        .order_by(MessageRecipient.id)
        .limit(room)
        .with_for_update(skip_locked=True)
    ).all()
    waiting = db.session.scalars(
        select(MessageRecipient)
        .where(MessageRecipient.id.in_(ids))
        .options(
            selectinload(MessageRecipient.message),
            selectinload(MessageRecipient.registration)
            .selectinload(Registration.event)
            .selectinload(Event.translations),
        )
        .order_by(MessageRecipient.id)
    ).all()
    done = {"handed": 0, "skipped": 0}
    for recipient in waiting:
        registration = recipient.registration
        # Gone, or no longer one of those written to (withdrew or was declined meanwhile).
        if registration is None or registration.status in NO_LONGER_WRITTEN_TO:
            recipient.state = RecipientState.SKIPPED
            done["skipped"] += 1
            continue
        subject, body = wording_for(recipient.message, registration)
        recipient.outbox_email = notify(
            registration,
            MESSAGE_EMAIL,
            subject=subject,
            calendar_file=recipient.message.calendar_file,
            body=body,
        )
        recipient.state = RecipientState.HANDED
        recipient.handed_at = now
        done["handed"] += 1
    return done


@dataclass
class Progress:
    total: int = 0
    sent: int = 0  # accepted by the mail server
    failed: int = 0
    skipped: int = 0

    @property
    def finished(self) -> bool:
        return self.sent + self.failed + self.skipped >= self.total


def progress_of(message_ids: list[int]) -> dict[int, Progress]:
    """Per message: how many recipients it has, how many were handed to the outbox, sent by it
    or failed there, in one query."""
    if not message_ids:
        return {}
    state, status = MessageRecipient.state, OutboxEmail.status

    def count(condition):
        return func.sum(case((condition, 1), else_=0))

    rows = db.session.execute(
        select(
            MessageRecipient.message_id,
            func.count(MessageRecipient.id),
            # An email the outbox no longer holds (recorded before 0015) was sent.
            count(
                and_(
                    state == RecipientState.HANDED,
                    or_(status.is_(None), status == EmailStatus.SENT),
                )
            ),
            count(status == EmailStatus.FAILED),
            count(state == RecipientState.SKIPPED),
        )
        .outerjoin(OutboxEmail, OutboxEmail.id == MessageRecipient.outbox_email_id)
        .where(MessageRecipient.message_id.in_(message_ids))
        .group_by(MessageRecipient.message_id)
    )
    return {row[0]: Progress(*row[1:]) for row in rows}


def messages_of(event_id: int | None = None, programme_id: int | None = None) -> list[Message]:
    """The messages of an event, or of a programme (all its years), newest first."""
    stmt = select(Message).order_by(Message.sent_at.desc(), Message.id.desc())
    if programme_id is not None:
        stmt = stmt.where(Message.programme_id == programme_id)
    else:
        stmt = stmt.where(Message.event_id == event_id)
    return list(db.session.scalars(stmt))


def recipients_of(message_id: int):
    """The recipients of a message with their outbox emails (a statement, to paginate)."""
    return (
        select(MessageRecipient)
        .where(MessageRecipient.message_id == message_id)
        .options(joinedload(MessageRecipient.outbox_email))
        .order_by(MessageRecipient.name, MessageRecipient.id)
    )
