"""gunicorn's settings for production (`make serve`; gunicorn reads this file from the directory
it starts in). Each can be changed by an environment variable:

- ``BIND`` (e.g. ``0.0.0.0:8000`` or ``unix:/run/eventsapp.sock``), else ``127.0.0.1:$PORT``
  (``PORT`` 8000 by default): the reverse proxy in front connects there;
- ``WEB_CONCURRENCY``: the number of worker processes, by default two per core plus one;
- ``FORWARDED_ALLOW_IPS``: the proxies whose ``X-Forwarded-Proto`` gunicorn believes
  (comma-separated addresses, by default the same machine); the app's own ``TRUSTED_PROXIES``
  says how many proxies stand in front;
- ``GUNICORN_TIMEOUT``: seconds a request may take before its worker is restarted (default 60:
  the largest exports take a few seconds).
"""

import os


def _cores() -> int:
    """The cores this process may run on (a container's or a taskset's, not the machine's)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


bind = os.environ.get("BIND") or f"127.0.0.1:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * _cores() + 1)
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
