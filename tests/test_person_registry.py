"""The person registry: a returning delegate known at approval, a person's page, the search."""

import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from eventsapp.accounts.models import Role
from eventsapp.accounts.services import create_user
from eventsapp.agenda.models import AgendaSession, Speaker
from eventsapp.attendance.models import EvaluationReceipt
from eventsapp.core.actions import LoggedAction
from eventsapp.core.clock import utcnow
from eventsapp.documents.models import DocumentKind
from eventsapp.documents.services import issue, revoke
from eventsapp.people.models import Person
from eventsapp.people.persons import person_for_address
from eventsapp.registration.models import Registration
from tests.conftest import login


def a_person(db, email, name="Rosa Quispe Mamani", country="PE", organisation=None):
    person = person_for_address(
        email,
        utcnow(),
        name=name,
        gender="female",
        country_code=country,
        organisation=organisation,
        position="Head of training",
    )
    db.session.commit()
    return person


def registered(
    db,
    event,
    person,
    status,
    email=None,
    role="delegate",
    organisation=None,
    position="Head of training",
):
    registration = Registration(
        event_id=event.id,
        person_id=person.id,
        name=person.name,
        gender="female",
        email=email or person.emails[0].email,
        country_code=person.country_code or "MX",
        organisation_id=organisation.id if organisation else None,
        position=position,
        role=role,
        status=status,
        consent_at=utcnow(),
    )
    db.session.add(registration)
    db.session.commit()
    return registration


def certificate(db, registration):
    document = issue(DocumentKind.CERTIFICATE, [registration], utcnow(), None)[0]
    db.session.commit()
    return document


def text_of(page: bytes) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", page.decode()).split())


@pytest.fixture
def workshops(make):
    return [
        make.event(title=f"Workshop {year}", date_text=f"18-19 May {year}", kind="workshop")
        for year in (2014, 2016)
    ] + [make.event(title="Internship 2015", date_text="1-12 June 2015", kind="internship")]


# ---------------------------------------------------------------- at approval


def test_staff_see_at_approval_that_a_delegate_is_coming_back(staff_client, db, make, workshops):
    rosa = a_person(db, "rosa@onpe.gob.pe")
    w2014, w2016, internship = workshops
    registered(db, w2014, rosa, "attended")
    certificate(db, registered(db, w2016, rosa, "attended"))
    registered(db, internship, rosa, "declined")  # not attended: not in her past
    newcomer = a_person(db, "new@example.org", name="Nuevo Participante")
    upcoming = make.open_event(capacity=10)
    registered(db, upcoming, rosa, "pending")
    registered(db, upcoming, newcomer, "pending")

    page = staff_client.get(f"/manage/events/{upcoming.id}/participants")

    text = text_of(page.data)
    assert "Attended: International workshop 2014 and 2016 · certificate 2016" in text
    assert text.count("Attended:") == 1  # nothing for the newcomer
    assert f'href="/manage/people/{rosa.id}"' in page.data.decode()


def test_a_revoked_certificate_is_not_told_and_kinds_read_in_the_visitors_language(
    staff_client, db, make, workshops
):
    rosa = a_person(db, "rosa@onpe.gob.pe")
    w2014, w2016, internship = workshops
    revoke(certificate(db, registered(db, w2014, rosa, "attended")), utcnow(), None)
    registered(db, w2016, rosa, "attended")
    registered(db, internship, rosa, "attended")
    db.session.commit()
    upcoming = make.open_event(capacity=10)
    registered(db, upcoming, rosa, "pending")

    english = text_of(staff_client.get(f"/manage/events/{upcoming.id}/participants").data)
    spanish = text_of(
        staff_client.get(
            f"/manage/events/{upcoming.id}/participants", headers={"Accept-Language": "es"}
        ).data
    )

    assert "International workshop 2014 and 2016; Internship 2015" in english
    assert "certificate" not in english.split("Internship 2015")[1][:20]
    assert "Taller internacional 2014 y 2016; Pasantía 2015" in spanish


def test_the_past_of_pending_delegates_is_read_in_a_fixed_number_of_queries(
    staff_client, db, make, workshops, count_queries
):
    upcoming = make.open_event(capacity=100)

    def participants_page_queries(returning: int) -> int:
        for n in range(returning):
            person = a_person(db, f"delegate{returning}-{n}@example.org", name=f"Delegate {n}")
            for event in workshops:
                registered(db, event, person, "attended")
            certificate(db, registered(db, make.event(date_text="2 July 2013"), person, "attended"))
            registered(db, upcoming, person, "pending")
        with count_queries() as queries:
            page = staff_client.get(f"/manage/events/{upcoming.id}/participants")
        assert page.data.decode().count("Attended:") >= returning
        return len(queries)

    assert participants_page_queries(2) == participants_page_queries(20)


