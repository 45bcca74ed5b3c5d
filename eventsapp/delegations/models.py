"""Delegations: an authority invited to an event, its focal point, its quota of places and the
officials it nominates, in order (beyond the quota, reserves)."""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..catalogue.models import Event, Programme
from ..core.clock import utcnow
from ..core.dates import within_calendar_years
from ..core.labels import Labelled, sql_in
from ..core.validation import one_line_sql
from ..extensions import db
from ..people.models import Gender, Organisation, Person
from ..registration.models import Registration


class NominationState(Labelled):
    NOMINATED = "nominated", _l("Nominated")
    WITHDRAWN = "withdrawn", _l("Withdrawn by the authority")
    SUBSTITUTED = "substituted", _l("Replaced by a substitute")


class Reason(Labelled):
    """Why staff decided so: chosen from a list, so that the focal point reads it in their own
    language (a note staff add is shown as written)."""

    PROFILE = "profile", _l("The nominee’s profile does not match the event’s audience.")
    LANGUAGE = "language", _l("The nominee does not work in the event’s languages.")
    ALREADY_TRAINED = "already_trained", _l("The nominee took part in this training already.")
    CAPACITY = "capacity", _l("The event has no seat left.")
    BALANCE = "balance", _l("The event’s balance of women and men.")
    LATE = "late", _l("The nomination arrived after the deadline.")
    LETTER = "letter", _l("The nomination letter is missing.")
    OTHER = "other", _l("Another reason (see the note).")


class Delegation(db.Model):
    """An authority (an organisation) invited to nominate officials for an event."""

    __tablename__ = "delegations"
    __table_args__ = (
        UniqueConstraint("event_id", "organisation_id"),
        CheckConstraint("funded_places >= 0 AND self_funded_places >= 0", name="places"),
        CheckConstraint("funded_places + self_funded_places >= 1", name="some_place"),
        CheckConstraint("focal_email = lower(focal_email)", name="focal_email_lower_case"),
        CheckConstraint("length(focal_name) > 0", name="focal_name_not_empty"),
        CheckConstraint(one_line_sql("focal_name"), name="focal_name_one_line"),
        CheckConstraint(within_calendar_years("deadline"), name="deadline_in_calendar"),
        CheckConstraint(
            "(letter_stored IS NULL) = (letter_name IS NULL)", name="letter_name_with_file"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    focal_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("persons.id", ondelete="SET NULL"), index=True
    )
    focal_name: Mapped[str] = mapped_column(String(200))
    focal_email: Mapped[str] = mapped_column(String(254))
    focal_language: Mapped[str] = mapped_column(String(20), default="en")
    funded_places: Mapped[int] = mapped_column(default=1)
    self_funded_places: Mapped[int] = mapped_column(default=0)
    deadline: Mapped[date]
    note: Mapped[str] = mapped_column(Text, default="")
    letter_required: Mapped[bool] = mapped_column(default=False)
    # The nomination letter (note verbale): a PDF in the ``delegations`` store.
    letter_name: Mapped[str | None] = mapped_column(String(200))
    letter_stored: Mapped[str | None] = mapped_column(String(64))
    letter_at: Mapped[datetime | None]
    invited_at: Mapped[datetime] = mapped_column(default=utcnow)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    opened_at: Mapped[datetime | None]  # first opened by the focal point
    # The link works in the first browser that opens it (by its button, never a mail scanner's
    # GET); another browser must prove the focal point's address, which emails a fresh link and
    # raises the version: older links, and the browsers they opened, stop working (``access``).
    link_version: Mapped[int] = mapped_column(default=0)
    link_used: Mapped[bool] = mapped_column(default=False)
    frozen_at: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]
    last_call_at: Mapped[datetime | None]

    event: Mapped[Event] = relationship()
    organisation: Mapped[Organisation] = relationship()
    focal_person: Mapped[Person | None] = relationship()
    invited_by: Mapped[User | None] = relationship()
    nominations: Mapped[list["Nomination"]] = relationship(
        back_populates="delegation",
        order_by="(Nomination.rank, Nomination.id)",
        cascade="all, delete-orphan",
    )

    @property
    def places(self) -> int:
        return self.funded_places + self.self_funded_places


class Nomination(db.Model):
    """An official an authority nominated, in its order (``rank``). Those within the quota have
    a registration (pending the staff's decision); the others are reserves, without one, until a
    place frees up. A substitute takes the rank of the official replaced."""

    __tablename__ = "nominations"
    __table_args__ = (
        UniqueConstraint("registration_id"),
        CheckConstraint(f"state IN ({sql_in(NominationState)})", name="state"),
        CheckConstraint(f"gender IN ({sql_in(Gender)})", name="gender"),
        CheckConstraint(f"reason IS NULL OR reason IN ({sql_in(Reason)})", name="reason"),
        CheckConstraint("email = lower(email)", name="email_lower_case"),
        CheckConstraint("length(name) > 0", name="name_not_empty"),
        CheckConstraint(one_line_sql("name"), name="name_one_line"),
        CheckConstraint("rank >= 1", name="rank"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    delegation_id: Mapped[int] = mapped_column(
        ForeignKey("delegations.id", ondelete="CASCADE"), index=True
    )
    rank: Mapped[int]
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    gender: Mapped[str] = mapped_column(String(20))
    position: Mapped[str] = mapped_column(String(200), default="")
    languages: Mapped[list] = mapped_column(JSON, default=list)
    state: Mapped[str] = mapped_column(String(20), default=NominationState.NOMINATED)
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("registrations.id", ondelete="SET NULL")
    )
    substitutes_id: Mapped[int | None] = mapped_column(
        ForeignKey("nominations.id", ondelete="SET NULL")
    )
    # Staff's last decision's reason (required to decline) and note.
    reason: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    nominated_at: Mapped[datetime] = mapped_column(default=utcnow)
    placed_at: Mapped[datetime | None]  # given a place (at once, or moved up from the reserves)
    completed_at: Mapped[datetime | None]  # the nominee completed their own registration
    flagged_at: Mapped[datetime | None]  # not completed in time: the focal point was told

    delegation: Mapped[Delegation] = relationship(back_populates="nominations")
    registration: Mapped[Registration | None] = relationship()

    @property
    def gender_label(self) -> str:
        return Gender(self.gender).label

    @property
    def state_label(self) -> str:
        return NominationState(self.state).label

    @property
    def reason_label(self) -> str:
        return Reason(self.reason).label if self.reason else ""


class DelegationTarget(db.Model):
    """A programme's aim for the balance of its events: at least this share of women among
    those approved (``women_percent``, 0–100)."""

    __tablename__ = "delegation_targets"
    __table_args__ = (CheckConstraint("women_percent BETWEEN 0 AND 100", name="women_percent"),)

    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programmes.id", ondelete="CASCADE"), primary_key=True
    )
    women_percent: Mapped[int]

    programme: Mapped[Programme] = relationship()
