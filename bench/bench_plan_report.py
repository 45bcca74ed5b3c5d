"""The plan report with computed indicators over ``demo synth`` data, against a bare read.

Run by ``make bench`` (``scripts/with-postgres`` provides ``DATABASE_URL``); ``python -m bench
bench_plan_report`` on another database. Migrates the database, loads ``demo synth --events 2000
--participants 40000`` (a quarter of the events held), makes a plan of 60 items whose events are
all the programme's, each with three indicators linked to measures (the nine measures in turn),
then times, median of 7 after one warm-up:

- the baseline: a bare read, through a raw DB-API cursor, of the columns the measures need
  (event, status, gender, role, organisation, country) of the registrations of those events;
- the year's report through Flask's test client (``GET /manage/plans/<id>/report?period=Y``).

Prints both times, their ratio and the SQL statements the report ran. ``EVENTS`` and
``PARTICIPANTS`` in the environment change the sizes.
"""

import os
import time

from bench import median_time, raw_floor, synthetic_programme

YEAR = 2033
EVENTS = int(os.environ.get("EVENTS", 2000))
PARTICIPANTS = int(os.environ.get("PARTICIPANTS", 40_000))
ITEMS = 60
RUNS = 7


def _plan(programme):
    from sqlalchemy import select

    from eventsapp.catalogue.models import Event
    from eventsapp.extensions import db
    from eventsapp.plans.measures import measures
    from eventsapp.plans.models import IndicatorMeasure, Plan, PlanItem, PlanItemEvent

    title = f"Bench plan {YEAR}"
    plan = db.session.scalar(select(Plan).where(Plan.title == title))
    if plan is not None:
        return plan
    plan = Plan(programme_id=programme.id, title=title, shape="grid", year=YEAR)
    db.session.add(plan)
    db.session.flush()
    names = [m.name for m in measures()]
    indicators = [{"text": f"Indicator {n}", "target": 100, "unit": None} for n in range(3)]
    items = []
    for n in range(ITEMS):
        item = PlanItem(plan_id=plan.id, key=str(n), ref=str(n), title=f"Item {n}")
        item.indicators, item.position = indicators, n
        items.append(item)
    db.session.add_all(items)
    db.session.flush()
    event_ids = db.session.scalars(select(Event.id).where(Event.programme_id == programme.id))
    db.session.add_all(
        PlanItemEvent(
            item_id=items[n % ITEMS].id, event_id=event_id, training_of_trainers=n % 5 == 0
        )
        for n, event_id in enumerate(event_ids)
    )
    db.session.add_all(
        IndicatorMeasure(item_id=item.id, position=p, measure=names[(3 * n + p) % len(names)])
        for n, item in enumerate(items)
        for p in range(3)
    )
    db.session.commit()
    return plan


def main() -> None:
    from flask_migrate import upgrade
    from sqlalchemy import event as sa_event
    from sqlalchemy import text

    from eventsapp import create_app
    from eventsapp.accounts.models import Role
    from eventsapp.accounts.services import create_user
    from eventsapp.extensions import db

    app = create_app({"SERVER_NAME": "localhost"})
    with app.app_context():
        upgrade()
        programme = synthetic_programme(app, YEAR, EVENTS, PARTICIPANTS)
        plan = _plan(programme)
        user = create_user(
            f"bench{time.time_ns()}@example.org", Role.COORDINATOR, "bench pass phrase"
        )
        db.session.commit()
        bare = (
            "SELECT r.event_id, r.status, r.gender, r.role, r.organisation_id, r.country_code "
            "FROM registrations r JOIN events e ON e.id = r.event_id WHERE e.programme_id = "
            f"{int(programme.id)}"
        )
        rows = db.session.execute(text(bare)).all()
        baseline = raw_floor(bare, RUNS)
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
        url = f"/manage/plans/{plan.id}/report?period={YEAR}"
        assert client.get(url).status_code == 200
        report = median_time(lambda: client.get(url), RUNS, warm_up=True)
        statements = []
        sa_event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
        client.get(url)
    print(
        f"{len(rows)} registrations of {EVENTS} events; a plan of {ITEMS} items, 3 indicators each"
    )
    print(f"bare read (raw DB-API cursor): {baseline * 1000:8.1f} ms")
    print(
        f"plan report, the year ({len(statements)} queries): {report * 1000:8.1f} ms  "
        f"×{report / baseline:.1f}"
    )
