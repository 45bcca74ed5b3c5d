"""The badge sheet of 500 participants as a PDF: reading them, issuing their badges (serials,
codes, the action log's lines), what each badge says (fitted to its size, with its QR code), the
whole sheet.

Runs on the database in ``DATABASE_URL`` (``make bench`` starts a throwaway PostgreSQL): migrates
it, adds an event with 500 approved participants, then times each step against the raw floor of
the same rows, and prints the time per badge. Each step is rolled back, so that each round issues
the 500 badges again (the first print of a sheet, its slowest).
"""

import os
import sys

from flask_migrate import upgrade
from sqlalchemy import select

from bench import median_time, raw_floor
from eventsapp import create_app
from eventsapp.catalogue.models import Event
from eventsapp.config import database_url
from eventsapp.core.clock import utcnow
from eventsapp.core.dates import read_date_phrase
from eventsapp.documents.rendering import badge_sheet_pdf, event_language, look_of, printed_document
from eventsapp.documents.services import badges_of
from eventsapp.extensions import db
from eventsapp.registration.models import Registration
from eventsapp.registration.participants import WITH_A_PLACE

PARTICIPANTS = 500


def main() -> None:
    if not os.environ.get("DATABASE_URL"):
        sys.exit("DATABASE_URL is not set: run `make bench` (or scripts/with-postgres ...).")
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": database_url(), "SERVER_NAME": "localhost", "TESTING": True}
    )
    with app.app_context():
        upgrade()
        window = read_date_phrase("18-19 January 2031")
        event = Event(
            title="Badge benchmark course",
            kind="specialization_course",
            status="confirmed",
            date_text="18-19 January 2031",
            starts_on=window.starts_on,
            ends_on=window.ends_on,
            precision=window.precision,
        )
        db.session.add(event)
        db.session.flush()
        db.session.add_all(
            Registration(
                event_id=event.id,
                name=f"Participant {n}",
                gender="female",
                email=f"badge-bench-{event.id}-{n}@example.org",
                country_code="MX",
                status="approved",
                consent_at=utcnow(),
            )
            for n in range(PARTICIPANTS)
        )
        db.session.commit()

        def issued():
            return badges_of(event, utcnow(), None)

        def printed():
            language = event_language(event)
            look = look_of(event.programme, language)
            return [printed_document(d, look, language).qr for d in issued()]

        def sheet():
            with app.test_request_context():
                badge_sheet_pdf(event, issued())

        figures = {
            "raw floor, the participants": raw_floor(
                select(Registration.__table__)
                .where(Registration.event_id == event.id, Registration.status.in_(WITH_A_PLACE))
                .order_by(Registration.name, Registration.id)
            ),
            "badges issued": median_time(issued, 3, after=db.session.rollback),
            "badges fitted, with QR codes": median_time(printed, 3, after=db.session.rollback),
            "the whole PDF sheet": median_time(sheet, rounds=1, after=db.session.rollback),
        }
    base = figures["raw floor, the participants"]
    print(f"{PARTICIPANTS} badges")
    print(f"{'':32} {'ms':>9} {'× floor':>12}")
    for label, seconds in figures.items():
        print(f"{label:32} {seconds * 1000:9.1f} {seconds / base:12.2f}")
    per_badge = figures["the whole PDF sheet"] / PARTICIPANTS * 1000
    print(f"time per badge: {per_badge:.1f} ms")
