"""Demo data: CICIE and PPIEP from the seed documents, and synthetic data at scale."""

import json
import random
from datetime import date, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select

from ..agenda.models import AgendaSession, SessionKind
from ..catalogue.models import Event, EventKind, EventStatus, Programme
from ..catalogue.services import (
    EventInput,
    ProgrammeInput,
    VenueInput,
    add_partner,
    add_section,
    find_or_create_venue,
    save_event,
    save_programme,
    set_region_override,
    to_utc,
)
from ..core.clock import utcnow
from ..core.dates import format_window, read_date_phrase
from ..extensions import db
from ..people.models import Organisation
from . import (
    authority_requests,
    costs,
    delegations,
    documents,
    logistics,
    outcomes,
    people,
    plans,
    translations,
    travel,
)
from .delegations import give_people
from .synth_people import give_people as give_synthetic_people
from .synth_people import is_second_record, synthetic_name

DATA_DIR = Path(__file__).parent / "data"


def _organisations(entries: list[dict]) -> dict[str, Organisation]:
    """The organisations of a data file by acronym, created when missing."""
    by_acronym = {}
    for entry in entries:
        organisation = db.session.scalar(
            select(Organisation).where(Organisation.name == entry["name"])
        ) or db.session.scalar(select(Organisation).where(Organisation.acronym == entry["acronym"]))
        if organisation is None:
            organisation = Organisation(
                name=entry["name"],
                acronym=entry["acronym"],
                kind=entry["kind"],
                country_code=entry.get("country"),
            )
            db.session.add(organisation)
            db.session.flush()
        by_acronym[entry["acronym"]] = organisation
    return by_acronym


def _programme(data: dict, organisations: dict[str, Organisation]) -> Programme:
    programme = db.session.scalar(select(Programme).where(Programme.key == data["key"]))
    if programme is not None:
        return programme
    programme = Programme(key=data["key"])
    owner = organisations.get(data.get("owner"))
    save_programme(
        programme,
        ProgrammeInput(
            name=data["name"],
            acronym=data.get("acronym"),
            description=data.get("description", ""),
            owner_id=owner.id if owner else None,
            first_year=data["starts_on_year"],
            last_year=data.get("ends_on_year"),
            languages=data.get("languages", []),
        ),
    )
    for section in data.get("sections", []):
        add_section(programme, section["code"], section["title"], section.get("description", ""))
    for partner in data.get("partners", []):
        add_partner(programme, organisations[partner["organisation"]].id, partner["role"])
    for code, region in data.get("region_overrides", {}).items():
        set_region_override(programme, code, region)
    return programme


def event_input(entry: dict, programme: Programme, organisations: dict) -> EventInput:
    """A demo file's event entry as the catalogue's input."""
    sections = {s.code: s.id for s in programme.sections}
    venue = entry.get("venue")
    requesting = entry.get("requesting_countries", [])
    authority = organisations.get(entry.get("requesting_authority") or "")
    return EventInput(
        title=entry["title"],
        kind=entry["kind"],
        status=entry["status"],
        window=read_date_phrase(entry["date_text"], entry.get("context_year")),
        date_text=entry["date_text"],
        programme_id=programme.id,
        section_id=sections.get(entry.get("section")),
        venue=VenueInput(venue["country"], venue.get("city"), venue.get("place"))
        if venue
        else None,
        venue_tentative=bool(venue and venue.get("tentative")),
        capacity=entry.get("capacity"),
        participants_count=entry.get("participants_count"),
        languages=entry.get("languages", []),
        purpose=entry.get("purpose", []),
        theme=entry.get("theme"),
        block=entry.get("block"),
        audience=entry.get("audience"),
        requesting_authority_id=authority.id if authority else None,
        requesting_countries=requesting,
        candidate_countries=entry.get("candidate_countries", []),
        participant_countries=entry.get("participant_countries", []),
        partner_ids=[organisations[a].id for a in entry.get("partners", []) if a in organisations],
        notes=entry.get("notes") or "",
    )


