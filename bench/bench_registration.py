"""Registrations per second through gunicorn (2 workers) on PostgreSQL, against a trivial endpoint.

Run by ``make bench`` (``scripts/with-postgres`` provides ``DATABASE_URL``). Migrates the database,
opens an event, starts ``gunicorn -w 2 wsgi:app`` (with the project's ``gunicorn.conf.py``, as in
production: its worker class and threads, ``GUNICORN_THREADS``) and the worker (``flask jobs
worker``) with emails going to a real but slow SMTP server on loopback (aiosmtpd, in this
process: 200 ms per message, as a distant mail server), then from CLIENTS concurrent clients,
each holding its own session and CSRF token as a browser would, times a burst of registration
forms, a burst of ``GET /healthz``, and (once the worker delivered the emails asking to confirm)
a burst of confirmations by the links in them. A registration is the form and its confirmation:
prints the rates and their ratio to ``/healthz``, and the database round trips of each (SQL
statements, BEGIN and COMMIT, counted in this process through Flask's test client on the same
database).
Then checks that no seat was sold twice and that every email arrived, once.
"""

import asyncio
import email
import http.client
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from email import policy
from pathlib import Path
from urllib.parse import urlencode

from bench import child_processes

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = 8
REGISTRATIONS_PER_CLIENT = 50
GETS_PER_CLIENT = 200
CAPACITY = 300  # fewer than the registrations: the last ones go to the waiting list


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare_database() -> int:
    """Migrate, and open a new event for registration; returns its id."""
    from flask_migrate import upgrade

    from eventsapp import create_app
    from eventsapp.catalogue.models import Event
    from eventsapp.catalogue.services import EventInput, save_event
    from eventsapp.core.dates import read_date_phrase
    from eventsapp.extensions import db
    from eventsapp.registration.models import RegistrationSettings

    app = create_app()
    with app.app_context():
        upgrade()
        starts = (date.today() + timedelta(days=60)).isoformat()
        event = save_event(
            Event(),
            EventInput(
                title="Benchmark course",
                kind="specialization_course",
                status="confirmed",
                window=read_date_phrase(starts),
                date_text=starts,
                capacity=CAPACITY,
            ),
        )
        db.session.add(RegistrationSettings(event_id=event.id, quota_per_organisation=1))
        db.session.commit()
        return event.id


def held_seats(event_id: int) -> tuple[int, int]:
    from sqlalchemy import func, select

    from eventsapp import create_app
    from eventsapp.core.clock import utcnow
    from eventsapp.extensions import db
    from eventsapp.registration.models import CONFIRMED, Registration
    from eventsapp.registration.seats import seats_held

    app = create_app()
    with app.app_context():
        total = db.session.scalar(
            select(func.count(Registration.id)).where(
                Registration.event_id == event_id, Registration.status.in_(CONFIRMED)
            )
        )
        return seats_held([event_id], utcnow()).get(event_id, 0), total


SMTP_DELAY = 0.2  # seconds per message


class SlowInbox:
    """A real SMTP server that takes SMTP_DELAY to accept each message, and keeps the links to
    confirm a registration by recipient."""

    def __init__(self):
        self.recipients: list[str] = []
        self.links: dict[str, str] = {}

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(SMTP_DELAY)
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        text = message.get_body(("plain",)).get_content()  # decoded: a long link is not cut
        if found := CONFIRMATION_LINK.search(text):
            for recipient in envelope.rcpt_tos:
                self.links[recipient] = found.group(1)
        self.recipients.extend(envelope.rcpt_tos)
        return "250 Message accepted"


CONFIRMATION_LINK = re.compile(r"https?://[^/\s]+(/registrations/[A-Za-z0-9._-]+)")


def app_environment(smtp_port: int) -> dict:
    return {
        **os.environ,
        "SECRET_KEY": "bench-secret",
        "PUBLIC_POST_LIMIT": "100000 per minute",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp_port),
    }


