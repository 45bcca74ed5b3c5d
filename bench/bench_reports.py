"""The results summary over 5,000 events and 100,000 registrations, against one bare COUNT(*).

Run by ``make bench`` (``scripts/with-postgres`` provides ``DATABASE_URL``); ``python -m bench
bench_reports`` on another database. Migrates the database, loads ``demo synth --events 5000
--participants 100000`` (events spread over one year, a quarter of them held), then times in this
process, median of 7 after one warm-up:

- the baseline: ``SELECT COUNT(*)`` over the registrations of the programme's events (and, for
  comparison, over the whole table, without the join), through a DB-API cursor
  (``bench.raw_floor``);
- the summary (``results_summary``: events by year and region, countries, participants by five
  dimensions, topics; four grouped queries and the arranging of their rows);
- the JSON answer of ``GET /api/v1/reports/results`` through Flask's test client;
- for comparison, the participants' figures counted from the registrations as the summary did
  before it read the kept counts (``reports.counts.totalled_afresh``, every programme), and
  whether the kept counts, made by the triggers during the bulk load, equal them.

Before issue 30 (16:51, same machine): the summary 1390.9 ms, ×104.6, 17 queries: issue 28's
outcomes read every participant of every counted event as an ORM object and judged each against
its completion rule (its reasons in words, through gettext) to find that nobody had been checked
in.

Prints each time, its ratio to the baseline (aim: at most 3 for the summary) and the SQL
statements the summary ran. ``EVENTS`` and ``PARTICIPANTS`` in the environment change the sizes.
"""

import os
import time

from bench import median_time, raw_floor, synthetic_programme

YEAR = 2032
EVENTS = int(os.environ.get("EVENTS", 5000))
PARTICIPANTS = int(os.environ.get("PARTICIPANTS", 100_000))
AIM = 3
RUNS = 7


def main() -> None:
    from flask_migrate import upgrade
    from sqlalchemy import event as sa_event
    from sqlalchemy import func, select

    from eventsapp import create_app
    from eventsapp.accounts.models import Role
    from eventsapp.accounts.services import create_user
    from eventsapp.catalogue.models import Event
    from eventsapp.extensions import db
    from eventsapp.registration.models import Registration
    from eventsapp.reports.counts import (
        fresh_counts,
        fresh_totals,
        kept_counts,
        kept_totals,
        totalled_afresh,
    )
    from eventsapp.reports.services import ResultsQuery, results_summary

    app = create_app({"SERVER_NAME": "localhost"})
    with app.app_context():
        upgrade()
        programme = synthetic_programme(app, YEAR, EVENTS, PARTICIPANTS)
        query = ResultsQuery(YEAR, YEAR, programme)
        of_programme = Registration.event_id.in_(
            select(Event.id).where(Event.programme_id == programme.id)
        )
        count = select(func.count()).select_from(Registration).where(of_programme)
        rows = db.session.scalar(count)

        baseline = raw_floor(count, RUNS)
        whole_table = raw_floor(select(func.count()).select_from(Registration), RUNS)
        summary = median_time(lambda: results_summary(query), RUNS, warm_up=True)
        afresh = median_time(
            lambda: db.session.execute(totalled_afresh()).all(), RUNS, warm_up=True
        )
        kept_right = kept_counts() == fresh_counts() and kept_totals() == fresh_totals()

        statements = []

        def record(_connection, _cursor, statement, *_args):
            statements.append(statement)

        sa_event.listen(db.engine, "before_cursor_execute", record)
        results = results_summary(query)
        sa_event.remove(db.engine, "before_cursor_execute", record)

        user = create_user(
            f"bench{time.time_ns()}@example.org", Role.COORDINATOR, "bench pass phrase"
        )
        db.session.commit()
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
        url = f"/api/v1/reports/results?from={YEAR}&to={YEAR}&programme={programme.id}"
        api = median_time(lambda: client.get(url), RUNS, warm_up=True)

    held = results.totals["total"]
    print(f"{rows} registrations on {EVENTS} events; {held} held, counted")
    print(f"participants counted: {results.participants['registered']}")
    print(f"COUNT(*) of the whole table (for comparison): {whole_table * 1000:.1f} ms")
    print(f"bare COUNT(*) of the programme's registrations: {baseline * 1000:8.1f} ms")
    ratio = summary / baseline
    verdict = "ok" if ratio <= AIM else f"above the aim of {AIM}"
    print(
        f"summary ({len(statements)} queries): {summary * 1000:8.1f} ms  ×{ratio:.1f} ({verdict})"
    )
    print(f"API answer (JSON):        {api * 1000:8.1f} ms  ×{api / baseline:.1f}")
    print(
        f"participants counted afresh from the registrations (before): {afresh * 1000:8.1f} ms"
        f"  ×{afresh / baseline:.1f}"
    )
    print(f"kept counts equal the registrations after the load: {'yes' if kept_right else 'NO'}")
