"""What every request passes through: hostile characters refused, security headers added.

Registered in ``create_app``; views never repeat these checks.
"""

from flask import abort, jsonify, request
from flask_babel import gettext as _

from .validation import CONTROL_CHARACTERS, CONTROL_IN_TEXT

# Control characters: no query parameter needs any (each is one line, for the API too), and form
# fields take only tabs and line breaks, in text areas (``core.forms.Form`` refuses them in
# one-line fields).

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",  # no inline script: page behaviour lives in static/js
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",  # what frame-ancestors says, for older browsers
    "Referrer-Policy": "same-origin",  # tokens in feed and sign-in URLs stay on the site
    "Cross-Origin-Opener-Policy": "same-origin",
}
HSTS = "max-age=31536000; includeSubDomains"
PRIVATE_PATHS = (
    "/manage",
    "/me/",
    "/registrations/",
    "/calendar/subscribe",
    "/account/",
    "/alumni",
)


def refuse_control_characters():
    """400 for a request whose path, parameters or form fields hold control characters."""
    parameter, field = CONTROL_CHARACTERS.search, CONTROL_IN_TEXT.search
    hostile = (
        parameter(request.path)
        or any(parameter(key) or parameter(value) for key, value in request.args.items(multi=True))
        or (
            request.method == "POST"
            and any(parameter(key) or field(value) for key, value in request.form.items(multi=True))
        )
    )
    if not hostile:
        return None
    message = _(
        "The request holds control characters (such as NUL) that no field takes. "
        "Remove them and send it again."
    )
    if request.path.startswith("/api/"):
        return jsonify(error=message), 400
    abort(400, description=message)


def add_security_headers(response):
    """The headers every answer carries (a view may set its own first)."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    if request.path.startswith(PRIVATE_PATHS):  # staff pages, a delegate's own: never kept
        response.headers["Cache-Control"] = "private, no-store"
    return response
