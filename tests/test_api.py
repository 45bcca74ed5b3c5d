import pytest


def test_events_list_has_the_documented_fields(client, make):
    programme = make.programme("PPIEP", acronym="PPIEP")
    from eventsapp.catalogue.services import add_section

    section = add_section(programme, "A", "Global Commission")
    make.db.session.commit()
    make.event(
        title="Launch of the Global Commission",
        date_text="early March 2011 (tbc)",
        kind="launch",
        venue=None,
        programme_id=programme.id,
        section_id=section.id,
    )
    [event] = client.get("/api/v1/events").get_json()
    assert event == {
        "id": event["id"],
        "title": "Launch of the Global Commission",
        "kind": "launch",
        "status": "planned",
        "programme": "PPIEP",
        "programme_id": programme.id,
        "section": "A",
        "starts_on": "2011-03-01",
        "ends_on": "2011-03-10",
        "precision": "part_of_month",
        "tentative": True,
        "date_text": "early March 2011 (tbc)",
        "venue": None,
        "url": f"http://127.0.0.1:5000/events/{event['id']}",  # SITE_URL, not the Host
    }
    one = client.get(f"/api/v1/events/{event['id']}").get_json()
    assert one == event


def test_events_filters(client, make):
    programme = make.programme("CICIE", acronym="CICIE")
    make.event(
        title="Course 2011",
        date_text="October 3rd to October 7th, 2011",
        kind="specialization_course",
        programme_id=programme.id,
    )
    make.event(title="Workshop 2012", date_text="March 2012", status="held")
    titles = lambda url: [e["title"] for e in client.get(url).get_json()]  # noqa: E731
    assert titles("/api/v1/events?year=2011") == ["Course 2011"]
    assert titles("/api/v1/events?kind=specialization_course") == ["Course 2011"]
    assert titles("/api/v1/events?status=held") == ["Workshop 2012"]
    assert titles("/api/v1/events?programme=cicie") == ["Course 2011"]
    assert titles(f"/api/v1/events?programme={programme.id}") == ["Course 2011"]
    venue = client.get("/api/v1/events?year=2012").get_json()[0]["venue"]
    assert venue == {"city": "Mexico City", "country": "MX", "place": None, "tentative": False}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("year=20x1", "Year must be a number"),
        ("kind=party", "Unknown kind"),
        ("status=done", "Unknown status"),
        ("programme=nope", "Unknown programme"),
        ("country=ZZ", "Unknown country"),
        ("month=3", "Choose a year"),
    ],
)
def test_bad_parameters_get_a_400_with_a_json_error(client, db, query, message):
    response = client.get(f"/api/v1/events?{query}")
    assert response.status_code == 400
    assert message in response.get_json()["error"]


def test_unknown_event_is_a_json_404(client, db):
    response = client.get("/api/v1/events/999")
    assert response.status_code == 404
    assert response.get_json() == {"error": "There is no event with this id."}


def test_parse_a_date_phrase(client, db):
    response = client.get("/api/v1/dates/parse", query_string={"text": "May/June 2012"})
    assert response.status_code == 200
    assert response.get_json() == {
        "starts_on": "2012-05-01",
        "ends_on": "2012-06-30",
        "precision": "month",
        "tentative": True,
        "label": "May – June 2012",
    }
    response = client.get(
        "/api/v1/dates/parse", query_string={"text": "Third week of September", "year": "2012"}
    )
    assert response.get_json()["starts_on"] == "2012-09-15"


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"text": "sometime soon"}, "sometime"),
        ({"text": "30 February 2012"}, "30 February"),
        ({"text": ""}, ""),
        ({"text": "early March"}, "year"),
        ({"text": "March", "year": "abc"}, "year must be a number"),
    ],
)
def test_unreadable_phrases_get_a_400(client, db, params, fragment):
    response = client.get("/api/v1/dates/parse", query_string=params)
    assert response.status_code == 400
    assert fragment in response.get_json()["error"]


def test_countries_carry_their_region(client, db):
    countries = {c["code"]: c for c in client.get("/api/v1/countries").get_json()}
    assert len(countries) == 249
    assert countries["MX"]["region"] == "Americas"
    assert countries["GE"]["sub_region"] == "Western Asia"


def test_programmes(client, make):
    make.programme("PPIEP", first_year=2011, last_year=2013, acronym="PPIEP")
    [programme] = client.get("/api/v1/programmes").get_json()
    assert programme["acronym"] == "PPIEP" and programme["last_year"] == 2013
