"""Calendar text kept in the database, so that every worker and process shares one build and it
survives restarts (see ``calendars.store``)."""

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class CalendarText(db.Model):
    """The iCalendar text of one event (``part`` "event") or of its shown agenda ("agenda"), as
    written for one feed context (site, UID domain, organiser, language) and one version of the
    event (its ``updated_at`` and ``sequence``)."""

    __tablename__ = "calendar_texts"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    part: Mapped[str] = mapped_column(String(10), primary_key=True)
    context: Mapped[str] = mapped_column(String(32), primary_key=True)
    version: Mapped[str] = mapped_column(String(64))
    text: Mapped[bytes] = mapped_column(LargeBinary)


class CalendarDocument(db.Model):
    """A whole download of the yearly calendar (the page's list, its CSV, its XLSX) under its
    address and the ETag it was built for."""

    __tablename__ = "calendar_documents"

    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    version: Mapped[str] = mapped_column(String(64))
    body: Mapped[bytes] = mapped_column(LargeBinary)
