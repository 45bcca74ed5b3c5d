"""The alumni directory (``/alumni/``): joining with consent and leaving, searching by country,
organisation, kind, topic and year, what fellow alumni see (the events they shared, an address
only if its owner chose), the staff's export, and a fixed number of queries."""

import csv
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from eventsapp.accounts.models import Role
from eventsapp.accounts.services import create_user
from eventsapp.catalogue.models import EventTranslation
from eventsapp.core.actions import LoggedAction
from eventsapp.core.clock import utcnow
from eventsapp.demo.services import load_demo
from eventsapp.people.models import Person, PersonEmail
from eventsapp.people.persons import new_person
from eventsapp.registration.models import Registration, Status
from tests.conftest import login


class People:
    """People with an account each, registrations attended, in the directory or not."""

    def __init__(self, db, make):
        self.db, self.make = db, make
        self.count = 0

    def person(self, name, country="PE", organisation=None, events=(), alumni=True, shows=False):
        self.count += 1
        email = f"person{self.count}@example.org"
        person = new_person(name, country_code=country, organisation=organisation)
        person.emails.append(PersonEmail(email=email))
        if alumni:
            person.alumni_since = utcnow()
            person.alumni_shows_email = shows
        user = create_user(email, Role.DELEGATE)
        user.person = person
        for event in events:
            self.db.session.add(
                Registration(
                    event_id=event.id,
                    person=person,
                    name=name,
                    gender="female",
                    email=email,
                    country_code=country or "MX",
                    status=Status.ATTENDED,
                    consent_at=utcnow(),
                )
            )
        self.db.session.commit()
        return person, user


@pytest.fixture
def people(db, make):
    return People(db, make)


@pytest.fixture
def held(make):
    """Three held events: a workshop of 2012, a voter registration course of 2013 (with a
    Spanish title), a technology course of 2014."""
    workshop = make.event(
        "Workshop for the electoral authority of Peru", "5-9 March 2012", status="held"
    )
    course = make.event(
        "Specialization Course on Voter Registration",
        "27-31 May 2013",
        kind="specialization_course",
        status="held",
        theme="Voter registration",
    )
    technology = make.event(
        "The Use of Technology in the Electoral Process",
        "10-14 November 2014",
        kind="specialization_course",
        status="held",
        block="V",
    )
    make.db.session.add(
        EventTranslation(
            event_id=course.id, locale="es", title="Curso sobre el registro de electores"
        )
    )
    make.db.session.commit()
    return workshop, course, technology


def names(page: str, candidates) -> list[str]:
    return [name for name in candidates if name in page]


def test_anonymous_visitors_sign_in_first(client, db):
    response = client.get("/alumni/")
    assert response.status_code == 302 and "/login" in response.location


def test_staff_find_an_alumnus_from_peru_by_topic_in_the_demo(staff_client, db):
    load_demo()
    db.session.commit()
    page = staff_client.get("/alumni/?country=PE&topic=voter+registration").text
    assert "Rosa Elena Huamán Torres" in page
    assert "Diego Andrade Villacís" not in page  # Ecuador
    page = staff_client.get("/alumni/?topic=voter+registration").text
    assert names(page, ["Rosa Elena Huamán Torres", "Diego Andrade Villacís"]) == [
        "Rosa Elena Huamán Torres",
        "Diego Andrade Villacís",
    ]
    assert "Nomvula Dlamini" not in page


