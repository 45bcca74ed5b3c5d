"""Cost sharing: a programme's cost rules (who pays each cost category, on what basis), their
unit estimates, air fares by region and exchange rates per year; per event, overrides of the
payer and the actual amounts spent.

Money is a ``Decimal`` with its ISO 4217 currency beside it. It is stored as a whole number of
hundredths (rates of millionths), so that neither SQLite nor a SQL ``SUM`` ever turns it into a
float.
"""

from datetime import datetime
from decimal import Decimal

import pycountry
from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    String,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..catalogue.models import REGIONS
from ..core.clock import utcnow
from ..core.labels import Labelled, sql_in
from ..extensions import db
from ..people.models import Organisation

CURRENCIES = sorted(c.alpha_3 for c in pycountry.currencies)


class FixedPoint(TypeDecorator):
    """A ``Decimal`` with ``places`` decimals, stored as a whole number of its smallest unit."""

    impl = BigInteger
    cache_ok = True

    def __init__(self, places: int):
        super().__init__()
        self.places = places

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return int(Decimal(value).scaleb(self.places).to_integral_value())

    def process_result_value(self, value, dialect):
        return None if value is None else Decimal(int(value)).scaleb(-self.places)


MONEY = FixedPoint(2)  # hundredths
RATE = FixedPoint(6)  # millionths
PERCENT = FixedPoint(2)


class Category(Labelled):
    AIR_TICKET = "air_ticket", _l("Air ticket")
    LODGING = "lodging", _l("Lodging")
    MEALS = "meals", _l("Meals")
    # Daily subsistence allowance: its amounts come from the participants' entitlements (the
    # travel capability answers ``core.signals.event_per_diem``), not from unit estimates.
    PER_DIEM = "per_diem", _l("Per diem (daily subsistence)")
    LOCAL_TRANSPORT = "local_transport", _l("Local transport")
    ORGANISATION = "organisation", _l("Organisation, logistics and materials")
    SPECIALISTS = "specialists", _l("National and international specialists")
    INTERPRETATION = "interpretation", _l("Simultaneous interpretation")
    EXPERT_FEES = "expert_fees", _l("International experts' fees")
    EXPERT_AIR_TICKET = "expert_air_ticket", _l("International experts' air tickets")
    VENUE = "venue", _l("Venue")
    OTHER = "other", _l("Other")


# What a delegate is told about: the costs of their own travel and stay.
DELEGATE_CATEGORIES = (
    Category.AIR_TICKET,
    Category.LODGING,
    Category.MEALS,
    Category.LOCAL_TRANSPORT,
)


class Basis(Labelled):
    PER_DELEGATE = "per_delegate", _l("per delegate")
    PER_DELEGATE_NIGHT = "per_delegate_night", _l("per delegate-night")
    PER_EXPERT = "per_expert", _l("per expert")
    PER_EVENT_DAY = "per_event_day", _l("per event day")
    LUMP_SUM = "lump_sum", _l("lump sum")


class PayerRole(Labelled):
    FOUNDER = "founder", _l("Founders")
    VISITING_AUTHORITY = "visiting_authority", _l("Visiting authority")
    ASSOCIATE_PARTNER = "associate_partner", _l("Associate partner")
    HOST = "host", _l("Host (the programme's owner)")
    ORGANISATION = "organisation", _l("A named organisation")


def _currency_check(column: str) -> CheckConstraint:
    return CheckConstraint(f"length({column}) = 3 AND {column} = upper({column})", name=column)


class CostSettings(db.Model):
    """A programme's reporting currency: budgets and totals are given in it."""

    __tablename__ = "cost_settings"
    __table_args__ = (_currency_check("currency"),)

    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programmes.id", ondelete="CASCADE"), primary_key=True
    )
    currency: Mapped[str] = mapped_column(String(3))


