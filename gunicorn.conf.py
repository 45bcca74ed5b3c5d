"""gunicorn's settings for production (`make serve`; gunicorn reads this file from the directory
it starts in). Each can be changed by an environment variable:

- ``BIND`` (e.g. ``0.0.0.0:8000`` or ``unix:/run/eventsapp.sock``), else ``127.0.0.1:$PORT``
  (``PORT`` 8000 by default): the reverse proxy in front connects there;
- ``WEB_CONCURRENCY``: the number of worker processes, by default two per core plus one;
- ``GUNICORN_THREADS``: the threads of each worker (gunicorn's ``gthread`` worker; default 4):
  a thread waiting on the database (each round trip, each commit's flush to disk) leaves the
  core to another request of the same worker; 1 makes them the ``sync`` workers of before.
  Each thread may hold a database connection: workers × threads per server, within
  PostgreSQL's ``max_connections`` (100 by default) for all the servers and workers together;
- ``FORWARDED_ALLOW_IPS``: the proxies whose ``X-Forwarded-Proto`` gunicorn believes
  (comma-separated addresses, by default the same machine); the app's own ``TRUSTED_PROXIES``
  says how many proxies stand in front;
- ``GUNICORN_TIMEOUT``: seconds a request may take before its worker is restarted (default 60:
  the largest exports take a few seconds);
- ``WARM_UP``: ``0`` to let workers take requests without warming them first (see below).

No cold first visitor after a deploy or a restart: before the workers fork, every module of the
application is imported once (``when_ready``, shared by the workers); then each worker, before it
takes its first request, answers the current year's calendar page and feed once through the
application itself (``post_worker_init``: the Flask test client at ``SITE_URL``): its database
connection opened, its queries compiled, its templates loaded, the texts of the year's events
in its cache (and built and kept in the database, when no worker had). It logs "Worker <pid>
warmed in <s> s". A worker that cannot warm (the database down) says why and serves anyway.
Warming takes about a second, more for a year of thousands of events never built before; it
counts in ``GUNICORN_TIMEOUT``.
"""

import gc
import importlib
import os
import pkgutil
import time


def _cores() -> int:
    """The cores this process may run on (a container's or a taskset's, not the machine's)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


bind = os.environ.get("BIND") or f"127.0.0.1:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * _cores() + 1)
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread" if threads > 1 else "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30  # on a stop or restart, requests under way may finish
keepalive = 5  # seconds an idle connection from the proxy stays open

forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# The application is loaded once, before the workers fork: a broken setting stops the start with
# one error, and the workers share its memory. create_app opens no database connection, so none
# is shared between processes.
preload_app = True

# Both logs on the standard streams, for the service manager (journald, docker logs).
accesslog = "-"
errorlog = "-"
# The usual combined format, with the time each request took, in milliseconds.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'

# Recent gunicorns open a control socket in $HOME, one path for every gunicorn of the account: a
# second site (or a test) on the machine would take it over. This app does not use it.
control_socket_disable = True


def when_ready(server) -> None:
    """In the master, before the workers fork: every module of the application imported once."""
    if os.environ.get("WARM_UP", "1") == "0":
        return
    import eventsapp

    for module in pkgutil.walk_packages(eventsapp.__path__, "eventsapp."):
        importlib.import_module(module.name)
    gc.freeze()  # see post_worker_init


def post_worker_init(worker) -> None:
    """In each worker, before its first request: the current year's calendar page and feed
    answered once, so that the first visitor finds the worker as warm as the hundredth."""
    if os.environ.get("WARM_UP", "1") == "0":
        return
    from eventsapp.core.clock import utcnow

    app, start = worker.wsgi, time.perf_counter()
    year = utcnow().year
    try:
        client = app.test_client()
        answers = {
            path: client.get(path, base_url=app.config["SITE_URL"]).status_code
            for path in (f"/calendar/{year}", f"/calendar/{year}.ics")
        }
    except Exception:  # serving matters more than warming
        worker.log.exception("Worker %s not warmed", worker.pid)
        return
    # What the master imported and the warm-up made lives as long as the worker: out of the
    # garbage collector's reach, its full collections no longer scan them (a year's feed made it
    # scan about 260,000 objects, 120 ms) nor write to the pages shared with the master. What the
    # warm-up left unreachable is collected first, not kept for ever.
    gc.collect()
    gc.freeze()
    seconds = time.perf_counter() - start
    if all(status < 500 for status in answers.values()):
        worker.log.info("Worker %s warmed in %.2f s: %s", worker.pid, seconds, answers)
    else:
        worker.log.warning("Worker %s not warmed (%.2f s): %s", worker.pid, seconds, answers)
