"""Results summaries: the seed's table from the demo, regions, participants, access, bad input."""

import io
import itertools
import re

import pytest
from openpyxl import load_workbook

from eventsapp.accounts.models import Role
from eventsapp.accounts.services import create_user
from eventsapp.attendance.models import EvaluationResponse
from eventsapp.catalogue.services import set_region_override
from eventsapp.core.clock import utcnow
from eventsapp.demo.services import load_demo
from eventsapp.registration.models import Registration
from tests.conftest import login

SEED_BY_YEAR = {
    2004: 2,
    2005: 3,
    2008: 1,
    2009: 6,
    2010: 6,
    2011: 10,
    2012: 10,
    2013: 9,
    2014: 10,
    2015: 4,
}
SEED_BY_REGION = {"Africa": 17, "Americas": 25, "Asia": 10, "Europe": 9, "Oceania": 0}
CICIE_WORKSHOPS = "from=2004&to=2015&programme=cicie&kind=workshop"


@pytest.fixture
def demo(db):
    load_demo()
    db.session.commit()


NUMBERS = itertools.count(1)


def register(db, event, country="KE", gender="female", status="approved", **kwargs):
    registration = Registration(
        event_id=event.id,
        name="Delegate",
        gender=gender,
        email=f"delegate{next(NUMBERS)}@example.org",
        country_code=country,
        status=status,
        consent_at=utcnow(),
        **kwargs,
    )
    db.session.add(registration)
    return registration


def test_the_demo_gives_cicies_results_table(staff_client, demo):
    answer = staff_client.get(f"/api/v1/reports/results?{CICIE_WORKSHOPS}").get_json()
    assert answer["regions"] == ["Africa", "Americas", "Asia", "Europe", "Oceania"]
    assert {row["year"]: row["total"] for row in answer["rows"]} == SEED_BY_YEAR
    assert answer["rows"][0] == {
        "year": 2004,
        "counts": {"Africa": 0, "Americas": 1, "Asia": 1, "Europe": 0, "Oceania": 0},
        "total": 2,
    }
    assert answer["totals"] == {"counts": SEED_BY_REGION, "total": 61}
    countries = {c["code"]: c for c in answer["countries"]}
    assert len(countries) == 39  # the seed's prose says 40; its table names 39
    assert countries["GE"]["region"] == "Europe"  # CICIE's assignment, not UN M49's Asia
    assert countries["EC"]["events"] == 8  # Ecuador (4) in 2013, (3) in 2014, with Peru in 2015
    # The workshops' registrations of the demo's delegates who came back (demo/people.py).
    assert answer["participants"]["total"] == 10


def test_the_results_page_shows_the_table_the_map_and_the_charts(staff_client, demo):
    page = staff_client.get(f"/reports/results?{CICIE_WORKSHOPS}").get_data(as_text=True)
    assert "<caption>Events by year and region</caption>" in page
    assert '<th scope="row">Total</th>' in page
    assert '<td class="number">61</td>' in page
    assert "61 events · 39 countries reached" in page
    # The chart is an image with a text alternative, beside the table of its numbers.
    assert 'alt="Events by year and region, 2004–2015: 61 events: Africa 17, Americas 25' in page
    assert 'src="data:image/svg+xml;base64,' in page
    # The map names the countries reached (its title and description, and one title each).
    assert '<title id="map-title">Countries reached, 2004–2015</title>' in page
    assert "<title>Georgia</title>" in page
    assert "<title>Mexico</title>" not in page
    assert "cdn" not in page.lower()


def test_the_downloads_hold_the_same_numbers(staff_client, demo):
    csv = staff_client.get(f"/reports/results.csv?{CICIE_WORKSHOPS}")
    assert csv.headers["Content-Disposition"].endswith('results-CICIE-2004-2015.csv"')
    lines = csv.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0] == "Year,Africa,Americas,Asia,Europe,Oceania,Total"
    assert lines[1] == "2004,0,1,1,0,0,2"
    assert lines[-1] == "Total,17,25,10,9,0,61"

    xlsx = staff_client.get(f"/reports/results.xlsx?{CICIE_WORKSHOPS}")
    book = load_workbook(io.BytesIO(xlsx.data))
    assert book.sheetnames[:3] == [
        "Events by year and region",
        "Events by kind",
        "Countries reached",
    ]
    table = list(book["Events by year and region"].values)
    assert table[-1] == ("Total", 17, 25, 10, 9, 0, 61)  # real numbers, not text
    assert len(list(book["Events held"].values)) == 62  # a header and the 61 workshops


