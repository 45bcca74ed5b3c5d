"""Letters that verify: a letter of acceptance and a visa support letter, documents of the
document engine (``documents``: the programme's wording per language, serials, a QR code to
``/documents/<code>``, revocation). Nothing here commits.

- A letter of acceptance is due to each participant approved (or attended) of an event whose
  dates are confirmed (written to the day, not tentative) and that is not cancelled or
  postponed.
- A visa support letter is due to such a participant who asked for one (the registration's
  "visa letter") once their travel file holds the name as in the passport, the nationality, the
  passport's number and expiry, the passport valid until the stay ends, and the event has a
  venue.

What a letter states that its holder's registration does not is stored on it when it is issued
(``Document.facts``): who pays what (from the cost rules), and for a visa letter the stay and,
under ``identity``, the passport data (never copied into the action log). When it changes
(``reissue_letters``, called by the travel file after a change) the letter is revoked and a new
one issued, while still due; a participant who is no longer approved (withdrawn, declined, a
nominee substituted) loses their letters (``hooks``). Staff issue them to one participant, to
every participant of an organisation (a delegation), or to everyone due; each participant given
new letters is emailed them, the PDFs made by the worker as the email leaves.
"""

import json
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import String, cast, func, select
from sqlalchemy.orm import joinedload

from ..catalogue.models import Event, EventStatus
from ..core.actions import describe, log_action
from ..core.links import site_url
from ..costs.models import Category
from ..documents.models import LETTER_KINDS, Document, DocumentKind
from ..documents.rendering import fact_phrase
from ..documents.services import issue, revoke, why_not_valid
from ..extensions import db
from ..mail.models import EmailStatus, OutboxEmail
from ..registration.funding import funding_statements
from ..registration.models import Registration, Status
from ..registration.notifications import notify, participant_email
from ..registration.seats import lock_event
from .models import LogisticsPermission, TravelFile

# The letters in the order staff's page and emails show them.
LETTERS = (DocumentKind.ACCEPTANCE_LETTER, DocumentKind.VISA_LETTER)
APPROVED = (Status.APPROVED, Status.ATTENDED)
IDENTITY = ("passport_name", "nationality", "passport_number", "passport_expiry")
IDENTITY_LABELS = {
    "passport_name": _l("name as in the passport"),
    "nationality": _l("nationality"),
    "passport_number": _l("passport number"),
    "passport_expiry": _l("passport expiry"),
}
LETTERS_EMAIL = participant_email("letters", _l("Your letters: %(title)s"))
# The name of the attachment maker that makes a letter's PDF as its email leaves (``hooks``).
LETTER_MAKER = "letter"
# Letters just issued, by registration id, for the email that carries them (``hooks``).
_TO_ATTACH = "travel_letters_to_attach"

VISA_LETTER_SEEN = describe(
    "travel.visa_letter_seen",
    _l("Downloaded the visa support letter of %(object)s (passport data)"),
)


# ---------------------------------------------------------------- what letters are made from


@dataclass
class Holder:
    """A participant as their letters need them: the registration (with its event and
    organisation), the travel file, the funding statement (when the costs are asked for)."""

    registration: Registration
    travel: TravelFile | None
    statement: object | None = None


def holders(registrations: list[Registration], with_costs: bool = False) -> list[Holder]:
    """The registrations (of one event) with their travel files, in one query (and the
    funding statements' fixed number when ``with_costs``)."""
    if not registrations:
        return []
    ids = [r.id for r in registrations]
    files = {
        f.registration_id: f
        for f in db.session.scalars(select(TravelFile).where(TravelFile.registration_id.in_(ids)))
    }
    statements = funding_statements(registrations) if with_costs else {}
    return [Holder(r, files.get(r.id), statements.get(r.id)) for r in registrations]


def stay_of(holder: Holder) -> tuple[date, date]:
    """The first and last days in the country: the travel file's arrival and departure, else
    the registration's, else the hotel nights, else the event's days."""
    registration, travel, event = holder.registration, holder.travel, holder.registration.event
    first = (
        (travel.arrival_at.date() if travel and travel.arrival_at else None)
        or registration.arrival_on
        or (travel.check_in_on if travel else None)
        or event.starts_on
    )
    last = (
        (travel.departure_at.date() if travel and travel.departure_at else None)
        or registration.departure_on
        or (travel.check_out_on if travel else None)
        or event.ends_on
    )
    return first, max(first, last)


def _dates_confirmed(event: Event) -> bool:
    return event.precision == "day" and not event.tentative


