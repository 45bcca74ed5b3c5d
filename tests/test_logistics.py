"""Logistics tasks: relative due dates that move with the window, templates per kind, the
dashboard, the weekly reminder and the year grid of a programme."""

import html
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from eventsapp.accounts.models import Role
from eventsapp.accounts.services import create_user
from eventsapp.logistics.models import Task
from eventsapp.logistics.services import TaskInput, save_task, send_weekly_reminders
from eventsapp.mail.models import OutboxEmail
from tests.test_events import VALID as EVENT_FORM
from tests.test_events import post_event

TASK = {
    "title": "Send the visa letters",
    "owner_id": "",
    "owner_name": "Logistics unit",
    "due": "before",
    "days": "45",
    "anchor": "start",
    "status": "to_do",
    "notes": "",
}


def tasks_url(event) -> str:
    return f"/manage/events/{event.id}/tasks/"


def tasks_of(db, event) -> list[Task]:
    return list(db.session.scalars(select(Task).where(Task.event_id == event.id).order_by(Task.id)))


def test_a_relative_due_date_moves_with_the_window(staff_client, make, db):
    event = make.event("Course", "2-6 May 2016", kind="specialization_course")
    assert staff_client.post(tasks_url(event), data=TASK).status_code == 302
    staff_client.post(
        tasks_url(event),
        data={**TASK, "title": "Final report", "due": "after", "days": "3", "anchor": "end"},
    )
    staff_client.post(
        tasks_url(event), data={**TASK, "title": "Fixed", "due": "fixed", "due_on": "2016-01-15"}
    )
    visa, report, fixed = tasks_of(db, event)
    assert visa.due_on == date(2016, 3, 18)  # 45 days before 2 May
    assert report.due_on == date(2016, 5, 9)  # 3 days after 6 May
    page = staff_client.get(tasks_url(event)).data.decode()
    assert "45 days before start" in page and "3 days after end" in page

    response = post_event(
        staff_client,
        f"/manage/events/{event.id}/edit",
        **{
            **EVENT_FORM,
            "title": "Course",
            "kind": "specialization_course",
            "date_text": "13-17 June 2016",
        },
    )
    assert response.status_code == 200
    db.session.expire_all()
    assert visa.due_on == date(2016, 4, 29)
    assert report.due_on == date(2016, 6, 20)
    assert fixed.due_on == date(2016, 1, 15)  # a fixed date stays


def test_an_approximate_window_gives_approximate_due_dates(staff_client, make, db):
    event = make.event("Consultations", "May/June 2012", kind="consultation")
    staff_client.post(tasks_url(event), data=TASK)
    (task,) = tasks_of(db, event)
    assert task.due_on == date(2012, 3, 17)  # against the window's start, 1 May
    assert task.approximate
    page = html.unescape(staff_client.get(tasks_url(event)).data.decode())
    assert "≈ 17 March 2012" in page and "approximate: the event is dated May – June 2012" in page


def test_the_template_of_the_kind_is_offered_and_added_once(staff_client, make, db):
    event = make.event("Course", "2-6 May 2016", kind="specialization_course")
    page = staff_client.get(tasks_url(event)).data.decode()
    assert "Add the 12 tasks of the template" in page
    staff_client.post(f"{tasks_url(event)}from-template")
    staff_client.post(f"{tasks_url(event)}from-template")
    titles = [t.title for t in tasks_of(db, event)]
    assert len(titles) == 12 and "Send the visa letters" in titles
    assert "Book the hotel block" in titles and "Issue the certificates of participation" in titles


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"due": "fixed", "due_on": ""}, "Give either a due date"),
        ({"days": ""}, "Give either a due date"),
        ({"days": "-3"}, "Number must be between 0 and 3660."),
        ({"owner_id": "999999"}, "Not a valid choice"),
        ({"title": ""}, "This field is required."),
        ({"due": "fixed", "due_on": "3016-01-01"}, ""),
    ],
)
def test_bad_task_input_is_refused_and_writes_nothing(staff_client, make, db, changes, message):
    event = make.event("Course", "2-6 May 2016")
    response = staff_client.post(tasks_url(event), data={**TASK, **changes})
    assert response.status_code == 400
    assert message in html.unescape(response.data.decode())
    assert tasks_of(db, event) == []


