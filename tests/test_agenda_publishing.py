"""Staff publish or unpublish several sessions of an agenda at once: the ticked ones change, the
public page, the event's calendar file and its ETag follow, the History says who did it; what is
not this event's, or not a session, changes nothing and never fails."""

from datetime import date, time

import pytest
from sqlalchemy import select

from eventsapp.agenda.models import AgendaSession
from eventsapp.catalogue.models import Event
from eventsapp.core.actions import LoggedAction
from tests.calendar_helpers import add_session, check_feed, vevents


@pytest.fixture
def course(make):
    return make.event("Electronic Voting from Abroad", "April 18th-22nd", year=2016)


@pytest.fixture
def drafted(db, course):
    """A morning published, then three sessions not published yet (as a template drafts them)."""
    opening = add_session(db, course, date(2016, 4, 18), title="Opening")
    drafts = [
        add_session(
            db, course, date(2016, 4, 18), time(11 + n), time(12 + n), title=title, published=False
        )
        for n, title in enumerate(["Country presentations", "Panel on results", "Conclusions"])
    ]
    return opening, drafts


def publish(client, event, ids, value="1", **extra):
    data = {"ids": [str(i) for i in ids], "publish": value, **extra}
    return client.post(f"/manage/events/{event.id}/agenda/publish", data=data)


def published(db, event) -> dict[str, bool]:
    db.session.expire_all()
    rows = db.session.scalars(select(AgendaSession).where(AgendaSession.event_id == event.id))
    return {s.title: s.published for s in rows}


def lines(db) -> list[tuple[str, str, str]]:
    rows = db.session.scalars(select(LoggedAction).order_by(LoggedAction.id))
    return [(line.action, line.label, line.who) for line in rows if "session" in line.action]


def test_ticked_sessions_are_published_at_once(staff_client, client, db, course, drafted):
    opening, (presentations, panel, _conclusions) = drafted
    feed = client.get(f"/events/{course.id}.ics")
    assert len(vevents(check_feed(feed.data))) == 2  # the event and its opening
    before = db.session.get(Event, course.id).updated_at

    response = publish(staff_client, course, [opening.id, presentations.id, panel.id])
    assert response.status_code == 302
    page = staff_client.get(response.headers["Location"]).text
    assert "Published 2 sessions." in page  # the opening was published already

    assert published(db, course) == {
        "Opening": True,
        "Country presentations": True,
        "Panel on results": True,
        "Conclusions": False,
    }
    public = client.get(f"/events/{course.id}").text
    assert "Panel on results" in public and "Conclusions" not in public
    # The event's calendar file shows them: its ETag no longer matches, as for one session.
    again = client.get(f"/events/{course.id}.ics", headers={"If-None-Match": feed.headers["ETag"]})
    assert again.status_code == 200
    summaries = [str(e["SUMMARY"]) for e in vevents(check_feed(again.data)).values()]
    assert "Country presentations" in summaries and "Conclusions" not in summaries
    assert db.session.get(Event, course.id).updated_at > before

    assert lines(db) == [
        ("agenda_session.published", "Country presentations", "Staff Member"),
        ("agenda_session.published", "Panel on results", "Staff Member"),
    ]
    history = staff_client.get(f"/manage/events/{course.id}/history").text
    assert "Published the session Panel on results" in history


def test_ticked_sessions_are_unpublished_at_once(staff_client, client, db, course, drafted):
    opening, (presentations, *_) = drafted
    publish(staff_client, course, [presentations.id])
    response = publish(staff_client, course, [opening.id, presentations.id], value="0")
    assert "Unpublished 2 sessions." in staff_client.get(response.headers["Location"]).text
    assert not any(published(db, course).values())
    assert "Opening" not in client.get(f"/events/{course.id}").text
    assert lines(db)[-2:] == [
        ("agenda_session.unpublished", "Opening", "Staff Member"),
        ("agenda_session.unpublished", "Country presentations", "Staff Member"),
    ]
    response = publish(staff_client, course, [opening.id])
    assert "Published 1 session." in staff_client.get(response.headers["Location"]).text


def test_nothing_ticked_or_nothing_to_change_says_so(staff_client, db, course, drafted):
    opening, drafts = drafted
    before = db.session.get(Event, course.id).updated_at
    response = publish(staff_client, course, [])
    assert "Tick the sessions first." in staff_client.get(response.headers["Location"]).text
    response = publish(staff_client, course, [opening.id])
    page = staff_client.get(response.headers["Location"]).text
    assert "Nothing changed: the ticked sessions were published already." in page
    response = publish(staff_client, course, [d.id for d in drafts], value="0")
    page = staff_client.get(response.headers["Location"]).text
    assert "Nothing changed: the ticked sessions were unpublished already." in page
    assert lines(db) == []
    assert db.session.get(Event, course.id).updated_at == before  # the feeds did not move


def test_another_events_sessions_and_hostile_input_change_nothing(
    staff_client, db, make, course, drafted
):
    other = make.event("Another event", "May 5th and 6th", year=2016)
    theirs = add_session(db, other, date(2016, 5, 5), title="Theirs", published=False)
    for ids in (
        [theirs.id],
        ["abc", "", "-1", "1e3", "²", "99999999999", str(2**31), " " * 10_000],
        [str(n) for n in range(100_000, 140_000)],  # more ids than SQLite takes in one query
    ):
        assert publish(staff_client, course, ids).status_code == 302
    assert publish(staff_client, course, ["\x00"]).status_code == 400  # refused as any NUL is
    assert published(db, other) == {"Theirs": False}
    assert list(published(db, course).values()) == [True, False, False, False]
    for value in ("", "2", "yes", "\x00"):
        assert publish(staff_client, course, [drafted[1][0].id], value=value).status_code == 400
    missing = staff_client.post(
        f"/manage/events/{other.id + 1000}/agenda/publish", data={"ids": "1", "publish": "1"}
    )
    assert missing.status_code == 404
    assert lines(db) == []


def test_publishing_one_session_from_its_form_is_in_the_history_too(
    staff_client, db, course, drafted
):
    _opening, (presentations, *_) = drafted
    url = f"/manage/events/{course.id}/agenda/{presentations.id}/edit"
    form = {
        "day": "2016-04-18",
        "start_time": "11:00",
        "end_time": "12:00",
        "timezone": "America/Mexico_City",
        "title": "Country presentations",
        "kind": "presentation",
        "language": "",
        "published": "y",
    }
    assert staff_client.post(url, data=form).status_code == 302
    staff_client.post(url, data={**form, "title": "Country presentations (2)"})  # still published
    assert lines(db) == [("agenda_session.published", "Country presentations", "Staff Member")]


def test_the_agenda_page_ticks_sessions_for_one_form(staff_client, course, drafted):
    """Each row's box belongs to the publishing form (each row holds a Delete form of its own),
    and the unpublished ones are marked as such."""
    page = staff_client.get(f"/manage/events/{course.id}/agenda/").text
    assert page.count('form="publish-sessions" name="ids"') == 4
    assert 'id="publish-sessions"' in page and 'name="csrf_token"' in page
    assert page.count('class="is-draft"') == 3 and page.count("not published") == 3
