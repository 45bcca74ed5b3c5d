"""A programme's plans: headings (pillar, goal, objective, section), items with indicators and
windows, and the progress reported on each item per period ("2016-Q1", "2016")."""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.clock import utcnow
from ..core.labels import Labelled, sql_in
from ..extensions import db
from .measures import MEASURE_NAMES


class ItemStatus(Labelled):
    NOT_STARTED = "not_started", _l("Not started")
    ON_TRACK = "on_track", _l("On track")
    DELAYED = "delayed", _l("Delayed")
    DONE = "done", _l("Done")
    DROPPED = "dropped", _l("Dropped")


class HeadingKind(Labelled):
    """What a plan's heading is, as the document names it."""

    PILLAR = "pillar", _l("Pillar")
    GOAL = "goal", _l("Goal")
    OBJECTIVE = "objective", _l("Objective")
    SECTION = "section", _l("Section")


def heading_kind_label(kind: str) -> str:
    """A heading kind's label; a kind this version does not know, as stored."""
    return HeadingKind(kind).label if kind in HeadingKind.__members__.values() else kind


class Plan(db.Model):
    """One imported document of a programme; re-importing the same title updates it."""

    __tablename__ = "plans"
    __table_args__ = (UniqueConstraint("programme_id", "title"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(300))
    shape: Mapped[str] = mapped_column(String(10))
    year: Mapped[int | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    headings: Mapped[list["PlanHeading"]] = relationship(
        cascade="all, delete-orphan", order_by="PlanHeading.position"
    )
    items: Mapped[list["PlanItem"]] = relationship(
        cascade="all, delete-orphan", order_by="PlanItem.position"
    )


class PlanHeading(db.Model):
    __tablename__ = "plan_headings"
    __table_args__ = (UniqueConstraint("plan_id", "kind", "ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    ref: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(Text)
    parent_ref: Mapped[str | None] = mapped_column(String(20))
    position: Mapped[int] = mapped_column(default=0)

    @property
    def kind_label(self) -> str:
        return heading_kind_label(self.kind)


class PlanItem(db.Model):
    """An action item or activity; ``key`` is its reference made unique within the plan."""

    __tablename__ = "plan_items"
    __table_args__ = (
        UniqueConstraint("plan_id", "key"),
        CheckConstraint(f"status IN ({sql_in(ItemStatus)})", name="status"),
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="window_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(40))
    ref: Mapped[str] = mapped_column(String(20))
    heading_ref: Mapped[str | None] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(Text)
    responsible: Mapped[str] = mapped_column(Text, default="")
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL")
    )
    date_text: Mapped[str] = mapped_column(String(200), default="")
    starts_on: Mapped[date | None] = mapped_column()
    ends_on: Mapped[date | None] = mapped_column()
    precision: Mapped[str | None] = mapped_column(String(20))
    months: Mapped[list | None] = mapped_column(JSON)
    indicators: Mapped[list] = mapped_column(JSON, default=list)  # {"text", "target", "unit"}
    result: Mapped[str] = mapped_column(Text, default="")
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(20), default=ItemStatus.NOT_STARTED)
    position: Mapped[int] = mapped_column(default=0)

    progress: Mapped[list["ItemProgress"]] = relationship(cascade="all, delete-orphan")

    @property
    def status_label(self) -> str:
        return ItemStatus(self.status).label


class ItemProgress(db.Model):
    """What was reported on an item for a period: "2016-Q1" (a quarter) or "2016" (a year)."""

    __tablename__ = "item_progress"
    __table_args__ = (UniqueConstraint("item_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("plan_items.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(7))
    actuals: Mapped[list] = mapped_column(JSON, default=list)  # one number or None per indicator
    comment: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class PlanItemEvent(db.Model):
    """An event that carries an item out (besides the item's own ``event_id``, made by the
    import, which counts as linked too); ``training_of_trainers``: the event trains trainers,
    and its participants count as trained trainers."""

    __tablename__ = "plan_item_events"

    item_id: Mapped[int] = mapped_column(
        ForeignKey("plan_items.id", ondelete="CASCADE"), primary_key=True
    )
    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    training_of_trainers: Mapped[bool] = mapped_column(default=False)


_MEASURES_SQL = ", ".join(f"'{name}'" for name in MEASURE_NAMES)


class IndicatorMeasure(db.Model):
    """The measure an item's indicator (its position in ``PlanItem.indicators``) is computed by."""

    __tablename__ = "plan_indicator_measures"
    __table_args__ = (
        CheckConstraint(f"measure IN ({_MEASURES_SQL})", name="measure"),
        CheckConstraint("position >= 0", name="position"),
    )

    item_id: Mapped[int] = mapped_column(
        ForeignKey("plan_items.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(primary_key=True)
    measure: Mapped[str] = mapped_column(String(40))