# ---------------------------------------------------------------- the person's page


def test_the_person_page_tells_her_years(staff_client, db, make, workshops, staff_user):
    jne = make.organisation("Jurado Nacional de Elecciones", acronym="JNE", country="PE")
    onpe = make.organisation(
        "Oficina Nacional de Procesos Electorales", acronym="ONPE", country="PE"
    )
    rosa = a_person(db, "rosa@onpe.gob.pe", organisation=onpe)
    w2014, w2016, internship = workshops
    first = registered(db, w2014, rosa, "attended", organisation=jne, position="Analyst")
    db.session.add(EvaluationReceipt(registration_id=first.id, event_id=w2014.id))
    db.session.commit()
    certificate(db, registered(db, w2016, rosa, "attended", organisation=onpe))
    registered(db, internship, rosa, "withdrawn", organisation=onpe)
    speaker = Speaker(name="Rosa Quispe", name_key="rosa quispe", person_id=rosa.id)
    starts = datetime(2016, 5, 18, 10)
    session = AgendaSession(
        event_id=w2016.id,
        title="Voting from abroad in Peru",
        day=starts.date(),
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        timezone="America/Lima",
        kind="presentation",
    )
    session.people.append(speaker)
    account = create_user("rosa@onpe.gob.pe", Role.DELEGATE, None)
    account.person = rosa
    db.session.add(session)
    db.session.commit()

    page = staff_client.get(f"/manage/people/{rosa.id}")

    assert page.status_code == 200
    text = text_of(page.data)
    assert text.index("2016") < text.index("Workshop 2014")  # newest first
    assert "Workshop 2016" in text and "Internship 2015" in text
    assert "Spoke in: Voting from abroad in Peru" in text
    assert "attended · certificate" not in text  # the status says it already
    assert "certificate" in text and "evaluation sent" in text
    assert "Withdrawn" in text
    assert "2015–2016: Oficina Nacional de Procesos Electorales (ONPE) · Head of training" in text
    assert "2014: Jurado Nacional de Elecciones (JNE) · Analyst" in text
    assert "rosa@onpe.gob.pe" in text and "Account" in text
    looks = db.session.scalars(
        select(LoggedAction).where(LoggedAction.action == "person.looked_at")
    ).all()
    assert [(line.object_id, line.actor_id) for line in looks] == [(rosa.id, staff_user.id)]
    assert looks[0].sentence == "Looked at the record of Rosa Quispe Mamani"
    again = text_of(staff_client.get(f"/manage/people/{rosa.id}").data)
    assert again.count("Staff Member Looked at the record of Rosa Quispe Mamani") == 2


def test_staff_notes_are_saved_and_logged_and_a_long_one_refused(staff_client, db):
    rosa = a_person(db, "rosa@onpe.gob.pe")
    page = staff_client.get(f"/manage/people/{rosa.id}")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.data.decode()).group(1)

    too_long = staff_client.post(
        f"/manage/people/{rosa.id}/notes", data={"csrf_token": token, "notes": "x" * 5001}
    )
    assert too_long.status_code == 400
    assert "5000" in text_of(too_long.data)
    db.session.expire_all()
    assert db.session.get(Person, rosa.id).notes == ""

    saved = staff_client.post(
        f"/manage/people/{rosa.id}/notes",
        data={"csrf_token": token, "notes": "Speaks Quechua; ask her to facilitate."},
        follow_redirects=True,
    )
    assert "Speaks Quechua; ask her to facilitate." in saved.data.decode()
    assert db.session.get(Person, rosa.id).notes == "Speaks Quechua; ask her to facilitate."
    changed = db.session.scalars(
        select(LoggedAction).where(LoggedAction.action == "person.notes_changed")
    ).all()
    assert len(changed) == 1 and "Quechua" not in str(changed[0].data)


def test_a_merged_person_leads_to_the_one_kept(staff_client, db):
    kept = a_person(db, "rosa@onpe.gob.pe")
    merged = a_person(db, "rquispe@gmail.com", name="Rosa Quispe")
    merged.merged_into_id = kept.id
    db.session.commit()

    page = staff_client.get(f"/manage/people/{merged.id}")

    assert page.status_code == 302
    assert page.headers["Location"].endswith(f"/manage/people/{kept.id}")
    assert staff_client.get("/manage/people/999999").status_code == 404


