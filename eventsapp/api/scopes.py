"""What an API call may do: its scope. Each ``/api/v1`` route for staff needs one (``@requires``
under ``@bp.route``; without it, ``read``). A staff member's browser session holds every scope
their role allows; a personal API token holds the scopes it was given, within what its owner's
role allows at the time of the call (``granted``), so that a colleague who stops being an
administrator stops administering through their tokens too.
"""

from flask import g
from flask_babel import lazy_gettext as _l

from ..accounts.models import Role

READ, WRITE, DECIDE, ADMIN = "read", "write", "registrations:decide", "admin"
SCOPES = {
    READ: _l("Read events, registrations, reports and the rest of the staff's data"),
    WRITE: _l("Create and change events, tasks and plan progress"),
    DECIDE: _l("Approve, decline or waitlist registrations"),
    ADMIN: _l("Administer: accounts, tokens and webhooks of everyone"),
}


def requires(scope: str):
    """The scope a route needs (put it right under ``@bp.route``, beside ``@public``)."""
    if scope not in SCOPES:
        raise ValueError(f"Unknown scope {scope!r}")

    def mark(view):
        view.scope = scope
        return view

    return mark


def scope_of(view) -> str:
    return getattr(view, "scope", READ)


def role_scopes(user) -> set[str]:
    """What a staff member's role allows: every scope but ``admin``, which is administrators'."""
    if user is None or not user.is_authenticated or not user.is_staff:
        return set()
    allowed = {READ, WRITE, DECIDE}
    return allowed | {ADMIN} if user.role == Role.ADMIN else allowed


def granted(user) -> set[str]:
    """The scopes of this request: its token's (set in ``g.api_token_scopes`` by whoever read the
    token), else its session's; never beyond the role."""
    allowed = role_scopes(user)
    token_scopes = g.get("api_token_scopes")
    return allowed & set(token_scopes) if token_scopes is not None else allowed
