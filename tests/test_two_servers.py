"""Two app servers and two workers on one PostgreSQL and one Redis, as on two machines behind a
load balancer: each a real gunicorn (`gunicorn.conf.py`, `wsgi:app`) or a real worker (`flask jobs
worker`) in a process of its own, on loopback, sharing only the settings the README names.

Whichever server a request reaches, it gets the same answer: the same ETags (and a 304 for the
other's), the same next page for a cursor, one rate limit counted for both; and the two workers
send each email once and run a periodic job once a period between them.

PostgreSQL only (the CI's second run): SQLite is one machine's file."""

import asyncio
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from functools import partial
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from eventsapp.core.actions import LoggedAction
from eventsapp.core.clock import utcnow
from eventsapp.core.jobs import JobRun
from eventsapp.mail.models import EmailStatus, OutboxEmail
from eventsapp.mail.services import queue_email
from tests.conftest import Inbox, free_port

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
REDIS_SERVER = "/usr/bin/redis-server"
SITE_URL = "https://events.example.org"  # the load balancer's address, in every link
LIMIT = 4  # sign-in attempts a minute from one address, counted by both servers together
EMAILS = 20

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="two servers share a PostgreSQL: run with DATABASE_URL=postgresql://… (the CI does)",
)

# The workers run the site's jobs and two more: one that runs every round, to count each
# worker's rounds, and one once an hour, to count its runs. Each writes a line of the action log.
WORKER_SITE = """
import os
from datetime import timedelta

from sqlalchemy import insert

from eventsapp.core.actions import LoggedAction
from eventsapp.core.jobs import periodic
from eventsapp.extensions import db
from wsgi import app


def _line(action, now):
    db.session.execute(
        insert(LoggedAction).values(
            action=action, object_type="test", label=str(os.getpid()), at=now
        )
    )


@periodic("test hourly", every=timedelta(hours=1))
def hourly(now):
    _line("test.hourly", now)
    return {"ran": 1}


@periodic("test each round", every=timedelta(0))
def each_round(now):
    _line("test.round", now)
    return {"ran": 1}
"""


