"""Accounts: creating users and checking credentials."""

import hashlib
import secrets
from datetime import datetime
from functools import cache

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select
from werkzeug.security import check_password_hash, generate_password_hash

from ..core.actions import changes, describe, log_action
from ..core.clock import utcnow
from ..core.errors import InvalidInput
from ..core.links import site_url
from ..core.tokens import ACCOUNT_SETUP, KNOWN_DEVICE, SIGN_IN_LINK
from ..core.validation import MAX_ID
from ..extensions import db
from ..mail.services import queue_email, wake_the_worker
from .models import STAFF_ROLES, LoginLinkRequest, Role, User
from .passwords import password_problem


class AccountError(ValueError):
    pass


def user_for_session(session_id: str) -> User | None:
    """The account a session or remember cookie names ("id.version"), if still current."""
    user_id, _dot, version = session_id.partition(".")
    if not (user_id.isdigit() and version.isdigit()) or int(user_id) > MAX_ID:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.is_active or user.session_version != int(version):
        return None
    return user


def end_sessions(user: User) -> None:
    """Sign the account out everywhere: every session and remember cookie stops working."""
    user.session_version = (user.session_version or 0) + 1


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def create_user(
    email: str,
    role: str,
    password: str | None = None,
    name: str = "",
    confirmed: bool = True,
    locale: str | None = None,
    known_new: bool = False,
) -> User:
    """Add an account (not committed). Refuses a duplicate email or an unknown role
    (``known_new``: the caller found no account of the address in this transaction, and the
    database's unique email refuses one made meanwhile).

    Accounts that staff make are ``confirmed``; those made by a registration form are not (and
    have no password), until their owner signs in by an emailed link.
    """
    if role not in Role.__members__.values():
        raise AccountError(f"Unknown role {role!r}: use one of {', '.join(Role)}.")
    email = checked_email(email)
    if not known_new and find_user_by_email(email):
        raise AccountError(f"There is already an account for {email}.")
    if password and (problem := password_problem(password, email)):
        raise AccountError(problem)
    user = User(
        email=email,
        role=role,
        name=name,
        email_confirmed_at=utcnow() if confirmed else None,
        locale=locale,
    )
    if password:
        user.set_password(password)
    db.session.add(user)
    return user


def checked_email(email: str) -> str:
    """The address in lower case, if the sign-in form would take it; AccountError if not."""
    email = email.strip().lower()
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as error:
        raise AccountError(f"{email!r} is not an email address: {error}") from None
    return email


@cache
def _unknown_account_hash() -> str:
    return generate_password_hash(secrets.token_hex(16))


def authenticate(email: str, password: str) -> User | None:
    """The account these credentials open, or None.

    The password is hashed whether or not there is such an account (or it has a password), so
    that the time the answer takes does not tell which addresses have one.
    """
    user = find_user_by_email(email)
    if user is None or not user.password_hash:
        check_password_hash(_unknown_account_hash(), password)
        return None
    if user.check_password(password) and user.is_active:
        return user
    return None


def change_password(user: User, current: str, new: str) -> None:
    """Set the account's password (the current one is asked for when there is one), and end
    the account's other sessions."""
    if user.password_hash and not user.check_password(current):
        raise InvalidInput("current_password", _("This is not your current password."))
    if problem := password_problem(new, user.email):
        raise InvalidInput("password", problem)
    user.set_password(new)
    end_sessions(user)


def ensure_admin(email: str = "admin@example.org") -> tuple[User, str] | None:
    """Create the first administrator if there is none; return it with its new password once."""
    if db.session.scalar(select(User).where(User.role == Role.ADMIN).limit(1)):
        return None
    password = secrets.token_urlsafe(12)
    return create_user(email, Role.ADMIN, password, name="Administrator"), password


# One-time sign-in links, for delegates: the token carries the time of the last sign-in, which
# signing in changes, so a link works once; it expires after an hour (core.tokens.SIGN_IN_LINK).
# Staff accounts sign in with their password only: a link would make a mailbox worth a staff
# account.
MAX_NEXT_PATH = 500


def _last_login(user: User) -> str:
    return user.last_login_at.isoformat() if user.last_login_at else ""


def login_link_token(user: User, now: datetime | None = None) -> str:
    return SIGN_IN_LINK.sign({"u": user.id, "n": _last_login(user)}, now)


def _account_and_mark(data, mark: str) -> tuple[User | None, object]:
    """The account a link's data names ({"u": id, mark: ...}), and its mark."""
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        return None, None
    return db.session.get(User, data["u"]), data.get(mark)


