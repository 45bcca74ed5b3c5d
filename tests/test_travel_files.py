"""The travel file: asked only once a place is approved (passport data only of who needs a visa
letter); after the freeze a change is a request; passport data seen only by staff allowed to,
each look logged, never in general exports, and gone with the retention rules."""

import io
from datetime import date, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from eventsapp.accounts.models import Role
from eventsapp.accounts.services import create_user
from eventsapp.core.actions import LoggedAction
from eventsapp.core.clock import utcnow
from eventsapp.privacy.retention import Rules, apply_retention
from eventsapp.registration.models import Registration
from eventsapp.travel.files import grant, save_settings
from eventsapp.travel.models import TravelChange, TravelFile, TravelSettings
from tests.conftest import login

PASSPORT = "PE1234567"


@pytest.fixture
def trip(app, make, db, staff_user):
    """An approved delegate of Peru who needs a visa letter, signed in; the event asks every
    part of the travel file, frozen ten days before it starts."""
    event = make.open_event(capacity=10, days_ahead=40)
    delegate = create_user("ana@jne.gob.pe", Role.DELEGATE, name="Ana Torres")
    registration = Registration(
        event_id=event.id,
        user=delegate,
        name="Ana Torres",
        gender="female",
        email="ana@jne.gob.pe",
        country_code="PE",
        status="pending",
        consent_at=utcnow(),
        visa_letter=True,
    )
    db.session.add(registration)
    save_settings(
        event,
        ["identity", "passport", "flights", "hotel", "needs"],
        event.starts_on - timedelta(days=10),
        staff_user.id,
        staff_user,
        utcnow(),
    )
    db.session.commit()
    client = app.test_client()
    login(client, delegate)
    return event, registration, client


def _form(event, **changes):
    return {
        "passport_name": "TORRES QUISPE ANA MARIA",
        "nationality": "PE",
        "passport_number": PASSPORT,
        "passport_expiry": "2031-05-01",
        "arrival_on": (event.starts_on - timedelta(days=1)).isoformat(),
        "arrival_time": "22:40",
        "arrival_flight": "la2480",
        "arrival_airport": "MEX T1",
        "departure_on": event.ends_on.isoformat(),
        "departure_time": "09:15",
        "departure_flight": "LA2481",
        "departure_airport": "MEX T1",
        "check_in_on": (event.starts_on - timedelta(days=1)).isoformat(),
        "check_out_on": event.ends_on.isoformat(),
        "phone": "+51 999 888 777",
        **changes,
    }


def test_the_travel_file_is_asked_only_once_approved(trip, db):
    event, registration, client = trip
    url = f"/me/registrations/{registration.id}/travel-file"
    refused = client.post(url, data=_form(event), follow_redirects=True)
    assert "once your place is approved" in refused.get_data(as_text=True)
    assert db.session.get(TravelFile, registration.id) is None
    registration.status = "approved"
    db.session.commit()
    page = client.get(url).get_data(as_text=True)
    assert "Passport number" in page and "Arrival flight" in page
    client.post(url, data=_form(event))
    travel = db.session.get(TravelFile, registration.id)
    assert (travel.passport_number, travel.arrival_flight) == (PASSPORT, "LA2480")
    assert travel.arrival_at == datetime.combine(
        event.starts_on - timedelta(days=1), datetime.strptime("22:40", "%H:%M").time()
    )
    # Without a visa letter, no passport is asked.
    registration.visa_letter = False
    db.session.commit()
    assert "Passport number" not in client.get(url).get_data(as_text=True)


def test_a_visa_letter_asks_for_the_passport_even_where_the_event_asks_no_travel_file(trip, db):
    """The visa letter states the passport: its participant is asked for it (and My
    registrations shows the travel file) even where the event asks for nothing else."""
    event, registration, client = trip
    registration.status = "approved"
    settings = db.session.scalar(select(TravelSettings))
    settings.parts = []
    db.session.commit()
    url = f"/me/registrations/{registration.id}/travel-file"
    assert "Travel file" in client.get("/me/registrations").get_data(as_text=True)
    page = client.get(url).get_data(as_text=True)
    assert "Passport number" in page and "Name exactly as in the passport" in page
    assert "Arrival flight" not in page
    client.post(url, data=_form(event))
    travel = db.session.get(TravelFile, registration.id)
    assert (travel.passport_number, travel.nationality) == (PASSPORT, "PE")
    assert travel.passport_name == "TORRES QUISPE ANA MARIA"

    registration.visa_letter = False
    db.session.commit()
    refused = client.get(url, follow_redirects=True).get_data(as_text=True)
    assert "This event asks for no travel file" in refused
    assert "Travel file" not in client.get("/me/registrations").get_data(as_text=True)


def test_bad_travel_input_is_refused_beside_its_field(trip, db):
    event, registration, client = trip
    registration.status = "approved"
    db.session.commit()
    url = f"/me/registrations/{registration.id}/travel-file"
    for data, message in (
        (
            _form(event, passport_expiry=(event.starts_on - timedelta(days=1)).isoformat()),
            "expires before the stay ends",
        ),
        (
            _form(event, departure_on=(event.starts_on - timedelta(days=3)).isoformat()),
            "departure is before",
        ),
        (_form(event, passport_name="A" * 5000), "200"),
        (_form(event, nationality="XX"), "Choose a country"),
        (_form(event, arrival_flight="LA\x00"), None),
    ):
        response = client.post(url, data=data)
        assert response.status_code < 500
        if message:
            assert message in response.get_data(as_text=True)
        assert db.session.get(TravelFile, registration.id) is None


