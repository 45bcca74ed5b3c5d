"""/api/v1/people: the person registry for scripts, staff only, paginated by signed cursors."""

from urllib.parse import urlsplit

from sqlalchemy import select

from eventsapp.core.actions import LoggedAction
from eventsapp.core.clock import utcnow
from eventsapp.documents.models import DocumentKind
from eventsapp.documents.services import issue
from eventsapp.people.models import Person
from tests.conftest import login
from tests.test_person_registry import a_person, registered


def test_staff_find_people_and_read_one_with_their_events(staff_client, db, make, staff_user):
    onpe = make.organisation(
        "Oficina Nacional de Procesos Electorales", acronym="ONPE", country="PE"
    )
    rosa = a_person(db, "rosa@onpe.gob.pe", name="María José Quispe Mamani", organisation=onpe)
    a_person(db, "ana@ine.mx", name="Ana García", country="MX")
    first = make.event(title="Workshop on voting from abroad", date_text="18-19 May 2014")
    second = make.event(title="Internship in Mexico", date_text="1-5 June 2016", kind="internship")
    attended = registered(db, first, rosa, "attended", organisation=onpe)
    attended.answers = {"1": "my passport number"}
    issue(DocumentKind.CERTIFICATE, [attended], utcnow(), None)
    registered(db, second, rosa, "approved", role="observer")
    db.session.commit()

    found = staff_client.get(f"/api/v1/people?q=maria+quispe&country=pe&organisation={onpe.id}")

    assert found.status_code == 200
    assert found.json == {
        "people": [
            {
                "id": rosa.id,
                "name": "María José Quispe Mamani",
                "country": "PE",
                "organisation": "Oficina Nacional de Procesos Electorales (ONPE)",
                "events": 2,
            }
        ],
        "next": None,
        "total": 1,
    }
    one = staff_client.get(f"/api/v1/people/{rosa.id}")
    assert one.status_code == 200
    assert one.json["events"] == [
        {
            "id": second.id,
            "title": "Internship in Mexico",
            "year": 2016,
            "role": "observer",
            "status": "approved",
        },
        {
            "id": first.id,
            "title": "Workshop on voting from abroad",
            "year": 2014,
            "role": "delegate",
            "status": "attended",
        },
    ]
    assert "passport" not in one.get_data(as_text=True)
    assert "rosa@onpe.gob.pe" not in one.get_data(as_text=True)
    looks = db.session.scalars(
        select(LoggedAction).where(LoggedAction.action == "person.looked_at")
    ).all()
    assert [(line.object_id, line.actor_id) for line in looks] == [(rosa.id, staff_user.id)]


def test_people_come_a_page_at_a_time_by_signed_cursors(staff_client, db):
    db.session.add_all(
        Person(name=f"Delegate {n:02d}", name_key=f"{n:02d} delegate", country_code="MX")
        for n in range(5)
    )
    db.session.commit()

    names, url, pages = [], "/api/v1/people?country=MX&limit=2", 0
    while url:
        page = staff_client.get(url)
        assert page.status_code == 200 and page.json["total"] == 5
        assert page.headers["X-Total-Count"] == "5"
        names += [p["name"] for p in page.json["people"]]
        url = page.json["next"]
        if url:
            assert page.headers["Link"] == f'<{url}>; rel="next"'
            url = "{0.path}?{0.query}".format(urlsplit(url))
        pages += 1
    assert names == [f"Delegate {n:02d}" for n in range(5)] and pages == 3


def test_bad_parameters_get_a_json_error(staff_client, db):
    for query, field in [
        ("country=ZZ", "country"),
        ("country=Peru", "country"),
        ("organisation=ONPE", "organisation"),
        ("limit=0", "limit"),
        ("limit=abc", "limit"),
        ("cursor=forged", "cursor"),
        ("q=" + "x" * 201, "q"),
    ]:
        answer = staff_client.get(f"/api/v1/people?{query}")
        assert answer.status_code == 400, query
        assert answer.json["field"] == field and answer.json["error"]
    assert staff_client.get("/api/v1/people/987654").status_code == 404
    assert staff_client.get("/api/v1/people?q=%00").status_code < 500


def test_a_merged_person_names_the_one_kept_and_an_erased_one_is_a_participant(staff_client, db):
    kept = a_person(db, "rosa@onpe.gob.pe")
    merged = a_person(db, "rq@gmail.com", name="Rosa Quispe")
    merged.merged_into_id = kept.id
    kept.erased_at = utcnow()
    db.session.commit()

    assert staff_client.get(f"/api/v1/people/{merged.id}").json["merged_into"] == kept.id
    assert staff_client.get(f"/api/v1/people/{kept.id}").json["name"] == "a participant"
    assert [p["name"] for p in staff_client.get("/api/v1/people").json["people"]] == [
        "a participant"
    ]


def test_people_are_for_staff_only(client, db, delegate_user):
    rosa = a_person(db, "rosa@onpe.gob.pe")
    assert client.get("/api/v1/people").status_code == 401
    login(client, delegate_user)
    assert client.get(f"/api/v1/people/{rosa.id}").status_code == 403
    assert "Rosa" not in client.get("/api/v1/people").get_data(as_text=True)


def test_the_openapi_document_describes_people(client):
    spec = client.get("/api/v1/openapi.json").json
    assert "/api/v1/people" in spec["paths"] and "/api/v1/people/{person_id}" in spec["paths"]
    parameters = {p["name"] for p in spec["paths"]["/api/v1/people"]["get"]["parameters"]}
    assert {"q", "country", "organisation", "limit", "cursor"} <= parameters


def test_the_list_runs_a_fixed_number_of_queries(staff_client, db, count_queries):
    def queries_with(number: int) -> int:
        present = db.session.query(Person).count()
        db.session.add_all(
            Person(name=f"Person {n}", name_key=f"{n} person", country_code="MX")
            for n in range(present, number)
        )
        db.session.commit()
        with count_queries() as queries:
            assert staff_client.get("/api/v1/people?limit=500").status_code == 200
        return len(queries)

    assert queries_with(10) == queries_with(1000)
