"""The staff home, /manage/: what needs doing across events, in a fixed number of queries."""

import html
from datetime import timedelta

from eventsapp.core.clock import utcnow
from eventsapp.logistics.models import Task
from eventsapp.logistics.services import TaskInput, save_task
from eventsapp.registration.models import Registration


def register(db, event, status, number, **fields):
    db.session.add(
        Registration(
            event_id=event.id,
            name=f"Delegate {number}",
            gender="female",
            email=f"d{number}@example.org",
            country_code="MX",
            status=status,
            consent_at=utcnow(),
            **fields,
        )
    )


def test_the_home_says_what_needs_doing(staff_client, staff_user, make, db, today):
    soon = make.open_event(capacity=10, days_ahead=20)
    soon.title = "Workshop for Georgia"
    make.event("Course next year", (today + timedelta(days=200)).isoformat())
    past = make.event("Past meeting", (today - timedelta(days=100)).isoformat())
    register(db, soon, "pending", 1)
    register(db, soon, "pending", 2)
    register(db, soon, "approved", 3)
    register(
        db,
        soon,
        "waitlisted",
        4,
        waitlisted_at=utcnow(),
        offer_expires_at=utcnow() + timedelta(hours=5),
    )
    save_task(
        past,
        Task(),
        TaskInput(
            title="Write the final report",
            due_on=today - timedelta(days=5),
            owner_name="Secretariat",
        ),
    )
    save_task(soon, Task(), TaskInput(title="Send the visa letters", days=-45, anchor="start"))
    save_task(
        soon,
        Task(),
        TaskInput(title="Book the venue", days=-90, anchor="start", status="done"),
        actor=staff_user,
    )
    db.session.commit()

    page = html.unescape(staff_client.get("/manage/").data.decode())
    pending = page[page.index("Registrations pending approval") : page.index("Seat offers")]
    assert "Workshop for Georgia" in pending and "2 pending" in pending
    offers = page[page.index("Seat offers running out") : page.index("Overdue tasks")]
    assert "Delegate 4" in offers
    overdue = page[page.index("Overdue tasks") : page.index("The next 90 days")]
    # Both overdue: the report of the past meeting, and the visa letters (25 days ago).
    assert "Write the final report" in overdue and "Send the visa letters" in overdue
    assert "Past meeting" in overdue and "Secretariat" in overdue
    upcoming = page[page.index("The next 90 days") : page.index("Recent changes")]
    assert "Workshop for Georgia" in upcoming and "Course next year" not in upcoming
    assert "4 / 10" in upcoming  # 2 pending, 1 approved, 1 with a running offer hold seats
    assert "1/2" in upcoming  # tasks done of all
    assert "Past meeting" not in upcoming
    changes = page[page.index("Recent changes") :]  # from the action log: who did what, where
    assert "Added the task Book the venue" in changes and "Staff Member" in changes
    assert "Workshop for Georgia" in changes


def test_the_home_of_a_new_site_says_what_to_do(staff_client):
    page = html.unescape(staff_client.get("/manage/").data.decode())
    assert "Nobody is waiting for approval." in page and "Nothing is late." in page
    assert "Add an event" in page


def test_the_home_is_for_staff_only(client, delegate_user):
    assert client.get("/manage/").status_code == 302


def test_the_home_runs_a_fixed_number_of_queries(staff_client, make, db, count_queries, today):
    counts = []
    number = 0
    for total in (10, 500):
        while number < total:
            number += 1
            event = make.event(
                date_text=(today + timedelta(days=number % 80)).isoformat(),
                capacity=5,
                commit=False,
            )
            register(db, event, "pending", number)
            save_task(event, Task(), TaskInput(title="Late", due_on=today - timedelta(days=1)))
            save_task(
                event, Task(), TaskInput(title="Done", days=-1, anchor="start", status="done")
            )
        db.session.commit()
        with count_queries() as queries:
            assert staff_client.get("/manage/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_staff_event_list_opens_on_upcoming_events(staff_client, make, today):
    make.event("Old workshop", "18-19 January 2004")
    make.event("Next workshop", (today + timedelta(days=30)).isoformat())
    page = staff_client.get("/manage/events/").data.decode()
    assert "Next workshop" in page and "Old workshop" not in page
    assert "1 upcoming event" in page and "Show past events too" in page
    page = staff_client.get("/manage/events/?past=1").data.decode()
    assert "Next workshop" in page and "Old workshop" in page
    assert "Old workshop" in staff_client.get("/manage/events/?year=2004").data.decode()
