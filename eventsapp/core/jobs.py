"""Periodic jobs: each capability registers the work that must happen every few minutes (seat
offers that expired, reminders, retries); the worker (``flask jobs worker``) runs them.

A job is a function of ``now`` that does its work and says what it did (counts by name); it never
commits: the worker commits when it returns (``worker.run_job``), or rolls back when it fails. A
job whose work falls into independent parts (each event's waiting list, under the event's lock)
registers with ``periodic_in_units`` instead: its parts are ``Unit``s, each committed on its own
(``run_units``), so that a unit holds its locks only while it works; a unit that fails is rolled
back and logged while the others go on (it is tried again at the job's next turn).

"Once a period" is kept in the database, not in a worker: each job's last start is a row of
``job_runs``, and a running worker runs a job only when it moves that start forward itself
(``claim_periods``). So two workers, on one machine or several, run each job once a period
between them, and a worker restarted runs nothing its period already saw. Jobs that run every
round (``every`` zero: the queues of sign-in links, messages, webhooks) are not claimed: they
lock the rows they take, and any worker may take them.
"""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import String, select, update
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .locks import added_unless_taken

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    every: timedelta
    run: Callable[[datetime], dict[str, int]]  # given now; says what it did


PERIODIC_JOBS: dict[str, PeriodicJob] = {}


class JobRun(db.Model):
    """When a periodic job last started, in any worker."""

    __tablename__ = "job_runs"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    started_at: Mapped[datetime]  # UTC, by the clock of the worker that started it


def claim_periods(jobs: Iterable[PeriodicJob], now: datetime) -> list[PeriodicJob]:
    """The jobs among ``jobs`` whose period has passed and that this worker now claims: their
    start moves to ``now``, committed before they run, so that every other worker sees them
    taken. Two workers asking at once: one update waits for the other's commit, then finds the
    period taken (or the row added, for a job that never ran). One query when none is due."""
    last = dict(db.session.execute(select(JobRun.name, JobRun.started_at)).all())
    claimed = []
    for job in jobs:
        if job.name not in last:
            taken = added_unless_taken(JobRun(name=job.name, started_at=now))
        elif last[job.name] <= now - job.every:
            taken = db.session.execute(
                update(JobRun)
                .where(JobRun.name == job.name, JobRun.started_at <= now - job.every)
                .values(started_at=now)
            ).rowcount
        else:
            continue
        db.session.commit()
        if taken:
            claimed.append(job)
    db.session.commit()
    return claimed


def periodic(name: str, every: timedelta):
    """Register the decorated function as a periodic job, done in one transaction."""

    def register(function):
        PERIODIC_JOBS[name] = PeriodicJob(name, every, function)
        return function

    return register


@dataclass(frozen=True)
class Unit:
    """A part of a job, done and committed on its own."""

    what: str  # named in the log if it fails: "event 12"
    work: Callable[[], dict[str, int]]  # does it and says what it did; never commits


def periodic_in_units(
    name: str,
    every: timedelta,
    units: Callable[[datetime], Iterable[Unit]],
    says: tuple[str, ...] = (),
) -> Callable[[datetime], dict[str, int]]:
    """Register a periodic job whose units, given by ``units(now)``, are committed one by one;
    ``says``: the counts it always reports. Returns the job's run."""

    def run(now: datetime) -> dict[str, int]:
        return run_units(name, units(now), says)

    PERIODIC_JOBS[name] = PeriodicJob(name, every, run)
    return run


def run_units(job: str, units: Iterable[Unit], says: tuple[str, ...] = ()) -> dict[str, int]:
    """Each unit in a transaction of its own; what they did, added up (with ``failed``: how many
    were rolled back, when any was)."""
    done = dict.fromkeys(says, 0)
    for unit in units:
        try:
            did = unit.work()
            db.session.commit()
        except Exception:
            db.session.rollback()
            log.exception("The periodic job %s failed on %s; it runs again.", job, unit.what)
            did = {"failed": 1}
        for name, count in did.items():
            done[name] = done.get(name, 0) + count
    return done
