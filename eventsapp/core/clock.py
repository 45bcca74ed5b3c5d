"""The one clock of the domain."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Now in UTC, without tzinfo: the database stores UTC."""
    return datetime.now(UTC).replace(tzinfo=None)
