"""Travel: each approved participant's travel file (identity data only where a visa letter needs
it), changes asked after the event's freeze date, hotels with their room blocks and who sleeps
where, and daily subsistence (per diem) rates."""

from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..catalogue.models import Event
from ..core.clock import utcnow
from ..core.dates import within_calendar_years
from ..core.labels import Labelled, sql_in
from ..core.validation import one_line_sql
from ..extensions import db
from ..registration.models import Registration


class TravelPart(Labelled):
    """The parts of the travel file an event may ask for."""

    IDENTITY = "identity", _l("Name as in the passport, nationality")
    PASSPORT = "passport", _l("Passport number and expiry (for a visa letter)")
    FLIGHTS = "flights", _l("Arrival and departure: dates, times, flights, airports")
    HOTEL = "hotel", _l("Hotel nights")
    NEEDS = "needs", _l("Dietary and accessibility needs, interpretation language")


class ChangeStatus(Labelled):
    WAITING = "waiting", _l("Waiting for the logistics owner")
    ACCEPTED = "accepted", _l("Accepted")
    REFUSED = "refused", _l("Refused")


class RoomKind(Labelled):
    SINGLE = "single", _l("Single")
    DOUBLE = "double", _l("Double")
    TWIN = "twin", _l("Twin (two beds)")
    SUITE = "suite", _l("Suite")


def _currency(column: str) -> CheckConstraint:
    return CheckConstraint(
        f"length({column}) = 3 AND {column} = upper({column})", name=f"{column}_code"
    )


class TravelSettings(db.Model):
    """What an event asks of its approved participants' travel, until when they change it
    themselves, and who owns its logistics (decides on later changes)."""

    __tablename__ = "travel_settings"
    __table_args__ = (CheckConstraint(within_calendar_years("freeze_on"), name="freeze_on"),)

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    parts: Mapped[list] = mapped_column(JSON, default=list)  # TravelPart values
    freeze_on: Mapped[date | None]  # after this day, a change is a request
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    event: Mapped[Event] = relationship()
    owner: Mapped[User | None] = relationship()


class TravelFile(db.Model):
    """An approved participant's travel. Identity data (passport name, nationality, passport
    number and expiry) is seen only by staff with the logistics permission, each look logged,
    never in general exports, and purged by retention with the rest."""

    __tablename__ = "travel_files"
    __table_args__ = (
        CheckConstraint(one_line_sql("passport_name"), name="passport_name_one_line"),
        CheckConstraint(
            "departure_at IS NULL OR arrival_at IS NULL OR departure_at >= arrival_at",
            name="travel_in_order",
        ),
        CheckConstraint(
            "check_out_on IS NULL OR check_in_on IS NULL OR check_out_on > check_in_on",
            name="nights_in_order",
        ),
        *(
            CheckConstraint(within_calendar_years(column), name=f"{column}_in_calendar")
            for column in (
                "passport_expiry",
                "arrival_at",
                "departure_at",
                "check_in_on",
                "check_out_on",
            )
        ),
    )

    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), primary_key=True
    )
    passport_name: Mapped[str] = mapped_column(String(200), default="")
    nationality: Mapped[str | None] = mapped_column(ForeignKey("countries.code"))
    passport_number: Mapped[str] = mapped_column(String(40), default="")
    passport_expiry: Mapped[date | None]
    arrival_at: Mapped[datetime | None]  # local time at the venue
    arrival_flight: Mapped[str] = mapped_column(String(40), default="")
    arrival_airport: Mapped[str] = mapped_column(String(100), default="")  # and terminal
    departure_at: Mapped[datetime | None]
    departure_flight: Mapped[str] = mapped_column(String(40), default="")
    departure_airport: Mapped[str] = mapped_column(String(100), default="")
    check_in_on: Mapped[date | None]  # hotel nights wanted: from this night
    check_out_on: Mapped[date | None]  # to the morning of this day
    phone: Mapped[str] = mapped_column(String(40), default="")
    interpretation_language: Mapped[str] = mapped_column(String(20), default="")
    completed_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    registration: Mapped[Registration] = relationship()