def user_for_login_token(token: str, now: datetime | None = None) -> User | None:
    """The account a sign-in link is for, or None if it is tampered, expired or used."""
    user, last_login = _account_and_mark(SIGN_IN_LINK.read(token, now), "n")
    if user is None or not can_sign_in_by_link(user) or _last_login(user) != last_login:
        return None
    return user


def can_sign_in_by_link(user: User) -> bool:
    return user.is_active and not user.is_staff


def ask_for_login_link(email: str, next_path: str | None = None, locale: str | None = None) -> None:
    """Note that a sign-in link was asked for; the worker sends it (see send_login_links). The
    link leads to ``next_path`` (a local path, already checked) once signed in; the email is
    written in the account's language, or else in ``locale`` (the page's it was asked from)."""
    if next_path and len(next_path) > MAX_NEXT_PATH:
        next_path = None
    db.session.add(
        LoginLinkRequest(email=email.strip().lower(), next_path=next_path or None, locale=locale)
    )
    wake_the_worker()


def send_login_links(now: datetime) -> dict[str, int]:
    """Queue a one-time sign-in link to each address asked for that has a delegate's account
    (once per address, however often it was asked, leading where the last request asked);
    forget the requests."""
    requests = db.session.scalars(
        select(LoginLinkRequest).order_by(LoginLinkRequest.id).with_for_update(skip_locked=True)
    ).all()
    next_paths = {request.email: request.next_path for request in requests}  # the last wins
    locales = {request.email: request.locale for request in requests}
    sent = 0
    for email in sorted(next_paths):
        user = find_user_by_email(email)
        if user is not None and can_sign_in_by_link(user):
            link_arguments = {"next": next_paths[email]} if next_paths[email] else {}
            queue_email(
                user.email,
                _l("Your sign-in link"),
                "login_link",
                locale=user.locale or locales[email],
                link=site_url(
                    "accounts.login_with_link", token=login_link_token(user, now), **link_arguments
                ),
            )
            sent += 1
    for request in requests:
        db.session.delete(request)
    return {"asked": len(requests), "sent": sent}


SIGNED_IN_BY_LINK = describe("account.signed_in_by_link", _l("Signed in with an emailed link"))
SIGNED_IN_BY_PROVIDER = describe(
    "account.signed_in_by_provider", _l("Signed in through the identity provider")
)


def signed_in(user: User, now: datetime, by_link: bool = False, by_provider: bool = False) -> None:
    """Note a sign-in (which also uses up the sign-in links sent before); one by an emailed link
    or through the identity provider is recorded in the action log.

    The first sign-in by link (or by the provider, which verified the address) confirms the
    address; a password set on the account before that was not set by the address's owner (old
    registration forms took one), and is dropped.
    """
    user.last_login_at = now
    if (by_link or by_provider) and user.email_confirmed_at is None:
        user.email_confirmed_at = now
        user.password_hash = None
    # after the changes: a new account is written with them
    if by_link:
        log_action(user, SIGNED_IN_BY_LINK, user, at=now)
    elif by_provider:
        log_action(user, SIGNED_IN_BY_PROVIDER, user, at=now)


def choose_language(user: User, locale: str) -> None:
    """The account's language: its pages after it signs in elsewhere, and its emails."""
    user.locale = locale


# ---------------------------------------------------------------- staff accounts (administrators)

# An administrator invites a colleague by email: the link lets them choose their password once,
# within a week (core.tokens.ACCOUNT_SETUP). The token carries a digest of the password hash,
# which setting a password changes.


def _password_digest(user: User) -> str:
    return hashlib.sha256((user.password_hash or "").encode()).hexdigest()[:16]


def account_setup_token(user: User, now: datetime | None = None) -> str:
    return ACCOUNT_SETUP.sign({"u": user.id, "p": _password_digest(user)}, now)


def user_for_setup_token(token: str, now: datetime | None = None) -> User | None:
    """The account a setup link is for, or None if tampered, expired or used already."""
    user, digest = _account_and_mark(ACCOUNT_SETUP.read(token, now), "p")
    if user is None or not user.is_active or _password_digest(user) != digest:
        return None
    return user


def send_account_setup(user: User, invited_by: User) -> None:
    """Queue the email that lets a new colleague choose their password."""
    queue_email(
        user.email,
        _l("Your account on %(site)s", site=current_app.config["SITE_NAME"]),
        "account_setup",
        locale=user.locale,
        name=user.name,
        role=Role(user.role),
        invited_by=invited_by.name or invited_by.email,
        link=site_url("accounts.setup_account", token=account_setup_token(user)),
    )


