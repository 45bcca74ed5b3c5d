"""The demo's people who came back: delegates over the years, a speaker who was a delegate, a
person written twice, and three alumni, one from Peru found by a topic."""

from sqlalchemy import func, select

from eventsapp.agenda.models import AgendaSession, Speaker
from eventsapp.alumni.services import AlumniFilters, directory
from eventsapp.catalogue.models import Event
from eventsapp.core.clock import utcnow
from eventsapp.demo.services import load_demo
from eventsapp.people.duplicates import suggestions
from eventsapp.people.models import Person
from eventsapp.people.persons import name_words
from eventsapp.registration.models import Registration, Status


def test_delegates_come_back_to_cicie_over_the_years(db):
    load_demo()
    db.session.commit()
    years = (
        select(
            Registration.person_id, func.count(func.distinct(func.extract("year", Event.starts_on)))
        )
        .join(Event, Event.id == Registration.event_id)
        .where(Registration.status == Status.ATTENDED, Event.source_key.like("cicie-%"))
        .group_by(Registration.person_id)
    )
    returning = [person_id for person_id, count in db.session.execute(years) if count >= 2]
    assert len(returning) >= 5


def test_a_speaker_was_a_delegate_before(db):
    load_demo()
    db.session.commit()
    speaker = db.session.scalar(select(Speaker).where(Speaker.name == "Prakash Adhikari"))
    assert speaker is not None and speaker.person is not None
    attended = db.session.scalars(
        select(Event)
        .join(Registration, Registration.event_id == Event.id)
        .where(Registration.person_id == speaker.person_id, Registration.status == "attended")
    ).all()
    assert len(attended) == 2
    sessions = db.session.scalars(
        select(AgendaSession).where(AgendaSession.people.contains(speaker))
    ).all()
    assert sessions
    assert speaker.name in sessions[0].speakers  # as the agenda shows it
    assert min(s.event.starts_on for s in sessions) > max(e.starts_on for e in attended)


def test_one_person_written_twice_awaits_a_merge(db):
    load_demo()
    db.session.commit()
    quispes = db.session.scalars(
        select(Person)
        .where(Person.name_key.like("%jose%"), Person.name_key.like("%quispe%"))
        .order_by(Person.id)
    ).all()
    assert [p.name for p in quispes] == ["María José Quispe Mamani", "Maria Jose Quispe"]
    assert {p.country_code for p in quispes} == {"PE"}
    assert set(name_words(quispes[1].name)) < set(name_words(quispes[0].name))
    assert {e.email for p in quispes for e in p.emails} == {
        "mquispe@onpe.example.org",
        "mariajose.quispe@example.com",
    }


def test_three_alumni_and_the_peruvian_is_found_by_topic(db):
    load_demo()
    db.session.commit()
    today = utcnow().date()
    alumni = db.session.scalars(directory(AlumniFilters(), today)).unique().all()
    assert len(alumni) == 3
    assert all(a.alumni_since for a in alumni)
    found = (
        db.session.scalars(
            directory(AlumniFilters(country="PE", topic="voter registration"), today)
        )
        .unique()
        .all()
    )
    assert [p.name for p in found] == ["Rosa Elena Huamán Torres"]


def test_loading_again_adds_no_one(db):
    load_demo()
    db.session.commit()
    counts = (
        db.session.scalar(select(func.count(Person.id))),
        db.session.scalar(select(func.count(Registration.id))),
        db.session.scalar(select(func.count(Speaker.id))),
    )
    load_demo()
    db.session.commit()
    assert counts == (
        db.session.scalar(select(func.count(Person.id))),
        db.session.scalar(select(func.count(Registration.id))),
        db.session.scalar(select(func.count(Speaker.id))),
    )


def test_staff_see_at_approval_that_a_demo_delegate_is_coming_back(db, staff_client):
    """Wanjiru Kamau, at Kenya's 2011 workshop and the 2014 course, waits for approval at an
    upcoming CICIE event: her past is beside her registration; the other delegates of the
    year's courses are one person each across them (no duplicates to wade through)."""
    load_demo()
    db.session.commit()
    pending = db.session.scalar(
        select(Registration).where(
            Registration.email == "wanjiru.kamau@iebc.example.org",
            Registration.status == Status.PENDING,
        )
    )
    page = staff_client.get(f"/manage/events/{pending.event_id}/participants?status=pending").text
    assert "Attended: International workshop 2011; Specialization course 2014" in page
    names = [
        {db.session.get(Person, s.first_id).name, db.session.get(Person, s.second_id).name}
        for s in suggestions()
    ]
    assert names == [{"María José Quispe Mamani", "Maria Jose Quispe"}]