def test_the_dashboard_shows_overdue_and_soon_by_owner_and_my_tasks(
    staff_client, staff_user, make, db, today
):
    event = make.event("Soon", (today + timedelta(days=10)).isoformat())
    for title, days, owner in (
        ("Late one", -20, staff_user.id),
        ("Soon one", -5, None),
        ("Far one", 10, None),  # due in 20 days
    ):
        save_task(
            event,
            Task(),
            TaskInput(
                title=title,
                days=days,
                anchor="start",
                owner_id=owner,
                owner_name=None if owner else "IDEA",
            ),
        )
    done = save_task(
        event, Task(), TaskInput(title="Done one", days=-20, anchor="start", status="done")
    )
    db.session.commit()
    page = staff_client.get("/manage/tasks/").data.decode()
    assert "Late one" in page and "Soon one" in page
    assert "Far one" not in page and done.title not in page  # due in 5 days is in; 20 is not
    assert page.index("IDEA") < page.index("Staff Member")
    mine = staff_client.get("/manage/tasks/?mine=1").data.decode()
    assert "Late one" in mine and "Soon one" not in mine


def test_the_weekly_reminder_goes_to_each_owner_once_a_week(db, make, staff_user, today):
    other = create_user("other@example.org", Role.COORDINATOR, "long-enough-pass", name="Other")
    event = make.event("Past", (today - timedelta(days=3)).isoformat())
    save_task(
        event,
        Task(),
        TaskInput(title="Overdue A", due_on=today - timedelta(days=2), owner_id=staff_user.id),
    )
    save_task(
        event,
        Task(),
        TaskInput(title="Overdue B", due_on=today - timedelta(days=1), owner_id=staff_user.id),
    )
    save_task(
        event,
        Task(),
        TaskInput(title="Not yet", due_on=today + timedelta(days=1), owner_id=other.id),
    )
    db.session.commit()
    now = datetime.combine(today, datetime.min.time()) + timedelta(hours=8)
    assert send_weekly_reminders(now) == 1
    assert send_weekly_reminders(now + timedelta(hours=1)) == 0  # the same week
    (email,) = db.session.scalars(select(OutboxEmail)).all()
    assert email.to == "staff@example.org" and "Overdue A" in email.text_body
    assert "Overdue B" in email.text_body and "Not yet" not in email.text_body
    assert send_weekly_reminders(now + timedelta(days=7)) == 2  # next week: both owners late


def test_the_year_grid_shows_each_activity_by_month_with_its_tasks(staff_client, make, db):
    programme = make.programme("PPIEP", first_year=2011)
    meeting = make.event(
        "Third meeting of the Advisory Group",
        "May/June 2012",
        kind="advisory_group_meeting",
        programme_id=programme.id,
    )
    make.event("Launch", "Third week of September 2012", kind="launch", programme_id=programme.id)
    make.event("Elsewhere", "May 2013", programme_id=programme.id)
    save_task(
        meeting,
        Task(),
        TaskInput(
            title="Prepare structure of final report",
            days=-30,
            anchor="start",
            owner_name="Secretariat",
        ),
    )
    db.session.commit()
    page = html.unescape(
        staff_client.get(f"/manage/programmes/{programme.id}/plan/2012").data.decode()
    )
    assert "Action plan 2012 · PPIEP" in page
    assert "Third meeting of the Advisory Group" in page and "Launch" in page
    assert "Elsewhere" not in page
    assert all(f'<th class="month-cell">{m}</th>' in page for m in ("I", "VI", "XII"))
    assert "Prepare structure of final report" in page and "≈ 1 April 2012" in page
    assert staff_client.get(f"/manage/programmes/{programme.id}/plan/1800").status_code == 404


def test_the_year_grid_and_dashboard_run_a_fixed_number_of_queries(
    staff_client, make, db, count_queries, today
):
    programme = make.programme("Big", first_year=2011)
    counts = []
    for total in (10, 500):
        while len(tasks_of_programme(db, programme)) < total:
            event = make.event(
                date_text=(today + timedelta(days=5)).isoformat(),
                programme_id=programme.id,
                commit=False,
            )
            save_task(
                event, Task(), TaskInput(title="Task", days=-1, anchor="start", owner_name="Unit")
            )
        db.session.commit()
        with count_queries() as grid:
            assert (
                staff_client.get(f"/manage/programmes/{programme.id}/plan/{today.year}").status_code
                == 200
            )
        with count_queries() as dashboard:
            assert staff_client.get("/manage/tasks/").status_code == 200
        counts.append((len(grid), len(dashboard)))
    assert counts[0] == counts[1]


def tasks_of_programme(db, programme):
    from eventsapp.catalogue.models import Event

    return db.session.scalars(
        select(Task.id).join(Task.event).where(Event.programme_id == programme.id)
    ).all()
