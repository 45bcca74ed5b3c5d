"""The worker: sends the outbox and runs the periodic jobs each capability registered
(``core.jobs``). ``flask jobs worker`` runs it beside the web server (``make run`` starts both);
``--once`` does one round of every job and stops (tests, or cron on one machine).

Several workers may run at once, on one machine or several: each email is taken by one of them
(``mail.sender`` locks it), and each periodic job runs once a period among them, the period
being claimed in the database (``core.jobs.claim_periods``), never remembered by a worker.

Every job runs in a transaction of its own, committed when it ends (rolled back if it fails, and
tried again at its next turn), or one transaction per unit for jobs in units (``core.jobs``); each
email is committed on its own (``mail.sender``). On PostgreSQL the worker sleeps until a
committed transaction says emails are waiting (``LISTEN``), or until the next job is due;
elsewhere it looks every ``interval`` seconds.
"""

import logging
import threading
from collections.abc import Callable
from datetime import datetime

import click
from flask import current_app

from .core.clock import utcnow
from .core.jobs import PERIODIC_JOBS, PeriodicJob, claim_periods
from .extensions import db
from .mail.sender import send_due
from .mail.services import OUTBOX_CHANNEL

log = logging.getLogger(__name__)


def run_job(job: PeriodicJob, now: datetime) -> dict[str, int]:
    """One job, in its own transaction (a job in units commits each of them itself)."""
    try:
        done = job.run(now)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return done


def run_round(claim: bool = False, clock=utcnow) -> dict[str, dict]:
    """Run the periodic jobs, then send the emails that are due. Returns what each did.

    With ``claim`` (the running worker), a job runs when its period has passed and this worker
    claims it in the database (``core.jobs.claim_periods``): once a period among every worker;
    jobs that run every round run in each. Without (``--once``, tests), every job runs."""
    jobs = list(PERIODIC_JOBS.values())
    if claim:
        every_round = [job for job in jobs if not job.every]
        jobs = every_round + claim_periods([job for job in jobs if job.every], clock())
    report = {}
    for job in jobs:
        try:
            report[job.name] = run_job(job, clock())
        except Exception:
            log.exception("The periodic job %s failed; it runs again at its next turn.", job.name)
    sent, failed = send_due(clock=clock)
    report["emails"] = {"sent": sent, "failed": failed}
    return report


def _waiter(interval: float) -> Callable[[], None]:
    """A function that returns when emails may be waiting, or after ``interval`` seconds."""
    if db.engine.dialect.name != "postgresql":
        pause = threading.Event()
        return lambda: pause.wait(interval)
    return _Listener(interval)


class _Listener:
    """Waits on PostgreSQL's ``LISTEN`` for a committed transaction's notice.

    It listens from the start, and again after the connection was lost (the database
    restarting): meanwhile the worker waits ``interval`` seconds between rounds, and the round
    after a reconnection sends whatever was queued while it was deaf.
    """

    def __init__(self, interval: float):
        self.interval = interval
        self.url = db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        self.connection = None
        self._listen()

    def _listen(self) -> None:
        import psycopg

        try:
            self.connection = psycopg.connect(self.url, autocommit=True)
            self.connection.execute(f"LISTEN {OUTBOX_CHANNEL}")
        except psycopg.OperationalError as error:
            log.warning("The worker cannot listen to the database (%s); it looks again.", error)
            self.connection = None

    def __call__(self) -> None:
        import psycopg

        if self.connection is None or self.connection.closed:
            self._listen()
        if self.connection is None:
            threading.Event().wait(self.interval)
            return
        try:
            for _notice in self.connection.notifies(timeout=self.interval, stop_after=1):
                pass
        except psycopg.OperationalError as error:
            log.warning("The worker lost the database (%s); it listens again.", error)
            self.connection = None


def run_worker(interval: float) -> None:
    """Rounds until stopped (Ctrl-C, SIGTERM)."""
    wait = _waiter(interval)
    click.echo(
        f"Worker started: emails and periodic jobs ({', '.join(PERIODIC_JOBS) or 'none'}), "
        f"database {db.engine.url.render_as_string()}.",
        err=True,
    )
    while True:
        try:
            emails = run_round(claim=True)["emails"]
        except Exception:  # the database restarting, say: the next round tries again
            log.exception("The worker's round failed; it tries again.")
            db.session.rollback()
        else:
            if emails["sent"] or emails["failed"]:
                click.echo(f"Emails: {emails['sent']} sent, {emails['failed']} failed.", err=True)
        db.session.remove()
        wait()


jobs = click.Group("jobs", help="The worker: emails and periodic jobs.")


@jobs.command("worker")
@click.option("--once", is_flag=True, help="One round (every job, then the emails), then stop.")
@click.option(
    "--interval",
    type=click.FloatRange(0.1, 3600),
    default=2.0,
    show_default=True,
    help="Seconds between rounds when nothing wakes the worker.",
)
def worker_command(once: bool, interval: float):
    """Send the outbox and run the periodic jobs, until stopped."""
    if once:
        for name, done in run_round().items():
            click.echo(f"{name}: " + ", ".join(f"{k} {v}" for k, v in done.items()))
        return
    try:
        run_worker(interval)
    except KeyboardInterrupt:
        click.echo("Worker stopped.", err=True)


@jobs.command("list")
def list_jobs():
    """The periodic jobs registered, and how often they run."""
    for job in PERIODIC_JOBS.values():
        click.echo(f"{job.name}: every {job.every}")
    click.echo(f"(the worker also sends emails; {current_app.config['MAIL_SERVER'] or 'files'})")