class CostRule(db.Model):
    """Who pays a cost category in a programme's events, and how it is estimated."""

    __tablename__ = "cost_rules"
    __table_args__ = (
        UniqueConstraint("programme_id", "category"),
        CheckConstraint(f"category IN ({sql_in(Category)})", name="category"),
        CheckConstraint(f"payer_role IN ({sql_in(PayerRole)})", name="payer_role"),
        CheckConstraint(f"basis IN ({sql_in(Basis)})", name="basis"),
        CheckConstraint(
            "(payer_role = 'organisation') = (payer_organisation_id IS NOT NULL)",
            name="named_payer",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    category: Mapped[str] = mapped_column(String(30))
    payer_role: Mapped[str] = mapped_column(String(30))
    payer_organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE")
    )
    basis: Mapped[str] = mapped_column(String(30))
    note: Mapped[str] = mapped_column(String(500), default="")

    payer_organisation: Mapped[Organisation | None] = relationship()
    shares: Mapped[list["CostShare"]] = relationship(
        cascade="all, delete-orphan", order_by="CostShare.organisation_id"
    )

    @property
    def category_label(self) -> str:
        return Category(self.category).label

    @property
    def basis_label(self) -> str:
        return Basis(self.basis).label

    @property
    def payer_label(self) -> str:
        if self.payer_organisation is not None:
            return self.payer_organisation.display_name
        return PayerRole(self.payer_role).label


class CostShare(db.Model):
    """A founder's percentage of a category that several founders share (they add to 100)."""

    __tablename__ = "cost_shares"
    # Stored in hundredths of a percent.
    __table_args__ = (CheckConstraint("percent > 0 AND percent <= 10000", name="percent"),)

    rule_id: Mapped[int] = mapped_column(
        ForeignKey("cost_rules.id", ondelete="CASCADE"), primary_key=True
    )
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True
    )
    percent: Mapped[Decimal] = mapped_column(PERCENT)

    organisation: Mapped[Organisation] = relationship(lazy="joined")


class UnitEstimate(db.Model):
    """What one unit of a category (a delegate, a night, an event day...) is estimated to cost
    in a year, or the whole amount of a lump sum."""

    __tablename__ = "unit_estimates"
    __table_args__ = (
        CheckConstraint(f"category IN ({sql_in(Category)})", name="category"),
        CheckConstraint("amount >= 0", name="amount_not_negative"),
        _currency_check("currency"),
    )

    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programmes.id", ondelete="CASCADE"), primary_key=True
    )
    year: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[str] = mapped_column(String(30), primary_key=True)
    amount: Mapped[Decimal] = mapped_column(MONEY)
    currency: Mapped[str] = mapped_column(String(3))

    @property
    def category_label(self) -> str:
        return Category(self.category).label


class AirFare(db.Model):
    """The estimated air ticket to the venue from a region, in a year."""

    __tablename__ = "air_fares"
    __table_args__ = (
        CheckConstraint(f"region IN ({sql_in(REGIONS)})", name="region"),
        CheckConstraint("amount >= 0", name="amount_not_negative"),
        _currency_check("currency"),
    )

    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programmes.id", ondelete="CASCADE"), primary_key=True
    )
    year: Mapped[int] = mapped_column(primary_key=True)
    region: Mapped[str] = mapped_column(String(20), primary_key=True)
    amount: Mapped[Decimal] = mapped_column(MONEY)
    currency: Mapped[str] = mapped_column(String(3))


class ExchangeRate(db.Model):
    """How much one unit of ``currency`` is worth in the reporting currency, in a year."""

    __tablename__ = "exchange_rates"
    __table_args__ = (
        CheckConstraint("rate > 0", name="rate_positive"),
        _currency_check("currency"),
    )

    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programmes.id", ondelete="CASCADE"), primary_key=True
    )
    year: Mapped[int] = mapped_column(primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    rate: Mapped[Decimal] = mapped_column(RATE)


class CostOverride(db.Model):
    """In this event, this category is paid by someone else than the programme's rule says."""

    __tablename__ = "cost_overrides"
    __table_args__ = (
        CheckConstraint(f"category IN ({sql_in(Category)})", name="category"),
        CheckConstraint(f"payer_role IN ({sql_in(PayerRole)})", name="payer_role"),
        CheckConstraint(
            "(payer_role = 'organisation') = (payer_organisation_id IS NOT NULL)",
            name="named_payer",
        ),
    )

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    category: Mapped[str] = mapped_column(String(30), primary_key=True)
    payer_role: Mapped[str] = mapped_column(String(30))
    payer_organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE")
    )

    payer_organisation: Mapped[Organisation | None] = relationship(lazy="joined")

    @property
    def category_label(self) -> str:
        return Category(self.category).label

    @property
    def payer_label(self) -> str:
        if self.payer_organisation is not None:
            return self.payer_organisation.display_name
        return PayerRole(self.payer_role).label


class ActualAmount(db.Model):
    """What a payer actually spent on a category of an event (entered by staff); ``payer`` is a
    payer's key in the event's budget ("org:12", "org:12:self", "country:GT", "founders")."""

    __tablename__ = "actual_amounts"
    __table_args__ = (
        UniqueConstraint("event_id", "category", "payer"),
        CheckConstraint(f"category IN ({sql_in(Category)})", name="category"),
        CheckConstraint("amount >= 0", name="amount_not_negative"),
        _currency_check("currency"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    category: Mapped[str] = mapped_column(String(30))
    payer: Mapped[str] = mapped_column(String(40))
    amount: Mapped[Decimal] = mapped_column(MONEY)
    currency: Mapped[str] = mapped_column(String(3))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