def load_demo() -> dict[str, int]:
    """Load every data file; what is there already (by its key) is left as staff edited it."""
    added = {}
    for path in sorted(DATA_DIR.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        organisations = _organisations(data.get("organisations", []))
        programme = _programme(data["programme"], organisations)
        keys = [e["key"] for e in data["programme"]["events"]]
        existing = set(
            db.session.scalars(select(Event.source_key).where(Event.source_key.in_(keys)))
        )
        count = 0
        for entry in data["programme"]["events"]:
            if entry["key"] in existing:
                continue
            event = Event(source_key=entry["key"])
            save_event(event, event_input(entry, programme, organisations))
            count += 1
        db.session.flush()
        # What the file says beyond its events.
        for load_more in (costs.load, logistics.load, documents.load):
            load_more(data, programme, organisations)
        added[programme.short_name] = count
    for load_more in (plans.load, authority_requests.load):  # after every programme's events
        for name, count in load_more().items():
            added[name] = added.get(name, 0) + count
    translations.load()  # every event's, the current programme year's among them
    give_people(utcnow())  # as confirming their registrations would have
    people.load()  # delegates who came back, a person written twice, alumni
    delegations.load()  # after the delegate coming back chose her event: this one is by nomination
    travel.load()  # after the people: the current year's course, its officials' travel
    outcomes.load()  # after the plans and the costs' course: what the training achieved
    return added


SYNTH_PHRASES = (
    "{d}-{d2} {month} {year}",
    "early {month} {year}",
    "mid-{month} {year} (tbc)",
    "end of {month} {year}",
    "{month} {year}",
    "Third week of {month} {year}",
)


def _continued_rng(seed: int, already: int) -> random.Random:
    """The random numbers of a run that adds to ``already`` rows: the seed's own for the first
    run (the same data as ever), others for the next ones, so that they do not repeat it."""
    return random.Random(seed if not already else f"{seed}+{already}")


def synthesise(events: int, year: int, seed: int = 1, sessions_per_event: int = 0) -> Programme:
    """A programme with ``events`` events spread over ``year``, written with assorted phrases,
    each with an agenda of ``sessions_per_event`` sessions.

    Rows are inserted in bulk so that thousands take seconds; for benchmarks. Run again for the
    same year, it adds ``events`` more to the same programme, numbered after those there.
    """
    name = f"Synthetic programme {year}"
    programme = db.session.scalar(select(Programme).where(Programme.name == name))
    if programme is None:
        programme = Programme(name=name, acronym=f"SYN{year}", first_year=year, last_year=year)
        db.session.add(programme)
        db.session.flush()
    already = db.session.scalar(
        select(func.count(Event.id)).where(Event.programme_id == programme.id)
    )
    rng = _continued_rng(seed, already)
    venue = find_or_create_venue(VenueInput("MX", "Mexico City", "INE"))
    kinds = [k.value for k in EventKind]
    statuses = [EventStatus.PLANNED, EventStatus.CONFIRMED, EventStatus.PROPOSED, EventStatus.HELD]
    rows = []
    for number in range(events):
        start = date(year, 1, 1) + timedelta(days=rng.randrange(360))
        phrase = rng.choice(SYNTH_PHRASES).format(
            d=start.day,
            d2=min(start.day + 3, 28) if start.day < 28 else start.day,
            month=start.strftime("%B"),
            year=year,
        )
        window = read_date_phrase(phrase)
        rows.append(
            {
                "programme_id": programme.id,
                "title": f"Synthetic {rng.choice(kinds).replace('_', ' ')} {already + number + 1}",
                "kind": rng.choice(kinds),
                "status": rng.choice(statuses),
                "date_text": phrase,
                "starts_on": window.starts_on,
                "ends_on": window.ends_on,
                "precision": window.precision,
                "tentative": window.tentative,
                "venue_id": venue.id if rng.random() < 0.7 else None,
                "capacity": rng.choice([None, 20, 30, 40]),
                "languages": ["en", "es"],
                "purpose": [f"Discuss {format_window(window.starts_on, window.ends_on)} topics"],
                "notes": "",
            }
        )
    if not rows:  # an insert without rows would be one row of defaults
        return programme
    ids = db.session.scalars(insert(Event).returning(Event.id, sort_by_parameter_order=True), rows)
    if sessions_per_event:
        db.session.execute(
            insert(AgendaSession),
            [
                session_row
                for event_id, row in zip(ids.all(), rows, strict=True)
                for session_row in _synthetic_agenda(event_id, row, sessions_per_event, rng)
            ],
        )
    return programme


SYNTH_ZONE = ZoneInfo("America/Mexico_City")


def _synthetic_agenda(event_id: int, event: dict, count: int, rng: random.Random) -> list[dict]:
    """Four sessions a day from the event's first day: 9:00, 11:00, 13:00 and 15:00."""
    kinds = [k.value for k in SessionKind]
    rows = []
    for number in range(count):
        day = min(event["starts_on"] + timedelta(days=number // 4), event["ends_on"])
        start = time(9 + 2 * (number % 4))
        rows.append(
            {
                "event_id": event_id,
                "day": day,
                "starts_at": to_utc(day, start, SYNTH_ZONE),
                "ends_at": to_utc(day, start.replace(minute=30, hour=start.hour + 1), SYNTH_ZONE),
                "timezone": SYNTH_ZONE.key,
                "title": f"Session {number + 1}: {rng.choice(kinds).replace('_', ' ')}",
                "kind": rng.choice(kinds),
                "speakers": "",
                "room": rng.choice([None, "Room A", "Room B"]),
                "language": "es",
                "published": rng.random() < 0.9,
            }
        )
    return rows


SYNTH_COUNTRIES = ("MX", "KE", "BW", "PE", "GE", "NP", "ZA", "EC", "RO", "GT", "ID", "ZM")


def synthesise_participants(programme: Programme, count: int, seed: int = 1) -> int:
    """``count`` registrations spread over the programme's events, in bulk, for benchmarks.

    Each event gets registration settings (approval not required); registrations are approved up
    to the event's capacity and waitlisted beyond it, from a dozen electoral bodies. Run again,
    it adds ``count`` more: participants are numbered after the registrations there (their emails
    stay unique per event) and the seats they hold already count against the capacity. Each
    participant is a person with a proven address (``synth_people``).
    """
    from ..registration.models import SEAT_HOLDING, Registration, RegistrationSettings, Status

    events = db.session.execute(
        select(Event.id, Event.capacity)
        .where(Event.programme_id == programme.id)
        .order_by(Event.id)
    ).all()
    if not events or not count:
        return 0
    of_programme = Registration.event_id.in_(
        select(Event.id).where(Event.programme_id == programme.id)
    )
    already = db.session.scalar(select(func.count(Registration.id)).where(of_programme))
    rng = _continued_rng(seed, already)
    bodies = list(
        _organisations(
            [
                {
                    "name": f"Synthetic electoral body {code}",
                    "acronym": f"SEB-{code}",
                    "kind": "electoral_management_body",
                    "country": code,
                }
                for code in SYNTH_COUNTRIES
            ]
        ).values()
    )
    with_settings = set(
        db.session.scalars(
            select(RegistrationSettings.event_id).where(
                RegistrationSettings.event_id.in_([e.id for e in events])
            )
        )
    )
    if missing := [e.id for e in events if e.id not in with_settings]:
        db.session.execute(
            insert(RegistrationSettings),
            [{"event_id": event_id, "approval_required": False} for event_id in missing],
        )
    held = dict.fromkeys((e.id for e in events), 0)
    held.update(
        db.session.execute(
            select(Registration.event_id, func.count(Registration.id))
            .where(of_programme, Registration.status.in_(SEAT_HOLDING))
            .group_by(Registration.event_id)
        ).all()
    )
    capacity = dict(events)
    now = utcnow()
    rows = []
    for number in range(already, already + count):
        event_id = events[number % len(events)].id
        body = rng.choice(bodies)
        if is_second_record(number) and rows:  # the one before, from the same body
            body = next(b for b in bodies if b.id == rows[-1]["organisation_id"])
        full = capacity[event_id] is not None and held[event_id] >= capacity[event_id]
        held[event_id] += not full
        rows.append(
            {
                "event_id": event_id,
                "name": synthetic_name(number),
                "gender": rng.choice(["female", "male", "undisclosed"]),
                "email": f"participant{number + 1}.{seed}@example.org",
                "position": "Electoral officer",
                "organisation_id": body.id,
                "country_code": body.country_code,
                "status": Status.WAITLISTED if full else Status.APPROVED,
                "waitlisted_at": now if full else None,
                "consent_at": now,
                "interpretation_languages": ["es"],
            }
        )
    give_synthetic_people(rows, now)
    for start in range(0, len(rows), 5000):
        db.session.execute(insert(Registration), rows[start : start + 5000])
    return count