def start_worker(smtp_port: int, log: Path) -> subprocess.Popen:
    """The worker, once it says it started: its imports do not share the cores with the first
    burst (gunicorn's are done before it answers ``/healthz``)."""
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "worker"]
    worker = subprocess.Popen(
        command,
        cwd=ROOT,
        env=app_environment(smtp_port),
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while "Worker started" not in log.read_text():
        if time.monotonic() > deadline or worker.poll() is not None:
            worker.terminate()
            raise SystemExit(f"The worker did not start; see {log}")
        time.sleep(0.1)
    return worker


def cpu_seconds(processes: dict[str, list[int]]) -> dict[str, float]:
    """CPU time (user and system) each kind of process has used so far, from /proc (Linux):
    ``processes`` names each kind's process ids, the children of each included (gunicorn's
    workers), and PostgreSQL's server processes are found by name."""
    tick = os.sysconf("SC_CLK_TCK")

    def used(pid: int) -> float:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended meanwhile
            return 0.0
        return (int(fields[11]) + int(fields[12])) / tick

    used_by = {
        kind: sum(used(p) + sum(used(c) for c in child_processes(p)) for p in pids)
        for kind, pids in processes.items()
    }
    postgres = [
        int(entry.name)
        for entry in Path("/proc").iterdir()
        if entry.name.isdigit() and _command(entry).startswith(b"postgres")
    ]
    used_by["PostgreSQL"] = sum(used(pid) for pid in postgres)
    return used_by


def _command(entry: Path) -> bytes:
    try:
        return (entry / "cmdline").read_bytes()
    except OSError:
        return b""


def wait_for_the_outbox(inbox: SlowInbox, expected: int, timeout: float = 300) -> float:
    """Seconds until the worker delivered ``expected`` emails."""
    started = time.monotonic()
    while len(inbox.recipients) < expected and time.monotonic() - started < timeout:
        time.sleep(0.5)
    return time.monotonic() - started


def start_gunicorn(port: int, smtp_port: int, log: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", "wsgi:app"]
    server = subprocess.Popen(
        command,
        cwd=ROOT,
        env=app_environment(smtp_port),
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit(f"gunicorn did not start; see {log}")


class Client:
    """One browser: its own connection, session cookie and CSRF token."""

    def __init__(self, port: int, event_id: int, number: int, inbox: "SlowInbox | None" = None):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.event_id = event_id
        self.number = number
        self.inbox = inbox
        self.connection.request("GET", f"/events/{event_id}/register")
        response = self.connection.getresponse()
        page = response.read().decode()
        self.cookie = response.getheader("Set-Cookie").split(";", 1)[0]
        self.token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)

    def reconnect(self) -> None:
        """A new connection, as a browser opens after a pause: the server closes idle ones
        (gunicorn's ``keepalive``)."""
        self.connection.close()
        self.connection.connect()

    def email(self, index: int) -> str:
        return f"bench{self.number}-{index}@example.org"

    def _post(self, path: str, fields: dict) -> int:
        body = urlencode({"csrf_token": self.token, **fields})
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": self.cookie}
        self.connection.request("POST", path, body, headers)
        response = self.connection.getresponse()
        response.read()
        return response.status

    def register(self, index: int) -> int:
        return self._post(f"/events/{self.event_id}/register", form(self.number, index))

    def confirm(self, index: int) -> int:
        """Follow the link the worker delivered to the address, and confirm."""
        return self._post(self.inbox.links[self.email(index)], {})

    def health(self, _index: int) -> int:
        self.connection.request("GET", "/healthz")
        response = self.connection.getresponse()
        response.read()
        return response.status


def form(number: int, index: int) -> dict:
    """A delegate's registration form; their organisation is one of 40, new or in the list."""
    return {
        "name": f"Bench delegate {number}-{index}",
        "gender": "undisclosed",
        "email": f"bench{number}-{index}@example.org",
        "organisation_id": "",
        "new_organisation": f"Bench electoral body {index % 40}",
        "new_organisation_kind": "electoral_management_body",
        "country_code": "MX",
        "consent": "y",
    }


def round_trips(event_id: int) -> tuple[int, int, int]:
    """Database round trips of one more registration's form and of its confirmation, and of the
    confirmation of a registration whose organisation, typed in, it adds, through Flask's test
    client in this process: SQL statements, and each transaction's BEGIN and COMMIT (psycopg
    sends BEGIN before the first statement)."""
    from sqlalchemy import event as sa_event
    from sqlalchemy import select

    from eventsapp import create_app
    from eventsapp.extensions import db
    from eventsapp.mail.models import OutboxEmail

    app = create_app({"SECRET_KEY": "bench-secret", "PUBLIC_POST_LIMIT": "100000 per minute"})
    client = app.test_client()
    page = client.get(f"/events/{event_id}/register").data.decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    counted = []

    def count(*_args) -> None:
        counted.append(1)

    def measured(path: str, fields: dict) -> int:
        counted.clear()
        with app.app_context():
            engine = db.engine
        for name in ("before_cursor_execute", "begin", "commit"):
            sa_event.listen(engine, name, count)
        try:
            response = client.post(path, data={"csrf_token": token, **fields})
        finally:
            for name in ("before_cursor_execute", "begin", "commit"):
                sa_event.remove(engine, name, count)
        assert response.status_code == 302, response.status_code
        return len(counted)

    def registered(fields: dict) -> tuple[int, int]:
        sent = measured(f"/events/{event_id}/register", fields)
        with app.app_context():
            text = db.session.scalar(
                select(OutboxEmail.text_body)
                .where(OutboxEmail.to == fields["email"])
                .order_by(OutboxEmail.id.desc())
            )
        return sent, measured(CONFIRMATION_LINK.search(text).group(1), {})

    sent, confirmed = registered(form(999, 0))  # her organisation listed by the burst
    typed_in = {**form(999, 1), "new_organisation": "Bench electoral body not listed"}
    return sent, confirmed, registered(typed_in)[1]


def burst(
    clients: list[Client], action: str, per_client: int, expected: int, processes: dict
) -> float:
    """Requests per second of ``per_client`` calls of ``action`` from every client at once;
    prints the CPU time each kind of process used per request meanwhile (``cpu_seconds``)."""
    barrier = threading.Barrier(len(clients) + 1)
    failures: list[int] = []

    def run(client: Client) -> None:
        client.reconnect()
        barrier.wait()
        for index in range(per_client):
            status = getattr(client, action)(index)
            if status != expected:
                failures.append(status)

    threads = [threading.Thread(target=run, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    barrier.wait()
    before, started = cpu_seconds(processes), time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed, after = time.perf_counter() - started, cpu_seconds(processes)
    if failures:
        raise SystemExit(f"{action}: {len(failures)} unexpected statuses, e.g. {failures[:5]}")
    requests = len(clients) * per_client
    used = ", ".join(
        f"{kind} {(after[kind] - before[kind]) * 1000 / requests:.2f}" for kind in after
    )
    print(f"{action}: CPU ms per request: {used}")
    return requests / elapsed


def main() -> None:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Needs DATABASE_URL of a PostgreSQL: run it with scripts/with-postgres.")
    from aiosmtpd.controller import Controller

    sys.path.insert(0, str(ROOT))
    event_id = prepare_database()
    inbox = SlowInbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    port = free_port()
    logs = Path(tempfile.mkdtemp(prefix="bench-gunicorn-"))
    server = start_gunicorn(port, smtp.port, logs / "gunicorn.log")
    worker = start_worker(smtp.port, logs / "worker.log")
    expected = CLIENTS * REGISTRATIONS_PER_CLIENT
    try:
        clients = [Client(port, event_id, n, inbox) for n in range(CLIENTS)]
        processes = {
            "gunicorn": [server.pid],
            "worker": [worker.pid],
            "clients and SMTP server (this process)": [os.getpid()],
        }
        forms = burst(clients, "register", REGISTRATIONS_PER_CLIENT, 302, processes)
        requests = burst(clients, "health", GETS_PER_CLIENT, 200, processes)
        wait_for_the_outbox(inbox, expected)  # the links to confirm
        confirmations = burst(clients, "confirm", REGISTRATIONS_PER_CLIENT, 302, processes)
        drained = wait_for_the_outbox(inbox, 2 * expected)
    finally:
        server.terminate()
        worker.terminate()
        server.wait(timeout=30)
        worker.wait(timeout=30)
        smtp.stop()
    held, total = held_seats(event_id)
    registrations = 1 / (1 / forms + 1 / confirmations)  # each needs both requests
    sent, confirmed, adding = round_trips(event_id)
    threads = os.environ.get("GUNICORN_THREADS", "4")
    print(
        f"clients: {CLIENTS}, gunicorn workers: 2 of {threads} threads each (gunicorn.conf.py), "
        f"capacity: {CAPACITY}"
    )
    print(f"SMTP server: {SMTP_DELAY * 1000:.0f} ms per message; emails sent by the worker")
    print(f"forms/s: {forms:.1f}; confirmations/s: {confirmations:.1f}")
    print(f"registrations/s (form and confirmation): {registrations:.1f}  ({total} registered)")
    print(f"GET /healthz requests/s: {requests:.1f}")
    print(f"ratio registrations / trivial requests: {registrations / requests:.3f}")
    print(
        f"database round trips: form {sent}, confirmation {confirmed} (a new delegate; "
        f"{adding} when the organisation she typed in is added by it)"
    )
    print(f"seats held: {held} of {CAPACITY}; waiting list: {total - held}")
    print(
        f"emails received: {len(inbox.recipients)} for {expected} registrations (to confirm, then "
        f"the answer), {len(set(inbox.recipients))} distinct addresses "
        f"(the last arrived {drained:.0f} s after the confirmations)"
    )
    if held > CAPACITY or total != expected:
        raise SystemExit("A seat was sold twice, or a registration was lost.")
    received = sorted(inbox.recipients)
    if received != sorted(2 * list(set(received))) or len(received) != 2 * expected:
        raise SystemExit("An email was lost or sent twice.")