def test_the_annual_report_is_a_page_and_a_pdf(staff_client, demo):
    page = staff_client.get("/reports/annual-report?programme=cicie&year=2011")
    text = page.get_data(as_text=True)
    assert "Annual report 2011" in text
    assert "International workshop for the electoral authority of Georgia" in text
    assert "/static/css/reports.css" in text
    pdf = staff_client.get("/reports/annual-report.pdf?programme=cicie&year=2011")
    assert pdf.status_code == 200
    assert pdf.content_type == "application/pdf"
    assert pdf.data.startswith(b"%PDF-")
    assert pdf.headers["Content-Disposition"].endswith('annual-report-CICIE-2011.pdf"')


def test_an_event_counts_once_under_its_requesting_authority(staff_client, make, db):
    programme = make.programme(first_year=2016)
    authority = make.organisation(country="PE")
    kinds = {"status": "held", "programme_id": programme.id}
    # Held for three countries at the request of Peru's authority: once, in the Americas.
    make.event(requesting_authority_id=authority.id, requesting_countries=["KE", "EC"], **kinds)
    # Requested by Georgia: Asia by UN M49, Europe once the programme says so.
    make.event(requesting_countries=["GE"], **kinds)
    make.event(requesting_countries=["GE"], status="planned", programme_id=programme.id)
    make.event(date_text="2015", requesting_countries=["GE"], **kinds)  # another year
    args = f"programme={programme.id}&from=2016&to=2016"
    answer = staff_client.get(f"/api/v1/reports/results?{args}").get_json()
    assert answer["totals"]["counts"] == {
        "Africa": 0,
        "Americas": 1,
        "Asia": 1,
        "Europe": 0,
        "Oceania": 0,
    }
    assert [c["code"] for c in answer["countries"]] == ["EC", "GE", "KE"]
    set_region_override(programme, "GE", "Europe")
    db.session.commit()
    answer = staff_client.get(f"/api/v1/reports/results?{args}").get_json()
    assert answer["totals"]["counts"]["Europe"] == 1
    assert answer["totals"]["counts"]["Asia"] == 0
    assert {c["code"]: c["region"] for c in answer["countries"]}["GE"] == "Europe"


def test_participants_by_country_region_gender_organisation_and_role(staff_client, make, db):
    programme = make.programme(first_year=2016)
    event = make.event(status="held", programme_id=programme.id, requesting_countries=["KE"])
    court = make.organisation(kind="electoral_court", country="KE")
    register(db, event, "KE", "female", organisation_id=court.id)
    register(db, event, "KE", "male", status="attended", organisation_id=court.id)
    register(db, event, "GE", "female", role="speaker")
    register(db, event, "PE", "male", status="withdrawn")  # did not take part
    register(db, event, "PE", "female", status="waitlisted")
    # A past event without registrations, with the number of participants reported.
    make.event(status="held", programme_id=programme.id, participants_count=25)
    db.session.commit()
    answer = staff_client.get(f"/api/v1/reports/results?programme={programme.id}").get_json()
    people = answer["participants"]
    assert (people["total"], people["registered"], people["reported_without_details"]) == (
        28,
        3,
        25,
    )
    assert [(c["code"], c["count"]) for c in people["by_country"]] == [("KE", 2), ("GE", 1)]
    assert {g["key"]: g["count"] for g in people["by_gender"]} == {"female": 2, "male": 1}
    assert {r["key"]: r["count"] for r in people["by_region"]} == {"Africa": 2, "Asia": 1}
    assert {k["key"]: k["count"] for k in people["by_organisation_kind"]} == {
        "electoral_court": 2,
        "none": 1,
    }
    assert {r["key"]: r["count"] for r in people["by_role"]} == {"delegate": 2, "speaker": 1}
    # Delegates' countries are reached too; a speaker's is not.
    assert [c["code"] for c in answer["countries"]] == ["KE"]
    page = staff_client.get(f"/reports/results?programme={programme.id}").get_data(as_text=True)
    assert "Participants by gender, 2016: Female: 2, Male: 1" in page


