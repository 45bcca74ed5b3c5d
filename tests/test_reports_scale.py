"""The summary, its spreadsheet and the annual report run the same number of SQL queries at 100
registrations (10 evaluation answers) as at 10,000 (1,000 answers), inserted in bulk, and count
them all."""

from datetime import date

import pytest
from sqlalchemy import insert

from eventsapp.attendance.models import EvaluationResponse
from eventsapp.core.clock import utcnow
from eventsapp.registration.models import Registration

COUNTRIES = ("KE", "PE", "GE", "NP", "RO")
GENDERS = ("female", "male", "undisclosed")


def fill(db, make, registrations: int):
    """A programme of ten held events with ``registrations`` participants spread over them."""
    programme = make.programme(first_year=2016)
    body = make.organisation(kind="electoral_management_body", country="KE")
    events = [
        make.event(
            status="held",
            programme_id=programme.id,
            requesting_countries=[COUNTRIES[number % len(COUNTRIES)]],
            theme=f"Theme {number % 3}",
            block="II",
        )
        for number in range(10)
    ]
    now = utcnow()
    db.session.execute(
        insert(Registration),
        [
            {
                "event_id": events[number % len(events)].id,
                "name": f"Participant {number}",
                "gender": GENDERS[number % len(GENDERS)],
                "email": f"participant{number}@example.org",
                "organisation_id": body.id if number % 2 else None,
                "country_code": COUNTRIES[number % len(COUNTRIES)],
                "status": "approved",
                "consent_at": now,
                "interpretation_languages": [],
            }
            for number in range(registrations)
        ],
    )
    db.session.execute(  # an evaluation answer for one registration in ten
        insert(EvaluationResponse),
        [
            {
                "event_id": events[number % len(events)].id,
                "answers": {"overall": number % 5 + 1},
                "satisfaction": number % 5 + 1,
                "comment": "",
                "submitted_on": date(2016, 1, 20),
            }
            for number in range(registrations // 10)
        ],
    )
    db.session.commit()
    return programme


ADDRESSES = (
    "/api/v1/reports/results?programme={id}",
    "/reports/results?programme={id}",
    "/reports/results.xlsx?programme={id}",
    "/reports/annual-report?programme={id}&year=2016",
)


def queries_per_address(client, programme, count_queries) -> dict[str, int]:
    counts = {}
    for address in ADDRESSES:
        url = address.format(id=programme.id)
        with count_queries() as statements:
            assert client.get(url).status_code == 200
        counts[address] = len(statements)
    return counts


@pytest.fixture
def at_100(staff_client, make, db, count_queries):
    programme = fill(db, make, 100)
    return queries_per_address(staff_client, programme, count_queries)


def test_the_same_queries_at_100_and_10000_registrations(
    staff_client, make, db, count_queries, at_100
):
    programme = fill(db, make, 10_000)
    at_10000 = queries_per_address(staff_client, programme, count_queries)
    assert at_10000 == at_100
    answer = staff_client.get(f"/api/v1/reports/results?programme={programme.id}").get_json()
    assert answer["participants"]["registered"] == 10_000
    assert answer["totals"]["total"] == 10
    assert sum(g["count"] for g in answer["participants"]["by_gender"]) == 10_000
    assert answer["satisfaction"]["overall"]["answers"] == 1_000
    # The summary itself: five queries (events, countries, participants, topics, satisfaction)
    # after the programme named by the parameters and the signed-in user; then the outcomes:
    # their events, completion, the tests and the follow-up, and the follow-up by gender (ten,
    # whatever the numbers).
    assert at_10000[ADDRESSES[0]] <= 19
