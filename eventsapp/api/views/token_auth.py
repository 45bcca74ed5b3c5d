"""``Authorization: Bearer ea_…`` on ``/api/v1``: the token's owner is the request's user, for
this request only (no session is read or written), with the token's scopes; rate-limited per
token.

``authenticate_bearer`` is a ``before_request`` of the API blueprint registered before
``_staff_unless_public``, which then checks the staff role and the route's scope as for a
session. A request without the header is a browser's, as before.
"""

from flask import current_app, g, jsonify, request
from flask.sessions import SecureCookieSessionInterface
from flask_babel import gettext as _

from ...extensions import limiter, login_manager
from ..tokens import TokenRefused, authenticate, hash_of


def bearer_token() -> str | None:
    """The token of an ``Authorization: Bearer`` header ("" when it names none), or None."""
    scheme, _space, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


def authenticate_bearer():
    """Sign the request in as the token's owner, or answer 401 naming why the token is refused
    (``{"error": ..., "reason": "expired"}``)."""
    token = bearer_token()
    if token is None:
        return None
    g.api_token_call = True  # no session cookie in the answer (see TokenSessions)
    try:
        found = authenticate(token)
    except TokenRefused as refused:
        return (
            jsonify(error=refused.message, reason=refused.reason),
            401,
            {"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    g.api_token = found
    g.api_token_scopes = list(found.scopes)
    # Flask-Login's user of this request (what login_user does, without writing the session).
    login_manager._update_request_context_with_user(found.user)
    return None


def _token_key() -> str:
    """A token counts its own calls: keyed by its hash, so only who holds it spends its limit."""
    return "api-token:" + hash_of(bearer_token() or "")


def _rate_limited() -> str:
    return _(
        "Too many calls with this API token: at most %(limit)s. Wait for the time Retry-After "
        "gives.",
        limit=current_app.config["API_TOKEN_RATE_LIMIT"],
    )


def limit_each_token(bp) -> None:
    """Every call with a token on ``bp`` counts against ``API_TOKEN_RATE_LIMIT`` for that token
    (in the limiter's storage: Redis, where configured, holds it across workers); beyond it a 429
    with ``Retry-After``. Calls without a token are not counted here."""
    limiter.limit(
        lambda: current_app.config["API_TOKEN_RATE_LIMIT"],
        key_func=_token_key,
        exempt_when=lambda: bearer_token() is None,
        error_message=_rate_limited,
    )(bp)


class TokenSessions(SecureCookieSessionInterface):
    """The site's cookie sessions, but never saved for a call made with a token: a script gets
    no session cookie, and a browser's cookie sent with a token is left as it was."""

    def save_session(self, app, session, response):
        if g.get("api_token_call"):
            return None
        return super().save_session(app, session, response)
