"""Visa and acceptance letters for 200 participants as one bulk job: issued and their emails
queued in the request, their PDFs made by the worker as the emails leave; per letter, beside the
badge sheet's time per badge.

Runs on the database in ``DATABASE_URL`` (``make bench`` starts a throwaway PostgreSQL): migrates
it, adds an event in Mexico City with 200 approved participants who asked for a visa letter and
wrote their passport data, then times the bulk issue (rolled back each round, so that each round
issues the 400 letters again), the worker sending the 200 emails with their 400 PDFs (written as
.eml files in a temporary folder: no mail server), and the badge sheet of the same participants,
each against the raw floor of the participants' rows (``bench.raw_floor``).
"""

import contextlib
import io
import os
import sys
import tempfile
import time
from datetime import date, datetime

from flask_migrate import upgrade
from sqlalchemy import select

import eventsapp.travel.hooks  # noqa: F401  (the letters' attachment maker, as the app has it)
from bench import median_time, raw_floor
from eventsapp import create_app
from eventsapp.catalogue.models import Event
from eventsapp.catalogue.services import EventInput, VenueInput, save_event
from eventsapp.config import database_url
from eventsapp.core.clock import utcnow
from eventsapp.core.dates import read_date_phrase
from eventsapp.documents.rendering import badge_sheet_pdf
from eventsapp.documents.services import badges_of
from eventsapp.extensions import db
from eventsapp.mail.sender import send_due
from eventsapp.registration.models import Registration
from eventsapp.registration.participants import WITH_A_PLACE
from eventsapp.travel.letters import issue_letters, waiting_letter_emails
from eventsapp.travel.models import TravelFile

PARTICIPANTS = 200


def _event() -> Event:
    phrase = "16-18 March 2031"
    event = save_event(
        Event(),
        EventInput(
            title="Letters benchmark course",
            kind="specialization_course",
            status="confirmed",
            window=read_date_phrase(phrase),
            date_text=phrase,
            venue=VenueInput("MX", "Mexico City", None),
        ),
    )
    db.session.flush()
    registrations = [
        Registration(
            event_id=event.id,
            name=f"Participant {n}",
            gender="female",
            email=f"letters-bench-{event.id}-{n}@example.org",
            country_code="PE",
            status="approved",
            visa_letter=True,
            consent_at=utcnow(),
        )
        for n in range(PARTICIPANTS)
    ]
    db.session.add_all(registrations)
    db.session.flush()
    db.session.add_all(
        TravelFile(
            registration_id=r.id,
            passport_name=r.name.upper(),
            nationality="PE",
            passport_number=f"PE{r.id:07d}",
            passport_expiry=date(2035, 1, 1),
            arrival_at=datetime(2031, 3, 15, 18, 0),
            departure_at=datetime(2031, 3, 19, 9, 0),
        )
        for r in registrations
    )
    db.session.commit()
    return event


def main() -> None:
    if not os.environ.get("DATABASE_URL"):
        sys.exit("DATABASE_URL is not set: run `make bench` (or scripts/with-postgres ...).")
    folder = tempfile.mkdtemp(prefix="letters-bench-")
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url(),
            "SERVER_NAME": "localhost",
            "TESTING": True,
            "MAIL_SERVER": "",
            "MAIL_FOLDER": folder,
        }
    )
    with app.app_context(), app.test_request_context():
        upgrade()
        event = _event()

        def issued():
            return issue_letters(event, utcnow(), None)

        def sheet():
            badge_sheet_pdf(event, badges_of(event, utcnow(), None))

        figures = {
            "raw floor, the participants": raw_floor(
                select(Registration.__table__)
                .where(Registration.event_id == event.id, Registration.status.in_(WITH_A_PLACE))
                .order_by(Registration.name, Registration.id)
            ),
            "letters issued, emails queued": median_time(issued, 3, after=db.session.rollback),
            "the badge sheet (PDF)": median_time(sheet, rounds=1, after=db.session.rollback),
        }
        letters = issued()
        db.session.commit()
        waiting = waiting_letter_emails(event)
        start = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()):  # each .eml file's path, unprinted
            sent, failed = send_due(limit=PARTICIPANTS * 2)
        figures["the worker sends them (PDFs)"] = time.perf_counter() - start
        db.session.remove()

    base = figures["raw floor, the participants"]
    print(f"{len(letters)} letters for {PARTICIPANTS} participants ({waiting} emails queued)")
    print(f"{'':32} {'ms':>9} {'× floor':>12}")
    for label, seconds in figures.items():
        print(f"{label:32} {seconds * 1000:9.1f} {seconds / base:12.2f}")
    per_letter = (
        figures["letters issued, emails queued"] + figures["the worker sends them (PDFs)"]
    ) / max(len(letters), 1)
    per_badge = figures["the badge sheet (PDF)"] / PARTICIPANTS
    print(f"emails sent: {sent}, failed: {failed}")
    print(f"time per letter: {per_letter * 1000:.1f} ms; per badge: {per_badge * 1000:.1f} ms")
