"""Agendas drafted from the methodologies' templates, and the clashes refused with a message
naming the other session."""

import html

import pytest
from sqlalchemy import select

from eventsapp.agenda.drafting import Stage, place_stages
from eventsapp.agenda.models import AgendaSession, AgendaTemplate
from tests.test_agenda import VALID, agenda_url


@pytest.fixture
def course(make):
    return make.event("Electoral Justice Course", "2-6 May 2016", kind="specialization_course")


def post_session(client, event, **changes):
    return client.post(agenda_url(event), data={**VALID, **changes})


def sessions_of(db, event) -> list[AgendaSession]:
    return list(
        db.session.scalars(
            select(AgendaSession)
            .where(AgendaSession.event_id == event.id)
            .order_by(AgendaSession.starts_at)
        )
    )


def test_a_coordinator_drafts_a_course_from_its_template_and_fixes_a_room_clash(
    staff_client, course, db
):
    page = staff_client.get(agenda_url(course)).data.decode()
    assert "Specialization course: five stages" in page

    response = staff_client.post(
        f"{agenda_url(course)}from-template",
        data={"t-template": "kind", "t-timezone": "America/Mexico_City"},
        follow_redirects=True,
    )
    assert "Drafted 5 sessions." in html.unescape(response.data.decode())
    drafted = sessions_of(db, course)
    assert [s.kind for s in drafted] == [
        "presentation",
        "plenary_discussion",
        "team_work",
        "country_presentations",
        "recommendations_conclusions",
    ]
    assert [s.day.day for s in drafted] == [2, 3, 4, 5, 6]  # one stage a day, 2–6 May
    assert all(s.timezone == "America/Mexico_City" and not s.published for s in drafted)
    assert drafted[0].starts_at.hour == 14  # 09:00 in Mexico City (CDT), in UTC

    # Two sessions in Sala 1: 09:00–10:30, then 10:00–11:00 is refused, naming the first.
    first = drafted[0]
    edit = f"{agenda_url(course)}{first.id}/edit"
    data = {**VALID, "day": "2016-05-02", "title": first.title, "kind": first.kind, "speakers": ""}
    assert staff_client.post(edit, data={**data, "room": "Sala 1"}).status_code == 302
    clash = {
        **VALID,
        "day": "2016-05-02",
        "start_time": "10:00",
        "end_time": "11:00",
        "room": "Sala 1",
        "speakers": "",
        "title": "Side meeting",
    }
    response = staff_client.post(agenda_url(course), data=clash)
    assert response.status_code == 400
    page = html.unescape(response.data.decode())
    assert f"Sala 1 is taken at that time by “{first.title}” (2016-05-02, 09:00–10:30)" in page
    assert len(sessions_of(db, course)) == 5  # nothing written

    # Fixed: another room.
    response = staff_client.post(agenda_url(course), data={**clash, "room": "Sala 2"})
    assert response.status_code == 302
    assert len(sessions_of(db, course)) == 6


def test_a_break_marked_so_may_share_the_room(staff_client, course, db):
    assert post_session(staff_client, course, day="2016-05-02", room="Sala 1").status_code == 302
    coffee = {
        "day": "2016-05-02",
        "start_time": "10:00",
        "end_time": "10:30",
        "room": "Sala 1",
        "title": "Coffee",
        "kind": "break",
        "speakers": "",
    }
    assert post_session(staff_client, course, **coffee).status_code == 400  # not marked
    assert post_session(staff_client, course, **coffee, shares_room="y").status_code == 302


def test_a_speaker_cannot_be_in_two_places_at_once(staff_client, course, make, db):
    other = make.event("Seminar elsewhere", "2-3 May 2016", kind="seminar")
    assert post_session(staff_client, course, day="2016-05-02").status_code == 302
    response = post_session(
        staff_client,
        other,
        day="2016-05-02",
        start_time="10:00",
        end_time="12:00",
        room="Auditorio",
        speakers="lorenzo  córdova, President",
        title="Panel",
    )
    assert response.status_code == 400
    page = html.unescape(response.data.decode())
    assert "Lorenzo Córdova speaks at that time in “Opening and presentation" in page
    # Back to back is not a clash.
    later = post_session(
        staff_client,
        other,
        day="2016-05-02",
        start_time="10:30",
        end_time="12:00",
        room="Auditorio",
        title="Panel",
    )
    assert later.status_code == 302