INVITED = describe("account.invited", _l("Invited %(object)s as %(role)s"), labels={"role": Role})
UPDATED = describe(
    "account.updated",
    _l("Changed the account of %(object)s"),
    labels={"role": Role},
    fields={"name": _l("Name"), "role": _l("Role"), "active": _l("Active")},
)


def invite_colleague(
    email: str, name: str, role: str, invited_by: User, locale: str | None = None
) -> User:
    """A staff account without a password, and the email that lets its owner set one, in
    ``locale`` (also the account's language)."""
    if role not in {r.value for r in STAFF_ROLES}:
        raise InvalidInput("role", _("Choose administrator, coordinator or staff."))
    if find_user_by_email(email):
        raise InvalidInput("email", _("There is already an account for %(email)s.", email=email))
    user = create_user(email, role, name=name.strip(), locale=locale)
    db.session.flush()
    send_account_setup(user, invited_by)
    log_action(user, INVITED, invited_by, {"role": role})
    return user


def update_account(user: User, name: str, role: str, active: bool, acting: User) -> None:
    """Change an account; an administrator cannot lock themselves out, nor leave the site
    without an active administrator."""
    if user.id == acting.id and (role != Role.ADMIN or not active):
        raise InvalidInput("role", _("You cannot remove your own administrator role or account."))
    was_admin = user.role == Role.ADMIN and user.active
    if was_admin and (role != Role.ADMIN or not active):
        others = db.session.scalar(
            select(func.count(User.id)).where(
                User.role == Role.ADMIN, User.active.is_(True), User.id != user.id
            )
        )
        if not others:
            raise InvalidInput("role", _("The site needs at least one active administrator."))
    if user.active and not active:
        end_sessions(user)
    before = {"name": user.name, "role": user.role, "active": user.active}
    user.name = name.strip()
    user.role = role
    user.active = active
    if changed := changes(before, {"name": user.name, "role": role, "active": active}):
        log_action(user, UPDATED, acting, changed)


def accounts_page(page: int, per_page: int, query: str = "", role: str = ""):
    """Accounts for the administrators' list: staff first, then delegates, by name."""
    staff_first = case((User.role == Role.DELEGATE, 1), else_=0)
    stmt = select(User).order_by(staff_first, func.lower(User.name), User.email)
    if query:
        like = f"%{query.strip().lower()}%"
        stmt = stmt.where(func.lower(User.email).like(like) | func.lower(User.name).like(like))
    if role in Role.__members__.values():
        stmt = stmt.where(User.role == role)
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


# ---------------------------------------------------------------- known devices

# Known devices (OWASP's "device cookies"): a browser an account signed in from keeps a signed
# cookie naming the account. Failed sign-ins from it are counted for that browser alone, so that
# a stranger's failures, which lock the account, lock it only for browsers it never signed in
# from. The cookie names each account with a digest of its password hash, so that a new password
# turns the cookies given before it away (not a sign-out: the browser stays known after one).
KNOWN_DEVICE_MAX_AGE = int(KNOWN_DEVICE.max_age.total_seconds())  # the cookie's, in seconds
KNOWN_ACCOUNTS_PER_DEVICE = 5  # a shared office computer


def _device_contents(token: str | None, now: datetime) -> tuple[str, list]:
    """The device's id and the accounts it knows (``[id, password digest, since]``), those
    seen within KNOWN_DEVICE_MAX_AGE; ``("", [])`` for a missing, forged or expired cookie."""
    try:
        data = KNOWN_DEVICE.read(token or "", now)
        device, accounts = str(data["d"]), list(data["a"])
        oldest = now.timestamp() - KNOWN_DEVICE_MAX_AGE
        return device, [a for a in accounts if len(a) == 3 and a[2] >= oldest]
    except (KeyError, TypeError, ValueError):
        return "", []


def known_device_token(user: User, previous: str | None, now: datetime) -> str:
    """The device cookie of a browser after ``user`` signed in on it: the device it names
    already (or a new one), knowing this account from now on, and the others it knew."""
    device, accounts = _device_contents(previous, now)
    others = [a for a in accounts if a[0] != user.id][: KNOWN_ACCOUNTS_PER_DEVICE - 1]
    known = [user.id, _password_digest(user), int(now.timestamp())]
    device = device or secrets.token_urlsafe(16)
    return KNOWN_DEVICE.sign({"d": device, "a": [known, *others]}, now)


def known_device(token: str | None, user: User | None, now: datetime) -> str | None:
    """The id of the device a cookie names, if it is genuine and knows this account at its
    current password; else None."""
    device, accounts = _device_contents(token, now)
    if not device or user is None or not user.is_active:
        return None
    if any(a[0] == user.id and a[1] == _password_digest(user) for a in accounts):
        return device
    return None
