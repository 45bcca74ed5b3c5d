"""No cold first visitor: gunicorn.conf.py warms each worker before it takes requests (the current
year's calendar page and feed answered once), and a worker that cannot warm serves anyway."""

import http.client
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from eventsapp.calendars.models import CalendarText
from eventsapp.core.clock import utcnow
from tests.conftest import free_port

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def gunicorn(settings):
    """``gunicorn(**environment)``: gunicorn with gunicorn.conf.py and two workers on the tests'
    database, and the lines of its error log up to the second that says a worker warmed."""
    servers = []

    def start(**environment):
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "wsgi:app"],
            cwd=ROOT,
            env={
                **os.environ,
                "DATABASE_URL": settings["SQLALCHEMY_DATABASE_URI"],
                "PORT": str(port),
                "WEB_CONCURRENCY": "2",
                **environment,
            },
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        servers.append(server)
        lines = []
        signal.alarm(120)  # a worker that never warms fails the test rather than hanging it
        try:
            for line in server.stderr:
                lines.append(line)
                if sum("warmed" in seen for seen in lines) == 2:
                    break
        finally:
            signal.alarm(0)
        return port, lines

    yield start
    for server in servers:
        server.terminate()
        server.communicate(timeout=60)


def get(port: int, path: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path)
    response = connection.getresponse()
    return response.status, response.read()


def test_each_worker_is_warmed_on_this_years_calendar_before_its_first_visitor(gunicorn, make, db):
    year = utcnow().year
    event = make.event("Workshop on electoral justice", f"March {year}")
    db.session.commit()

    port, log = gunicorn()

    warmed = [line for line in log if "warmed in" in line]
    assert len(warmed) == 2, "".join(log)
    for line in warmed:
        assert f"'/calendar/{year}': 200" in line and f"'/calendar/{year}.ics': 200" in line
    # Before anyone asked: the year's texts are built and kept for every worker.
    db.session.rollback()
    assert db.session.scalars(select(CalendarText.event_id)).all() == [event.id]
    status, feed = get(port, f"/calendar/{year}.ics")
    assert status == 200 and b"Workshop on electoral justice" in feed


def test_a_worker_that_cannot_warm_serves_anyway(gunicorn, tmp_path):
    missing = tmp_path / "no-such-folder" / "site.sqlite3"

    port, log = gunicorn(DATABASE_URL=f"sqlite:///{missing}")

    assert sum("not warmed" in line for line in log) == 2, "".join(log)
    assert get(port, "/healthz")[0] == 503  # answered: the worker runs, and says why it cannot
