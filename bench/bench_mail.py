"""Emails per second from the worker, against an SMTP server taking 200 ms per message.

Run by ``make bench`` (``scripts/with-postgres`` provides ``DATABASE_URL``). Migrates the database
and queues ``EMAILS`` emails (the previous run's removed); starts a real SMTP server on loopback
(aiosmtpd, in this process) that accepts each message after ``SMTP_DELAY``, as a distant mail
server would, and ``gunicorn -w 2 wsgi:app``; measures ``GET /healthz`` from ``CLIENTS``
clients, then starts the worker (``flask jobs worker``, ``MAIL_CONNECTIONS`` as set, 8 by
default) and, while it sends, measures ``/healthz`` again. Prints emails/s (from the worker's
start to the last email received) beside both rates, and checks that every email arrived once.
"""

import asyncio
import json
import os
import sys
from collections import Counter
from pathlib import Path

from bench.bench_registration import free_port
from bench.bench_webhooks import run_worker_against

EMAILS = 400
SMTP_DELAY = 0.2  # seconds per message


class SlowInbox:
    """Accepts each message after SMTP_DELAY; keeps their Message-IDs and connections."""

    def __init__(self):
        self.ids: list[str] = []
        self.connections: set[int] = set()

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(SMTP_DELAY)
        for line in envelope.content.decode("utf-8", "replace").splitlines():
            if line.lower().startswith("message-id:"):
                self.ids.append(line.split(":", 1)[1].strip())
                break
        self.connections.add(session.peer[1])
        return "250 Message accepted"


def prepare_database(count: int) -> None:
    from flask_migrate import upgrade
    from sqlalchemy import delete

    from eventsapp import create_app
    from eventsapp.extensions import db
    from eventsapp.mail.models import OutboxEmail
    from eventsapp.mail.services import queue_email

    app = create_app()
    with app.app_context(), app.test_request_context():
        upgrade()
        db.session.execute(delete(OutboxEmail))
        for n in range(count):
            queue_email(f"bench{n}@example.org", f"Email {n}", "login_link", link="x")
        db.session.commit()


def main() -> None:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Needs DATABASE_URL of a PostgreSQL: run it with scripts/with-postgres.")
    from aiosmtpd.controller import Controller

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    inbox = SlowInbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    os.environ.update({"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(smtp.port)})
    prepare_database(EMAILS)
    try:
        idle, busy, elapsed, logs = run_worker_against(lambda: len(inbox.ids), EMAILS, "mail")
    finally:
        smtp.stop()
    received = Counter(inbox.ids)
    rate = len(inbox.ids) / elapsed
    print(
        json.dumps(
            {
                "emails": EMAILS,
                "received": len(inbox.ids),
                "distinct Message-IDs": len(received),
                "SMTP connections used": len(inbox.connections),
                "server delay (s)": SMTP_DELAY,
                "emails/s (worker start to last received)": round(rate, 1),
                "/healthz requests/s, worker idle": round(idle),
                "/healthz requests/s, while sending": round(busy),
                "ratio emails / healthz (while sending)": round(rate / busy, 4),
            },
            indent=2,
        )
    )
    if len(inbox.ids) != EMAILS or len(received) != EMAILS:
        raise SystemExit(f"expected {EMAILS} emails, each once; see {logs}")
    if rate < 20:
        print("below the aim of 20 emails/s")
