"""The events API a page at a time: limit, cursor, Link and X-Total-Count, ETags, fixed queries."""

import re
from datetime import timedelta

import pytest

from eventsapp.catalogue.services import ProgrammeInput, save_programme
from eventsapp.demo.services import synthesise

NEXT = re.compile(r'<http://127.0.0.1:5000(/api/v1/events\?[^>]+)>; rel="next"')


def next_page(response) -> str | None:
    found = NEXT.fullmatch(response.headers.get("Link", ""))
    return found and found.group(1)


def every_page(client, url: str) -> list[list[dict]]:
    pages = []
    while url:
        response = client.get(url)
        assert response.status_code == 200
        pages.append(response.get_json())
        url = next_page(response)
    return pages


def add_events(make, count: int, first: int = 0):
    for number in range(first, first + count):
        make.event(title=f"Workshop {number:02}", date_text=f"{number % 28 + 1} March 2030")


def test_pages_follow_the_link_header_to_the_last(client, make):
    add_events(make, 7)
    whole = client.get("/api/v1/events")
    assert whole.headers["X-Total-Count"] == "7" and "Link" not in whole.headers
    first = client.get("/api/v1/events?year=2030&limit=3")
    assert first.headers["X-Total-Count"] == "7"
    assert next_page(first)
    pages = every_page(client, "/api/v1/events?year=2030&limit=3")
    assert [len(page) for page in pages] == [3, 3, 1]
    assert [event for page in pages for event in page] == whole.get_json()


def test_the_next_page_starts_after_the_last_event_shown_even_when_events_are_added(client, make):
    add_events(make, 4, first=10)
    first = client.get("/api/v1/events?limit=2")
    shown = [e["title"] for e in first.get_json()]
    make.event(title="Workshop earlier", date_text="1 January 2030")
    rest = [e["title"] for page in every_page(client, next_page(first)) for e in page]
    assert shown == ["Workshop 10", "Workshop 11"]
    assert rest == ["Workshop 12", "Workshop 13"]


def test_a_client_holding_the_etag_gets_a_304_until_something_shown_changes(client, make):
    programme = make.programme("Programme for Electoral Processes", acronym="PEP")
    make.event(title="Seminar", date_text="May 2030", programme_id=programme.id)
    first = client.get("/api/v1/events")
    etag = first.headers["ETag"]
    again = client.get("/api/v1/events", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["X-Total-Count"] == "1"

    # Renaming the programme touches no event, but their JSON shows its acronym.
    save_programme(programme, ProgrammeInput(name=programme.name, first_year=2016, acronym="PEP2"))
    make.db.session.commit()
    renamed = client.get("/api/v1/events", headers={"If-None-Match": etag})
    assert renamed.status_code == 200
    assert renamed.get_json()[0]["programme"] == "PEP2"
    assert renamed.headers["ETag"] != etag

    make.event(title="Workshop", date_text="June 2030")
    assert [e["title"] for e in client.get("/api/v1/events").get_json()] == ["Seminar", "Workshop"]


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("limit=0", "limit", "limit must be a number from 1 to 500"),
        ("limit=501", "limit", "limit must be a number from 1 to 500"),
        ("limit=ten", "limit", "limit must be a number"),
        ("cursor=nonsense", "cursor", "This cursor is not one the API gave"),
        # Well-formed, but not a sort key: a list of four, wrong types.
        ("cursor=WzEsIDIsIDMsIDRd", "cursor", "This cursor is not one the API gave"),
        # A title with a NUL in it, which PostgreSQL would refuse to compare.
        (
            "cursor=WyIyMDMwLTAxLTAxIiwgIjIwMzAtMDEtMDEiLCAiYVx1MDAwMCIsIDFd",
            "cursor",
            "This cursor is not one the API gave",
        ),
    ],
)
def test_bad_paging_gets_a_400_with_a_json_error(client, db, query, field, message):
    response = client.get(f"/api/v1/events?{query}")
    assert response.status_code == 400
    assert response.get_json()["field"] == field
    assert message in response.get_json()["error"]


def test_errors_under_the_api_are_json_never_a_page(client, db):
    assert client.get("/api/v1/nothing").get_json() == {
        "error": "There is no such page. It may have been removed."
    }
    refused = client.delete("/api/v1/events")  # POST creates one (writes)
    assert refused.status_code == 405 and "error" in refused.get_json()


def test_fixed_number_of_queries_with_10_and_600_events(client, make, count_queries):
    def queries(url: str) -> int:
        with count_queries() as statements:
            response = client.get(url)
        assert response.status_code == 200
        return len(statements)

    add_events(make, 10)
    small = queries("/api/v1/events?year=2030")
    assert small <= 2  # the version (total, ETag) and the page
    synthesise(600, 2030)
    make.db.session.commit()
    assert queries("/api/v1/events?year=2030") == small
    first = client.get("/api/v1/events?year=2030")
    assert first.headers["X-Total-Count"] == "610" and len(first.get_json()) == 500
    assert queries(next_page(first)) == small
    assert queries(f"/api/v1/events/{first.get_json()[0]['id']}") <= small
    # A page asked for again is read from those this process keeps: the version only.
    assert queries("/api/v1/events?year=2030") == 1


def test_the_etag_changes_with_a_save_stamped_by_a_clock_behind_another_servers(client, make):
    """Two app servers whose clocks differ a little: an event saved by the one behind carries an
    earlier time than the latest already there, and the page (kept by a process) still changes."""
    first = make.event(title="Seminar", date_text="May 2030")
    second = make.event(title="Workshop", date_text="June 2030")
    etag = client.get("/api/v1/events").headers["ETag"]
    first.title = "Seminar on electoral justice"
    # Behind the latest, and not its own time before (the two were made milliseconds apart).
    first.updated_at = min(first.updated_at, second.updated_at) - timedelta(seconds=1)
    make.db.session.commit()
    renamed = client.get("/api/v1/events", headers={"If-None-Match": etag})
    assert renamed.status_code == 200 and renamed.headers["ETag"] != etag
    assert renamed.get_json()[0]["title"] == "Seminar on electoral justice"