def why_not(kind: str, holder: Holder) -> str | None:
    """Why the letter of ``kind`` cannot be issued to the holder now, or None."""
    registration = holder.registration
    event = registration.event
    if registration.status not in APPROVED:
        return _("Letters are issued once a participant is approved.")
    if event.status in (EventStatus.CANCELLED, EventStatus.POSTPONED):
        return _("The event is cancelled or postponed: no letter can be issued.")
    if not _dates_confirmed(event):
        return _("The event's dates are not confirmed yet: a letter needs its exact days.")
    if kind != DocumentKind.VISA_LETTER:
        return None
    if not registration.visa_letter:
        return _("Not asked for: the participant needs no visa letter.")
    if event.venue_id is None:
        return _("The event has no venue yet: a visa letter names the place.")
    travel = holder.travel
    missing = [str(IDENTITY_LABELS[name]) for name in IDENTITY if not getattr(travel, name, None)]
    if missing:
        return _("Their travel file lacks: %(fields)s.", fields=", ".join(missing))
    if travel.passport_expiry < stay_of(holder)[1]:
        return _("Their passport expires before their stay ends.")
    return None


def _costs(holder: Holder) -> dict | None:
    statement = holder.statement
    if statement is None or not (statement.authority or statement.others):
        return None
    organisation = holder.registration.organisation
    return {
        "authority": [str(line.category) for line in statement.authority],
        "authority_name": organisation.display_name if organisation else "",
        "others": [
            [party, [str(line.category) for line in lines]]
            for party, lines in statement.others.items()
        ],
    }


def facts_of(kind: str, holder: Holder) -> dict:
    """What the letter states beside its holder's registration: who pays what and, for a visa
    letter, the stay and the passport data."""
    facts = {}
    if costs := _costs(holder):
        facts["costs"] = costs
    if kind == DocumentKind.VISA_LETTER:
        travel = holder.travel
        first, last = stay_of(holder)
        facts["stay"] = [first.isoformat(), last.isoformat()]
        facts["identity"] = {
            "passport_name": travel.passport_name,
            "nationality": travel.nationality,
            "passport_number": travel.passport_number,
            "passport_expiry": travel.passport_expiry.isoformat(),
        }
    return facts


def _same(stored: dict, fresh: dict) -> bool:
    return json.dumps(stored or {}, sort_keys=True) == json.dumps(fresh, sort_keys=True)


# ---------------------------------------------------------------- who pays what, in words


def _category_words(categories: list[str]) -> str:
    names = []
    for category in categories:
        try:
            label = Category(category).label
        except ValueError:
            continue
        names.append(label[:1].lower() + label[1:])
    return ", ".join(names)


def _sample_costs() -> str:
    return costs_words(
        {
            "costs": {
                "authority": [Category.AIR_TICKET.value],
                "authority_name": "Jurado Nacional de Elecciones (JNE)",
                "others": [
                    [
                        None,
                        [
                            Category.LODGING.value,
                            Category.MEALS.value,
                            Category.LOCAL_TRANSPORT.value,
                        ],
                    ]
                ],
            }
        }
    )


@fact_phrase("costs", sample=_sample_costs)
def costs_words(facts: dict) -> str:
    """Who pays what, as the letter says it in the current language: "The organisers cover:
    lodging, meals, local transport. Jurado Nacional de Elecciones (JNE) covers: air ticket."
    """
    costs = facts.get("costs") or {}
    sentences = []
    for party, categories in costs.get("others") or ():
        if words := _category_words(categories):
            if party is None:
                sentences.append(_("The organisers cover: %(costs)s.", costs=words))
            else:
                sentences.append(_("%(party)s cover: %(costs)s.", party=party, costs=words))
    if words := _category_words(costs.get("authority") or ()):
        if name := costs.get("authority_name"):
            sentences.append(_("%(authority)s covers: %(costs)s.", authority=name, costs=words))
        else:
            sentences.append(_("The participant's authority covers: %(costs)s.", costs=words))
    return " ".join(sentences)


# ---------------------------------------------------------------- the letters held


def current_letters(registration_ids: list[int]) -> dict[int, dict[str, Document]]:
    """``{registration id: {kind: letter}}``: the letters not revoked, in one query."""
    found: dict[int, dict[str, Document]] = {}
    if not registration_ids:
        return found
    rows = db.session.scalars(
        select(Document).where(
            Document.registration_id.in_(registration_ids),
            Document.kind.in_(LETTER_KINDS),
            Document.revoked_at.is_(None),
        )
    )
    for document in rows:
        found.setdefault(document.registration_id, {})[document.kind] = document
    return found