def test_topics_count_blocks_and_themes(staff_client, make):
    programme = make.programme(first_year=2016)
    for theme, block in [("Voter registration", "II"), ("Voter registration", "II"), ("ICT", "V")]:
        make.event(status="held", programme_id=programme.id, theme=theme, block=block)
    topics = staff_client.get(f"/api/v1/reports/results?programme={programme.id}").get_json()[
        "topics"
    ]
    assert topics == {
        "blocks": [{"block": "II", "count": 2}, {"block": "V", "count": 1}],
        "themes": [{"theme": "Voter registration", "count": 2}, {"theme": "ICT", "count": 1}],
    }


def evaluated(db, event, *scores):
    """Evaluation answers of an event with these overall scores (None: the scale skipped)."""
    db.session.add_all(
        EvaluationResponse(
            event_id=event.id,
            answers={"overall": score} if score else {},
            satisfaction=score,
            comment="",
            submitted_on=event.ends_on,
        )
        for score in scores
    )
    db.session.commit()


def test_satisfaction_by_event_and_year(staff_client, make, db):
    programme = make.programme(first_year=2016)
    seminar = make.event(title="Seminar", status="held", programme_id=programme.id)
    course = make.event(
        title="Course", status="held", programme_id=programme.id, date_text="3-5 March 2016"
    )
    later = make.event(
        title="Forum", status="held", programme_id=programme.id, date_text="9 May 2017"
    )
    planned = make.event(title="Not held", programme_id=programme.id)
    evaluated(db, seminar, 5, 4, None)
    evaluated(db, course, 2)
    evaluated(db, later, 3, 4)
    evaluated(db, planned, 1)
    args = f"programme={programme.id}&from=2016&to=2017"
    satisfaction = staff_client.get(f"/api/v1/reports/results?{args}").get_json()["satisfaction"]
    assert satisfaction["by_year"] == [
        {"year": 2016, "mean": 3.67, "answers": 3},  # each answer weighs the same
        {"year": 2017, "mean": 3.5, "answers": 2},
    ]
    assert [(e["title"], e["mean"], e["answers"]) for e in satisfaction["by_event"]] == [
        ("Seminar", 4.5, 2),
        ("Course", 2.0, 1),
        ("Forum", 3.5, 2),
    ]
    assert satisfaction["overall"] == {"mean": 3.6, "answers": 5}

    page = staff_client.get(f"/reports/results?{args}").get_data(as_text=True)
    assert "<caption>Satisfaction by year</caption>" in page
    assert "3.60 of 5 on average · 5 answers" in page
    spanish = staff_client.get(f"/reports/results?{args}", headers={"Accept-Language": "es"})
    cells = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", spanish.get_data(as_text=True)))
    assert "3,60 de 5 en promedio" in cells  # the visitor's decimal comma, not "3.60"
    assert "2017 3,50 2" in cells and "3,60 5" in cells  # a column's figures alike: 3,67 above
    assert "Seminar 18 ene 2016 4,5 2" in cells, cells  # a date as people write it
    book = load_workbook(io.BytesIO(staff_client.get(f"/reports/results.xlsx?{args}").data))
    assert list(book["Satisfaction by year"].values)[-1] == ("All years", 3.6, 5)
    assert "Satisfaction by event" in book.sheetnames
    empty = staff_client.get("/reports/results?from=2030&to=2031").get_data(as_text=True)
    assert "No evaluation answered for these events yet" in empty