def test_the_days_and_the_end_rules_still_hold(staff_client, course):
    page = html.unescape(post_session(staff_client, course, day="2016-05-09").data.decode())
    assert "Choose a day within the event's dates" in page
    page = html.unescape(
        post_session(staff_client, course, day="2016-05-02", end_time="08:00").data.decode()
    )
    assert "The session must end after it starts." in page


def test_a_template_drafts_only_an_empty_agenda(staff_client, course, db):
    post_session(staff_client, course, day="2016-05-02")
    response = staff_client.post(
        f"{agenda_url(course)}from-template",
        data={"t-template": "kind", "t-timezone": "America/Mexico_City"},
    )
    assert response.status_code == 400
    assert "templates draft only an empty one" in html.unescape(response.data.decode())
    assert len(sessions_of(db, course)) == 1


def test_an_agenda_saved_as_a_template_drafts_another_event(staff_client, course, make, db):
    post_session(staff_client, course, day="2016-05-03", room="Sala 1")
    response = staff_client.post(
        f"{agenda_url(course)}save-as-template", data={"s-name": "Our course"}
    )
    assert response.status_code == 302
    template = db.session.scalar(select(AgendaTemplate))
    assert [(i.day, i.starts.hour) for i in template.items] == [(2, 9)]
    again = staff_client.post(
        f"{agenda_url(course)}save-as-template", data={"s-name": "Our course"}
    )
    assert "A template is called Our course already." in html.unescape(again.data.decode())

    other = make.event("Another course", "9-13 May 2016", kind="specialization_course")
    response = staff_client.post(
        f"{agenda_url(other)}from-template",
        data={"t-template": str(template.id), "t-timezone": "Europe/Madrid"},
    )
    assert response.status_code == 302
    (drafted,) = sessions_of(db, other)
    assert drafted.day.isoformat() == "2016-05-10" and drafted.timezone == "Europe/Madrid"


def test_an_advisory_group_meeting_gets_a_session_per_purpose(staff_client, make, db):
    meeting = make.event(
        "First meeting of the Advisory Group",
        "18-19 January 2011",
        kind="advisory_group_meeting",
        purpose=[
            "Agree on a Terms of Reference",
            "Determine research needs",
            "Mapping",
            "Prepare the Commission",
            "Anything else",
        ],
    )
    staff_client.post(
        f"{agenda_url(meeting)}from-template",
        data={"t-template": "kind", "t-timezone": "Europe/Stockholm"},
    )
    drafted = sessions_of(db, meeting)
    assert [s.title for s in drafted][:2] == [
        "Agree on a Terms of Reference",
        "Determine research needs",
    ]
    assert [s.day.day for s in drafted] == [18, 18, 18, 18, 19]


def test_bad_template_input_is_refused(staff_client, course, db):
    for data in (
        {"t-template": "999", "t-timezone": "UTC"},
        {"t-template": "kind", "t-timezone": "Mars/Olympus"},
    ):
        response = staff_client.post(f"{agenda_url(course)}from-template", data=data)
        assert response.status_code == 400
    assert sessions_of(db, course) == []


def test_merged_days_follow_each_other_and_too_much_is_refused():
    from datetime import date, time

    stages = [Stage(d, time(9), time(13), f"Stage {d}", "presentation") for d in (1, 2, 3)]
    placed = place_stages(stages, 3, date(2016, 5, 2), 1)
    assert [(s.starts.hour, s.ends.hour) for _day, s in placed] == [(9, 13), (13, 17), (17, 21)]
    placed = place_stages(stages, 3, date(2016, 5, 2), 6)  # three template days over six
    assert [day.day for day, _stage in placed] == [2, 4, 6]
    with pytest.raises(Exception, match="does not fit"):
        place_stages(stages * 2, 3, date(2016, 5, 2), 1)
