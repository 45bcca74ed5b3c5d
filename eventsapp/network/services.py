"""The person registry: people found by their name's words, country and organisation, and one
person's record across the years (events by year with role and outcome, organisations and
positions over time, requests, speaker entries, accounts and addresses, staff notes).

Each is read in a fixed number of queries whatever the number of people and of their events.
Every look at a person's record is written in the action log (``looked_at``), and so is every
change of the staff's notes.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, or_, select, union, union_all
from sqlalchemy.orm import joinedload, selectinload

from ..accounts.models import User
from ..agenda.models import AgendaSession, Speaker, session_speakers
from ..attendance.models import EvaluationReceipt, EvaluationResponse
from ..authority_requests.models import AuthorityRequest
from ..catalogue.models import Event
from ..core.actions import LoggedAction, describe, log_action
from ..core.errors import InvalidInput
from ..core.validation import MAX_ID, parse_number
from ..documents.models import Document, DocumentKind
from ..documents.services import current_documents
from ..extensions import db
from ..people.models import Country, Organisation, Person, PersonEmail, PersonMerge
from ..people.persons import name_words
from ..people.services import country_choices
from ..registration.models import CONFIRMED, ParticipantRole, Registration, Status

LOOKED_AT = describe("person.looked_at", _l("Looked at the record of %(object)s"))
NOTES_CHANGED = describe("person.notes_changed", _l("Changed the staff's notes on %(object)s"))

SEARCH_LENGTH = 200  # characters of a search, at most
NAME_WORDS = 8  # words of a name searched, at most


def shown_name(person: Person) -> str:
    """The person's name, or "a participant" once erased."""
    return _("a participant") if person.erased_at is not None else person.name


# ---------------------------------------------------------------- searching


@dataclass(frozen=True)
class PeopleSearch:
    words: tuple[str, ...] = ()
    email: str | None = None
    country: str | None = None
    organisation_id: int | None = None


def read_search(q: str | None, country: str | None, organisation: str | None) -> PeopleSearch:
    """A search from what was typed: InvalidInput naming the parameter that is wrong (a country
    that is no ISO code we know, an organisation that is no number, a search too long)."""
    q = (q or "").strip()
    if len(q) > SEARCH_LENGTH:
        raise InvalidInput("q", _("Search with at most %(most)d characters.", most=SEARCH_LENGTH))
    country = (country or "").strip().upper() or None
    if country and (len(country) != 2 or db.session.get(Country, country) is None):
        raise InvalidInput("country", _("country must be an ISO 3166 code such as MX."))
    organisation = (organisation or "").strip()
    organisation_id = parse_number(organisation)
    if organisation and (organisation_id is None or organisation_id > MAX_ID):
        raise InvalidInput("organisation", _("organisation must be an organisation's id."))
    email = q.lower() if "@" in q and " " not in q else None
    return PeopleSearch(
        words=() if email else tuple(name_words(q)[:NAME_WORDS]),
        email=email,
        country=country,
        organisation_id=organisation_id,
    )


def _word_matches(word: str):
    """The stored key (words sorted, accents and case aside) has a word starting so."""
    return or_(
        Person.name_key.startswith(word, autoescape=True),
        Person.name_key.contains(" " + word, autoescape=True),
    )


def search_people(search: PeopleSearch) -> Select:
    """The people matching ``search`` (merged ones left out), by name."""
    stmt = select(Person).where(Person.merged_into_id.is_(None))
    for word in search.words:
        stmt = stmt.where(_word_matches(word))
    if search.email:
        stmt = stmt.where(
            Person.id.in_(select(PersonEmail.person_id).where(PersonEmail.email == search.email))
        )
    if search.country:
        stmt = stmt.where(Person.country_code == search.country)
    if search.organisation_id:
        stmt = stmt.where(Person.organisation_id == search.organisation_id)
    return stmt.options(joinedload(Person.organisation), joinedload(Person.country)).order_by(
        Person.name_key, Person.id
    )


