"""Personal API tokens: made (the token shown once, only its hash kept), listed, revoked, and
checked at each call of ``/api/v1`` that presents one (``api.views.token_auth``).

A token is ``ea_`` + its prefix (8 characters, shown in lists) + a secret of 32 random bytes,
both from ``secrets.token_urlsafe``. Each call reads the token from the database, so that a
revoked token is refused at once by every worker.
"""

import hashlib
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from flask import g
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..accounts.models import Role, User
from ..core.actions import describe, log_action
from ..core.clock import utcnow
from ..core.errors import InvalidInput
from ..core.i18n import format_day
from ..core.validation import is_one_line
from ..extensions import db
from .models import NAME_LENGTH, PREFIX_LENGTH, ApiToken
from .scopes import SCOPES, role_scopes

PLAIN_PREFIX = "ea_"
MAX_DAYS = 3650
# Anything longer is no token of ours: refused without hashing it.
MAX_TOKEN_LENGTH = 100
# ``last_used_at`` is written at most this often, not at every call.
USE_NOTED_EVERY = timedelta(minutes=1)

CREATED = describe("api_token.created", _l("Created the API token %(object)s (scopes: %(scopes)s)"))
REVOKED = describe("api_token.revoked", _l("Revoked the API token %(object)s"))


class TokenRefused(Exception):
    """A token that opens nothing; ``reason`` is a word for scripts (``unknown``, ``expired``,
    ``revoked``, ``owner_inactive``, ``owner_not_staff``), ``message`` a sentence for people."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason
        self.message = message


def hash_of(plain: str) -> str:
    return hashlib.sha256(plain.encode()).hexdigest()


# ---------------------------------------------------------------- making, listing, revoking


def read_scopes(owner: User, scopes: Iterable[str]) -> list[str]:
    """The scopes asked for, in the order of ``SCOPES``: each one known and within the owner's
    role (``admin`` is administrators' only)."""
    asked = {s.strip() for s in scopes if s.strip()}
    if not asked:
        raise InvalidInput("scopes", _("Choose at least one scope."))
    if unknown := sorted(asked - set(SCOPES)):
        raise InvalidInput(
            "scopes",
            _(
                "Unknown scope: %(scopes)s. The scopes are %(known)s.",
                scopes=", ".join(unknown),
                known=", ".join(SCOPES),
            ),
        )
    if beyond := sorted(asked - role_scopes(owner)):
        raise InvalidInput(
            "scopes",
            _(
                "The role of %(email)s does not allow the scope %(scopes)s.",
                email=owner.email,
                scopes=", ".join(beyond),
            ),
        )
    return [s for s in SCOPES if s in asked]


def create_token(
    owner: User,
    name: str,
    scopes: Iterable[str],
    days: int | None,
    actor: User | None,
    now: datetime | None = None,
) -> tuple[ApiToken, str]:
    """A new token of ``owner`` valid ``days`` days (None: until revoked), made by ``actor`` (an
    account, or None for a command). Returns it with the plain token, which exists nowhere else:
    show it once."""
    now = now or utcnow()
    if owner.id is None:
        db.session.flush()  # a new account: its defaults (active) are set
    if not owner.is_staff or not owner.is_active:
        raise InvalidInput("email", _("API tokens are for active staff accounts."))
    name = (name or "").strip()
    if not name:
        raise InvalidInput("name", _("Give the token a name."))
    if len(name) > NAME_LENGTH or not is_one_line(name):
        raise InvalidInput(
            "name",
            _("Write the name on one line, in at most %(count)d characters.", count=NAME_LENGTH),
        )
    chosen = read_scopes(owner, scopes)
    if days is not None and not 1 <= days <= MAX_DAYS:
        raise InvalidInput(
            "days", _("The expiry is from 1 to %(count)d days, or never.", count=MAX_DAYS)
        )
    taken = db.session.scalar(
        select(ApiToken.id).where(ApiToken.user_id == owner.id, ApiToken.name == name)
    )
    if taken:
        raise InvalidInput(
            "name",
            _(
                "%(email)s has a token called %(name)s already (revoked tokens keep their "
                "names): choose another name.",
                email=owner.email,
                name=name,
            ),
        )
    prefix = secrets.token_urlsafe(PREFIX_LENGTH)[:PREFIX_LENGTH]
    plain = PLAIN_PREFIX + prefix + secrets.token_urlsafe(32)
    token = ApiToken(
        user=owner,
        name=name,
        prefix=prefix,
        secret_hash=hash_of(plain),
        scopes=chosen,
        created_at=now,
        expires_at=now + timedelta(days=days) if days is not None else None,
    )
    db.session.add(token)
    log_action(token, CREATED, actor, {"scopes": chosen, "expires_at": token.expires_at})
    return token, plain


def list_tokens(owner: User | None) -> list[ApiToken]:
    """``owner``'s tokens, or everyone's (None, for administrators), newest first, with their
    owners."""
    stmt = select(ApiToken).options(joinedload(ApiToken.user))
    if owner is not None:
        stmt = stmt.where(ApiToken.user_id == owner.id)
    return list(db.session.scalars(stmt.order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def may_revoke(user: User, token: ApiToken) -> bool:
    """Its owner, or an administrator."""
    return token.user_id == user.id or user.role == Role.ADMIN


def find_token(owner: User, name: str) -> ApiToken | None:
    return db.session.scalar(
        select(ApiToken).where(ApiToken.user_id == owner.id, ApiToken.name == name)
    )


def revoke_token(token: ApiToken, actor: User | None, now: datetime | None = None) -> bool:
    """Revoke a token (by ``actor``: its owner, an administrator, or None for a command); False
    when it was revoked already."""
    if token.revoked_at is not None:
        return False
    token.revoked_at = now or utcnow()
    token.revoked_by = actor
    log_action(token, REVOKED, actor)
    return True


# ---------------------------------------------------------------- checking a call


def authenticate(plain: str, now: datetime | None = None) -> ApiToken:
    """The token a call presents, read from the database, or TokenRefused saying why; its use
    is noted (at most once a minute: a call is not a write)."""
    now = now or utcnow()
    token = None
    if plain.startswith(PLAIN_PREFIX) and len(plain) <= MAX_TOKEN_LENGTH:
        token = db.session.scalar(
            select(ApiToken)
            .options(joinedload(ApiToken.user))
            .where(ApiToken.secret_hash == hash_of(plain))
        )
    if token is None:
        raise TokenRefused(
            "unknown", _("This API token is not known: check that it was copied whole.")
        )
    if token.revoked_at is not None:
        raise TokenRefused("revoked", _("This API token was revoked."))
    if token.is_expired(now):
        raise TokenRefused(
            "expired",
            _("This API token expired on %(day)s.", day=format_day(token.expires_at.date())),
        )
    if not token.user.is_active:
        raise TokenRefused(
            "owner_inactive", _("The account this API token belongs to is deactivated.")
        )
    if not token.user.is_staff:
        raise TokenRefused(
            "owner_not_staff",
            _("The account this API token belongs to is no longer a staff account."),
        )
    if token.last_used_at is None or now - token.last_used_at >= USE_NOTED_EVERY:
        token.last_used_at = now
    return token


def token_of_request() -> ApiToken | None:
    """The token this request authenticated with, or None (a browser's session)."""
    return g.get("api_token")


def actor_label() -> str | None:
    """What the action log adds of a call made with a token: "token NAME"."""
    token = token_of_request()
    return f"token {token.name}" if token is not None else None