def test_an_empty_period_says_what_to_do(staff_client):
    page = staff_client.get("/reports/results?from=2030&to=2031").get_data(as_text=True)
    assert "No events held in 2030–2031 match" in page


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=abc", "from"),
        ("from=1850", "from"),
        ("to=99999999999999", "to"),
        ("from=2015&to=2004", "to"),
        ("kind=party", "kind"),
        ("programme=nope", "programme"),
    ],
)
def test_bad_parameters_get_a_clear_400(staff_client, query, field):
    answer = staff_client.get(f"/api/v1/reports/results?{query}")
    assert answer.status_code == 400
    assert answer.get_json()["field"] == field
    assert answer.get_json()["error"]
    page = staff_client.get(f"/reports/results?{query}")
    assert page.status_code == 400
    assert 'role="alert"' in page.get_data(as_text=True)
    assert staff_client.get(f"/reports/results.csv?{query}").status_code == 400


def test_results_are_for_staff_only(client, db, delegate_user):
    urls = ["/reports/results", "/reports/results.xlsx", "/reports/annual-report.pdf"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.get("/api/v1/reports/results").status_code == 401
    login(client, delegate_user)
    for url in urls:
        assert client.get(url).status_code == 403
    assert client.get("/api/v1/reports/results").get_json()["error"]


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ADMIN])
def test_coordinators_read_results(client, db, role):
    user = create_user(f"{role}@example.org", role, "a long pass phrase")
    db.session.commit()
    login(client, user)
    assert client.get("/reports/results").status_code == 200


def test_the_programme_page_links_to_its_results(staff_client, make):
    programme = make.programme(first_year=2011, last_year=2013)
    page = staff_client.get(f"/manage/programmes/{programme.id}").get_data(as_text=True)
    assert f"/reports/results?programme={programme.id}" in page


HOSTILE = ["%00", "' OR 1=1 --", "<script>", "١٢", "-1", "2004.5", "9" * 40, "%F0%9F%92%A9"]
ADDRESSES = [
    "/reports/results",
    "/reports/results.csv",
    "/reports/results.xlsx",
    "/reports/annual-report",
    "/reports/annual-report.pdf",
    "/api/v1/reports/results",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_parameters_never_get_a_server_error(staff_client, value):
    for address in ADDRESSES:
        for name in ("from", "to", "year", "programme", "kind"):
            response = staff_client.get(f"{address}?{name}={value}")
            assert response.status_code in (200, 400), (address, name, value)


def test_downloads_of_a_programme_named_in_another_script(staff_client, make):
    programme = make.programme(first_year=2016, acronym="ЦИК")
    response = staff_client.get(f"/reports/results.csv?programme={programme.id}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="results-----2016.csv"'
    )


def test_without_pango_the_pdf_is_a_503_that_says_why(staff_client, demo, monkeypatch):
    import sys
    import types

    def no_pango(name):
        raise OSError("cannot load library 'libpango-1.0-0'")

    weasyprint = types.ModuleType("weasyprint")
    weasyprint.__getattr__ = no_pango
    monkeypatch.setitem(sys.modules, "weasyprint", weasyprint)
    response = staff_client.get("/reports/annual-report.pdf?programme=cicie&year=2011")
    assert response.status_code == 503
    assert "This server cannot make PDFs yet (it needs Pango" in response.get_data(as_text=True)


def test_regions_are_named_in_the_visitors_language_in_tables_and_downloads(staff_client, make):
    programme = make.programme(first_year=2016)
    make.event(requesting_countries=["KE"], status="held", programme_id=programme.id)
    args = f"programme={programme.id}&from=2016&to=2016"
    spanish = {"Accept-Language": "es"}
    page = staff_client.get(f"/reports/results?{args}", headers=spanish).text
    assert ">África</th>" in page
    sheet = load_workbook(
        io.BytesIO(staff_client.get(f"/reports/results.xlsx?{args}", headers=spanish).data)
    ).worksheets[0]
    assert "África" in [cell.value for cell in next(sheet.iter_rows())]
    # The API keeps the stored names.
    answer = staff_client.get(f"/api/v1/reports/results?{args}", headers=spanish).get_json()
    assert "Africa" in answer["regions"]