def _events_of_people():
    """(person id, event id) of every registration confirmed and every speaker entry."""
    registered = select(Registration.person_id, Registration.event_id).where(
        Registration.person_id.is_not(None), Registration.status.in_(CONFIRMED)
    )
    spoke = (
        select(Speaker.person_id, AgendaSession.event_id)
        .join(session_speakers, session_speakers.c.speaker_id == Speaker.id)
        .join(AgendaSession, AgendaSession.id == session_speakers.c.session_id)
        .where(Speaker.person_id.is_not(None))
    )
    return union(registered, spoke).subquery()


def event_counts(person_ids: list[int]) -> dict[int, int]:
    """``{person id: events they registered for or spoke at}``, in one query."""
    if not person_ids:
        return {}
    events = _events_of_people()
    rows = db.session.execute(
        select(events.c.person_id, func.count())
        .where(events.c.person_id.in_(person_ids))
        .group_by(events.c.person_id)
    )
    return dict(rows.all())


def search_choices() -> dict:
    """The countries and organisations of the people, for the search's selects."""
    kept = Person.merged_into_id.is_(None)
    organisations = db.session.scalars(
        select(Organisation)
        .where(Organisation.id.in_(select(Person.organisation_id).where(kept)))
        .order_by(Organisation.name)
    ).all()
    return {
        "countries": country_choices(among=select(Person.country_code).where(kept)),
        "organisations": [(o.id, o.display_name) for o in organisations],
    }


# ---------------------------------------------------------------- one person's record


@dataclass
class EventLine:
    """One event of the person's: registered (role, status, outcome) or speaking there."""

    event: Event
    role: str
    status: str | None = None  # the registration's status, a slug (None: a speaker only)
    registration: Registration | None = None
    certificate: Document | None = None
    evaluated: bool = False
    sessions: list[str] = field(default_factory=list)  # the sessions they spoke in

    @property
    def year(self) -> int:
        return self.event.starts_on.year

    @property
    def role_label(self) -> str:
        return ParticipantRole(self.role).label

    @property
    def status_label(self) -> str:
        return Status(self.status).label if self.status else ""

    @property
    def attended(self) -> bool:
        return self.status == Status.ATTENDED


@dataclass
class PersonRecord:
    person: Person
    events: list[EventLine]  # newest first
    requests: list[AuthorityRequest]
    accounts: list[User]
    merges: list[PersonMerge]  # the records merged into this one, or it into another (undone)

    @property
    def years(self) -> list[tuple[int, list[EventLine]]]:
        by_year = defaultdict(list)
        for line in self.events:
            by_year[line.year].append(line)
        return sorted(by_year.items(), reverse=True)

    @property
    def positions(self) -> list[tuple[int, int, Organisation | None, str]]:
        """Organisations and positions over time, from the registrations: (first year, last
        year, organisation, position), the latest first."""
        spans: dict[tuple, list[int]] = {}
        for line in reversed(self.events):  # oldest first
            r = line.registration
            if r is not None:
                key = (r.organisation_id, r.position.strip())
                spans.setdefault(key, [line.year, line.year])[1] = line.year
        organisations = {
            line.registration.organisation_id: line.registration.organisation
            for line in self.events
            if line.registration is not None
        }
        rows = [(first, last, organisations[o], p) for (o, p), (first, last) in spans.items()]
        return sorted(rows, key=lambda row: (row[1], row[0]), reverse=True)


def kept_person(person: Person) -> Person:
    """The person a merged one now is (following merges made one after the other)."""
    seen = {person.id}
    while person.merged_into_id is not None and person.merged_into_id not in seen:
        seen.add(person.merged_into_id)
        person = db.session.get(Person, person.merged_into_id)
    return person


