"""The yearly calendar, its CSV and its XLSX run as many SQL queries with 600 events as with 10:
past 500 events, loading countries and partners by lists of ids would take more queries."""

import csv
import io
import re
from datetime import date

import pytest
from sqlalchemy import insert

from eventsapp.catalogue.models import Event, EventCountry, event_partners
from eventsapp.catalogue.services import VenueInput, add_section, find_or_create_venue

YEAR = 2032


def add_events(db, programme, section, partner, count):
    """``count`` events of the year in bulk (the factory would take seconds for hundreds), each
    requested by Kenya and Botswana, Mexico taking part, with a partner; most with a venue."""
    venue = find_or_create_venue(VenueInput("SE", "Stockholm"))
    rows = [
        {
            "programme_id": programme.id,
            "section_id": section.id if number % 2 else None,
            "title": f"Workshop {number}",
            "kind": "workshop" if number % 10 else "seminar",
            "status": "planned" if number % 5 else "cancelled",
            "date_text": f"{number % 28 + 1} March {YEAR}",
            "starts_on": date(YEAR, number % 12 + 1, number % 28 + 1),
            "ends_on": date(YEAR, number % 12 + 1, number % 28 + 1),
            "precision": "day",
            "tentative": bool(number % 7 == 0),
            "venue_id": venue.id if number % 3 else None,
            "languages": ["en"],
            "purpose": [],
            "notes": "",
        }
        for number in range(count)
    ]
    ids = db.session.scalars(insert(Event).returning(Event.id, sort_by_parameter_order=True), rows)
    ids = ids.all()
    db.session.execute(
        insert(EventCountry),
        [
            {"event_id": event_id, "country_code": code, "role": role}
            for event_id in ids
            for code, role in [("KE", "requesting"), ("BW", "requesting"), ("MX", "participant")]
        ],
    )
    db.session.execute(
        insert(event_partners), [{"event_id": i, "organisation_id": partner.id} for i in ids]
    )
    db.session.commit()


URLS = [
    f"/calendar/{YEAR}",
    f"/calendar/{YEAR}?region=Africa&kind=workshop",
    f"/calendar/{YEAR}?country=KE&programme={{programme}}",
    f"/calendar/{YEAR}.csv",
    f"/calendar/{YEAR}.csv?region=Africa",
    f"/calendar/{YEAR}.xlsx",
]


@pytest.mark.parametrize("url", URLS)
def test_the_same_number_of_queries_with_10_and_600_events(
    app, client, db, make, count_queries, url
):
    programme = make.programme("CICIE")
    section = add_section(programme, "A", "Section A")
    partner = make.organisation("Partner", acronym="PTN")
    db.session.commit()
    url = url.format(programme=programme.id)

    def queries() -> int:
        with count_queries() as statements:
            response = client.get(url)
        assert response.status_code == 200
        return len(statements)

    add_events(db, programme, section, partner, 10)
    small = queries()
    add_events(db, programme, section, partner, 590)
    large = queries()
    assert small == large, f"{url}: {small} queries with 10 events, {large} with 600"


def test_every_event_shows_its_countries_and_partners_past_500(client, db, make):
    programme = make.programme("CICIE")
    section = add_section(programme, "A", "Section A")
    partner = make.organisation("Partner", acronym="PTN")
    add_events(db, programme, section, partner, 600)

    # The page shows them in pages of 300, with an index of the months saying where each is.
    pages = [client.get(f"/calendar/{YEAR}?region=Africa&page={n}").text for n in (1, 2)]
    page = "".join(pages)
    assert len(set(re.findall(r'data-event-id="\d+"', page))) == 600
    assert page.count("Botswana, Kenya") == 600
    assert page.count("PTN") >= 600
    assert "Page 1 of 2" in pages[0] and "Page 2 of 2" in pages[1]
    assert f'href="/calendar/{YEAR}?page=2&amp;region=Africa#month-' in pages[0]

    rows = list(csv.reader(io.StringIO(client.get(f"/calendar/{YEAR}.csv").text)))
    header, rows = rows[0], rows[1:]
    assert len(rows) == 600
    requesting = header.index("Requesting countries")
    participating = header.index("Participating countries")
    partners = header.index("Partners")
    programme_column = header.index("Programme")
    assert {r[requesting] for r in rows} == {"Botswana, Kenya"}
    assert {r[participating] for r in rows} == {"Mexico"}
    assert {r[partners] for r in rows} == {"PTN"}
    assert {r[programme_column] for r in rows} == {"CICIE"}


def test_a_month_split_across_pages_says_it_continues(client, db, make):
    programme = make.programme("CICIE")
    section = add_section(programme, "A", "Section A")
    partner = make.organisation("Partner", acronym="PTN")
    add_events(db, programme, section, partner, 301)  # December runs over into page 2
    pages = [client.get(f"/calendar/{YEAR}?page={n}").text for n in (1, 2)]
    headings = [
        dict(re.findall(r'id="month-(\d+)">\s*<h2>([^<]*(?:<small>[^<]*</small>)?)', text))
        for text in pages
    ]
    assert list(headings[1]) == ["12"]
    assert "(continued)" in headings[1]["12"]
    assert "(continued)" not in "".join(headings[0].values())
    # Printed (the pager's links hidden), page 1 still says the year goes on.
    assert "The year goes on in page 2." in pages[0]
    assert "The year goes on" not in pages[1]
