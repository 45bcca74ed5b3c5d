"""Requests to be forgotten: a person asked (``/account/erase``); erased at once where nothing
stopped it, otherwise waiting for staff (``/manage/erasures/``)."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..core.clock import utcnow
from ..core.labels import Labelled, sql_in
from ..extensions import db
from ..people.models import Person


class ErasureStatus(Labelled):
    WAITING = "waiting", _l("Waiting for staff")
    ERASED = "erased", _l("Erased")
    REFUSED = "refused", _l("Refused")


class ErasureRequest(db.Model):
    __tablename__ = "erasure_requests"
    __table_args__ = (
        CheckConstraint(f"status IN ({sql_in(ErasureStatus)})", name="status"),
        CheckConstraint(
            "(status = 'waiting') = (decided_at IS NULL)", name="decided_unless_waiting"
        ),
        # One request waiting per person.
        Index(
            "ix_erasure_requests_waiting",
            "person_id",
            unique=True,
            sqlite_where=text("status = 'waiting'"),
            postgresql_where=text("status = 'waiting'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"))
    asked_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[str] = mapped_column(String(20), default=ErasureStatus.WAITING, index=True)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # What kept it waiting when asked (``erasure.erasure_blockers``: data, worded by each page
    # in its reader's language), and staff's reason when they refuse.
    blockers: Mapped[list] = mapped_column(JSON, default=list)
    reason: Mapped[str] = mapped_column(Text, default="")

    person: Mapped[Person] = relationship()
    decided_by: Mapped[User | None] = relationship()

    @property
    def status_label(self) -> str:
        return ErasureStatus(self.status).label
