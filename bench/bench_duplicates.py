"""Duplicate people suggested over 100,000 registrations, against one bare read of the people.

Run by ``make bench`` (``scripts/with-postgres`` provides ``DATABASE_URL``); ``python -m bench
bench_duplicates`` on another database. Migrates the database, loads ``demo synth --events 5000
--participants 100000`` (each participant a person, one in 500 registered again with another
address and a second surname), then times in this process, median of 7 after one warm-up:

- the baseline: one bare read of the people table (``SELECT id, name, name_key, country_code``
  of the people not merged nor erased, every row fetched through a DB-API cursor,
  ``bench.raw_floor``);
- the suggestions (``people.duplicates.suggestions``: that read, the pairs said to be two
  people, and the pairing in Python through the (country, word) index).

Prints each time and the ratio (aim: at most 10). ``EVENTS`` and ``PARTICIPANTS`` in the
environment change the sizes.
"""

import os

from bench import median_time, raw_floor, synthetic_programme

YEAR = 2032
EVENTS = int(os.environ.get("EVENTS", 5000))
PARTICIPANTS = int(os.environ.get("PARTICIPANTS", 100_000))
AIM = 10
RUNS = 7


def main() -> None:
    from flask_migrate import upgrade
    from sqlalchemy import func, select

    from eventsapp import create_app
    from eventsapp.extensions import db
    from eventsapp.people.duplicates import suggestions
    from eventsapp.people.models import Person

    app = create_app({"SERVER_NAME": "localhost"})
    with app.app_context():
        upgrade()
        synthetic_programme(app, YEAR, EVENTS, PARTICIPANTS)
        people = db.session.scalar(select(func.count(Person.id)))
        bare = select(Person.id, Person.name, Person.name_key, Person.country_code).where(
            Person.merged_into_id.is_(None), Person.erased_at.is_(None)
        )
        baseline = raw_floor(bare, RUNS)
        found = suggestions()
        timed = median_time(suggestions, RUNS, warm_up=True)
        print(f"database: {db.engine.dialect.name}; {people} people; {len(found)} pairs suggested")
        print(f"raw floor, the people:    {baseline * 1000:8.1f} ms")
        print(f"duplicate suggestions:    {timed * 1000:8.1f} ms")
        ratio = timed / baseline
        verdict = "within" if ratio <= AIM else "ABOVE"
        print(f"ratio: {ratio:.1f}x ({verdict} the aim of {AIM}x)")