def test_joining_needs_consent_and_is_logged_and_leaving_too(client, db, people, held):
    person, user = people.person("Ana Quispe", events=held[:1], alumni=False)
    login(client, user)
    page = client.get("/alumni/").text
    assert "Join the directory" in page and "Find alumni" not in page

    page = client.post("/alumni/join", data={"shows_email": "y"}).text
    assert "Tick this box to join the directory." in page
    db.session.expire_all()
    assert db.session.get(Person, person.id).alumni_since is None

    response = client.post("/alumni/join", data={"consent": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    person = db.session.get(Person, person.id)
    assert person.alumni_since is not None and person.alumni_shows_email is False
    assert "Find alumni" in client.get("/alumni/").text

    client.post("/alumni/leave")
    db.session.expire_all()
    assert db.session.get(Person, person.id).alumni_since is None
    lines = db.session.scalars(
        select(LoggedAction.action).where(LoggedAction.object_id == person.id)
    ).all()
    assert lines == ["person.alumni_joined", "person.alumni_left"]


def test_a_person_outside_the_directory_sees_no_one(client, db, people, held):
    people.person("Rosa Huamán", events=held)
    _, user = people.person("Curious Visitor", events=held, alumni=False)
    login(client, user)
    page = client.get("/alumni/?topic=voter").text
    assert "Rosa Huamán" not in page


def test_someone_who_took_part_in_nothing_yet_cannot_join(client, db, people, make):
    """A delegate whose only registration is to an event not yet begun is not an alumna: no
    join form, and a join sent anyway is refused with nothing written."""
    upcoming = make.event("A workshop to come", "5-9 March 2030")
    person, user = people.person("Nueva Delegada", events=[upcoming], alumni=False)
    login(client, user)
    page = client.get("/alumni/").text
    assert "Join the directory" not in page and "Once a registration of yours" in page
    refused = client.post("/alumni/join", data={"consent": "y"}, follow_redirects=True).text
    assert "The directory is for people who took part" in refused
    db.session.expire_all()
    assert db.session.get(Person, person.id).alumni_since is None


def test_an_account_without_a_person_is_told_how_to_join(client, db, delegate_user):
    login(client, delegate_user)
    page = client.get("/alumni/").text
    assert "Once a registration of yours is confirmed" in page
    assert client.post("/alumni/join", data={"consent": "y"}).status_code == 404


def test_alumni_see_shared_events_and_an_address_only_if_chosen(client, db, people, held):
    workshop, course, technology = held
    _, viewer = people.person("Viewer Alumna", events=[workshop, course])
    shows, _ = people.person("Shows Address", events=[course, technology], shows=True)
    hides, _ = people.person("Hides Address", events=[technology])
    login(client, viewer)
    page = client.get("/alumni/").text
    assert shows.emails[0].email in page
    assert hides.emails[0].email not in page
    card = page.split("Shows Address")[1].split("</li>\n")[0]
    assert "Specialization Course on Voter Registration" in page
    assert "The Use of Technology" not in page  # the viewer was not there
    assert "Events you shared" in card


def test_choosing_to_show_the_address(client, db, people, held):
    person, user = people.person("Ana Quispe", events=held[:1])
    _, other = people.person("Fellow", events=held[:1])
    login(client, user)
    client.post("/alumni/address", data={"shows_email": "y"})
    login(client, other)
    assert person.emails[0].email in client.get("/alumni/").text
    line = db.session.scalar(
        select(LoggedAction).where(LoggedAction.action == "person.alumni_address")
    )
    assert line.data["changes"] == {"alumni_shows_email": [False, True]}


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("topic=voter+registration", {"Rosa"}),
        ("topic=registro+de+electores", {"Rosa"}),  # the course's Spanish title
        ("topic=V", {"Thabo"}),  # CICIE's block V
        ("topic=block+v", {"Thabo"}),
        ("kind=specialization_course", {"Rosa", "Thabo"}),
        ("kind=workshop", {"Rosa", "Jana"}),
        ("year=2014", {"Thabo"}),
        ("year=2012&kind=workshop", {"Rosa", "Jana"}),
        ("country=CZ", {"Jana"}),
        ("topic=100%25", set()),  # a LIKE wildcard is a character
        ("topic=_", set()),
    ],
)
def test_searching_the_directory(staff_client, db, people, held, query, found):
    workshop, course, technology = held
    people.person("Rosa", events=[workshop, course])
    people.person("Thabo", country="LS", events=[technology])
    people.person("Jana", country="CZ", events=[workshop])
    page = staff_client.get(f"/alumni/?{query}").text
    assert set(names(page, ["Rosa", "Thabo", "Jana"])) == found


