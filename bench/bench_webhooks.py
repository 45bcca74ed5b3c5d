"""Webhook deliveries per second from the worker, against a receiver taking 100 ms per call.

Run by ``make bench`` (``scripts/with-postgres`` provides ``DATABASE_URL``). Migrates the database,
subscribes a receiver on loopback (``WEBHOOKS_ALLOW_PRIVATE=1``) that answers each POST after
100 ms, as a distant partner's server would, and queues ``DELIVERIES`` deliveries. Starts
``gunicorn -w 2 wsgi:app`` and measures ``GET /healthz`` from ``CLIENTS`` clients, then starts
the worker (``flask jobs worker``) and, while it delivers, measures ``/healthz`` again; prints
deliveries/s beside both rates, and checks that every delivery arrived once, signed.
"""

import http.client
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from bench.bench_registration import free_port

ROOT = Path(__file__).resolve().parent.parent
DELIVERIES = 800
RECEIVER_DELAY = 0.1  # seconds per call
CLIENTS = 8
SECRET = "bench-webhook-secret-0123456789"


class SlowReceiver:
    def __init__(self):
        self.ids: list[str] = []
        self.signed = 0
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                from eventsapp.webhooks.signing import verify

                body = self.rfile.read(int(self.headers["Content-Length"]))
                time.sleep(RECEIVER_DELAY)
                signed = verify(
                    SECRET, body, self.headers["X-Eventsapp-Signature"], int(time.time())
                )
                with receiver.lock:
                    receiver.ids.append(self.headers["X-Eventsapp-Delivery"])
                    receiver.signed += signed
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def prepare_database(url: str, count: int) -> None:
    """Migrate, subscribe ``url`` and queue ``count`` deliveries (the previous run's removed)."""
    from flask_migrate import upgrade
    from sqlalchemy import delete

    from eventsapp import create_app
    from eventsapp.core.clock import utcnow
    from eventsapp.extensions import db
    from eventsapp.webhooks.events import Happening
    from eventsapp.webhooks.models import WebhookSubscription
    from eventsapp.webhooks.services import SubscriptionInput, add_delivery, save_subscription

    app = create_app()
    with app.app_context():
        upgrade()
        db.session.execute(delete(WebhookSubscription))
        subscription = WebhookSubscription()
        data = SubscriptionInput(url=url, events=["registration.approved"], secret=SECRET)
        save_subscription(subscription, data, None, allow_private=True)
        now = utcnow()
        for n in range(count):
            add_delivery(subscription, Happening("registration.approved", None, {"id": n}), now)
        db.session.commit()


def environment() -> dict:
    return {**os.environ, "SECRET_KEY": "bench-secret", "WEBHOOKS_ALLOW_PRIVATE": "1"}


def start(command: list[str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        command, cwd=ROOT, env=environment(), stdout=log.open("w"), stderr=subprocess.STDOUT
    )


def health_rate(port: int, seconds: float) -> float:
    """``/healthz`` requests per second from CLIENTS clients for ``seconds``."""
    counts = [0] * CLIENTS
    deadline = time.monotonic() + seconds

    def run(index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while time.monotonic() < deadline:
            connection.request("GET", "/healthz")
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                raise SystemExit(f"/healthz answered {response.status}")
            counts[index] += 1

    threads = [threading.Thread(target=run, args=(i,)) for i in range(CLIENTS)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.monotonic() - started)


def wait_for_gunicorn(port: int, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit(f"gunicorn did not start; see {log}")


def run_worker_against(received, expected: int, name: str) -> tuple[float, float, float, Path]:
    """gunicorn (2 workers) and then the worker, until ``received()`` reaches ``expected`` (at
    most 5 minutes): ``/healthz`` requests/s before the worker starts and while it works, the
    seconds from the worker's start to the last one received, and the logs' folder."""
    logs = Path(tempfile.mkdtemp(prefix=f"bench-{name}-"))
    port = free_port()
    server = start(
        [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", "wsgi:app"],
        logs / "gunicorn.log",
    )
    worker = None
    try:
        wait_for_gunicorn(port, server, logs / "gunicorn.log")
        idle = health_rate(port, 5)
        started = time.monotonic()
        worker = start(
            [sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "worker"], logs / "worker.log"
        )
        busy = health_rate(port, 5)
        while received() < expected and time.monotonic() - started < 300:
            time.sleep(0.1)
        elapsed = time.monotonic() - started
    finally:
        for process in (worker, server):
            if process is not None:
                process.terminate()
                process.wait(timeout=30)
    return idle, busy, elapsed, logs


def main() -> None:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Needs DATABASE_URL of a PostgreSQL: run it with scripts/with-postgres.")
    receiver = SlowReceiver()
    prepare_database(receiver.url, DELIVERIES)
    try:
        idle, busy, elapsed, logs = run_worker_against(
            lambda: len(receiver.ids), DELIVERIES, "webhooks"
        )
    finally:
        receiver.server.shutdown()
    received, distinct = len(receiver.ids), len(set(receiver.ids))
    rate = received / elapsed
    print(
        json.dumps(
            {
                "deliveries": DELIVERIES,
                "received": received,
                "distinct ids": distinct,
                "validly signed": receiver.signed,
                "receiver delay (s)": RECEIVER_DELAY,
                "deliveries/s (worker start to last received)": round(rate, 1),
                "/healthz requests/s, worker idle": round(idle),
                "/healthz requests/s, while delivering": round(busy),
                "ratio deliveries / healthz (while delivering)": round(rate / busy, 4),
            },
            indent=2,
        )
    )
    if received != DELIVERIES or distinct != DELIVERIES or receiver.signed != DELIVERIES:
        raise SystemExit(f"expected {DELIVERIES} deliveries, each once and signed; see {logs}")
