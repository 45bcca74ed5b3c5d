"""The yearly calendar of activities: a printable page, and the same events as CSV and XLSX."""

import csv
import io
import re
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from eventsapp.core.exports import neutralise_formula


@pytest.fixture
def calendar_2016(make):
    oas = make.organisation("Organization of American States", acronym="OAS")
    cod = make.organisation("Community of Democracies")
    programme = make.programme("CICIE 2016", acronym="CICIE")
    return {
        "forum": make.event(
            "Latin American Democracy Forum",
            "October 5th-7th",
            year=2016,
            kind="conference",
            programme_id=programme.id,
            audience="Open to electoral officers, academics and civil society",
            partner_ids=[oas.id, cod.id],
        ),
        "workshop": make.event(
            "International workshop",
            "February 2016 (tbc)",
            status="proposed",
            candidate_countries=["DE", "CZ", "HN"],
            requesting_countries=["PE"],
        ),
        "seminar": make.event("IX Inter-American Seminar", "September 2016", status="cancelled"),
        "winter": make.event("Started the year before", "December 2015-January 2016"),
        "formula": make.event('=HYPERLINK("http://evil.example")', "March 2016"),
    }


def page_event_ids(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'data-event-id="(\d+)"', html)]


def test_the_year_page_lists_the_events_month_by_month(client, calendar_2016):
    response = client.get("/calendar/2016")
    assert response.status_code == 200
    page = response.data.decode()
    assert "Calendar of activities 2016" in page
    for heading in ("January 2016", "February 2016", "March 2016", "September 2016"):
        assert f"<h2>{heading}</h2>" in page
    assert page.index("<h2>January 2016</h2>") < page.index("Started the year before")
    assert "(since 2015)" in page
    assert page.index("<h2>October 2016</h2>") < page.index("Latin American Democracy Forum")
    assert "Open to electoral officers, academics and civil society" in page
    assert "Community of Democracies, OAS" in page
    assert "Requesting:</span> Peru" in page
    assert "Candidates:</span> Czechia, Germany, Honduras" in page
    assert "Participants:" not in page
    assert "February 2016 (tbc)" in page  # the dates as written


def test_tentative_events_are_marked_and_cancelled_ones_struck(client, calendar_2016):
    page = client.get("/calendar/2016").data.decode()
    workshop = re.search(
        rf'<tr class="([^"]*)" data-event-id="{calendar_2016["workshop"].id}"', page
    )
    assert "is-tentative" in workshop.group(1)
    seminar = re.search(rf'<tr class="([^"]*)" data-event-id="{calendar_2016["seminar"].id}"', page)
    assert "is-cancelled" in seminar.group(1)
    css = client.get("/static/css/app.css").data.decode()
    assert ".is-cancelled td" in css and "line-through" in css
    assert "@page { size: A4 landscape;" in css


def test_the_page_offers_subscriptions_and_downloads_with_its_filters(client, calendar_2016):
    page = client.get("/calendar/2016?kind=conference").data.decode()
    assert 'href="webcal://127.0.0.1:5000/calendar/2016.ics?kind=conference"' in page  # SITE_URL
    assert 'href="http://127.0.0.1:5000/calendar/2016.ics?kind=conference"' in page
    assert 'href="/calendar/2016.csv?kind=conference"' in page
    assert 'href="/calendar/2016.xlsx?kind=conference"' in page
    assert page_event_ids(page) == [calendar_2016["forum"].id]


def test_a_bad_filter_is_explained_on_the_page(client, calendar_2016):
    response = client.get("/calendar/2016?region=Atlantis")
    assert response.status_code == 200
    assert "Unknown region &#39;Atlantis&#39;" in response.data.decode()
    assert len(page_event_ids(response.data.decode())) == 5


def test_the_nav_leads_to_this_year(client, db):
    assert 'href="/calendar/"' in client.get("/").data.decode()
    response = client.get("/calendar/")
    assert response.headers["Location"].endswith(f"/calendar/{date.today().year}")


def test_the_xlsx_holds_the_same_events_as_the_page(client, calendar_2016):
    page = client.get("/calendar/2016").data.decode()
    response = client.get("/calendar/2016.xlsx")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert 'filename="calendar-2016.xlsx"' in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert header[:6] == ("Month", "Starts", "Ends", "Dates as written", "Tentative", "Activity")
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.bold
    links = [row[header.index("Link")] for row in rows[1:]]
    assert [int(link.rsplit("/", 1)[1]) for link in links] == page_event_ids(page)
    forum = next(row for row in rows[1:] if row[5] == "Latin American Democracy Forum")
    assert forum[0] == "October"
    assert forum[1] == datetime(2016, 10, 5) and forum[2] == datetime(2016, 10, 7)
    assert sheet.cell(row=rows.index(forum) + 1, column=2).is_date
    assert forum[header.index("Partners")] == "Community of Democracies, OAS"
    workshop = next(row for row in rows[1:] if row[5] == "International workshop")
    assert workshop[header.index("Requesting countries")] == "Peru"
    assert workshop[header.index("Candidate countries")] == "Czechia, Germany, Honduras"
    formula = next(row for row in rows[1:] if "HYPERLINK" in row[5])
    assert formula[5] == '=HYPERLINK("http://evil.example")'
    assert sheet.cell(row=rows.index(formula) + 1, column=6).data_type == "s"  # text, not run


def test_the_csv_holds_the_same_events_with_formulas_neutralised(client, calendar_2016):
    response = client.get("/calendar/2016.csv?country=PE")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.data.startswith("\ufeff".encode())  # spreadsheets then read UTF-8
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert len(rows) == 2
    assert rows[1][1:6] == [
        "2016-02-01",
        "2016-02-29",
        "February 2016 (tbc)",
        "yes",
        "International workshop",
    ]
    everything = list(csv.reader(io.StringIO(client.get("/calendar/2016.csv").text)))
    formulas = [row[5] for row in everything if "HYPERLINK" in row[5]]
    assert formulas == ['\'=HYPERLINK("http://evil.example")']


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+33 1 23", "'+33 1 23"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTab", "'\tTab"),
        ("Mexico City", "Mexico City"),
        ("", ""),
        (-5, -5),
        (None, None),
    ],
)
def test_neutralise_formula(value, written):
    assert neutralise_formula(value) == written


def test_the_year_page_writes_todays_date_as_people_do(client, db):
    today = date.today()
    page = client.get("/calendar/2016").data.decode()
    assert f"As of {today.day} {today:%B} {today.year}" in page


def test_an_empty_year_points_to_the_nearest_years_with_activities(client, make):
    make.event("Course on voter registration", "27-31 May 2013")
    make.event("Workshop for Albania", "2015")
    make.event("Seminar", "March 2016", kind="seminar")
    page = client.get("/calendar/2014").data.decode()
    assert "No activities in 2014 match" in page
    assert 'href="/calendar/2013">The activities of 2013</a>' in page
    assert 'href="/calendar/2015">The activities of 2015</a>' in page
    page = client.get("/calendar/2017?kind=seminar").data.decode()
    assert 'href="/calendar/2016?kind=seminar">The activities of 2016</a>' in page
    assert "2018" not in page.split("No activities")[1]


def test_a_programme_named_by_acronym_shows_as_chosen(client, calendar_2016):
    page = client.get("/calendar/2016?programme=cicie").data.decode()
    chosen = re.search(r'<select name="programme">(.*?)</select>', page, re.S).group(1)
    assert re.search(r'<option value="\d+" selected>CICIE</option>', chosen)
