"""Documents issued to participants: serials, verification codes, revocation, and what makes
one valid. Nothing here commits.

Every document has a serial printed on it ("CICIE-2027-0042": the programme's acronym, the
event's year, a number counted per programme and year) and a random code, the last part of its
verification page's address (``/documents/<code>``), which its QR code holds. Issuing and
revoking are written in the action log (with the document's facts, but for a visa letter's
passport data). A badge is issued the first time it is printed (the event's sheet, the
delegate's own download, the approval email); a certificate by attendance, once the event's
first day has passed; letters by ``travel.letters``.
"""

import re
import secrets
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from ..catalogue.models import Event, Programme
from ..core.actions import describe, log_action, log_actions
from ..core.i18n import format_day
from ..core.locks import reread_locked
from ..extensions import db
from ..registration.models import Registration
from ..registration.participants import WITH_A_PLACE, participants_with_a_place
from .models import Document, DocumentKind, DocumentSeries, EventDocumentSettings

ISSUED = describe(
    "document.issued",
    _l("Issued document %(serial)s to %(object)s (%(kind)s)"),
    labels={"kind": DocumentKind},
)
BADGES_PRINTED = describe(
    "event.badges_printed", _l("Printed the badges of %(object)s (badges: %(count)s)")
)
REVOKED = describe(
    "document.revoked",
    _l("Revoked document %(serial)s of %(object)s (%(kind)s)"),
    labels={"kind": DocumentKind},
)
CODE_LENGTH = 40
_SERIAL_PREFIX = re.compile(r"[^A-Z0-9]")
# A document's facts that are personal data seen by few (a visa letter's passport data): never
# written in the action log, which every staff member reads.
UNLOGGED_FACTS = ("identity",)
# Kinds whose PDF states such data: staff download it from the page of the capability that
# issues it (the event's letters, where each download is logged), not from its address here.
HOLDER_ONLY = (DocumentKind.VISA_LETTER,)
# The last part of a verification page's address, as a badge's QR code holds it.
_DOCUMENT_URL = re.compile(r"(?:https?://\S+?)?/documents/([A-Za-z0-9_-]{1,40})/?")

# ---------------------------------------------------------------- serials

# A serial as printed ("CICIE-2027-0019"): its series (prefix and year), then its number.
SERIAL = re.compile(r"[A-Z0-9]{1,20}-\d{4}-\d{4,}")


def serial_prefix(programme: Programme | None) -> str:
    """The first part of a programme's serials: its acronym in capitals and digits ("CICIE"),
    else its key's, else "DOC" (and for events outside any programme)."""
    for name in (programme.acronym, programme.key) if programme else ():
        prefix = _SERIAL_PREFIX.sub("", (name or "").upper())[:20]
        if prefix:
            return prefix
    return "DOC"


def series_of(event: Event) -> str:
    return f"{serial_prefix(event.programme)}-{event.starts_on.year}"


def _take_numbers(series: str, count: int) -> int:
    """Reserve ``count`` numbers of a series; the first of them. One UPDATE raises the counter,
    so that documents issued at once elsewhere get other numbers."""
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    db.session.execute(
        dialect.insert(DocumentSeries)
        .values(series=series, last_number=0)
        .on_conflict_do_nothing(index_elements=["series"])
    )
    last = db.session.scalar(
        update(DocumentSeries)
        .where(DocumentSeries.series == series)
        .values(last_number=DocumentSeries.last_number + count)
        .returning(DocumentSeries.last_number)
    )
    return last - count + 1


# ---------------------------------------------------------------- issuing and revoking


def issue(
    kind: str,
    registrations: list[Registration],
    now: datetime,
    actor,
    facts: dict[int, dict] | None = None,
) -> list[Document]:
    """A document of ``kind`` for each registration (of one event), in that order, each with
    its ``facts`` (by registration id), issued by ``actor`` (an account, or None for the site)
    and logged."""
    if not registrations:
        return []
    event = registrations[0].event
    series = series_of(event)
    first = _take_numbers(series, len(registrations))
    db.session.execute(  # one statement, however many
        insert(Document),
        [
            {
                "kind": kind,
                "series": series,
                "number": first + n,
                "serial": f"{series}-{first + n:04d}",
                "code": secrets.token_urlsafe(12),
                "registration_id": registration.id,
                "facts": (facts or {}).get(registration.id, {}),
                "issued_at": now,
            }
            for n, registration in enumerate(registrations)
        ],
    )
    documents = list(
        db.session.scalars(
            select(Document)
            .where(
                Document.series == series,
                Document.number.between(first, first + len(registrations) - 1),
            )
            .order_by(Document.number)
        )
    )
    log_actions([_line(document, ISSUED, actor, now) for document in documents])
    return documents


def _line(document: Document, action: str, actor, now: datetime, add: bool = False):
    registration = document.registration
    return log_action(
        document,
        action,
        actor,
        {
            "kind": document.kind,
            "serial": document.serial,
            **{k: v for k, v in document.facts.items() if k not in UNLOGGED_FACTS},
        },
        at=now,
        label=registration.name,
        event_id=registration.event_id,
        account_id=registration.user_id,
        add=add,
    )


def revoke(document: Document, now: datetime, actor) -> None:
    """The document is no longer valid (its page says so); a badge revoked is issued anew the
    next time it is printed. Once, however many clicks (read again under its lock)."""
    reread_locked(document)
    if document.revoked_at is None:
        document.revoked_at = now
        _line(document, REVOKED, actor, now, add=True)


