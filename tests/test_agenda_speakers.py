"""Speakers as people: one record across sessions and events, with an organisation and a
country; the programme booklet lists them."""

import html

from sqlalchemy import select

from eventsapp.agenda.models import Speaker
from tests.test_agenda import VALID, agenda_url


def test_speakers_become_people_shared_across_sessions_and_events(staff_client, make, db):
    course = make.event("Course", "18-22 April 2016", kind="specialization_course")
    forum = make.event("Forum", "5-7 October 2016", kind="conference")
    ine = make.organisation("Instituto Nacional Electoral", acronym="INE")
    staff_client.post(agenda_url(course), data=VALID)
    staff_client.post(
        agenda_url(forum),
        data={**VALID, "day": "2016-10-05", "speakers": "LORENZO CÓRDOVA, President of INE"},
    )
    people = db.session.scalars(select(Speaker).order_by(Speaker.name)).all()
    assert [p.name for p in people] == ["José Luis Vargas", "Lorenzo Córdova"]
    lorenzo = people[1]
    assert lorenzo.role == "INE"  # as first written

    page = html.unescape(staff_client.get(f"{agenda_url(forum)}speakers/").data.decode())
    assert "Lorenzo Córdova" in page and "José Luis Vargas" not in page
    response = staff_client.post(
        f"{agenda_url(forum)}speakers/{lorenzo.id}",
        data={
            "name": "Lorenzo Córdova Vianello",
            "role": "Councillor President",
            "organisation_id": str(ine.id),
            "country_code": "MX",
        },
    )
    assert response.status_code == 302
    booklet = html.unescape(staff_client.get(f"{agenda_url(course)}booklet").data.decode())
    assert "Lorenzo Córdova Vianello</strong>, Councillor President · Instituto Nacional" in booklet
    assert "Mexico" in booklet and "09:00–10:30" in booklet


def test_a_speaker_name_taken_or_a_bad_choice_is_refused(staff_client, make, db):
    course = make.event("Course", "18-22 April 2016")
    staff_client.post(agenda_url(course), data=VALID)
    lorenzo, jose = (
        db.session.scalar(select(Speaker).where(Speaker.name_key == key))
        for key in ("lorenzo córdova", "josé luis vargas")
    )
    url = f"{agenda_url(course)}speakers/{lorenzo.id}"
    for data, message in (
        ({"name": "josé luis  VARGAS"}, "Another speaker is called"),
        ({"name": "Lorenzo", "organisation_id": "999999"}, "Not a valid choice"),
        ({"name": "Lorenzo", "country_code": "XX"}, "Not a valid choice"),
        ({"name": ""}, "This field is required."),
    ):
        response = staff_client.post(
            url, data={"role": "", "organisation_id": "", "country_code": "", **data}
        )
        assert response.status_code == 400
        assert message in html.unescape(response.data.decode())
    db.session.expire_all()
    assert lorenzo.name == "Lorenzo Córdova" and jose.name == "José Luis Vargas"
