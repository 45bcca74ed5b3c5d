"""Benchmarks, run by ``make bench``: each ``bench/bench_*.py`` has a ``main()`` printing figures.

Every benchmark prints ratios against a baseline measured in the same run, because these machines
are noisy: the raw floor (``raw_floor``: the same rows fetched into Python through a DB-API cursor,
without the ORM or SQLAlchemy's result objects) or, for a benchmark of requests per second, a
trivial endpoint (``/healthz``).
"""

import statistics
import time
from pathlib import Path


def median_time(action, rounds: int = 5, before=None, after=None, warm_up: bool = False) -> float:
    """The median time of ``action`` over ``rounds`` runs, in seconds; ``before`` and ``after``
    run around each (untimed), and ``warm_up`` runs it once first (plans cached, pages in
    memory)."""
    if warm_up:
        action()
    times = []
    for _ in range(rounds):
        if before:
            before()
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
        if after:
            after()
    return statistics.median(times)


def synthetic_programme(app, year: int, events: int, participants: int):
    """The programme ``demo synth`` makes for ``year`` (made the first time, with its events
    and participants), its database analysed as autovacuum would (PostgreSQL)."""
    from sqlalchemy import select

    from eventsapp.catalogue.models import Programme
    from eventsapp.extensions import db

    name = f"Synthetic programme {year}"
    programme = db.session.scalar(select(Programme).where(Programme.name == name))
    if programme is None:
        start = time.perf_counter()
        result = app.test_cli_runner().invoke(
            args=["demo", "synth", "--events", str(events)]
            + ["--participants", str(participants), "--year", str(year)]
        )
        print(result.output.strip(), f"({time.perf_counter() - start:.0f} s)")
        programme = db.session.scalar(select(Programme).where(Programme.name == name))
    if db.engine.dialect.name == "postgresql":
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE")
    return programme


def raw_floor(statement, rounds: int = 7) -> float:
    """The median time of fetching every row of ``statement`` into Python through a raw DB-API
    cursor (``db.engine.raw_connection()``), after one warm-up: the least any page, feed or
    export reading those rows must do. A SQLAlchemy statement is rendered with its values inline
    for the app's database; needs an application context."""
    from eventsapp.extensions import db

    if not isinstance(statement, str):
        statement = str(statement.compile(db.engine, compile_kwargs={"literal_binds": True}))
    connection = db.engine.raw_connection()

    def read() -> None:
        cursor = connection.cursor()
        cursor.execute(statement)
        cursor.fetchall()
        cursor.close()

    try:
        return median_time(read, rounds, warm_up=True)
    finally:
        connection.close()


def child_processes(pid: int) -> set[int]:
    """The processes ``pid`` started (gunicorn's workers), from /proc (Linux)."""
    children = Path(f"/proc/{pid}/task/{pid}/children")
    return {int(child) for child in children.read_text().split()} if children.exists() else set()
