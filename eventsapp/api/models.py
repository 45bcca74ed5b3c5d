"""Personal API tokens: what a script presents as ``Authorization: Bearer ea_…`` on ``/api/v1``."""

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..core.clock import utcnow
from ..core.validation import one_line_sql
from ..extensions import db

NAME_LENGTH = 100
PREFIX_LENGTH = 8


class ApiToken(db.Model):
    """A staff member's token: the scopes it was given (``api.scopes``; checked by the services,
    within the owner's role at each call), an expiry or none, its last use, its revocation.

    Only a SHA-256 of the whole token is kept (``secret_hash``), never the token itself: the
    token holds 32 random bytes, so its hash cannot be reversed by trying candidates, and a slow
    password hash (which protects secrets people choose) would only slow every API call down.
    ``prefix``, the first characters after ``ea_``, tells tokens apart in lists.
    """

    __tablename__ = "api_tokens"
    __table_args__ = (
        UniqueConstraint("user_id", "name"),
        CheckConstraint("length(name) > 0", name="name_not_empty"),
        CheckConstraint(one_line_sql("name"), name="name_one_line"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    prefix: Mapped[str] = mapped_column(String(PREFIX_LENGTH))
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[list] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None]  # None: never
    last_used_at: Mapped[datetime | None]  # noted at most once a minute
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    revoked_by: Mapped[User | None] = relationship(foreign_keys=[revoked_by_id])

    @property
    def shown_prefix(self) -> str:
        return f"ea_{self.prefix}…"

    def is_expired(self, now: datetime) -> bool:
        return self.expires_at is not None and self.expires_at <= now
