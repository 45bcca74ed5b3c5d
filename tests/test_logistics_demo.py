"""The demo's tasks: PPIEP's task lines on their activities, and the current programme year."""

import html

from sqlalchemy import func, select

from eventsapp.agenda.models import AgendaSession
from eventsapp.catalogue.models import Event, Programme
from eventsapp.core.clock import utcnow
from eventsapp.demo.services import load_demo
from eventsapp.logistics.models import Task
from eventsapp.registration.models import Registration


def test_the_demo_loads_ppieps_tasks_and_a_current_year_once(staff_client, db):
    load_demo()
    db.session.commit()
    tasks = func.count(Task.id)
    ppiep = db.session.scalar(select(Programme).where(Programme.key == "ppiep"))
    of_ppiep = select(tasks).join(Task.event).where(Event.programme_id == ppiep.id)
    assert db.session.scalar(of_ppiep) == 76  # the seed's task lines
    first = db.session.scalar(
        select(Event).where(Event.source_key == "ppiep-a-2011-advisory-group-1")
    )
    titles = db.session.scalars(
        select(Task.title).where(Task.event_id == first.id).order_by(Task.position)
    ).all()
    assert titles[0] == "Prepare draft work programme for the Advisory Group"
    assert titles[-1] == "Facilitate logistical arrangements for the meeting"

    year = utcnow().year + 1
    current = db.session.scalars(
        select(Event).where(Event.source_key.like(f"cicie-%-{year}-%"))
    ).all()
    assert len(current) == 11
    counts = (db.session.scalar(select(tasks)), db.session.scalar(select(func.count(Event.id))))
    load_demo()
    db.session.commit()
    assert (
        db.session.scalar(select(tasks)),
        db.session.scalar(select(func.count(Event.id))),
    ) == counts

    course = next(e for e in current if e.title == "Electronic Voting from Abroad")
    assert course.date_text == "April 18th-22nd" and course.starts_on.year == year
    sessions = db.session.scalars(
        select(AgendaSession).where(AgendaSession.event_id == course.id)
    ).all()
    assert len(sessions) == 5 and all(s.published for s in sessions)
    statuses = db.session.scalars(
        select(Registration.status).where(Registration.event_id == course.id)
    ).all()
    assert {"approved", "pending", "waitlisted"} <= set(statuses)

    page = html.unescape(staff_client.get("/manage/").data.decode())
    assert "Electronic Voting from Abroad" in page
    grid = html.unescape(staff_client.get(f"/manage/programmes/{ppiep.id}/plan/2012").data.decode())
    assert (
        "Fourth meeting of the Advisory Group" in grid and "Third Meeting of the Commission" in grid
    )
    assert "Implementation of outreach strategy" in grid  # June 2012-June 2015 touches 2012
    assert "Facilitate logistical arrangements for the meeting" in grid