def test_after_the_freeze_a_change_is_a_request_the_owner_decides(
    trip, db, staff_client, staff_user
):
    event, registration, client = trip
    registration.status = "approved"
    db.session.commit()
    url = f"/me/registrations/{registration.id}/travel-file"
    client.post(url, data=_form(event))
    from eventsapp.travel.models import TravelSettings

    db.session.get(TravelSettings, event.id).freeze_on = date.today() - timedelta(days=1)
    db.session.commit()
    page = client.post(url, data=_form(event, arrival_flight="AM0001"), follow_redirects=True)
    assert "your change is sent to the staff" in page.get_data(as_text=True)
    assert db.session.get(TravelFile, registration.id).arrival_flight == "LA2480"
    change = db.session.scalar(select(TravelChange))
    board = f"/manage/events/{event.id}/travel/"
    assert "AM0001" in staff_client.get(board).get_data(as_text=True)
    refused = staff_client.post(
        board, data={"change": change.id, "accept": "0"}, follow_redirects=True
    )
    assert "Say why the change is refused." in refused.get_data(as_text=True)
    staff_client.post(board, data={"change": change.id, "accept": "1"})
    db.session.expire_all()
    assert db.session.get(TravelFile, registration.id).arrival_flight == "AM0001"
    assert "Accepted" in client.get(url).get_data(as_text=True)


def test_passport_data_only_for_staff_allowed_each_look_logged_never_exported(
    trip, db, app, staff_client, staff_user
):
    event, registration, client = trip
    registration.status = "approved"
    db.session.commit()
    client.post(f"/me/registrations/{registration.id}/travel-file", data=_form(event))
    board = f"/manage/events/{event.id}/travel/"
    assert PASSPORT not in staff_client.get(board).get_data(as_text=True)
    looks = select(LoggedAction).where(LoggedAction.action == "travel.identity_seen")
    assert db.session.scalars(looks).all() == []
    admin = create_user("admin@centre.org", Role.ADMIN, "a long pass phrase", name="Ada")
    db.session.commit()
    grant(staff_user, True, admin, utcnow())
    db.session.commit()
    assert PASSPORT in staff_client.get(board).get_data(as_text=True)
    [look] = db.session.scalars(looks).all()
    assert (look.actor_id, look.object_id) == (staff_user.id, registration.id)
    for export in ("participants.csv", "participants.xlsx"):
        body = staff_client.get(f"/manage/events/{event.id}/{export}").data
        if export.endswith("xlsx"):
            sheet = load_workbook(io.BytesIO(body)).active
            body = " ".join(
                str(c) for row in sheet.iter_rows(values_only=True) for c in row
            ).encode()
        assert PASSPORT.encode() not in body and b"TORRES QUISPE" not in body


def test_retention_deletes_the_travel_files_after_the_event(trip, db):
    event, registration, client = trip
    registration.status = "approved"
    db.session.commit()
    client.post(f"/me/registrations/{registration.id}/travel-file", data=_form(event))
    assert db.session.get(TravelFile, registration.id) is not None
    after = datetime.combine(event.ends_on, datetime.min.time()) + timedelta(days=91)
    removed = apply_retention(after, Rules(travel_days=90))
    db.session.commit()
    assert removed["travel"] >= 1
    assert db.session.get(TravelFile, registration.id) is None


def test_an_administrator_lets_a_colleague_see_passport_data(app, trip, db, staff_user):
    event, _registration, _client = trip
    admin = create_user("admin@centre.org", Role.ADMIN, "a long pass phrase", name="Ada")
    db.session.commit()
    client = app.test_client()
    login(client, admin)
    page = client.get(f"/manage/events/{event.id}/travel/settings").get_data(as_text=True)
    assert "Who sees passport data" in page and "Let see passport data" in page
    client.post(f"/manage/accounts/{staff_user.id}/passport-data", data={"allowed": "1"})
    from eventsapp.travel.files import may_see_identity

    assert may_see_identity(staff_user)
    client.post(f"/manage/accounts/{staff_user.id}/passport-data", data={"allowed": "0"})
    assert not may_see_identity(staff_user)
    staff = app.test_client()
    login(staff, staff_user)
    refused = staff.post(f"/manage/accounts/{staff_user.id}/passport-data", data={"allowed": "1"})
    assert refused.status_code == 403 and not may_see_identity(staff_user)


def test_hotel_nights_far_from_the_event_are_refused_and_flights_set_the_stay(trip, db):
    event, registration, client = trip
    registration.status = "approved"
    db.session.commit()
    url = f"/me/registrations/{registration.id}/travel-file"
    far = client.post(url, data=_form(event, check_out_on="2033-01-01"))
    assert "within a week of the event" in far.get_data(as_text=True)
    assert db.session.get(TravelFile, registration.id) is None
    client.post(url, data=_form(event))
    db.session.expire_all()
    saved = db.session.get(Registration, registration.id)
    assert (saved.arrival_on, saved.departure_on) == (
        event.starts_on - timedelta(days=1),
        event.ends_on,
    )