def test_only_staff_see_people(client, db, delegate_user):
    rosa = a_person(db, "rosa@onpe.gob.pe")
    login(client, delegate_user)
    assert client.get(f"/manage/people/{rosa.id}").status_code in (403, 404)
    assert "Rosa" not in client.get("/manage/people/").data.decode()


# ---------------------------------------------------------------- searching


def test_people_are_found_by_their_names_words_country_and_organisation(staff_client, db, make):
    onpe = make.organisation("ONPE", country="PE")
    rosa = a_person(db, "rosa@onpe.gob.pe", name="María José Quispe Mamani", organisation=onpe)
    a_person(db, "ana@ine.mx", name="Ana García López", country="MX")
    merged = a_person(db, "maria@gmail.com", name="Maria Jose Quispe")
    merged.merged_into_id = rosa.id
    erased = a_person(db, "gone@example.org", name="Quispe Gone")
    erased.erased_at = utcnow()
    db.session.commit()

    found = text_of(staff_client.get("/manage/people/?q=maria+quispe").data)
    assert "María José Quispe Mamani" in found
    assert "Maria Jose Quispe" not in found  # merged: left out
    assert "Ana García" not in found

    assert "Ana García López" in text_of(staff_client.get("/manage/people/?q=GARCIA").data)
    assert "Ana García" in text_of(staff_client.get("/manage/people/?q=ana@ine.mx").data)
    by_country = text_of(staff_client.get("/manage/people/?country=mx").data)
    assert "Ana García López" in by_country and "Mamani" not in by_country
    by_organisation = text_of(staff_client.get(f"/manage/people/?organisation={onpe.id}").data)
    assert "Mamani" in by_organisation and "Ana" not in by_organisation
    erased_shown = text_of(staff_client.get("/manage/people/?q=quispe").data)
    assert "a participant" in erased_shown and "Gone" not in erased_shown
    refused = staff_client.get("/manage/people/?country=ZZ")
    assert refused.status_code == 400
    assert "country must be an ISO 3166 code" in text_of(refused.data)
    for hostile in ("%00", "x" * 5000, "%25_%25", "' OR 1=1 --"):
        assert staff_client.get(f"/manage/people/?q={hostile}").status_code < 500


# ---------------------------------------------------------------- query counts


@pytest.mark.parametrize("url", ["/manage/people/", "/manage/people/?q=person", "person"])
def test_people_pages_run_a_fixed_number_of_queries_with_10_and_1000_people(
    staff_client, db, make, count_queries, url, workshops
):
    rosa = a_person(db, "rosa@onpe.gob.pe")
    for event in workshops:
        registered(db, event, rosa, "attended")
    db.session.add(Speaker(name="Rosa Quispe", name_key="rosa quispe", person_id=rosa.id))
    target = f"/manage/people/{rosa.id}" if url == "person" else url

    def queries_with(number: int) -> int:
        present = db.session.scalar(select(func.count()).select_from(Person))
        db.session.add_all(
            Person(name=f"Person {n}", name_key=f"{n} person", country_code="MX")
            for n in range(present, number)
        )
        db.session.commit()
        with count_queries() as queries:
            page = staff_client.get(target)
        assert page.status_code == 200
        return len(queries)

    assert queries_with(10) == queries_with(1000)


def test_the_person_page_runs_as_many_queries_for_two_events_as_for_twelve(
    staff_client, db, make, count_queries
):
    def queries_with(events: int) -> int:
        person = a_person(db, f"p{events}@example.org", name=f"Delegate {events}")
        for year in range(2010, 2010 + events):
            event = make.event(date_text=f"18-19 May {year}", kind="workshop")
            certificate(db, registered(db, event, person, "attended"))
            speaker = Speaker(name=f"D {events} {year}", name_key=f"d {events} {year}")
            speaker.person_id = person.id
            starts = datetime(year, 5, 18, 10)
            session = AgendaSession(
                event_id=event.id,
                title="Panel",
                day=starts.date(),
                starts_at=starts,
                ends_at=starts + timedelta(hours=1),
                timezone="UTC",
                kind="panel",
            )
            session.people.append(speaker)
            db.session.add(session)
        db.session.commit()
        with count_queries() as queries:
            page = staff_client.get(f"/manage/people/{person.id}")
        assert page.data.decode().count("certificate DOC-") == events
        return len(queries)

    assert queries_with(2) == queries_with(12)


def test_a_huge_organisation_id_is_refused_beside_the_field(staff_client, db):
    huge = "9" * 20
    page = staff_client.get(f"/manage/people/?organisation={huge}")
    assert page.status_code == 400 and "organisation must be an organisation" in page.text
    answer = staff_client.get(f"/api/v1/people?organisation={huge}")
    assert answer.status_code == 400 and "error" in answer.get_json()
