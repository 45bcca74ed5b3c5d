"""Accounts of staff, coordinators, administrators and delegates."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..core.clock import utcnow
from ..core.labels import Labelled, sql_in
from ..core.validation import one_line_sql
from ..extensions import db
from ..people.models import Person


class Role(Labelled):
    ADMIN = "admin", _l("Administrator")
    COORDINATOR = "coordinator", _l("Coordinator")
    STAFF = "staff", _l("Staff")
    DELEGATE = "delegate", _l("Delegate")


STAFF_ROLES = frozenset({Role.ADMIN, Role.COORDINATOR, Role.STAFF})


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(f"role IN ({sql_in(Role)})", name="role"),
        CheckConstraint(one_line_sql("name"), name="name_one_line"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    # The person it belongs to, once a registration or request proved its address.
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("persons.id", ondelete="SET NULL"), index=True
    )
    password_hash: Mapped[str | None] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(20), default=Role.DELEGATE)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set at every sign-in; a one-time sign-in link carries it, so the link works once.
    last_login_at: Mapped[datetime | None]
    # None for an account made by a registration form until its owner signs in by an emailed
    # link: only then does a password given on the form work (nobody can claim another's address).
    email_confirmed_at: Mapped[datetime | None]
    # Part of the personal calendar feed's signed URL: raising it turns old URLs away.
    feed_token_version: Mapped[int] = mapped_column(default=0, server_default="0")
    # The language the account's emails are written in (None: the site's default).
    locale: Mapped[str | None] = mapped_column(String(20))
    # Part of every session and "keep me signed in" cookie of the account: raising it (sign-out,
    # a new password, deactivation) turns all of them away.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")

    person: Mapped[Person | None] = relationship()

    def get_id(self) -> str:
        """What sessions and remember cookies carry: the account and its session version."""
        return f"{self.id}.{self.session_version}"

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def role_label(self) -> str:
        return Role(self.role).label

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class LoginLinkRequest(db.Model):
    """Someone asked for a sign-in link for this address: the worker sends it if the address
    has a delegate's account. The request does the same work whatever the address, so that its
    answer and its timing tell nothing about who has an account."""

    __tablename__ = "login_link_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The page the link leads back to once signed in (a certificate's PDF), a local path.
    next_path: Mapped[str | None] = mapped_column(String(500))
    # The language of the page it was asked from: the email's, where the account has none.
    locale: Mapped[str | None] = mapped_column(String(20))
