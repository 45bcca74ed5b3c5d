"""The yearly iCal feed of 5,000 events with agendas: cold, repeated, after one edit, conditional.

Runs on the database in ``DATABASE_URL`` (``make bench`` starts a throwaway PostgreSQL): migrates
it, loads ``demo synth --events 5000 --sessions-per-event 4`` (once, ``load_year``: bench_year
measures the same events), then times requests through the Flask test client against the raw
floor (the same rows fetched through a DB-API cursor, ``bench.raw_floor``), a change to every
event of the year included (aim: at most 12×).
"""

import os
import sys
import time
from datetime import date

from flask_migrate import upgrade
from sqlalchemy import func, select, update

from bench import median_time, raw_floor
from eventsapp import create_app
from eventsapp.calendars.services import clear_feed_cache
from eventsapp.catalogue.models import Event, Programme
from eventsapp.catalogue.services import overlaps
from eventsapp.config import database_url
from eventsapp.core.clock import utcnow
from eventsapp.extensions import db

YEAR = 2031
EVENTS = 5000
SESSIONS_PER_EVENT = 4
ROUNDS = 5
URL = f"/calendar/{YEAR}.ics"
PERIOD = (date(YEAR, 1, 1), date(YEAR, 12, 31))


def floor() -> float:
    """The feed's rows, every column, through a DB-API cursor: the least any feed must do."""
    table = Event.__table__
    return raw_floor(select(table).where(overlaps(*PERIOD)).order_by(table.c.id))


def edit_one_event() -> None:
    """What saving an event in the form does to its row (a new title, a new updated_at)."""
    event = db.session.scalars(select(Event).where(overlaps(*PERIOD)).limit(1)).one()
    event.title = f"Edited workshop {time.perf_counter_ns()}"
    db.session.commit()


def change_every_event() -> None:
    """A change to every event of the year (a new ``updated_at``): every text written again."""
    db.session.execute(update(Event).where(overlaps(*PERIOD)).values(updated_at=utcnow()))
    db.session.commit()


def load_year(app) -> None:
    """The year's 5,000 events with their agendas, loaded once: the calendar benchmarks share
    them (``make bench`` runs them on one database), so that each measures 5,000 events, not the
    sum of what each loaded."""
    with app.app_context():
        upgrade()
        name = f"Synthetic programme {YEAR}"
        if db.session.scalar(select(Programme.id).where(Programme.name == name)) is None:
            result = app.test_cli_runner().invoke(
                args=["demo", "synth", "--events", str(EVENTS), "--year", str(YEAR)]
                + ["--sessions-per-event", str(SESSIONS_PER_EVENT)]
            )
            print(result.output.strip())
        count = select(func.count()).select_from(Event).where(overlaps(*PERIOD))
        print(f"{db.session.scalar(count):,} events in {YEAR}")


def main() -> None:
    if not os.environ.get("DATABASE_URL"):
        sys.exit("DATABASE_URL is not set: run `make bench` (or scripts/with-postgres ...).")
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": database_url(), "SERVER_NAME": "localhost", "TESTING": True}
    )
    load_year(app)
    client = app.test_client()

    def get(headers=None):
        response = client.get(URL, headers=headers or {})
        assert response.status_code in (200, 304), response.status_code
        return response

    get()  # the first request of the process: imports, templates, connections

    def in_app(function):
        def run():
            with app.app_context():
                function()
                db.session.commit()

        return run

    with app.app_context():
        figures = {"raw floor (DB-API cursor)": floor()}
    figures["cold build (empty cache)"] = median_time(get, 3, before=in_app(clear_feed_cache))
    get()
    figures["repeated request"] = median_time(get)
    figures["after one event was edited"] = median_time(get, before=in_app(edit_one_event))
    figures["after a change to every event"] = median_time(get, 3, in_app(change_every_event))
    etag = get().headers["ETag"]
    figures["conditional request (304)"] = median_time(lambda: get({"If-None-Match": etag}))
    size = len(get().data)

    base = figures["raw floor (DB-API cursor)"]
    print(f"{EVENTS} events with {SESSIONS_PER_EVENT} sessions each; {URL}: {size:,} bytes")
    print(f"{'':34} {'ms':>9} {'× floor':>12}")
    for label, seconds in figures.items():
        print(f"{label:34} {seconds * 1000:9.1f} {seconds / base:12.2f}")
