"""Links to the site's own pages, for what leaves the request: emails and their attachments.

They join the ``SITE_URL`` setting and the route's path, never the request's Host header (which
anyone can set), and work outside a request too (the worker, commands).
"""

from flask import current_app


def route_path(endpoint: str, **values) -> str:
    """The path of a route, without scheme or host: ``/events/12``."""
    adapter = current_app.extensions.get("path_builder")
    if adapter is None:
        adapter = current_app.extensions["path_builder"] = current_app.url_map.bind("localhost")
    return adapter.build(endpoint, values)


def site_url(endpoint: str, **values) -> str:
    """``SITE_URL`` followed by the route's path: ``https://events.example.org/events/12``."""
    return current_app.config["SITE_URL"].rstrip("/") + route_path(endpoint, **values)
