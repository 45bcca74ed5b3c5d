"""List pages and the API run a fixed number of SQL queries whatever the number of events."""

import pytest

from eventsapp.core.clock import utcnow
from eventsapp.registration.models import RegistrationSettings
from eventsapp.registration.services import RegistrationInput, register


def add_events(make, programme, partner, count):
    for number in range(count):
        event = make.event(
            title=f"Workshop {number}",
            date_text="18-19 January 2030" if number % 2 else "March 2030 (tbc)",
            programme_id=programme.id,
            requesting_countries=["KE", "BW"],
            partner_ids=[partner.id],
            venue=("SE", "Stockholm", None) if number % 3 else None,
            commit=False,
            capacity=3,
        )
        open_with_registrations(make.db, event, number)
    make.db.session.commit()


def open_with_registrations(db, event, number):
    """Every other event takes registrations, and has some."""
    if number % 2:
        return
    db.session.add(RegistrationSettings(event_id=event.id))
    db.session.flush()
    for person in range(number % 5):
        data = RegistrationInput(
            name=f"Delegate {person}",
            gender="undisclosed",
            email=f"d{person}@example.org",
            country_code="KE",
            consent=True,
        )
        register(event, data, utcnow())


def queries_for(client, count_queries, url):
    with count_queries() as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "url",
    [
        "/manage/events/",
        "/manage/events/?country=KE",
        "/api/v1/events",
        "/?region=Africa",
        "/",
        "/manage/programmes/",
    ],
)
def test_fixed_number_of_queries_with_10_and_200_events(staff_client, make, count_queries, url):
    programme = make.programme("CICIE")
    partner = make.organisation("Partner")
    add_events(make, programme, partner, 10)
    small = queries_for(staff_client, count_queries, url)
    add_events(make, programme, partner, 190)
    large = queries_for(staff_client, count_queries, url)
    assert small == large, f"{url}: {small} queries with 10 events, {large} with 200"
