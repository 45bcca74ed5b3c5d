"""The demo's people who came back: delegates of CICIE's events over the years, one of whom
speaks later, a person written twice (to merge), and three alumni who joined the directory.

Each registration is keyed by its event and address: loading again adds nothing, and what staff
did since (a merge, a delegate leaving the directory) stays as they left it.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import select

from ..accounts.models import Role, User
from ..accounts.services import create_user
from ..agenda.models import AgendaSession, SessionKind, Speaker, name_key
from ..alumni.services import join
from ..catalogue.models import Event
from ..core.clock import utcnow
from ..extensions import db
from ..people.models import Organisation, Person
from ..registration.models import Registration, Status
from .delegations import give_people  # but the nominees'

# (acronym, name, kind, country)
ORGANISATIONS = [
    ("JNE", "National Jury of Elections (Jurado Nacional de Elecciones)", "electoral_court", "PE"),
    (
        "ONPE",
        "National Office of Electoral Processes (Oficina Nacional de Procesos Electorales)",
        "electoral_management_body",
        "PE",
    ),
    (
        "CNE-EC",
        "National Electoral Council of Ecuador (Consejo Nacional Electoral)",
        "electoral_management_body",
        "EC",
    ),
    ("IEC-ZA", "Electoral Commission of South Africa", "electoral_management_body", "ZA"),
    ("ECN", "Election Commission of Nepal", "electoral_management_body", "NP"),
    (
        "IEBC",
        "Independent Electoral and Boundaries Commission",
        "electoral_management_body",
        "KE",
    ),
]


@dataclass(frozen=True)
class Delegate:
    name: str
    gender: str
    position: str
    country: str
    organisation: str  # acronym
    email: str
    events: tuple[str, ...]  # the keys of the held events they attended
    alumni: bool | None = None  # None: not in the directory; else whether the address shows


DELEGATES = [
    Delegate(
        "Rosa Elena Huamán Torres",
        "female",
        "Head of electoral education",
        "PE",
        "JNE",
        "rosa.huaman@jne.example.org",
        (
            "cicie-ws-2012-pe",
            "cicie-sc-2013-voter-registration-latin-america",
            "cicie-ws-2015-co-ec-pe",
        ),
        alumni=True,
    ),
    Delegate(
        "Diego Andrade Villacís",
        "male",
        "Director of voter registration",
        "EC",
        "CNE-EC",
        "diego.andrade@cne.example.org",
        ("cicie-ws-2013-ec-1", "cicie-sc-2013-voter-registration-latin-america"),
        alumni=False,
    ),
    Delegate(
        "Nomvula Dlamini",
        "female",
        "Manager of electoral operations",
        "ZA",
        "IEC-ZA",
        "nomvula.dlamini@iec.example.org",
        ("cicie-ws-2009-za", "cicie-sc-2014-technology", "cicie-ws-2015-za"),
        alumni=False,
    ),
    Delegate(
        "Prakash Adhikari",
        "male",
        "Joint secretary",
        "NP",
        "ECN",
        "prakash.adhikari@ecn.example.org",
        ("cicie-ws-2011-np", "cicie-ws-2014-np"),
    ),
    Delegate(
        "Wanjiru Kamau",
        "female",
        "Voter education officer",
        "KE",
        "IEBC",
        "wanjiru.kamau@iebc.example.org",
        ("cicie-ws-2011-ke", "cicie-sc-2014-technology"),
    ),
    # One person written twice, with two addresses: accents and a second surname apart.
    Delegate(
        "María José Quispe Mamani",
        "female",
        "Electoral training coordinator",
        "PE",
        "ONPE",
        "mquispe@onpe.example.org",
        ("cicie-ws-2012-pe", "cicie-sc-2013-voter-registration-latin-america"),
    ),
    Delegate(
        "Maria Jose Quispe",
        "female",
        "Electoral training coordinator",
        "PE",
        "ONPE",
        "mariajose.quispe@example.com",
        ("cicie-ws-2015-co-ec-pe",),
    ),
]
# The delegate who speaks, years later, at one of the current programme year's events.
SPEAKER = "prakash.adhikari@ecn.example.org"
# The delegate who registered again, waiting for approval at the next CICIE course: staff see
# at approval that she is coming back.
RETURNING = "wanjiru.kamau@iebc.example.org"


def load() -> int:
    """Add what is missing; returns how many registrations were added."""
    now = utcnow()
    organisations = _organisations()
    events = {
        e.source_key: e
        for e in db.session.scalars(
            select(Event).where(Event.source_key.in_({k for d in DELEGATES for k in d.events}))
        )
    }
    emails = [d.email for d in DELEGATES]
    held = set(
        db.session.execute(
            select(Registration.event_id, Registration.email).where(Registration.email.in_(emails))
        ).all()
    )
    added = [d for d in DELEGATES if _register(d, events, organisations, held)]
    give_people(now)
    for delegate in added:
        if delegate.alumni is not None:
            join(_person_of(delegate.email), delegate.alumni, now, None)
        if delegate.email == SPEAKER:
            _speak_later(delegate)
        if delegate.email == RETURNING:
            _register_again(delegate, organisations, now)
    give_people(now)
    return len(added)


def _organisations() -> dict[str, Organisation]:
    found = {}
    for acronym, name, kind, country in ORGANISATIONS:
        organisation = db.session.scalar(
            select(Organisation).where(Organisation.name == name)
        ) or db.session.scalar(select(Organisation).where(Organisation.acronym == acronym))
        if organisation is None:
            organisation = Organisation(name=name, acronym=acronym, kind=kind, country_code=country)
            db.session.add(organisation)
        found[acronym] = organisation
    db.session.flush()
    return found


def _register(delegate: Delegate, events: dict, organisations: dict, held: set) -> bool:
    """The delegate's registrations, attended, each written a month before its event; their
    account when they are alumni (they sign in by an emailed link). True if any was added."""
    user = None
    if delegate.alumni is not None:
        user = db.session.scalar(select(User).where(User.email == delegate.email))
        user = user or create_user(delegate.email, Role.DELEGATE, name=delegate.name)
    added = False
    for key in delegate.events:
        event = events.get(key)
        if event is None or (event.id, delegate.email) in held:
            continue
        written = datetime.combine(event.starts_on - timedelta(days=30), time(12))
        db.session.add(
            Registration(
                event_id=event.id,
                user=user,
                name=delegate.name,
                gender=delegate.gender,
                email=delegate.email,
                position=delegate.position,
                organisation_id=organisations[delegate.organisation].id,
                country_code=delegate.country,
                status=Status.ATTENDED,
                consent_at=written,
                created_at=written,
            )
        )
        added = True
    return added


def _register_again(delegate: Delegate, organisations: dict, now: datetime) -> None:
    """The delegate's registration, pending approval, to the next CICIE event taking them
    with seats to spare (a workshop: the courses are full)."""
    event = db.session.scalar(
        select(Event)
        .join(Registration, Registration.event_id == Event.id)
        .where(
            Event.source_key.like("cicie-%"),
            Event.starts_on > now.date(),
            Event.capacity >= 20,
            Registration.status == Status.PENDING,
        )
        .order_by(Event.starts_on, Event.id)
        .limit(1)
    )
    if event is None:
        return
    db.session.add(
        Registration(
            event_id=event.id,
            name=delegate.name,
            gender=delegate.gender,
            email=delegate.email,
            position=delegate.position,
            organisation_id=organisations[delegate.organisation].id,
            country_code=delegate.country,
            status=Status.PENDING,
            consent_at=now,
            locale="en",
        )
    )


def _person_of(email: str) -> Person:
    return db.session.scalar(
        select(Person)
        .join(Registration, Registration.person_id == Person.id)
        .where(Registration.email == email)
    )


def _speak_later(delegate: Delegate) -> None:
    """The delegate speaks in the first presentation of the current programme year's agendas:
    the same person as their registrations."""
    session = db.session.scalar(
        select(AgendaSession)
        .join(Event, Event.id == AgendaSession.event_id)
        .where(
            Event.source_key.like("cicie-%"),
            Event.starts_on > utcnow().date(),
            AgendaSession.kind == SessionKind.PRESENTATION,
        )
        .order_by(AgendaSession.starts_at, AgendaSession.id)
        .limit(1)
    )
    if session is None:
        return
    key = name_key(delegate.name)
    speaker = db.session.scalar(select(Speaker).where(Speaker.name_key == key))
    if speaker is None:
        speaker = Speaker(
            name=delegate.name,
            name_key=key,
            role=delegate.position,
            organisation_id=_person_of(delegate.email).organisation_id,
            country_code=delegate.country,
            person=_person_of(delegate.email),
        )
    line = f"{delegate.name}, {delegate.position}"
    session.speakers = "\n".join(filter(None, [session.speakers, line]))
    session.people.append(speaker)