def person_record(person: Person) -> PersonRecord:
    """Everything the person's page shows, in a fixed number of queries."""
    registrations = list(
        db.session.scalars(
            select(Registration)
            .where(Registration.person_id == person.id, Registration.status.in_(CONFIRMED))
            .options(
                joinedload(Registration.event),
                joinedload(Registration.organisation).joinedload(Organisation.country),
            )
        )
    )
    ids = [r.id for r in registrations]
    certificates = current_documents(ids, DocumentKind.CERTIFICATE)
    evaluated = _evaluated(ids)
    lines = {
        r.event_id: EventLine(
            r.event,
            r.role,
            r.status,
            r,
            certificates.get(r.id),
            r.id in evaluated,
        )
        for r in registrations
    }
    for session_title, event in _sessions_spoken(person.id):
        line = lines.setdefault(event.id, EventLine(event, ParticipantRole.SPEAKER))
        line.sessions.append(session_title)
    events = sorted(
        lines.values(), key=lambda line: (line.event.starts_on, line.event.id), reverse=True
    )
    requests = db.session.scalars(
        select(AuthorityRequest)
        .where(AuthorityRequest.contact_person_id == person.id)
        .order_by(AuthorityRequest.created_at.desc())
    ).all()
    accounts = db.session.scalars(
        select(User).where(User.person_id == person.id).order_by(User.id)
    ).all()
    merges = db.session.scalars(
        select(PersonMerge)
        .where(or_(PersonMerge.keep_id == person.id, PersonMerge.other_id == person.id))
        .options(joinedload(PersonMerge.keep), joinedload(PersonMerge.other))
        .order_by(PersonMerge.at.desc(), PersonMerge.id.desc())
    ).all()
    return PersonRecord(person, events, list(requests), list(accounts), list(merges))


def _evaluated(registration_ids: list[int]) -> set[int]:
    """Which registrations sent the evaluation (named or anonymous: its receipt)."""
    if not registration_ids:
        return set()
    sent = union_all(
        select(EvaluationReceipt.registration_id).where(
            EvaluationReceipt.registration_id.in_(registration_ids)
        ),
        select(EvaluationResponse.registration_id).where(
            EvaluationResponse.registration_id.in_(registration_ids)
        ),
    )
    return set(db.session.scalars(sent))


def _sessions_spoken(person_id: int) -> list[tuple[str, Event]]:
    rows = db.session.execute(
        select(AgendaSession.title, Event)
        .join(session_speakers, session_speakers.c.session_id == AgendaSession.id)
        .join(Speaker, Speaker.id == session_speakers.c.speaker_id)
        .join(Event, Event.id == AgendaSession.event_id)
        .where(Speaker.person_id == person_id)
        .order_by(AgendaSession.starts_at, AgendaSession.id)
    )
    return [(title, event) for title, event in rows]


def person_with_details(person_id: int) -> Person | None:
    """The person with their addresses, country and organisation (two queries)."""
    return db.session.scalar(
        select(Person)
        .where(Person.id == person_id)
        .options(
            selectinload(Person.emails),
            joinedload(Person.country),
            joinedload(Person.organisation),
        )
    )


def person_history(person_id: int, limit: int = 10) -> list[LoggedAction]:
    """The latest lines of the action log about the person (looks at their record among them),
    newest first."""
    return list(
        db.session.scalars(
            select(LoggedAction)
            .where(LoggedAction.object_type == "person", LoggedAction.object_id == person_id)
            .order_by(LoggedAction.at.desc(), LoggedAction.id.desc())
            .limit(limit)
        )
    )


def looked_at(person: Person, staff) -> None:
    """A look at the person's record, in the action log."""
    log_action(person, LOOKED_AT, staff, label=shown_name(person), event_id=None, account_id=None)


def save_notes(person: Person, notes: str, staff) -> bool:
    """The staff's notes on the person; logged (that they changed, not what they say). False
    when nothing changed."""
    notes = notes.strip()
    if notes == (person.notes or ""):
        return False
    person.notes = notes
    log_action(person, NOTES_CHANGED, staff, label=shown_name(person))
    return True
