"""Retention: a clock moved past each period; what goes and what stays."""

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from eventsapp.authority_requests.models import AuthorityRequest
from eventsapp.authority_requests.services import RequestInput, receive_request
from eventsapp.core.actions import LoggedAction
from eventsapp.core.clock import utcnow
from eventsapp.core.jobs import PERIODIC_JOBS
from eventsapp.mail.models import OutboxEmail
from eventsapp.privacy.retention import Rules, apply_retention
from eventsapp.registration.models import Registration
from eventsapp.registration.uploads import STORE
from tests.test_registration_questions import PDF

ENDED = date(2025, 3, 12)
NOON = datetime(2025, 3, 12, 12)
RULES = Rules(travel_days=90, answers_years=5, unconfirmed_days=7, email_days=30)


@pytest.fixture
def upload_folder(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOADS_FOLDER", str(tmp_path / "uploads"))
    return tmp_path / "uploads"


def after(days: int) -> datetime:
    return NOON + timedelta(days=days)


def attended(db, make, upload_folder) -> tuple[Registration, object]:
    event = make.event(date_text="10-12 March 2025", status="held")
    stored = STORE.keep(PDF, ".pdf", within=str(event.id))
    registration = Registration(
        event_id=event.id,
        name="Amina Odhiambo",
        gender="female",
        email="amina@iebc.example",
        position="Head of voter education",
        country_code="KE",
        status="attended",
        consent_at=NOON,
        arrival_on=date(2025, 3, 9),
        departure_on=date(2025, 3, 13),
        dietary_needs="Vegetarian",
        accessibility_needs="A ramp",
        visa_letter=True,
        answers={"1": "Voter education unit", "2": {"name": "cv.pdf", "stored": stored}},
    )
    db.session.add(registration)
    db.session.commit()
    return registration, upload_folder / "registrations" / str(event.id) / stored


def run(db, now: datetime) -> dict:
    removed = apply_retention(now, RULES)
    db.session.commit()
    db.session.expire_all()
    return removed


def test_travel_details_go_after_the_event_and_answers_years_later(db, make, upload_folder):
    registration, file = attended(db, make, upload_folder)

    assert run(db, after(90))["travel"] == 0
    kept = db.session.get(Registration, registration.id)
    assert (kept.arrival_on, kept.dietary_needs, kept.visa_letter) == (
        date(2025, 3, 9),
        "Vegetarian",
        True,
    )

    assert run(db, after(91)) == {
        "travel": 1,
        "answers": 0,
        "report_files": 0,
        "unconfirmed_requests": 0,
        "emails": 0,
    }
    kept = db.session.get(Registration, registration.id)
    assert (kept.arrival_on, kept.departure_on, kept.dietary_needs, kept.accessibility_needs) == (
        None,
        None,
        "",
        "",
    )
    assert not kept.visa_letter
    assert kept.answers["1"] == "Voter education unit" and file.exists()
    assert (kept.name, kept.status, kept.country_code) == ("Amina Odhiambo", "attended", "KE")

    assert run(db, datetime(2030, 3, 12, 12))["answers"] == 0  # five years to the day
    assert run(db, datetime(2030, 3, 13, 12))["answers"] == 1
    kept = db.session.get(Registration, registration.id)
    assert kept.answers == {} and not file.exists()
    assert (kept.name, kept.gender, kept.status, kept.country_code) == (
        "Amina Odhiambo",
        "female",
        "attended",
        "KE",
    )
    line = db.session.scalars(
        select(LoggedAction)
        .where(LoggedAction.action == "retention.applied")
        .order_by(LoggedAction.id)
    ).all()[-1]
    assert line.data["answers"] == 1 and line.actor_name is None
    assert "answers of 1 registrations" in line.sentence
    assert run(db, datetime(2031, 1, 1)) == dict.fromkeys(line.data, 0)  # nothing left to go


def test_requests_never_confirmed_and_old_emails_go(db):
    def request(email):
        return receive_request(
            RequestInput(
                authority_name="National Office of Electoral Processes",
                country_code="PE",
                kind="workshop",
                date_text="September 2025",
                contact_name="Rosa Quispe",
                contact_email=email,
                other_topics="Voting from abroad",
            ),
            NOON,
        )

    unconfirmed = request("rosa@example.org").id
    confirmed = request("luis@example.org")
    confirmed.confirmed_at = NOON
    confirmed = confirmed.id
    db.session.flush()
    for email in db.session.scalars(select(OutboxEmail)):
        email.status, email.sent_at, email.created_at = "sent", NOON, NOON
    waiting = OutboxEmail(to="x@example.org", subject="Waiting", text_body="…", created_at=NOON)
    given_up = OutboxEmail(
        to="y@example.org",
        subject="Given up",
        text_body="Your sign-in link: …",
        status="failed",
        created_at=NOON,
    )
    db.session.add_all([waiting, given_up])
    db.session.commit()
    sent = db.session.scalar(select(db.func.count(OutboxEmail.id))) - 2
    assert sent == 2

    assert run(db, after(7))["unconfirmed_requests"] == 0
    removed = run(db, after(8))
    assert removed["unconfirmed_requests"] == 1
    assert db.session.get(AuthorityRequest, unconfirmed) is None
    assert db.session.get(AuthorityRequest, confirmed) is not None

    assert run(db, after(30))["emails"] == 0
    assert run(db, after(31))["emails"] == 3
    # The one given up stays, emptied, so that a message still counts it as not delivered.
    kept = {e.subject: e for e in db.session.scalars(select(OutboxEmail))}
    assert sorted(kept) == ["Given up", "Waiting"]
    assert (kept["Given up"].status, kept["Given up"].text_body) == ("failed", "")
    assert run(db, after(60))["emails"] == 0


def test_the_worker_runs_retention_daily_with_the_settings(
    app, db, make, upload_folder, monkeypatch
):
    registration, _file = attended(db, make, upload_folder)
    job = PERIODIC_JOBS["retention"]
    assert job.every == timedelta(hours=24)
    monkeypatch.setitem(app.config, "RETENTION_TRAVEL_DAYS", 400)
    job.run(after(200))
    db.session.commit()
    assert db.session.get(Registration, registration.id).dietary_needs == "Vegetarian"
    job.run(utcnow())
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Registration, registration.id).dietary_needs == ""
