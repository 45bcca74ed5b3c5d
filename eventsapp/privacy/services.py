"""The privacy notice and its versions; asking to be forgotten, and staff deciding.

The notice's first version is shipped with the site (``notices/1.<language>.txt``, written for
a training centre: what is kept, why, for how long, who sees it, the rights); administrators
publish later ones, which never change once published. A registration or request records the
version in force when it was sent (``people.notices.notice_version``).
"""

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ..accounts.models import User
from ..catalogue.models import Event
from ..core.actions import describe, log_action
from ..core.errors import InvalidInput
from ..core.links import site_url
from ..core.locks import added_unless_taken, reread_locked
from ..extensions import db
from ..mail.services import queue_email
from ..people.models import Person, PrivacyNotice
from ..people.notices import FIRST_VERSION, notice_version
from .erasure import erase_person, erasure_blockers
from .models import ErasureRequest, ErasureStatus

NOTICES = Path(__file__).parent / "notices"
LANGUAGES = ("en", "es", "fr")
NOTICE_LENGTH = 50_000

PUBLISHED = describe(
    "privacy_notice.published", _l("Published version %(version)s of the privacy notice")
)
ASKED = describe("person.erasure_asked", _l("%(object)s asked to be forgotten"))
REFUSED = describe("person.erasure_refused", _l("Refused the erasure asked by %(object)s"))


@dataclass(frozen=True)
class Notice:
    version: int
    texts: dict  # language → text
    published_at: datetime | None  # None: the first, shipped with the site

    def text_in(self, language: str) -> tuple[str, str]:
        """The text in ``language`` (else English) and the language it is in."""
        language = language if self.texts.get(language) else "en"
        return self.texts.get(language, ""), language


def shipped_notice() -> Notice:
    texts = {code: (NOTICES / f"1.{code}.txt").read_text(encoding="utf-8") for code in LANGUAGES}
    return Notice(FIRST_VERSION, texts, None)


def notice(version: int | None = None) -> Notice | None:
    """The notice of ``version`` (the one in force when None), or None for an unknown one."""
    version = notice_version() if version is None else version
    if version == FIRST_VERSION:
        return shipped_notice()
    row = db.session.scalar(select(PrivacyNotice).where(PrivacyNotice.version == version))
    return row and Notice(row.version, dict(row.texts), row.published_at)


def paragraphs(text: str) -> list[tuple[str, str]]:
    """A notice's text as ("h", heading) and ("p", paragraph) blocks: a line starting "# " is a
    heading, blank lines part paragraphs (the text is shown escaped, never as markup)."""
    blocks = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        block = block.strip()
        if block.startswith("# "):
            blocks.append(("h", block[2:].strip()))
        elif block:
            blocks.append(("p", " ".join(line.strip() for line in block.splitlines())))
    return blocks


def publish_notice(texts: dict, actor, now: datetime) -> PrivacyNotice:
    """A new version of the notice (English required; another language missing shows the
    English text); logged."""
    texts = {code: (texts.get(code) or "").strip() for code in LANGUAGES}
    if not texts["en"]:
        raise InvalidInput("text_en", _("Write the notice in English at least."))
    for code in LANGUAGES:
        if len(texts[code]) > NOTICE_LENGTH:
            raise InvalidInput(f"text_{code}", _("A notice has at most 50,000 characters."))
    row = PrivacyNotice(
        version=notice_version() + 1,
        texts={k: v for k, v in texts.items() if v},
        published_at=now,
    )
    if not added_unless_taken(row):
        raise InvalidInput(
            "text_en", _("Another version was published meanwhile: read it, then publish again.")
        )
    log_action(row, PUBLISHED, actor, {"version": row.version}, at=now, label="")
    return row


# ---------------------------------------------------------------- erasure


def waiting_request(person: Person) -> ErasureRequest | None:
    return db.session.scalar(
        select(ErasureRequest).where(
            ErasureRequest.person_id == person.id, ErasureRequest.status == ErasureStatus.WAITING
        )
    )


