"""The yearly calendar at 5,000 events through gunicorn (2 workers): page, CSV, XLSX and feed.

Run by ``make bench`` (``scripts/with-postgres`` provides ``DATABASE_URL``). Migrates the database,
loads the 5,000 events of bench_calendar once (``load_year``), starts ``gunicorn -w 2 wsgi:app``,
then for each address times, against the raw floor (the year's event rows, every column, fetched
into Python through a DB-API cursor in this process, ``bench.raw_floor``):

- cold: the kept calendar text emptied (in the database) and the workers restarted (``HUP``,
  empty process caches), the worker that answers first warmed on another year;
- warm: requests in pairs sent at once, so that each of the two workers answers one of them
  (a sync worker takes one request at a time), the median and the slowest;
- after one edit: an event of the year saved (a new title and ``updated_at``), then a pair;
- conditional: a pair with the ETag of the last answer;

and then, one request at a time (aim: at most 12× the raw floor):

- the XLSX, and the feed, after a change to every event of the year (each event's ``updated_at``):
  every event's text is written again, and kept;
- the feed, the first request after the workers were restarted (``HUP``; the texts kept in the
  database), once the new workers are ready (warmed by ``gunicorn.conf.py`` when it does);

and last, the memory of each worker once it has answered every address (MB, beside Indico's).
"""

import http.client
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench import child_processes
from bench.bench_registration import free_port

ROOT = Path(__file__).resolve().parent.parent
YEAR = 2031
EVENTS = 5000
ADDRESSES = [f"/calendar/{YEAR}", f"/calendar/{YEAR}.csv", f"/calendar/{YEAR}.xlsx"]
FEED = f"/calendar/{YEAR}.ics"
AIMS = {"cold": 10, "warm": 2, "feed cold": 30, "feed warm": 2}
AIM_AFTER_CHANGES = 12
INDICO_WORKER_MB = 372  # the measure: a sync worker of Indico 3.3.14, the same benchmark
PERIOD = {"first": f"{YEAR}-01-01", "last": f"{YEAR}-12-31"}


def prepare_database() -> None:
    from bench.bench_calendar import load_year
    from eventsapp import create_app

    load_year(create_app())


def sql(statement: str, *params) -> list:
    from sqlalchemy import create_engine, text

    from eventsapp.config import database_url

    engine = create_engine(database_url())
    with engine.begin() as connection:
        result = connection.execute(text(statement), *params)
        return result.all() if result.returns_rows else []


def floor() -> float:
    """The raw floor: the year's event rows, every column, through a DB-API cursor."""
    from bench import raw_floor
    from eventsapp import create_app

    with create_app().app_context():
        return raw_floor(
            f"SELECT * FROM events WHERE starts_on <= '{PERIOD['last']}'"
            f" AND ends_on >= '{PERIOD['first']}' ORDER BY id"
        )