def until(condition, what: str, seconds: float = 30, explain=lambda: ""):
    """``condition()``'s first true value, looked for until a deadline (then a failure saying
    ``explain()``: the processes' logs)."""
    deadline = time.monotonic() + seconds
    while not (value := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {seconds} seconds\n{explain()}")
        time.sleep(0.05)
    return value


class Processes:
    """Processes started for the test, each logging to a file; all stopped at the end."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.started: list[tuple[subprocess.Popen, Path]] = []

    def start(self, name: str, command: list[str], env: dict) -> Path:
        log = self.folder / f"{name}.log"
        with log.open("w") as out:
            process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
            )
        self.started.append((process, log))
        return log

    def logs(self) -> str:
        return "\n".join(f"== {log.name}\n{log.read_text()[-3000:]}" for _p, log in self.started)

    def stop(self) -> None:
        for process, _log in self.started:
            process.send_signal(signal.SIGINT)  # gunicorn's quick stop; the others' Ctrl-C
        for process, _log in self.started:
            try:
                process.wait(timeout=5)  # gunicorn's master lingers after its workers
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.started.clear()


class SlowInbox(Inbox):
    """A mail server taking 50 ms a message, so that both workers are sending at once."""

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(0.05)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture(scope="module")
def site(app, tmp_path_factory):
    """Redis, a mail server, two gunicorns; the workers' environment, to start them later."""
    if not os.path.exists(REDIS_SERVER):
        pytest.fail("Redis is needed: `make test` installs it (apt-get install redis-server)")
    folder = tmp_path_factory.mktemp("two-servers")
    (folder / "worker_site.py").write_text(WORKER_SITE)
    processes = Processes(folder)
    mail = Controller(SlowInbox(), hostname="127.0.0.1", port=free_port())
    mail.start()
    try:
        redis_port = free_port()
        redis_log = processes.start(
            "redis",
            [REDIS_SERVER, "--port", str(redis_port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no"],
            os.environ.copy(),
        )
        until(lambda: "Ready to accept connections" in redis_log.read_text(), "Redis starting")
        env = {
            **os.environ,
            "SECRET_KEY": "shared by every server and worker",
            "RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{redis_port}/0",
            "SITE_URL": SITE_URL,
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": str(mail.port),
            "PUBLIC_POST_LIMIT": f"{LIMIT} per minute",
            "WEB_CONCURRENCY": "2",
            "PYTHONPATH": f"{ROOT}{os.pathsep}{folder}",
        }
        servers = []
        for name in ("a", "b"):
            port = free_port()
            processes.start(
                f"server-{name}",
                [str(BIN / "gunicorn"), "--config", "gunicorn.conf.py", "wsgi:app"]
                + ["-b", f"127.0.0.1:{port}"],
                env,
            )
            servers.append(f"http://127.0.0.1:{port}")
        for server in servers:
            until(partial(healthy, server), f"{server} answering", 90, processes.logs)
        yield servers, env, mail.handler, folder
    finally:
        processes.stop()
        mail.stop()


@pytest.fixture
def workers(site, db):
    """Starts the two workers (``start()``), which stop before the test's rows are cleared."""
    _servers, env, _inbox, folder = site
    processes = Processes(folder)

    def start() -> Processes:
        for name in ("a", "b"):
            command = [str(BIN / "flask"), "--app", "worker_site", "jobs", "worker"]
            processes.start(f"worker-{name}", command + ["--interval", "0.2"], env)
        return processes

    try:
        yield start
    finally:
        processes.stop()


def fetch(server: str, path: str, quiet=False, opener=None, data=None, **headers):
    """(status, headers, body) of a request to one server."""
    request = urllib.request.Request(server + path, data=data, headers=headers)
    try:
        with (opener or urllib.request.build_opener()).open(request, timeout=30) as answer:
            return answer.status, answer.headers, answer.read()
    except urllib.error.HTTPError as refused:
        return refused.code, refused.headers, refused.read()
    except OSError:
        if quiet:  # still starting
            return None, None, b""
        raise


def healthy(server: str) -> bool:
    return fetch(server, "/healthz", quiet=True)[0] == 200


def next_path(headers) -> str | None:
    """The path of the Link header's next page (its address is SITE_URL's, the balancer's)."""
    found = re.fullmatch(r'<([^>]+)>; rel="next"', headers.get("Link", ""))
    if not found:
        return None
    assert found.group(1).startswith(SITE_URL + "/")
    return found.group(1)[len(SITE_URL) :]


def add_events(make, count: int):
    return [
        make.event(title=f"Workshop {n:02}", date_text=f"{n + 1} March 2030") for n in range(count)
    ]


def test_both_servers_give_the_same_etags_and_a_304_for_the_others(site, make):
    (one, other), *_ = site
    events = add_events(make, 5)
    for path in ("/calendar/2030.ics", "/api/v1/events?year=2030&limit=3"):
        status, first, body = fetch(one, path)
        assert status == 200 and first["ETag"]
        status, second, same = fetch(other, path)
        assert (status, second["ETag"], same) == (200, first["ETag"], body)
        assert fetch(other, path, **{"If-None-Match": first["ETag"]})[0] == 304
        assert fetch(one, path, **{"If-None-Match": second["ETag"]})[0] == 304

    # An event changed: both servers (each keeping the old page and feed) answer the change.
    path = "/api/v1/events?year=2030&limit=3"
    old = fetch(one, path)[1]["ETag"]
    events[0].title = "Workshop on electoral justice"
    events[0].updated_at = utcnow()
    make.db.session.commit()
    answers = [fetch(server, path, **{"If-None-Match": old}) for server in (one, other)]
    assert [status for status, _h, _b in answers] == [200, 200]
    assert answers[0][1]["ETag"] == answers[1][1]["ETag"] != old
    assert answers[0][2] == answers[1][2] and b"Workshop on electoral justice" in answers[0][2]
    feeds = [fetch(server, "/calendar/2030.ics") for server in (one, other)]
    assert feeds[0][1]["ETag"] == feeds[1][1]["ETag"] and feeds[0][2] == feeds[1][2]
    assert b"Workshop on electoral justice" in feeds[0][2]


def test_a_cursor_from_one_server_gives_the_same_next_page_on_the_other(site, make):
    (one, other), *_ = site
    add_events(make, 7)
    status, headers, _body = fetch(one, "/api/v1/events?year=2030&limit=3")
    assert status == 200
    second_page = next_path(headers)
    answers = [fetch(server, second_page) for server in (other, one)]
    assert answers[0][0] == answers[1][0] == 200
    assert answers[0][2] == answers[1][2]  # the same events, and the same ETag and next cursor
    assert answers[0][1]["ETag"] == answers[1][1]["ETag"]
    assert next_path(answers[0][1]) == next_path(answers[1][1])

    # Every page, the servers taking turns, is the whole list once, in order.
    titles, path, servers = [], "/api/v1/events?year=2030&limit=3", [one, other] * 5
    while path:
        status, headers, body = fetch(servers.pop(), path)
        assert status == 200
        titles += re.findall(rb'"title": ?"([^"]+)"', body)
        path = next_path(headers)
    assert titles == [f"Workshop {n:02}".encode() for n in range(7)]


def test_a_public_forms_rate_limit_counts_the_requests_to_both_servers(site, db):
    (one, other), *_ = site
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    form = fetch(one, "/login", opener=browser)[2].decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    codes = []
    for attempt in range(2 * LIMIT):  # a wrong password for a new address each time
        data = {"csrf_token": token, "email": f"x{attempt}@example.org", "password": "a guess"}
        server = (one, other)[attempt % 2]
        body = urllib.parse.urlencode(data).encode()
        codes.append(fetch(server, "/login", opener=browser, data=body)[0])
    # Each server alone has seen LIMIT / 2 attempts: only a count they share refuses the rest.
    assert codes == [200] * LIMIT + [429] * LIMIT


def test_two_workers_send_each_email_once_and_run_a_periodic_job_once_a_period(site, workers, db):
    _servers, _env, inbox, _folder = site
    inbox.messages.clear()

    def rounds() -> dict[str, int]:
        """Each worker's rounds (by process id) so far."""
        db.session.rollback()
        lines = select(LoggedAction.label, func.count()).where(LoggedAction.action == "test.round")
        return dict(db.session.execute(lines.group_by(LoggedAction.label)).all())

    processes = workers()
    until(lambda: len(rounds()) == 2, "both workers running", 60, processes.logs)

    emails = [
        queue_email(f"d{n}@example.org", f"Email {n}", "login_link", link="x")
        for n in range(EMAILS)
    ]
    db.session.commit()  # wakes both workers (LISTEN)
    ids = [email.id for email in emails]

    def sent() -> bool:
        db.session.rollback()
        statuses = db.session.scalars(select(OutboxEmail.status).where(OutboxEmail.id.in_(ids)))
        return list(statuses) == [EmailStatus.SENT] * EMAILS

    until(sent, "every email sent", 30, processes.logs)
    # Two more rounds of each worker after the last was marked sent: nothing is sent again.
    after = rounds()
    until(
        lambda: all(count >= after[pid] + 2 for pid, count in rounds().items()),
        "two more rounds of each worker",
        explain=processes.logs,
    )
    subjects = sorted(message["Subject"] for message in inbox.messages)
    assert subjects == sorted(f"Email {n}" for n in range(EMAILS))  # each once
    assert len({message["Message-ID"] for message in inbox.messages}) == EMAILS

    # Both workers went round several times; the hourly job ran once between them.
    assert all(count >= 3 for count in rounds().values())
    runs = db.session.scalars(
        select(LoggedAction.label).where(LoggedAction.action == "test.hourly")
    ).all()
    assert len(runs) == 1 and runs[0] in rounds()
    assert db.session.get(JobRun, "test hourly") is not None