def current_documents(registration_ids: list[int], kind: str) -> dict[int, Document]:
    """``{registration id: document}``: the documents of ``kind`` not revoked."""
    if not registration_ids:
        return {}
    rows = db.session.scalars(
        select(Document).where(
            Document.registration_id.in_(registration_ids),
            Document.kind == kind,
            Document.revoked_at.is_(None),
        )
    )
    return {d.registration_id: d for d in rows}


def current_or_issued(
    kind: str, registrations: list[Registration], now: datetime, actor
) -> dict[int, Document]:
    """``{registration id: document}``: each registration's document of ``kind``, issued to
    those who have none (in a fixed number of queries, however many). No lock is taken: when
    another request issues one of them meanwhile, the database refuses the second, and what
    it issued is read."""
    if any(r.id is None for r in registrations):  # registered in this transaction
        db.session.flush()
    ids = [r.id for r in registrations]
    for _attempt in range(3):
        held = current_documents(ids, kind)
        missing = [r for r in registrations if r.id not in held]
        try:
            with db.session.begin_nested():
                issued = issue(kind, missing, now, actor)
        except IntegrityError:
            continue
        held.update((d.registration_id, d) for d in issued)
        for registration in registrations:  # the holders given, kept with their documents
            set_committed_value(held[registration.id], "registration", registration)
        return held
    raise RuntimeError("Documents issued elsewhere three times in a row; try again.")


def badges_of(event: Event, now: datetime, actor) -> list[Document]:
    """The badge of each participant with a place, by name; issued the first time."""
    people = participants_with_a_place(event.id)
    held = current_or_issued(DocumentKind.BADGE, people, now, actor)
    return [held[r.id] for r in people]


def badge_of(registration: Registration, now: datetime, actor) -> Document | None:
    """The participant's badge, issued if need be; None when they have no place."""
    if registration.status not in WITH_A_PLACE:
        return None
    return current_or_issued(DocumentKind.BADGE, [registration], now, actor)[registration.id]


# ---------------------------------------------------------------- finding and checking


def document_by_code(code: str) -> Document | None:
    return db.session.scalar(
        select(Document)
        .where(Document.code == code[:CODE_LENGTH])
        .options(
            joinedload(Document.registration).joinedload(Registration.event).joinedload(Event.venue)
        )
    )


def badge_by_reference(event: Event, reference: str) -> Document | None:
    """The event's badge a check-in names: its QR code's address, its code or its serial
    (typed in any case); not a revoked one."""
    reference = reference.strip()
    found = _DOCUMENT_URL.fullmatch(reference)
    code = found.group(1) if found else reference
    stmt = (
        select(Document)
        .join(Registration, Registration.id == Document.registration_id)
        .where(
            Registration.event_id == event.id,
            Document.kind == DocumentKind.BADGE,
            Document.revoked_at.is_(None),
            (Document.code == code[:CODE_LENGTH]) | (Document.serial == reference.upper()[:60]),
        )
    )
    return db.session.scalar(stmt)


def why_not_valid(document: Document) -> str | None:
    """Why a document is not valid (revoked, its holder no longer has a place, a certificate
    issued before its event began), or None."""
    registration = document.registration
    if document.revoked_at is not None:
        return _(
            "It was revoked on %(day)s: it is not valid.",
            day=format_day(document.revoked_at.date()),
        )
    if registration.status not in WITH_A_PLACE:
        return _("It is not valid: its holder no longer has a place at the event.")
    if (
        document.kind in (DocumentKind.CERTIFICATE, DocumentKind.ATTENDANCE_CERTIFICATE)
        and document.issued_at.date() < registration.event.starts_on
    ):
        return _("It is not valid: it was issued before the event began.")
    return None


def may_download(document: Document, user) -> bool:
    """A document's PDF is for its holder (the account the registration belongs to) and for
    staff (but a visa letter's: see ``HOLDER_ONLY``); anyone may check it on its page."""
    if document.registration.user_id is not None and document.registration.user_id == user.id:
        return True
    return user.is_staff and document.kind not in HOLDER_ONLY


def event_documents(event_id: int) -> list[Document]:
    """The event's documents, newest first, with their holders (one query)."""
    return list(
        db.session.scalars(
            select(Document)
            .join(Registration, Registration.id == Document.registration_id)
            .where(Registration.event_id == event_id)
            .options(joinedload(Document.registration))
            .order_by(Document.issued_at.desc(), Document.id.desc())
        )
    )


def documents_for(registrations: list[Registration]) -> dict[int, dict[str, Document]]:
    """For "My registrations": ``{registration id: {kind: document}}`` of the valid documents
    (one query; the registrations' events loaded already)."""
    holders = {r.id: r for r in registrations if r.status in WITH_A_PLACE}
    found: dict[int, dict[str, Document]] = {}
    if holders:
        rows = db.session.scalars(
            select(Document).where(
                Document.registration_id.in_(holders), Document.revoked_at.is_(None)
            )
        )
        for document in rows:  # its registration is one of those given: no query
            if why_not_valid(document) is None:
                found.setdefault(document.registration_id, {})[document.kind] = document
    return found


# ---------------------------------------------------------------- the event's setting


def badge_with_approval(event_id: int) -> bool:
    settings = db.session.get(EventDocumentSettings, event_id)
    return bool(settings and settings.badge_with_approval)


def set_badge_with_approval(event: Event, attached: bool) -> None:
    settings = db.session.get(EventDocumentSettings, event.id)
    if settings is None:
        settings = EventDocumentSettings(event_id=event.id)
        db.session.add(settings)
    settings.badge_with_approval = attached
