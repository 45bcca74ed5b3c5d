"""Periodic jobs: each capability registers the work that must happen every few minutes (seat
offers that expired, reminders, retries); the worker (``flask jobs worker``) runs them.

A job is a function of ``now`` that does its work and says what it did (counts by name); it never
commits: the worker commits when it returns (``worker.run_job``), or rolls back when it fails. A
job whose work falls into independent parts (each event's waiting list, under the event's lock)
registers with ``periodic_in_units`` instead: its parts are ``Unit``s, each committed on its own
(``run_units``), so that a unit holds its locks only while it works; a unit that fails is rolled
back and logged while the others go on (it is tried again at the job's next turn).
"""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..extensions import db

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    every: timedelta
    run: Callable[[datetime], dict[str, int]]  # given now; says what it did


PERIODIC_JOBS: dict[str, PeriodicJob] = {}


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
