"""``Idempotency-Key``: a write retried with the same key gets the first answer and acts no more.

The first request's answer (its status, body and ``Location``) is kept with the key, per staff
account, beside a fingerprint of the request (method, path and body). It is written in the
request's own transaction, after the action: a request that fails keeps nothing, and its retry
acts. Keys are kept ``KEPT`` (a periodic job deletes older ones; an older one is also ignored).

Two requests with one key at once: on PostgreSQL the first takes a transaction-level advisory lock
on (account, key), and the second, finding it taken, is told the first is still running (409);
once the first commits, the lock is free and its answer is found. SQLite writes one transaction
at a time, and the unique constraint on (account, key) refuses a second answer.
"""

import hashlib
import re
from datetime import datetime, timedelta

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    delete,
    select,
    text,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from ..core.jobs import periodic
from ..extensions import db

HEADER = "Idempotency-Key"
KEPT = timedelta(hours=24)
KEY_FORMAT = re.compile(r"[\x20-\x7e]{1,200}")  # printable ASCII


class IdempotencyKey(db.Model):
    """The answer given to a staff account's first request with one key."""

    __tablename__ = "api_idempotency_keys"
    __table_args__ = (
        UniqueConstraint("user_id", "key", name="uq_api_idempotency_keys_user_key"),
        CheckConstraint("length(key) > 0", name="key_not_empty"),
        CheckConstraint("status >= 100 AND status < 600", name="status_is_http"),
        Index("ix_api_idempotency_keys_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(200))
    fingerprint: Mapped[str] = mapped_column(String(64))  # SHA-256 of method, path and body
    status: Mapped[int]
    body: Mapped[str] = mapped_column(Text)
    location: Mapped[str | None] = mapped_column(String(2000))
    created_at: Mapped[datetime]  # UTC


def fingerprint(method: str, path: str, body: bytes) -> str:
    digest = hashlib.sha256()
    for part in (method.encode(), path.encode(), body):
        digest.update(len(part).to_bytes(8, "big") + part)
    return digest.hexdigest()


def claim(user_id: int, key: str) -> bool:
    """Hold (account, key) until the transaction ends; False when another request holds it
    (PostgreSQL: an advisory lock, never waited for). Always True on SQLite."""
    if db.session.get_bind().dialect.name != "postgresql":
        return True
    lock = int.from_bytes(
        hashlib.sha256(f"{user_id}\0{key}".encode()).digest()[:8], "big", signed=True
    )
    return bool(db.session.scalar(text("SELECT pg_try_advisory_xact_lock(:lock)"), {"lock": lock}))


def kept_answer(user_id: int, key: str, now: datetime) -> IdempotencyKey | None:
    """The answer kept for the key, unless it is older than ``KEPT``."""
    return db.session.scalar(
        select(IdempotencyKey).where(
            IdempotencyKey.user_id == user_id,
            IdempotencyKey.key == key,
            IdempotencyKey.created_at > now - KEPT,
        )
    )


def keep_answer(
    user_id: int, key: str, print_: str, answer: tuple[int, str, str | None], now: datetime
) -> bool:
    """Keep the answer (status, body, Location) with the key, in the request's transaction;
    False when another request kept one meanwhile (nothing kept). An expired answer for the
    same key makes way."""
    db.session.execute(
        delete(IdempotencyKey).where(
            IdempotencyKey.user_id == user_id,
            IdempotencyKey.key == key,
            IdempotencyKey.created_at <= now - KEPT,
        )
    )
    status, body, location = answer
    row = IdempotencyKey(
        user_id=user_id,
        key=key,
        fingerprint=print_,
        status=status,
        body=body,
        location=location,
        created_at=now,
    )
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        return False
    return True


@periodic("idempotency keys", every=timedelta(hours=1))
def forget_old_keys(now: datetime) -> dict[str, int]:
    """Delete the answers kept longer than ``KEPT``."""
    result = db.session.execute(
        delete(IdempotencyKey).where(IdempotencyKey.created_at <= now - KEPT)
    )
    return {"idempotency keys deleted": result.rowcount or 0}
