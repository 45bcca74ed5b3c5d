"""Yearly totals per partner over 5,000 events and 100,000 registrations, against one bare SUM.

Run by ``make bench`` (``scripts/with-postgres`` provides ``DATABASE_URL``); ``python -m bench
bench_costs`` on another database. Migrates the database, loads ``demo synth --events 5000
--participants 100000`` (reused when there), gives its programme CICIE-like cost rules and unit
estimates for the year, then times in this process, median of 5 after one warm-up:

- the baseline: one ``SELECT SUM(departure_on - arrival_on)`` over the same registrations (those
  holding a seat in the programme's events of the year), through a DB-API cursor
  (``bench.raw_floor``);
- ``yearly_totals``: the registrations aggregated by SQL per event, role, funding, organisation
  and country, the programme's rules, estimates and rates, then every event's budget in Decimal.

Prints both times, their ratio and the SQL statements the totals ran. ``EVENTS`` and
``PARTICIPANTS`` in the environment change the sizes.
"""

import os
import time
from datetime import date

from bench import median_time, raw_floor

YEAR = 2032
EVENTS = int(os.environ.get("EVENTS", 5000))
PARTICIPANTS = int(os.environ.get("PARTICIPANTS", 100_000))
RUNS = 5

RULES = (
    ("lodging", "founder", "per_delegate_night", "1450.00", "MXN"),
    ("meals", "founder", "per_delegate", "3250.00", "MXN"),
    ("local_transport", "founder", "lump_sum", "18000.00", "MXN"),
    ("interpretation", "founder", "per_event_day", "28000.00", "MXN"),
    ("air_ticket", "visiting_authority", "per_delegate", "900.00", "USD"),
)


def _with_rules(programme) -> None:
    from sqlalchemy import select

    from eventsapp.catalogue.models import PartnerRole
    from eventsapp.catalogue.services import add_partner
    from eventsapp.costs.models import CostRule
    from eventsapp.costs.settings import (
        save_rule,
        set_exchange_rate,
        set_reporting_currency,
        set_unit_estimate,
    )
    from eventsapp.extensions import db
    from eventsapp.people.models import Organisation

    if db.session.scalar(select(CostRule.id).where(CostRule.programme_id == programme.id)):
        return
    if not any(p.role == PartnerRole.FOUNDER for p in programme.partners):
        founder = Organisation(name="Synthetic founder", kind="government", country_code="MX")
        db.session.add(founder)
        db.session.flush()
        add_partner(programme, founder.id, PartnerRole.FOUNDER)
    set_reporting_currency(programme, "MXN", actor=None)
    set_exchange_rate(programme, YEAR, "USD", "18.6617", actor=None)
    for category, role, basis, amount, currency in RULES:
        save_rule(programme, category, role, basis, actor=None)
        set_unit_estimate(programme, YEAR, category, amount, currency, actor=None)
    db.session.commit()


def main() -> None:
    from flask_migrate import upgrade
    from sqlalchemy import event as sa_event
    from sqlalchemy import func, select

    from eventsapp import create_app
    from eventsapp.catalogue.models import Event, Programme
    from eventsapp.costs.facts import days_between
    from eventsapp.costs.totals import yearly_totals
    from eventsapp.extensions import db
    from eventsapp.registration.models import SEAT_HOLDING, Registration

    app = create_app({"SERVER_NAME": "localhost"})
    with app.app_context():
        upgrade()
        name = f"Synthetic programme {YEAR}"
        programme = db.session.scalar(select(Programme).where(Programme.name == name))
        if programme is None:
            start = time.perf_counter()
            args = ["demo", "synth", "--events", str(EVENTS), "--participants", str(PARTICIPANTS)]
            result = app.test_cli_runner().invoke(args=[*args, "--year", str(YEAR)])
            print(result.output.strip(), f"({time.perf_counter() - start:.0f} s)")
            programme = db.session.scalar(select(Programme).where(Programme.name == name))
        _with_rules(programme)
        r = Registration
        bare = select(func.count(r.id), func.sum(days_between(r.arrival_on, r.departure_on))).where(
            r.status.in_(SEAT_HOLDING),
            r.event_id.in_(
                select(Event.id).where(
                    Event.programme_id == programme.id,
                    Event.starts_on.between(date(YEAR, 1, 1), date(YEAR, 12, 31)),
                )
            ),
        )
        rows = db.session.execute(bare).one()[0]
        baseline = raw_floor(bare, RUNS)
        totals_time = median_time(lambda: yearly_totals(programme, YEAR), RUNS, warm_up=True)

        statements = []
        sa_event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
        totals, problems = yearly_totals(programme, YEAR)
        events = db.session.scalar(
            select(func.count(Event.id)).where(Event.programme_id == programme.id)
        )
        print(f"{events} events, {rows} registrations holding a seat, {len(totals)} partners")
        print(f"baseline  one SUM over the registrations   {baseline * 1000:8.1f} ms")
        print(
            f"yearly totals per partner                 {totals_time * 1000:8.1f} ms"
            f"  ({totals_time / baseline:.1f} x the baseline, {len(statements)} SQL statements)"
        )
        if problems:
            print(f"({len(problems)} problems noted, such as: {problems[0]})")


if __name__ == "__main__":
    main()