class Server:
    def __init__(self):
        self.port = free_port()
        self.log = log = Path(tempfile.mkdtemp(prefix="bench-year-")) / "gunicorn.log"
        command = [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{self.port}"]
        environment = {**os.environ, "SECRET_KEY": "bench-secret", "SITE_URL": "http://bench"}
        self.process = subprocess.Popen(
            [*command, "--timeout", "120", "wsgi:app"],
            cwd=ROOT,
            env=environment,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
        )
        self.wait_for_workers(set())

    def workers(self) -> set[int]:
        return child_processes(self.process.pid)

    def wait_for_workers(self, old: set[int], warm_by_requests: bool = True) -> None:
        """Until two new workers run, then (``warm_by_requests``) each has answered once, or
        else each has said it is warmed, when gunicorn.conf.py warms them."""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            now = self.workers()
            if len(now) == 2 and not now & old and not warm_by_requests:
                self.wait_until_warmed(now, deadline)
                return
            if len(now) == 2 and not now & old:
                self.pair(f"/calendar/{YEAR - 40}")  # each worker imports and renders once
                self.pair(f"/calendar/{YEAR - 40}.xlsx")
                self.pair(f"/calendar/{YEAR - 40}.ics")
                return
            time.sleep(0.1)
        raise SystemExit("gunicorn workers did not start")

    def wait_until_warmed(self, workers: set[int], deadline: float) -> None:
        if "post_worker_init" not in (ROOT / "gunicorn.conf.py").read_text():
            return
        while time.monotonic() < deadline:
            log = self.log.read_text()
            if all(f"Worker {pid} warmed" in log for pid in workers):
                return
            time.sleep(0.05)
        raise SystemExit("gunicorn workers were not warmed")

    def restart_workers(self, warm_by_requests: bool = True) -> None:
        old = self.workers()
        self.process.send_signal(signal.SIGHUP)
        self.wait_for_workers(old, warm_by_requests)

    def get(self, address: str, headers=None) -> tuple[float, int, dict]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        start = time.perf_counter()
        connection.request("GET", address, headers=headers or {})
        response = connection.getresponse()
        body = response.read()
        seconds = time.perf_counter() - start
        assert response.status in (200, 304), (address, response.status)
        return seconds, len(body), dict(response.getheaders())

    def pair(self, address: str, headers=None) -> list[float]:
        """Two requests at once: one to each worker."""
        times = []
        threads = [
            threading.Thread(target=lambda: times.append(self.get(address, headers)[0]))
            for _ in range(2)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return times

    def memory(self) -> dict[int, dict[str, float]]:
        """Each worker's memory in MB: resident now (VmRSS) and at its highest (VmHWM), from
        /proc/<pid>/status, and its proportional share (Pss: the pages it shares with the
        master and the other worker counted by share), from /proc/<pid>/smaps_rollup."""
        figures = {}
        for pid in sorted(self.workers()):
            fields = {}
            for name in ("status", "smaps_rollup"):
                for line in Path(f"/proc/{pid}/{name}").read_text().splitlines():
                    key, _, value = line.partition(":")
                    if value.strip().endswith("kB"):
                        fields.setdefault(key, int(value.split()[0]) / 1024)
            figures[pid] = {key: fields[key] for key in ("VmRSS", "VmHWM", "Pss")}
        return figures

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def forget_kept_text() -> None:
    for table in ("calendar_texts", "calendar_documents"):
        if sql(f"SELECT to_regclass('{table}') IS NOT NULL")[0][0]:
            sql(f"DELETE FROM {table}")


def edit_one_event() -> None:
    sql(
        "UPDATE events SET title = 'Edited ' || clock_timestamp(), updated_at = now() "
        "WHERE id = (SELECT min(id) FROM events WHERE starts_on >= :first)",
        {"first": f"{YEAR}-01-01"},
    )


def change_every_event() -> None:
    sql(
        "UPDATE events SET updated_at = clock_timestamp() "
        "WHERE starts_on <= :last AND ends_on >= :first",
        PERIOD,
    )


def measure_after_changes(server: Server) -> dict[str, list[float]]:
    """One request at a time: after a change to every event, and after a restart."""
    figures: dict[str, list[float]] = {}
    for label, address in (("XLSX", ADDRESSES[2]), ("feed", FEED)):
        figures[f"{label} after a change to every event"] = times = []
        for _ in range(3):
            change_every_event()
            times.append(server.get(address)[0])
    figures["feed, first after a restart"] = times = []
    for _ in range(3):
        server.restart_workers(warm_by_requests=False)
        times.append(server.get(FEED)[0])
    return figures


def measure(server: Server, address: str) -> dict[str, list[float]]:
    figures = {"cold": [], "warm": [], "after one edit": [], "conditional (304)": []}
    for _ in range(3):
        forget_kept_text()
        server.restart_workers()
        figures["cold"].append(server.get(address)[0])
    for _ in range(5):
        figures["warm"] += server.pair(address)
    for _ in range(3):
        edit_one_event()
        figures["after one edit"] += server.pair(address)
    etag = server.get(address)[2].get("ETag")
    for _ in range(3):
        figures["conditional (304)"] += server.pair(
            address, {"If-None-Match": etag} if etag else {}
        )
    return figures


def memory_after_everything(server: Server) -> dict[int, dict[str, float]]:
    """Each worker's memory once it has answered every address of the benchmark (the workers
    the last restart started: each answers each address once more, cold for it), with what the
    benchmark's requests left in it."""
    for address in [*ADDRESSES, FEED]:
        server.pair(address)
    return server.memory()


def main() -> None:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("DATABASE_URL is not a PostgreSQL database: run `make bench`.")
    prepare_database()
    base = floor()
    server = Server()
    try:
        results = {address: measure(server, address) for address in [*ADDRESSES, FEED]}
        sizes = {address: server.get(address)[1] for address in results}
        after_changes = measure_after_changes(server)
        memory = memory_after_everything(server)
    finally:
        server.stop()
    print(f"{EVENTS} events in {YEAR}; gunicorn 2 workers; raw floor {base * 1000:.1f} ms")
    print(f"{'':36} {'median ms':>10} {'slowest ms':>11} {'× floor':>7} {'slowest×':>8} {'aim':>5}")
    for address, figures in results.items():
        print(f"{address} ({sizes[address]:,} bytes)")
        feed = address == FEED
        for label, times in figures.items():
            aim = {"cold": "feed cold" if feed else "cold", "warm": "feed warm"}.get(label)
            if label == "after one edit" and feed:
                aim = "feed warm"
            if label == "warm" and not feed:
                aim = "warm"
            print_row(label, times, base, AIMS[aim] if aim else None)
    print("one request at a time")
    for label, times in after_changes.items():
        print_row(label, times, base, AIM_AFTER_CHANGES)
    print(f"memory per worker after every address, MB (Indico 3.3.14's: {INDICO_WORKER_MB})")
    for pid, figures in memory.items():
        print(f"  worker {pid}: " + "  ".join(f"{key} {mb:6.1f}" for key, mb in figures.items()))


def print_row(label: str, times: list[float], base: float, aim: int | None) -> None:
    median, slowest = statistics.median(times), max(times)
    limit = f"≤{aim}" if aim else ""
    print(
        f"  {label:34} {median * 1000:10.1f} {slowest * 1000:11.1f}"
        f" {median / base:7.2f} {slowest / base:8.2f} {limit:>5}"
    )
