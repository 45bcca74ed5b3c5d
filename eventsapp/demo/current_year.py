"""The demo's current programme year: CICIE's calendar for next year, modelled on its 2016 one.

Every event of the seed's 2016 calendar (six workshops or internships known by their month, three
specialization courses, the Inter-American seminar and the Latin American forum) is copied to next
year with the same phrases ("February 2027 (tbc)", "April 18th-22nd"), so that a newcomer's
first screens show the product at work: events open for registration with delegates approved,
pending and on the waiting list, agendas drafted from the methodologies' templates, and tasks
from the task templates, some done and some late. Keys name the year: a later year's load adds
that year's calendar, and loading again adds nothing.
"""

from datetime import timedelta

from sqlalchemy import select

from ..agenda.drafting import METHODOLOGIES, apply_template
from ..catalogue.models import Event, EventStatus
from ..catalogue.services import save_event
from ..core.clock import utcnow
from ..extensions import db
from ..logistics.models import Task, TaskStatus
from ..logistics.services import apply_checklist
from ..registration.models import Registration, RegistrationSettings, Status

SEED_YEAR = "2016"
CAPACITY = {"specialization_course": 6, "seminar": 150, "conference": 120, "workshop": 25}
TIMEZONE = "America/Mexico_City"
# (name, gender, position, country): delegates of electoral bodies, with a status per course.
DELEGATES = [
    ("Ana Lucía Pérez", "female", "Director of electoral training", "PE"),
    ("Tamar Beridze", "female", "Head of international relations", "GE"),
    ("Thabo Mokoena", "male", "Electoral officer", "LS"),
    ("Sofía Herrera", "female", "Legal adviser", "CR"),
    ("Rahul Menon", "male", "Deputy chief electoral officer", "IN"),
    ("Carlos Mejía", "male", "Magistrate", "HN"),
    ("Amélia Nhantumbo", "female", "Head of voter registration", "MZ"),
    ("Jana Nováková", "female", "Election administrator", "CZ"),
]
STATUSES = [Status.APPROVED] * 4 + [Status.PENDING] * 2 + [Status.WAITLISTED] * 2
# The units the tasks go to, in turn (the founders share the organisation: seeds/003).
OWNERS = ("CICIE logistics", "INE international affairs", "TEPJF international relations")


def programme_year() -> int:
    """The demo's current programme year: next year's calendar is the one being prepared."""
    return utcnow().year + 1


def load(data: dict, programme, organisations: dict) -> None:
    from .services import event_input  # the demo's reading of an entry, shared

    year = programme_year()
    entries = [e for e in data["programme"]["events"] if f"-{SEED_YEAR}-" in e["key"]]
    keys = {e["key"]: e["key"].replace(f"-{SEED_YEAR}-", f"-{year}-") for e in entries}
    existing = set(
        db.session.scalars(select(Event.source_key).where(Event.source_key.in_(keys.values())))
    )
    for entry in entries:
        key = keys[entry["key"]]
        if key in existing:
            continue
        entry = {
            **entry,
            "title": entry["title"].replace(SEED_YEAR, str(year)),
            "date_text": entry["date_text"].replace(SEED_YEAR, str(year)),
            "context_year": year,
            "status": EventStatus.PLANNED
            if entry["status"] == EventStatus.PROPOSED
            else EventStatus.CONFIRMED,
            "capacity": CAPACITY.get(entry["kind"]),
            "notes": f"The demo's current programme year, modelled on CICIE's {SEED_YEAR}.",
        }
        event = Event(source_key=key)
        save_event(event, event_input(entry, programme, organisations))
        db.session.flush()
        _prepare(event)


def _prepare(event: Event) -> None:
    """Registration open, delegates, the agenda from its template, the tasks from theirs."""
    db.session.add(RegistrationSettings(event_id=event.id))
    if event.precision == "day":
        if event.kind in METHODOLOGIES:
            for session in apply_template(event, "kind", TIMEZONE):
                session.published = True
        _register_delegates(event)
    apply_checklist(event)
    today = utcnow().date()
    for task in db.session.scalars(select(Task).where(Task.event_id == event.id)):
        task.owner_name = OWNERS[task.position % len(OWNERS)]
        # What was due over a month ago is done; the rest is as late as it is.
        if task.due_on < today - timedelta(days=30):
            task.status = TaskStatus.DONE
        elif task.due_on < today:
            task.status = TaskStatus.IN_PROGRESS


def _register_delegates(event: Event) -> None:
    now = utcnow()
    count = min(len(DELEGATES), event.capacity + 2) if event.capacity else len(DELEGATES)
    for number, ((name, gender, position, country), status) in enumerate(
        zip(DELEGATES[:count], STATUSES, strict=False)
    ):
        db.session.add(
            Registration(
                event_id=event.id,
                name=name,
                gender=gender,
                # One address per delegate: the same people at each of the year's courses.
                email=f"delegate{number + 1}@example.org",
                position=position,
                country_code=country,
                status=status,
                waitlisted_at=now if status == Status.WAITLISTED else None,
                consent_at=now,
                interpretation_languages=["es"],
            )
        )
