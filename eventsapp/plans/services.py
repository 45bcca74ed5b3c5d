"""A programme's plans, progress per period and the progress report."""

import re
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import select

from ..core.actions import changes, describe, log_action
from ..core.errors import InvalidInput
from ..extensions import db
from .measures import get_measure
from .models import IndicatorMeasure, ItemProgress, ItemStatus, Plan, PlanItem

_PERIOD = re.compile(r"^(\d{4})(-Q[1-4])?$")
LATE_FIRST = {ItemStatus.DELAYED: 0, ItemStatus.NOT_STARTED: 1, ItemStatus.ON_TRACK: 2}

IMPORTED = describe(
    "plan.imported",
    _l(
        "Imported %(object)s (events: %(events)s, items: %(items)s, tasks: %(tasks)s, new: "
        "%(created)s)"
    ),
)
PROGRESS_RECORDED = describe(
    "plan_item.progress_recorded",
    _l("Recorded the progress of %(object)s for %(period)s"),
    labels={"status": ItemStatus},
    fields={"status": _l("Status"), "actuals": _l("Actuals")},
)


def check_period(period: str) -> str:
    period = (period or "").strip().upper()
    match = _PERIOD.match(period)
    if not match or not 1900 <= int(match.group(1)) <= 2200:
        raise InvalidInput("period", _("Write a quarter as 2016-Q1 or a year as 2016."))
    return period


def programme_plans(programme_id: int) -> list[Plan]:
    return list(db.session.scalars(select(Plan).where(Plan.programme_id == programme_id)))


def record_progress(
    item: PlanItem, period: str, status: str, actuals: list[float | None], comment: str, actor
) -> ItemProgress:
    """Set an item's status and what was achieved on its indicators in ``period`` (recorded
    with ``actor``, who reports it)."""
    period = check_period(period)
    if status not in set(ItemStatus):
        raise InvalidInput("status", _("Choose a status."))
    _check_actuals(item, actuals)
    row = db.session.scalar(
        select(ItemProgress).where(ItemProgress.item_id == item.id, ItemProgress.period == period)
    )
    if row is None:
        row = ItemProgress(item_id=item.id, period=period)
        db.session.add(row)
    before = {"status": item.status, "actuals": row.actuals}
    item.status = status
    row.actuals = list(actuals)
    row.comment = (comment or "").strip()
    db.session.flush()
    changed = changes(before, {"status": item.status, "actuals": row.actuals})
    data = {"period": period, **changed, "text": row.comment}
    log_action(item, PROGRESS_RECORDED, actor, data, label=f"{item.ref} {item.title}")
    return row


def _check_actuals(item: PlanItem, actuals: list[float | None]) -> None:
    """One actual at most per indicator (more are refused, never dropped); a count or a
    percentage is never below 0; only an indicator computed as a mean (a learning gain) may
    be."""
    indicators = len(item.indicators or [])
    if len(actuals) > indicators:
        raise InvalidInput(
            "actuals",
            ngettext(
                "This item has %(num)d indicator: give at most one actual.",
                "This item has %(num)d indicators: give at most one actual for each.",
                indicators,
            ),
        )
    means = {
        position
        for position, name in db.session.execute(
            select(IndicatorMeasure.position, IndicatorMeasure.measure).where(
                IndicatorMeasure.item_id == item.id
            )
        )
        if (measure := get_measure(name)) is not None and measure.unit == "mean"
    }
    for position, value in enumerate(actuals):
        if value is not None and value < 0 and position not in means:
            raise InvalidInput(
                f"actual-{position}", _("Write 0 or more: this indicator is a count or a share.")
            )


@dataclass
class ReportRow:
    item: PlanItem
    progress: ItemProgress | None


def progress_report(plan: Plan, period: str) -> list[ReportRow]:
    """Every item with its status and what was reported for ``period``, late items first;
    two queries whatever the size of the plan."""
    period = check_period(period)
    items = list(
        db.session.scalars(
            select(PlanItem).where(PlanItem.plan_id == plan.id).order_by(PlanItem.position)
        )
    )
    reported = {
        row.item_id: row
        for row in db.session.scalars(
            select(ItemProgress)
            .join(PlanItem)
            .where(PlanItem.plan_id == plan.id, ItemProgress.period == period)
        )
    }
    rows = [ReportRow(item, reported.get(item.id)) for item in items]
    rows.sort(key=lambda row: LATE_FIRST.get(row.item.status, 3))
    return rows