def _participants(event: Event, organisation_id: int | None = None, ids=None):
    stmt = (
        select(Registration)
        .where(Registration.event_id == event.id, Registration.status.in_(APPROVED))
        .options(joinedload(Registration.organisation), joinedload(Registration.country))
        .order_by(Registration.name, Registration.id)
    )
    if organisation_id is not None:
        stmt = stmt.where(Registration.organisation_id == organisation_id)
    if ids is not None:
        stmt = stmt.where(Registration.id.in_(ids))
    return list(db.session.scalars(stmt).unique())


@dataclass
class LetterRow:
    """A participant on the staff's page: their letters held, and why each missing one
    cannot be issued (None: it is due)."""

    registration: Registration
    letters: dict[str, Document] = field(default_factory=dict)
    problems: dict[str, str | None] = field(default_factory=dict)

    def due(self, kind: str) -> bool:
        return kind not in self.letters and self.problems.get(kind) is None


@dataclass
class Board:
    rows: list[LetterRow]
    organisations: list  # of the participants shown, by name
    waiting_emails: int  # emails with letters the worker has still to send

    def due(self, kind: str) -> int:
        return sum(row.due(kind) for row in self.rows)


def letters_board(event: Event, organisation_id: int | None = None) -> Board:
    """The event's approved participants (of one organisation, when given) with their letters,
    in a fixed number of queries."""
    registrations = _participants(event)
    organisations = sorted(
        {r.organisation for r in registrations if r.organisation is not None},
        key=lambda o: o.name.lower(),
    )
    if organisation_id is not None:
        registrations = [r for r in registrations if r.organisation_id == organisation_id]
    held = current_letters([r.id for r in registrations])
    rows = []
    for holder in holders(registrations):
        letters = held.get(holder.registration.id, {})
        problems = {kind: why_not(kind, holder) for kind in LETTERS if kind not in letters}
        rows.append(LetterRow(holder.registration, letters, problems))
    return Board(rows, organisations, waiting_letter_emails(event))


def waiting_letter_emails(event: Event) -> int:
    """How many emails carrying the event's letters wait for the worker (which makes each PDF
    as it sends them): the bulk issue's progress."""
    addresses = select(Registration.email).where(Registration.event_id == event.id)
    return db.session.scalar(
        select(func.count(OutboxEmail.id)).where(
            OutboxEmail.status == EmailStatus.PENDING,
            OutboxEmail.to.in_(addresses),
            cast(OutboxEmail.attachments_to_make, String).like(f'%"{LETTER_MAKER}"%'),
        )
    )


# ---------------------------------------------------------------- issuing, revoking, again


def issue_letters(
    event: Event,
    now: datetime,
    actor,
    *,
    organisation_id: int | None = None,
    registration_ids: list[int] | None = None,
) -> list[Document]:
    """Issue (and email) the letters due to the event's approved participants (of one
    organisation, or those of ``registration_ids``, when given) that hold none of their kind.
    Under the event's lock: two staff issuing at once issue each letter once."""
    lock_event(event.id)
    registrations = _participants(event, organisation_id, registration_ids)
    held = current_letters([r.id for r in registrations])
    found = holders(registrations, with_costs=True)
    issued = []
    for kind in LETTERS:
        due = [
            h
            for h in found
            if kind not in held.get(h.registration.id, {}) and why_not(kind, h) is None
        ]
        facts = {h.registration.id: facts_of(kind, h) for h in due}
        issued += issue(kind, [h.registration for h in due], now, actor, facts)
    _email(issued, again=False)
    return issued


def reissue_letters(registration: Registration, now: datetime, actor) -> list[Document]:
    """After a change of what the participant's letters state (passport data, the stay, who pays
    what): each letter that now says something else is revoked and a new one issued (and
    emailed) while it is still due; one no longer due is revoked. Letters never issued stay so.
    Returns the letters issued."""
    lock_event(registration.event_id)
    current = current_letters([registration.id]).get(registration.id, {})
    if not current:
        return []
    (holder,) = holders([registration], with_costs=True)
    again = []
    for kind in LETTERS:
        letter = current.get(kind)
        if letter is None:
            continue
        due = why_not(kind, holder) is None
        if due and _same(letter.facts, facts_of(kind, holder)):
            continue
        revoke(letter, now, actor)
        if due:
            again.append(kind)
    db.session.flush()  # the revoked letters first: a holder has one current letter of a kind
    issued = []
    for kind in again:
        issued += issue(kind, [registration], now, actor, {registration.id: facts_of(kind, holder)})
    _email(issued, again=True)
    return issued


