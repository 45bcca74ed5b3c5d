"""Attendance per agenda session, through HTTP: check-in to a session by badge and by name, the
printed sheet and its entry afterwards, who attended what, and hostile input."""

import re
from datetime import date
from urllib.parse import urlencode

import lxml.html
import pytest
from sqlalchemy import func, select

from eventsapp.attendance.models import CheckIn, SessionCheckIn
from eventsapp.attendance.sessions import (
    attendance_per_session,
    countable_sessions,
    sessions_attended,
)
from eventsapp.core.actions import LoggedAction
from tests.documents_helpers import badge_code
from tests.session_helpers import add_sessions
from tests.test_attendance import participants

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
D1, D2 = date(2016, 1, 18), date(2016, 1, 19)


@pytest.fixture
def course(make):
    return make.event(
        title="Specialization course", kind="specialization_course", date_text="18-19 January 2016"
    )


@pytest.fixture
def sessions(db, course):
    return add_sessions(db, course, {D1: ["Opening", "Voter lists"], D2: ["Tallying"]})


def session_check_ins(db):
    return sorted(
        (c.registration_id, c.session_id, c.source)
        for c in db.session.scalars(select(SessionCheckIn))
    )


def test_check_in_to_a_session_by_badge_and_by_name(staff_client, db, course, sessions):
    a, b, *_ = participants(db, course)
    opening, lists, _tallying = sessions
    url = f"/manage/events/{course.id}/check-in"
    page = staff_client.get(url, query_string={"day": "2016-01-18"}).text
    assert "Opening" in page and "Voter lists" in page and "Lunch" not in page
    as_json = {"Accept": "application/json"}
    scanned = staff_client.post(
        url,
        data={"token": badge_code(a), "day": "2016-01-18", "session": str(opening.id)},
        headers=as_json,
    ).get_json()
    assert scanned["outcome"] == "in"
    assert scanned["message"] == "Officer A is checked in to Opening."
    assert scanned["session"] == {"id": opening.id, "title": "Opening"}
    assert scanned["counter"] == "1 of 2 in Opening"
    by_name = staff_client.post(
        url,
        data={"registration_id": str(b.id), "day": "2016-01-18", "session": str(lists.id)},
        follow_redirects=True,
    )
    assert "Officer B is checked in to Voter lists." in by_name.text
    again = staff_client.post(
        url,
        data={"token": badge_code(a), "day": "2016-01-18", "session": str(opening.id)},
        headers=as_json,
    ).get_json()
    assert again["outcome"] == "already"
    assert session_check_ins(db) == [(a.id, opening.id, "scan"), (b.id, lists.id, "scan")]
    # Checked in to a session is checked in for its day too.
    assert sorted((c.registration_id, c.day) for c in db.session.scalars(select(CheckIn))) == [
        (a.id, D1),
        (b.id, D1),
    ]
    people = staff_client.get(
        f"{url}/people", query_string={"q": "officer", "day": "2016-01-18", "session": opening.id}
    ).get_json()
    assert [p["in"] for p in people["people"]] == [True, False]
    assert people["counter"] == "1 of 2 in Opening"
    assert sessions_attended(course.id) == {a.id: 1, b.id: 1}
    assert [(s.title, n) for s, n in attendance_per_session(course.id)] == [
        ("Opening", 1),
        ("Voter lists", 1),
        ("Tallying", 0),
    ]


def submitted(form) -> str:
    """The query a browser sends for a GET form: its fields in the page's order."""
    return urlencode(form.form_values())


def test_a_session_chosen_on_the_page_stays_chosen_and_takes_the_check_ins(
    staff_client, db, course, sessions
):
    _a, b, *_ = participants(db, course)
    _opening, lists, _tallying = sessions
    url = f"/manage/events/{course.id}/check-in"
    page = lxml.html.fromstring(staff_client.get(url, query_string={"day": "2016-01-18"}).text)
    (chooser,) = page.xpath("//form[.//select[@name='session']]")
    chooser.xpath(".//select[@name='session']")[0].value = str(lists.id)
    shown = lxml.html.fromstring(staff_client.get(f"{url}?{submitted(chooser)}").text)
    chosen = shown.xpath("//select[@name='session']/option[@selected]/text()")
    assert [text.strip() for text in chosen] == ["10:00 Voter lists"]
    assert "0 of 2 in Voter lists" in shown.text_content()
    # Finding a name, then pressing Check in, checks in to the session chosen.
    (search,) = shown.xpath("//form[@data-people-search]")
    search.xpath(".//input[@name='q']")[0].value = "Officer B"
    found = lxml.html.fromstring(staff_client.get(f"{url}?{submitted(search)}").text)
    (button,) = found.xpath("//ul[@data-people]//button[@name='registration_id']")
    form = button.getparent()
    checked = staff_client.post(
        url,
        data={**dict(form.form_values()), button.get("name"): button.get("value")},
        follow_redirects=True,
    )
    assert "Officer B is checked in to Voter lists." in checked.text
    assert session_check_ins(db) == [(b.id, lists.id, "scan")]


