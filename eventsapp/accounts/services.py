"""Accounts: creating users and checking credentials."""

import secrets

from sqlalchemy import func, select

from ..extensions import db
from .models import Role, User


class AccountError(ValueError):
    pass


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def create_user(email: str, role: str, password: str | None = None, name: str = "") -> User:
    """Add an account (not committed). Refuses a duplicate email or an unknown role."""
    email = email.strip().lower()
    if role not in Role.__members__.values():
        raise AccountError(f"Unknown role {role!r}: use one of {', '.join(Role)}.")
    if "@" not in email:
        raise AccountError(f"{email!r} is not an email address.")
    if find_user_by_email(email):
        raise AccountError(f"There is already an account for {email}.")
    user = User(email=email, role=role, name=name)
    if password:
        user.set_password(password)
    db.session.add(user)
    return user


def authenticate(email: str, password: str) -> User | None:
    user = find_user_by_email(email)
    if user and user.is_active and user.check_password(password):
        return user
    return None


def ensure_admin(email: str = "admin@example.org") -> tuple[User, str] | None:
    """Create the first administrator if there is none; return it with its new password once."""
    if db.session.scalar(select(User).where(User.role == Role.ADMIN).limit(1)):
        return None
    password = secrets.token_urlsafe(12)
    return create_user(email, Role.ADMIN, password, name="Administrator"), password
