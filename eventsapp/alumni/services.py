"""The alumni directory: people who chose to be found by fellow alumni, and what they share.

A person joins with their consent (``Person.alumni_since``, and a line in the action log) and
leaves at any time; their address is shown to fellow alumni only if they chose so. Alumni and
staff search the directory by country, organisation, kind of event, topic and year; a person's
events are those they took part in (``took_part``): a registration approved or attended for an
event that has begun, or a speaker's session. Each page reads the people, their addresses and
the events shown beside them in a fixed number of queries, whatever their number.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, and_, or_, select, union
from sqlalchemy.orm import joinedload, selectinload

from ..agenda.models import AgendaSession, Speaker, session_speakers
from ..catalogue.models import Event, EventKind, EventTranslation
from ..core.actions import changes, describe, log_action
from ..core.dates import FIRST_YEAR, LAST_YEAR
from ..core.errors import InvalidInput
from ..core.i18n import country_name, sort_key
from ..core.validation import MAX_ID, parse_number
from ..extensions import db
from ..people.models import Country, Organisation, Person
from ..registration.models import Registration, Status

JOINED = describe("person.alumni_joined", _l("Joined the alumni directory: %(object)s"))
LEFT = describe("person.alumni_left", _l("Left the alumni directory: %(object)s"))
ADDRESS_CHOICE = describe(
    "person.alumni_address",
    _l("Changed whether fellow alumni see the address of %(object)s"),
    fields={"alumni_shows_email": _l("Address shown to fellow alumni")},
)
EXPORTED = describe(
    "alumni.exported", _l("Exported the alumni directory (%(format)s; people: %(count)s)")
)

TOPIC_LENGTH = 100
# "IV", "block IV", "bloque IV", "bloc IV": a CICIE theme block (catalogue's CICIE_BLOCKS).
_BLOCK = re.compile(r"(?:block|bloque|bloc)?\s*(i{1,3}|iv|v)", re.IGNORECASE)
_LIKE_SPECIALS = str.maketrans({"\\": "\\\\", "%": "\\%", "_": "\\_"})


# ---------------------------------------------------------------- joining and leaving


def current_person(user) -> Person | None:
    """The person an account belongs to, if any (an erased one is nobody's any more)."""
    person = getattr(user, "person", None)
    if person is None or person.erased_at is not None or person.merged_into_id is not None:
        return None
    return person


def is_alumnus(person: Person | None) -> bool:
    return person is not None and person.alumni_since is not None


def may_join(person: Person | None, today: date) -> bool:
    """Whether the person took part in an event (``took_part``): the directory is theirs."""
    if person is None:
        return False
    part = took_part(today)
    found = select(part.c.person_id).where(part.c.person_id == person.id).limit(1)
    return db.session.scalar(found) is not None


def join(person: Person, shows_email: bool, now: datetime, actor) -> None:
    """The person consents to the directory (from ``now``); whether their address shows.
    Only someone who took part in an event may join (InvalidInput otherwise)."""
    if person.alumni_since is not None:
        return
    if not may_join(person, now.date()):
        raise InvalidInput(
            "consent", _("The directory is for people who took part in the centre’s events.")
        )
    person.alumni_since = now
    person.alumni_shows_email = shows_email
    log_action(person, JOINED, actor, {"alumni_shows_email": shows_email}, at=now)


def leave(person: Person, now: datetime, actor) -> None:
    """The person withdraws their consent: nobody finds them in the directory any more."""
    if person.alumni_since is None:
        return
    person.alumni_since = None
    person.alumni_shows_email = False
    log_action(person, LEFT, actor, at=now)


def show_email(person: Person, shows_email: bool, now: datetime, actor) -> None:
    """Whether fellow alumni see the person's address."""
    before = {"alumni_shows_email": person.alumni_shows_email}
    person.alumni_shows_email = shows_email
    changed = changes(before, {"alumni_shows_email": shows_email})
    if changed:
        log_action(person, ADDRESS_CHOICE, actor, changed, at=now)


# ---------------------------------------------------------------- searching


@dataclass(frozen=True)
class AlumniFilters:
    country: str | None = None
    organisation: int | None = None
    kind: str | None = None
    topic: str = ""
    year: int | None = None

    @property
    def by_event(self) -> bool:
        return bool(self.kind or self.topic or self.year)


def parse_filters(args) -> AlumniFilters:
    """The filters of a query string; a wrong one raises InvalidInput naming it."""
    country = (args.get("country") or "").strip().upper() or None
    if country and db.session.get(Country, country) is None:
        raise InvalidInput("country", _("Choose a country from the list."))
    kind = (args.get("kind") or "").strip() or None
    if kind and kind not in {k.value for k in EventKind}:
        raise InvalidInput("kind", _("Choose a kind of event from the list."))
    topic = " ".join((args.get("topic") or "").split())
    if len(topic) > TOPIC_LENGTH:
        raise InvalidInput(
            "topic", _("Write a topic of at most %(count)s characters.", count=TOPIC_LENGTH)
        )
    return AlumniFilters(
        country=country,
        organisation=_number(args, "organisation", _("Choose an organisation from the list.")),
        kind=kind,
        topic=topic,
        year=_year(args),
    )


def _number(args, name: str, message: str) -> int | None:
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    value = parse_number(raw)
    if value is None or value > MAX_ID:
        raise InvalidInput(name, message)
    return value


def _year(args) -> int | None:
    message = _("Write a year from %(first)s to %(last)s.", first=FIRST_YEAR, last=LAST_YEAR)
    year = _number(args, "year", message)
    if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
        raise InvalidInput("year", message)
    return year


def took_part(today: date):
    """``(person_id, event_id)`` of each event a person took part in: a registration approved
    or attended for an event that has begun by ``today``, or a session they spoke in."""
    registrations = (
        select(Registration.person_id.label("person_id"), Registration.event_id.label("event_id"))
        .join(Event, Event.id == Registration.event_id)
        .where(
            Registration.person_id.is_not(None),
            Registration.status.in_((Status.APPROVED, Status.ATTENDED)),
            Event.starts_on <= today,
        )
    )
    speaking = (
        select(Speaker.person_id, AgendaSession.event_id)
        .join(session_speakers, session_speakers.c.speaker_id == Speaker.id)
        .join(AgendaSession, AgendaSession.id == session_speakers.c.session_id)
        .join(Event, Event.id == AgendaSession.event_id)
        .where(Speaker.person_id.is_not(None), Event.starts_on <= today)
    )
    return union(registrations, speaking).subquery("took_part")


def _listed() -> Select:
    return select(Person).where(
        Person.alumni_since.is_not(None),
        Person.merged_into_id.is_(None),
        Person.erased_at.is_(None),
    )


def directory(filters: AlumniFilters, today: date) -> Select:
    """The alumni the filters find, by name (to paginate): their organisation, country and
    addresses loaded with them."""
    stmt = _listed().options(
        joinedload(Person.organisation),
        joinedload(Person.country),
        selectinload(Person.emails),
    )
    if filters.country:
        stmt = stmt.where(Person.country_code == filters.country)
    if filters.organisation:
        stmt = stmt.where(Person.organisation_id == filters.organisation)
    if filters.by_event:
        events = took_part(today)
        matching = (
            select(events.c.person_id)
            .join(Event, Event.id == events.c.event_id)
            .where(*_event_conditions(filters))
        )
        stmt = stmt.where(Person.id.in_(matching))
    return stmt.order_by(Person.name, Person.id)


def _event_conditions(filters: AlumniFilters) -> list:
    conditions = []
    if filters.kind:
        conditions.append(Event.kind == filters.kind)
    if filters.year:
        conditions.append(
            and_(
                Event.starts_on <= date(filters.year, 12, 31),
                Event.ends_on >= date(filters.year, 1, 1),
            )
        )
    if filters.topic:
        conditions.append(topic_condition(filters.topic))
    return conditions


def topic_condition(topic: str):
    """An event about ``topic``: each of its words in the event's theme, its title or a
    translation of its title ("voter registration", "registro electoral"); a CICIE theme block
    alone ("IV", "block IV") is the events of that block."""
    block = _BLOCK.fullmatch(topic)
    if block:
        return Event.block == block.group(1).upper()
    words = [word.translate(_LIKE_SPECIALS) for word in topic.split()]
    translated = select(EventTranslation.event_id)
    word_matches = [
        or_(
            Event.theme.ilike(f"%{word}%", escape="\\"),
            Event.title.ilike(f"%{word}%", escape="\\"),
            Event.id.in_(translated.where(EventTranslation.title.ilike(f"%{word}%", escape="\\"))),
        )
        for word in words
    ]
    return and_(*word_matches)


def events_of(person_ids: list[int], today: date, shared_with: int | None = None) -> dict:
    """Each person's events (those they shared with the person ``shared_with``, if given),
    oldest first, in one query: ``{person_id: [Event, ...]}``, translations loaded."""
    found: dict[int, list[Event]] = {person_id: [] for person_id in person_ids}
    if not person_ids:
        return found
    theirs = took_part(today)
    stmt = (
        select(theirs.c.person_id, Event)
        .join(Event, Event.id == theirs.c.event_id)
        .where(theirs.c.person_id.in_(person_ids))
        .options(selectinload(Event.translations))
        .order_by(Event.starts_on, Event.id)
    )
    if shared_with is not None:
        mine = took_part(today).alias("mine")
        stmt = stmt.join(
            mine, and_(mine.c.event_id == theirs.c.event_id, mine.c.person_id == shared_with)
        )
    for person_id, event in db.session.execute(stmt):
        found[person_id].append(event)
    return found


def filter_choices() -> dict:
    """What the filters offer: the countries and organisations of alumni, and the kinds."""
    listed = _listed().subquery()
    countries = db.session.execute(
        select(Country.code, Country.name).where(Country.code.in_(select(listed.c.country_code)))
    ).all()
    organisations = db.session.execute(
        select(Organisation.id, Organisation.name, Organisation.acronym).where(
            Organisation.id.in_(select(listed.c.organisation_id))
        )
    ).all()
    return {
        "countries": sorted(
            ((code, country_name(code, name)) for code, name in countries),
            key=lambda choice: sort_key(choice[1]),
        ),
        "organisations": sorted(
            ((o.id, f"{o.name} ({o.acronym})" if o.acronym else o.name) for o in organisations),
            key=lambda choice: sort_key(choice[1]),
        ),
        "kinds": EventKind.choices(),
    }


# ---------------------------------------------------------------- the staff's export


def export_rows(filters: AlumniFilters, today: date) -> tuple[list[str], list[list]]:
    """The directory the filters find, as a spreadsheet's header and rows (addresses only of
    those who chose to show them), in three queries."""
    people = db.session.scalars(directory(filters, today)).unique().all()
    events = events_of([p.id for p in people], today)
    header = [
        _("Name"),
        _("Organisation"),
        _("Country"),
        _("Email"),
        _("In the directory since"),
        _("Events"),
    ]
    rows = [
        [
            person.name,
            person.organisation.name if person.organisation else "",
            person.country.local_name if person.country else "",
            ", ".join(e.email for e in person.emails) if person.alumni_shows_email else "",
            person.alumni_since.date(),
            "; ".join(f"{e.title} ({e.starts_on.year})" for e in events[person.id]),
        ]
        for person in people
    ]
    return header, rows


def log_export(actor, count: int, file_format: str, now: datetime) -> None:
    log_action(None, EXPORTED, actor, {"count": count, "format": file_format}, at=now, label="")