def test_hostile_sessions_are_refused_and_write_nothing(staff_client, db, make, course, sessions):
    a, *_ = participants(db, course)
    other = make.event(title="Another course", date_text="18-19 January 2016")
    (elsewhere,) = add_sessions(db, other, {D1: ["Elsewhere"]}, with_break=False)
    url = f"/manage/events/{course.id}/check-in"
    as_json = {"Accept": "application/json"}
    token = badge_code(a)
    for session in ("x", "99999999999", str(elsewhere.id), "1\x00", str(sessions[2].id)):
        answer = staff_client.post(
            url, data={"token": token, "day": "2016-01-18", "session": session}, headers=as_json
        )
        assert answer.status_code == 400 or answer.get_json()["outcome"] == "refused", session
    assert db.session.scalar(select(func.count(SessionCheckIn.id))) == 0
    assert db.session.scalar(select(func.count(CheckIn.id))) == 0
    # The sheet of a day outside the event, or not a day, is not found (NUL bytes: a 400).
    for day in ("2016-01-25", "x\x00", "2016-02-30"):
        assert staff_client.get(
            f"/manage/events/{course.id}/attendance/sheet", query_string={"day": day}
        ).status_code in (400, 404)
    enter = f"/manage/events/{course.id}/attendance/sheet/enter?day=2016-01-18"
    for value in (f"{a.id}:{elsewhere.id}", "1\x00:2", f"{a.id}:{sessions[2].id}", "x"):
        refused = staff_client.post(enter, data={"present": [value]})
        assert refused.status_code == 400
        assert "not one of its own" in refused.text or "\x00" in value
    assert db.session.scalar(select(func.count(SessionCheckIn.id))) == 0
    assert db.session.scalar(select(func.count(CheckIn.id))) == 0


def test_the_sheet_is_printed_then_entered_and_unticking_removes(
    staff_client, db, course, sessions
):
    a, b, _declined, _ = participants(db, course)
    opening, lists, _tallying = sessions
    printed = staff_client.get(
        f"/manage/events/{course.id}/attendance/sheet", query_string={"day": "2016-01-18"}
    ).text
    assert "Opening" in printed and "Voter lists" in printed and "Lunch" not in printed
    assert "Tallying" not in printed and "Signature" in printed
    assert printed.index("Officer A") < printed.index("Officer B")
    assert "Officer C" not in printed  # declined: no place
    assert printed.count('class="box"') == 4
    enter = f"/manage/events/{course.id}/attendance/sheet/enter?day=2016-01-18"
    ticked = [f"{a.id}:{opening.id}", f"{a.id}:{lists.id}", f"{b.id}:{opening.id}"]
    saved = staff_client.post(enter, data={"present": ticked}, follow_redirects=True)
    assert "3 ticked, 0 unticked" in saved.text
    assert session_check_ins(db) == sorted(
        [(a.id, opening.id, "sheet"), (a.id, lists.id, "sheet"), (b.id, opening.id, "sheet")]
    )
    assert {c.registration_id for c in db.session.scalars(select(CheckIn))} == {a.id, b.id}
    page = staff_client.get(enter).text
    assert len(re.findall(r'type="checkbox"[^>]* checked', page)) == 3
    # B was ticked by mistake: unticked, it goes.
    staff_client.post(enter, data={"present": ticked[:2]})
    assert session_check_ins(db) == sorted([(a.id, opening.id, "sheet"), (a.id, lists.id, "sheet")])
    lines = list(
        db.session.scalars(
            select(LoggedAction)
            .where(LoggedAction.action == "event.attendance_sheet_entered")
            .order_by(LoggedAction.id)  # in the order written
        )
    )
    assert [(line.data["added"], line.data["removed"]) for line in lines] == [(3, 0), (0, 1)]
    attendance = staff_client.get(f"/manage/events/{course.id}/attendance").text
    assert "Attendance per session" in attendance
    assert re.search(r"Opening</td>\s*<td>1 / 2", attendance)
    assert "Opening; Voter lists" in attendance  # who attended what


def test_countable_sessions_leave_breaks_aside(db, course, sessions):
    assert [s.title for s in countable_sessions(course)] == ["Opening", "Voter lists", "Tallying"]


def test_the_sheet_and_the_attendance_page_run_fixed_queries(
    staff_client, db, course, sessions, count_queries
):
    from eventsapp.registration.models import Registration

    counts = []
    for total in (10, 500):
        existing = db.session.query(Registration).count()
        for n, person in enumerate(db.session.scalars(select(Registration))):
            person.email = f"p{total}-{n}@example.org"  # the helper's addresses repeat
        db.session.commit()
        people = participants(db, course, ["approved"] * (total - existing))
        db.session.add_all(
            SessionCheckIn(registration_id=r.id, session_id=sessions[n % 3].id, source="sheet")
            for n, r in enumerate(people)
        )
        db.session.commit()
        measured = []
        for url in (
            f"/manage/events/{course.id}/attendance/sheet?day=2016-01-18",
            f"/manage/events/{course.id}/attendance/sheet/enter?day=2016-01-18",
            f"/manage/events/{course.id}/attendance",
        ):
            with count_queries() as queries:
                page = staff_client.get(url)
            assert page.status_code == 200
            measured.append(len(queries))
        counts.append(measured)
    assert counts[0] == counts[1]