def test_searching_by_organisation(staff_client, db, people, make, held):
    jne = make.organisation("National Jury of Elections", acronym="JNE", country="PE")
    onpe = make.organisation("National Office of Electoral Processes", acronym="ONPE")
    people.person("Rosa", organisation=jne, events=held[:1])
    people.person("María", organisation=onpe, events=held[:1])
    page = staff_client.get(f"/alumni/?organisation={jne.id}").text
    assert names(page, ["Rosa", "María"]) == ["Rosa"]


@pytest.mark.parametrize(
    "query",
    [
        "year=abc",
        "year=99999",
        "year=1800",
        "country=ZZ",
        "kind=party",
        "organisation=-1",
        "topic=" + "x" * 101,
        "organisation=9" * 30,
        "page=-3",
    ],
)
def test_bad_filters_get_a_message(staff_client, db, people, held, query):
    people.person("Rosa", events=held[:1])
    response = staff_client.get(f"/alumni/?{query}")
    assert response.status_code == 200
    if not query.startswith("page"):
        assert 'role="alert"' in response.text
    assert staff_client.get(f"/alumni/export.csv?{query}").status_code in (200, 400)


def test_staff_export_the_directory_formulas_neutralised_and_logged(staff_client, db, people, held):
    people.person('=HYPERLINK("http://x")', events=held[:2], shows=True)
    people.person("Thabo", country="LS", events=held[2:])
    response = staff_client.get("/alumni/export.csv")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Name", "Organisation", "Country"]
    by_name = {row[0]: row for row in rows[1:]}
    assert '\'=HYPERLINK("http://x")' in by_name
    assert by_name['\'=HYPERLINK("http://x")'][3] == "person1@example.org"
    assert by_name["Thabo"][3] == ""  # did not choose to show it
    assert (
        "Specialization Course on Voter Registration (2013)"
        in by_name['\'=HYPERLINK("http://x")'][5]
    )

    response = staff_client.get("/alumni/export.xlsx?country=LS")
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["Thabo"]
    lines = db.session.scalars(
        select(LoggedAction)
        .where(LoggedAction.action == "alumni.exported")
        .order_by(LoggedAction.id)
    ).all()
    assert [(line.data["count"], line.data["format"], line.actor_name) for line in lines] == [
        (2, "CSV", "Staff Member"),
        (1, "XLSX", "Staff Member"),
    ]


def test_only_staff_export(client, db, people, held):
    _, user = people.person("Rosa", events=held)
    login(client, user)
    assert client.get("/alumni/export.csv").status_code == 403


def test_merged_and_erased_people_leave_the_directory(staff_client, db, people, held):
    kept, _ = people.person("Rosa Kept", events=held[:1])
    merged, _ = people.person("Rosa Merged", events=held[:1])
    erased, _ = people.person("Rosa Erased", events=held[:1])
    merged.merged_into_id = kept.id
    erased.erased_at = utcnow() - timedelta(days=1)
    db.session.commit()
    page = staff_client.get("/alumni/").text
    assert names(page, ["Rosa Kept", "Rosa Merged", "Rosa Erased"]) == ["Rosa Kept"]


def test_the_directory_reads_a_fixed_number_of_queries(client, db, people, held, count_queries):
    _, viewer = people.person("Viewer", events=held)

    def queries() -> int:
        login(client, viewer)
        with count_queries() as statements:
            page = client.get("/alumni/?kind=specialization_course")
        assert page.status_code == 200
        return len(statements)

    def add(n):
        batch = []
        for _ in range(n):
            people.count += 1
            person = new_person(f"Alumnus {people.count}", country_code="PE")
            person.alumni_since = utcnow()
            person.alumni_shows_email = True
            person.emails.append(PersonEmail(email=f"a{people.count}@example.org"))
            batch.append(person)
            for event in held:
                db.session.add(
                    Registration(
                        event_id=event.id,
                        person=person,
                        name=person.name,
                        gender="male",
                        email=f"a{people.count}@example.org",
                        country_code="PE",
                        status=Status.ATTENDED,
                        consent_at=utcnow(),
                    )
                )
        db.session.commit()

    add(10)
    few = queries()
    add(490)
    assert queries() == few
