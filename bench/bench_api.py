"""The events API over a year of 5,000 events through gunicorn (2 workers): cold, warm, conditional.

Runs on the PostgreSQL in ``DATABASE_URL`` (``make bench`` starts a throwaway one): migrates it,
loads ``demo synth --events 5000``, starts ``gunicorn -w 2 wsgi:app`` and reads the whole year
through ``/api/v1/events?year=Y&limit=500``, following the ``Link: rel="next"`` pages (an API
without pages answers in one response). Each figure is the median of a few rounds, against the
raw floor of the same rows (every column of the year's events, fetched through a DB-API cursor,
``bench.raw_floor``) in the same run:

- cold: right after an event of the year was edited, so that no worker holds a page;
- warm: the same requests again, after a few rounds (each page goes to whichever worker accepts
  it, and each keeps the pages it served);
- conditional: again, sending the ETag of each page (``If-None-Match``), as a client that kept them.
"""

import http.client
import os
import re
import sys
import tempfile
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench import median_time, raw_floor
from bench.bench_registration import ROOT, free_port, start_gunicorn

YEAR = 2030
EVENTS = 5000
LIMIT = 500
FIRST_PAGE = f"/api/v1/events?year={YEAR}&limit={LIMIT}"
NEXT = re.compile(r'<([^>]+)>;\s*rel="next"')


def get(port: int, path: str, etag: str | None = None) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", path, headers={"If-None-Match": etag} if etag else {})
    response = connection.getresponse()
    response.body = response.read()
    connection.close()
    assert response.status in (200, 304), (path, response.status, response.body[:200])
    return response


def read_year(port: int, etags: dict[str, str] | None = None) -> dict:
    """Every page of the year: events and bytes read, requests made, the ETag of each page."""
    path, read = FIRST_PAGE, {"events": 0, "bytes": 0, "requests": 0, "etags": {}}
    while path:
        response = get(port, path, (etags or {}).get(path))
        read["requests"] += 1
        if response.status == 200:
            read["events"] += response.body.count(b'"date_text":')  # not parsed: not timed
            read["bytes"] += len(response.body)
        if etag := response.getheader("ETag"):
            read["etags"][path] = etag
        found = NEXT.search(response.getheader("Link") or "")
        path = found and urlunsplit(("", "", *urlsplit(found.group(1))[2:4], ""))
    return read


def main() -> None:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Needs DATABASE_URL of a PostgreSQL: run it with scripts/with-postgres.")
    sys.path.insert(0, str(ROOT))
    from flask_migrate import upgrade
    from sqlalchemy import select, update

    from eventsapp import create_app
    from eventsapp.catalogue.models import Event
    from eventsapp.catalogue.services import overlaps
    from eventsapp.core.clock import utcnow
    from eventsapp.extensions import db

    app = create_app()
    period = overlaps(date(YEAR, 1, 1), date(YEAR, 12, 31))
    with app.app_context():
        upgrade()
        result = app.test_cli_runner().invoke(
            args=["demo", "synth", "--events", str(EVENTS), "--year", str(YEAR)]
        )
        print(result.output.strip())
        first_id = db.session.scalar(select(Event.id).where(period).order_by(Event.id).limit(1))

    def floor(limit: int | None = None) -> float:
        """The rows, every column, through a DB-API cursor (``bench.raw_floor``)."""
        table = Event.__table__
        with app.app_context():
            return raw_floor(select(table).where(period).order_by(table.c.id).limit(limit))

    def edit_one_event() -> None:
        with app.app_context():
            db.session.execute(
                update(Event).where(Event.id == first_id).values(updated_at=utcnow())
            )
            db.session.commit()

    port = free_port()
    log = Path(tempfile.mkdtemp(prefix="bench-api-")) / "gunicorn.log"
    server = start_gunicorn(port, free_port(), log)
    try:
        whole = read_year(port)
        assert whole["events"] >= EVENTS, f"read {whole['events']} events of the year"
        figures = {
            "raw floor, the year's rows": floor(),
            "cold (after an edit)": median_time(lambda: read_year(port), 3, edit_one_event),
        }
        for _ in range(4):  # so that each worker has likely served, and kept, every page
            read_year(port)
        figures["warm (repeated)"] = median_time(lambda: read_year(port))
        etags = read_year(port)["etags"]
        figures["conditional (If-None-Match)"] = median_time(lambda: read_year(port, etags))
        page = {
            "raw floor, one page's rows": floor(LIMIT),
            "first page, cold": median_time(lambda: get(port, FIRST_PAGE), 3, edit_one_event),
            "first page, warm": median_time(lambda: get(port, FIRST_PAGE)),
        }
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(
        f"{whole['events']} events in {YEAR}, read in {whole['requests']} request(s), "
        f"{whole['bytes']:,} bytes in all"
    )
    for table in (figures, page):
        base = next(iter(table.values()))
        print(f"{'':32} {'ms':>9} {'× floor':>12}")
        for label, seconds in table.items():
            print(f"{label:32} {seconds * 1000:9.1f} {seconds / base:12.2f}")
