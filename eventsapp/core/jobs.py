"""Periodic jobs: each capability registers the work that must happen every few minutes (seat
offers that expired, reminders, retries); the worker (``flask jobs worker``) runs them."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    every: timedelta
    run: Callable[[datetime], dict[str, int]]  # given now; says what it did; never commits


PERIODIC_JOBS: dict[str, PeriodicJob] = {}


def periodic(name: str, every: timedelta):
    """Register the decorated function as a periodic job."""

    def register(function):
        PERIODIC_JOBS[name] = PeriodicJob(name, every, function)
        return function

    return register