def latest_request(person: Person) -> ErasureRequest | None:
    """The person's last request to be forgotten (to show how it stands)."""
    return db.session.scalar(
        select(ErasureRequest)
        .where(ErasureRequest.person_id == person.id)
        .order_by(ErasureRequest.asked_at.desc(), ErasureRequest.id.desc())
        .limit(1)
    )


def ask_erasure(person: Person, account, now: datetime) -> ErasureRequest:
    """``person`` asks to be forgotten (signed in as ``account``): erased at once when nothing
    stops it, otherwise waiting for staff with what stops it. Asking again while a request
    waits changes nothing."""
    waiting = waiting_request(person)
    if waiting is not None:
        return waiting
    blockers = erasure_blockers(person, now.date())
    request = ErasureRequest(person=person, asked_at=now, blockers=blockers)
    if not added_unless_taken(request):  # asked twice at once: the first asking stands
        return waiting_request(person)
    log_action(person, ASKED, account, at=now, account_id=None)
    if not blockers:
        _erase(request, None, now)
    return request


def confirm_erasure(request: ErasureRequest, staff, now: datetime) -> dict[str, int]:
    """Staff erase the person who asked, and tell them (at the address read before it goes:
    the last email sent to it)."""
    reread_locked(request)
    if request.status != ErasureStatus.WAITING:
        raise InvalidInput("request", _("This request was already decided."))
    reader = _reader(request.person)
    counts = _erase(request, staff, now)
    if reader is not None:
        _tell(reader, request, _l("Your data was erased"), "erasure_done")
    return counts


def refuse_erasure(request: ErasureRequest, staff, reason: str, now: datetime) -> None:
    """Staff keep the person's data, and tell them why by email (and on ``/account/erase``)."""
    reread_locked(request)
    if request.status != ErasureStatus.WAITING:
        raise InvalidInput("request", _("This request was already decided."))
    if not reason.strip():
        raise InvalidInput("reason", _("Say why, for the person who asked."))
    request.status = ErasureStatus.REFUSED
    request.decided_at = now
    request.decided_by = staff
    request.reason = reason.strip()
    log_action(request.person, REFUSED, staff, {"text": request.reason}, at=now, account_id=None)
    if (reader := _reader(request.person)) is not None:
        _tell(reader, request, _l("Your request to be forgotten"), "erasure_refused")


def _reader(person: Person) -> tuple[str, str, str | None] | None:
    """The address, name and language of the account the person asked from (their first), read
    before an erasure takes them."""
    row = db.session.execute(
        select(User.email, User.name, User.locale)
        .where(User.person_id == person.id)
        .order_by(User.id)
        .limit(1)
    ).first()
    return tuple(row) if row else None


def _tell(reader: tuple, request: ErasureRequest, subject, template: str) -> None:
    email, name, locale = reader
    queue_email(
        email,
        subject,
        template,
        locale=locale,
        name=name or email,
        asked_on=request.asked_at.date(),
        reason=request.reason,
        erase_url=site_url("privacy.erase_page"),
    )


def _erase(request: ErasureRequest, staff, now: datetime) -> dict[str, int]:
    counts = erase_person(request.person, staff, now)
    request.status = ErasureStatus.ERASED
    request.decided_at = now
    request.decided_by = staff
    return counts


def waiting_erasures() -> list[ErasureRequest]:
    """Requests waiting for staff, oldest first."""
    return list(
        db.session.scalars(
            select(ErasureRequest)
            .where(ErasureRequest.status == ErasureStatus.WAITING)
            .options(joinedload(ErasureRequest.person))
            .order_by(ErasureRequest.asked_at, ErasureRequest.id)
        )
    )


def waiting_erasure_count() -> int:
    return db.session.scalar(
        select(func.count(ErasureRequest.id)).where(ErasureRequest.status == ErasureStatus.WAITING)
    )


def blocking_events(requests) -> dict[int, Event]:
    """The events named by the requests' blockers, by id (one query), for their pages to name
    them in the reader's language."""
    ids = {b["event"] for r in requests if r is not None for b in r.blockers if "event" in b}
    if not ids:
        return {}
    return {e.id: e for e in db.session.scalars(select(Event).where(Event.id.in_(ids)))}


def erasure_request(request_id: int) -> ErasureRequest | None:
    return db.session.get(ErasureRequest, request_id)