class TravelChange(db.Model):
    """A change to a travel file asked after the event's freeze date: the logistics owner
    accepts it (the file takes it) or refuses it (with a reason)."""

    __tablename__ = "travel_changes"
    __table_args__ = (CheckConstraint(f"status IN ({sql_in(ChangeStatus)})", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    changes: Mapped[dict] = mapped_column(JSON)  # {field: [before, after]}
    status: Mapped[str] = mapped_column(String(20), default=ChangeStatus.WAITING)
    asked_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text, default="")

    registration: Mapped[Registration] = relationship()

    @property
    def status_label(self) -> str:
        return ChangeStatus(self.status).label


class Hotel(db.Model):
    __tablename__ = "hotels"
    __table_args__ = (
        CheckConstraint("length(name) > 0", name="name_not_empty"),
        CheckConstraint(one_line_sql("name"), name="name_one_line"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(Text, default="")
    contact: Mapped[str] = mapped_column(Text, default="")  # name, phone, email
    # Who pays its rooms: a cost rule's payer for lodging, unless staff name another here.
    payer: Mapped[str] = mapped_column(String(200), default="")

    blocks: Mapped[list["RoomBlock"]] = relationship(
        back_populates="hotel",
        cascade="all, delete-orphan",
        order_by="(RoomBlock.night, RoomBlock.kind)",
    )


class RoomBlock(db.Model):
    """Rooms of a kind a hotel holds for one night of the event, at a rate."""

    __tablename__ = "room_blocks"
    __table_args__ = (
        UniqueConstraint("hotel_id", "night", "kind"),
        CheckConstraint(f"kind IN ({sql_in(RoomKind)})", name="kind"),
        CheckConstraint("rooms >= 0", name="rooms"),
        CheckConstraint("rate >= 0", name="rate"),
        _currency("currency"),
        CheckConstraint(within_calendar_years("night"), name="night_in_calendar"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    hotel_id: Mapped[int] = mapped_column(ForeignKey("hotels.id", ondelete="CASCADE"), index=True)
    night: Mapped[date]
    kind: Mapped[str] = mapped_column(String(20), default=RoomKind.SINGLE)
    rooms: Mapped[int]
    rate: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    currency: Mapped[str] = mapped_column(String(3))

    hotel: Mapped[Hotel] = relationship(back_populates="blocks")


class RoomAssignment(db.Model):
    """Where a participant sleeps: a hotel and a kind of room (for the nights of their travel
    file), sharing perhaps with another; made from their nights, overridden by staff."""

    __tablename__ = "room_assignments"
    __table_args__ = (
        CheckConstraint(f"kind IN ({sql_in(RoomKind)})", name="kind"),
        CheckConstraint(
            "sharing_with_id IS NULL OR sharing_with_id != registration_id", name="not_self"
        ),
    )

    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), primary_key=True
    )
    hotel_id: Mapped[int] = mapped_column(ForeignKey("hotels.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default=RoomKind.SINGLE)
    sharing_with_id: Mapped[int | None] = mapped_column(
        ForeignKey("registrations.id", ondelete="SET NULL")
    )
    by_staff: Mapped[bool] = mapped_column(default=False)  # an override the automatic keeps

    registration: Mapped[Registration] = relationship(foreign_keys=[registration_id])
    hotel: Mapped[Hotel] = relationship()


class PerDiemRate(db.Model):
    """A daily subsistence allowance rate, as the UN ICSC publishes them: a country, an area
    (a city; empty: elsewhere in the country), the rate in USD from a date."""

    __tablename__ = "per_diem_rates"
    __table_args__ = (
        UniqueConstraint("country_code", "area", "effective_on"),
        CheckConstraint("rate > 0", name="rate"),
        _currency("currency"),
        CheckConstraint(within_calendar_years("effective_on"), name="effective_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    country_code: Mapped[str] = mapped_column(ForeignKey("countries.code"))
    area: Mapped[str] = mapped_column(String(100), default="")
    rate: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    effective_on: Mapped[date]


class PerDiemSettings(db.Model):
    """How a programme computes per diem: the share of the rate that lodging and meals are (not
    paid when the hosts provide them), and the terminal expenses per trip."""

    __tablename__ = "per_diem_settings"
    __table_args__ = (
        CheckConstraint("lodging_percent BETWEEN 0 AND 100", name="lodging_percent"),
        CheckConstraint("meals_percent BETWEEN 0 AND 100", name="meals_percent"),
        CheckConstraint("lodging_percent + meals_percent <= 100", name="shares"),
        CheckConstraint("terminal_expenses >= 0", name="terminal_expenses"),
    )

    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programmes.id", ondelete="CASCADE"), primary_key=True
    )
    lodging_percent: Mapped[int] = mapped_column(default=50)
    meals_percent: Mapped[int] = mapped_column(default=30)
    hosts_provide_lodging: Mapped[bool] = mapped_column(default=True)
    hosts_provide_meals: Mapped[bool] = mapped_column(default=True)
    terminal_expenses: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal("0"))


class LogisticsPermission(db.Model):
    """A staff account that sees identity data (passports) of travel files: granted by an
    administrator; every look is in the action log."""

    __tablename__ = "logistics_permissions"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