def revoke_letters(registration: Registration, now: datetime, actor) -> int:
    """The participant's letters are no longer valid (their pages say revoked). How many."""
    current = current_letters([registration.id]).get(registration.id, {})
    for letter in current.values():
        revoke(letter, now, actor)
    return len(current)


def _email(issued: list[Document], again: bool) -> None:
    """Each holder of new letters gets one email listing them, with their PDFs attached."""
    by_holder: dict[int, list[Document]] = {}
    for letter in issued:
        by_holder.setdefault(letter.registration_id, []).append(letter)
    to_attach = db.session.info.setdefault(_TO_ATTACH, {})
    for letters in by_holder.values():
        registration = letters[0].registration
        to_attach[registration.id] = [letter.id for letter in letters]
        notify(
            registration,
            LETTERS_EMAIL,
            letters=[
                {
                    "kind": DocumentKind(letter.kind),
                    "serial": letter.serial,
                    "url": site_url("documents.verify", code=letter.code),
                }
                for letter in letters
            ],
            again=again,
        )


def letters_to_attach(registration: Registration) -> list[int]:
    """The ids of the letters the email being queued carries: those just issued to the
    participant, else their current letters."""
    ids = db.session.info.get(_TO_ATTACH, {}).pop(registration.id, None)
    if ids is None:
        ids = [d.id for d in current_letters([registration.id]).get(registration.id, {}).values()]
    return ids


# ---------------------------------------------------------------- for staff and the API


def may_see_identity(user) -> bool:
    """Staff with the logistics permission see passport data (a visa letter's PDF)."""
    return bool(
        user is not None
        and getattr(user, "is_staff", False)
        and db.session.get(LogisticsPermission, user.id) is not None
    )


def log_visa_letter_seen(letter: Document, staff, now: datetime) -> None:
    log_action(letter.registration, VISA_LETTER_SEEN, staff, {"serial": letter.serial}, at=now)


def event_letter(event: Event, document_id: int) -> Document | None:
    """One of the event's letters (revoked or not), or None."""
    document = db.session.get(Document, document_id)
    if (
        document is None
        or document.kind not in LETTER_KINDS
        or document.registration.event_id != event.id
    ):
        return None
    return document


def event_letters(event_id: int, kind: str | None = None) -> list[Document]:
    """The event's letters, revoked ones too, by holder's name then kind and issue (one
    query)."""
    stmt = (
        select(Document)
        .join(Registration, Registration.id == Document.registration_id)
        .where(
            Registration.event_id == event_id,
            Document.kind.in_([kind] if kind else LETTER_KINDS),
        )
        .options(joinedload(Document.registration))
        .order_by(Registration.name, Registration.id, Document.kind, Document.id)
    )
    return list(db.session.scalars(stmt))


def letter_status(document: Document) -> str:
    """ "valid", "revoked", or "not_valid" (its holder no longer has a place)."""
    if document.revoked_at is not None:
        return "revoked"
    return "not_valid" if why_not_valid(document) else "valid"


def letter_json(document: Document) -> dict:
    """A letter for scripts: no passport data, ever."""
    return {
        "serial": document.serial,
        "kind": document.kind,
        "participant": document.registration.name,
        "registration_id": document.registration_id,
        "status": letter_status(document),
        "issued_at": document.issued_at.isoformat(),
        "revoked_at": document.revoked_at.isoformat() if document.revoked_at else None,
        "verify_url": site_url("documents.verify", code=document.code),
    }


def forget_letters_identity(registration_ids: list[int], now: datetime) -> int:
    """Retention and erasure: the passport data stored on visa letters goes, and the letters
    still valid are revoked (a letter without it says nothing a consulate can check). How many
    letters were emptied."""
    if not registration_ids:
        return 0
    letters = db.session.scalars(
        select(Document).where(
            Document.registration_id.in_(registration_ids),
            Document.kind == DocumentKind.VISA_LETTER,
        )
    ).all()
    emptied = 0
    for letter in letters:
        if letter.revoked_at is None:
            revoke(letter, now, None)
        if "identity" in (letter.facts or {}):
            letter.facts = {k: v for k, v in letter.facts.items() if k != "identity"}
            emptied += 1
    return emptied
