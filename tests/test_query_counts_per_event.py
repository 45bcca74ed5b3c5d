"""Pages about one event, or one delegate, run a fixed number of SQL queries however many
registrations or sessions they list."""

from datetime import date, time, timedelta

import pytest

from eventsapp.core.clock import utcnow
from eventsapp.registration.services import RegistrationInput, register
from tests.calendar_helpers import add_session
from tests.conftest import login

COUNTRIES = ["KE", "PE", "GE", "MX", "NP", "RO", "ZA", "EC"]


def add_registrations(make, event, start, count):
    """Delegates from as many organisations as possible, so that a lazy load per row would show."""
    for number in range(start, start + count):
        register(
            event,
            RegistrationInput(
                name=f"Delegate {number}",
                gender="female" if number % 2 else "male",
                email=f"delegate{number}@example.org",
                country_code=COUNTRIES[number % len(COUNTRIES)],
                new_organisation=f"Electoral body {number}",
                consent=True,
            ),
            utcnow(),
        )
    make.db.session.commit()


def count(client, count_queries, url) -> int:
    with count_queries() as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize(
    "path", ["participants", "participants.csv", "participants.xlsx", "participants?status=pending"]
)
def test_participant_lists_and_exports(staff_client, make, count_queries, path):
    event = make.open_event(capacity=150)
    url = f"/manage/events/{event.id}/{path}"
    add_registrations(make, event, 0, 10)
    small = count(staff_client, count_queries, url)
    add_registrations(make, event, 10, 190)  # some go to the waiting list
    assert count(staff_client, count_queries, url) == small


@pytest.mark.parametrize("url", ["/manage/events/{id}/agenda/", "/events/{id}", "/events/{id}.ics"])
def test_agenda_pages_and_the_event_file(staff_client, make, count_queries, url):
    event = make.event(date_text="18-22 April 2016")

    def add_sessions(first, how_many):
        for number in range(first, first + how_many):
            day = date(2016, 4, 18) + timedelta(days=number % 5)
            start = time(8 + number % 10)
            add_session(
                make.db, event, day, start, start.replace(minute=45), title=f"Session {number}"
            )

    add_sessions(0, 10)
    small = count(staff_client, count_queries, url.format(id=event.id))
    add_sessions(10, 190)
    assert count(staff_client, count_queries, url.format(id=event.id)) == small


def test_my_registrations(client, make, delegate_user, count_queries):
    def add(first, how_many):
        for number in range(first, first + how_many):
            event = make.open_event(capacity=5, days_ahead=10 + number)
            registration = register(
                event,
                RegistrationInput(
                    name="Ana Pérez",
                    gender="female",
                    email=delegate_user.email,
                    country_code=COUNTRIES[number % len(COUNTRIES)],
                    new_organisation=f"Electoral body {number}",
                    consent=True,
                ),
                utcnow(),
            )
            registration.user_id = delegate_user.id
        make.db.session.commit()

    login(client, delegate_user)
    add(0, 5)
    small = count(client, count_queries, "/me/registrations")
    add(5, 45)
    assert count(client, count_queries, "/me/registrations") == small
