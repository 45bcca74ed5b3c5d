"""Indicators that fill themselves: the events linked to a plan item, the measure each indicator
is linked to, and the values, targets and statuses of a period's report.

A period ("2021-Q2", "2021") counts the linked events held whose last day falls in it. A count's
status is judged on its value to date (from the start of the item's window, or of the plan's year,
to the period's end), a share or a mean on the period's own value.
"""

from collections.abc import Hashable
from dataclasses import dataclass
from datetime import date

from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, exists, false, select, union_all

from ..catalogue.models import Event, EventStatus
from ..core.actions import describe, log_action
from ..core.errors import InvalidInput
from ..core.labels import Labelled
from ..core.numbers import half_up
from ..extensions import db
from .measures import Measure, Scope, get_measure
from .models import IndicatorMeasure, Plan, PlanItem, PlanItemEvent
from .services import check_period

EVENT_LINKED = describe("plan_item.event_linked", _l("Linked %(event)s to %(object)s"))
EVENT_UNLINKED = describe("plan_item.event_unlinked", _l("Unlinked %(event)s from %(object)s"))
MEASURE_LINKED = describe(
    "plan_item.measure_linked", _l("Indicator %(indicator)s of %(object)s: %(measure)s")
)


class TargetStatus(Labelled):
    MET = "met", _l("Met")
    ON_TRACK = "on_track", _l("On track")
    BEHIND = "behind", _l("Behind")


# ---------------------------------------------------------------- periods


def period_bounds(period: str) -> tuple[date, date]:
    """The first and last day of "2021" or "2021-Q2"."""
    year, _sep, quarter = check_period(period).partition("-Q")
    if not quarter:
        return date(int(year), 1, 1), date(int(year), 12, 31)
    first_month = 3 * int(quarter) - 2
    last = date(int(year) + 1, 1, 1) if quarter == "4" else date(int(year), first_month + 3, 1)
    return date(int(year), first_month, 1), date.fromordinal(last.toordinal() - 1)


def item_window(item: PlanItem, plan: Plan, period_end: date) -> tuple[date, date]:
    """The item's window, else the plan's year, else the period's year."""
    if item.starts_on and item.ends_on:
        return item.starts_on, item.ends_on
    year = plan.year or period_end.year
    return date(year, 1, 1), date(year, 12, 31)


def elapsed_share(window: tuple[date, date], at: date) -> float:
    """The share (0–1) of ``window`` elapsed at the end of day ``at``."""
    first, last = window
    days = (last - first).days + 1
    return min(1.0, max(0.0, ((at - first).days + 1) / days))


def target_status(value, target, elapsed: float, cumulative: bool = True) -> str | None:
    """Met (value ≥ target), on track (value ≥ target × the share elapsed, for what adds up
    over time), or behind; None without a value or a target."""
    if value is None or not isinstance(target, int | float) or isinstance(target, bool):
        return None
    if value >= target:
        return TargetStatus.MET
    if cumulative and value >= target * elapsed:
        return TargetStatus.ON_TRACK
    return TargetStatus.BEHIND


# ---------------------------------------------------------------- links


def _linked_rows(plan_id: int, *conditions):
    """(item id, event, training of trainers) of a plan's items: the links, and each item's own
    ``event_id`` (from the import) unless also linked."""
    own = select(PlanItem.id, PlanItem.event_id, false()).where(
        PlanItem.plan_id == plan_id,
        PlanItem.event_id.is_not(None),
        ~exists().where(
            PlanItemEvent.item_id == PlanItem.id, PlanItemEvent.event_id == PlanItem.event_id
        ),
    )
    links = (
        select(PlanItemEvent.item_id, PlanItemEvent.event_id, PlanItemEvent.training_of_trainers)
        .join(PlanItem, PlanItem.id == PlanItemEvent.item_id)
        .where(PlanItem.plan_id == plan_id)
    )
    linked = union_all(links, own).subquery("linked")
    return db.session.execute(
        select(linked.c[0], Event, linked.c[2])
        .join(Event, Event.id == linked.c[1])
        .where(*conditions)
        .order_by(Event.starts_on, Event.title, Event.id)
    ).all()


def linked_events(plan: Plan) -> dict[int, list[tuple[Event, bool]]]:
    """{item id: [(event, training of trainers)]} in date order; one query."""
    linked: dict[int, list[tuple[Event, bool]]] = {}
    for item_id, event, trainers in _linked_rows(plan.id):
        linked.setdefault(item_id, []).append((event, bool(trainers)))
    return linked


def programme_events(plan: Plan) -> list[Event]:
    return list(
        db.session.scalars(
            select(Event)
            .where(Event.programme_id == plan.programme_id)
            .order_by(Event.starts_on, Event.title, Event.id)
        )
    )


def link_event(item: PlanItem, plan: Plan, event_id, trainers: bool, actor) -> Event:
    """Link an event of the plan's programme to the item (again: sets whether it trains
    trainers)."""
    event = db.session.get(Event, event_id) if isinstance(event_id, int) else None
    if event is None or event.programme_id != plan.programme_id:
        raise InvalidInput("event_id", _("Choose an event of the programme."))
    link = db.session.get(PlanItemEvent, (item.id, event.id))
    if link is None:
        link = PlanItemEvent(item_id=item.id, event_id=event.id)
        db.session.add(link)
    link.training_of_trainers = bool(trainers)
    data = {"event": event.title, "training_of_trainers": link.training_of_trainers}
    log_action(item, EVENT_LINKED, actor, data, label=_item_label(item), event_id=event.id)
    return event


def unlink_event(item: PlanItem, event_id: int, actor) -> None:
    event = db.session.get(Event, event_id)
    linked = db.session.get(PlanItemEvent, (item.id, event_id))
    if event is None or (linked is None and item.event_id != event_id):
        raise InvalidInput("event_id", _("This event is not linked to the item."))
    db.session.execute(
        delete(PlanItemEvent).where(
            PlanItemEvent.item_id == item.id, PlanItemEvent.event_id == event_id
        )
    )
    if item.event_id == event_id:
        item.event_id = None
    log_action(
        item,
        EVENT_UNLINKED,
        actor,
        {"event": event.title},
        label=_item_label(item),
        event_id=event.id,
    )


def _item_label(item: PlanItem) -> str:
    return f"{item.ref} {item.title}"


# ---------------------------------------------------------------- measures


def item_measures(plan: Plan) -> dict[tuple[int, int], str]:
    """{(item id, indicator position): measure name} of a plan; one query."""
    rows = db.session.execute(
        select(IndicatorMeasure.item_id, IndicatorMeasure.position, IndicatorMeasure.measure)
        .join(PlanItem, PlanItem.id == IndicatorMeasure.item_id)
        .where(PlanItem.plan_id == plan.id)
    )
    return {(item_id, position): name for item_id, position, name in rows}


def link_measure(item: PlanItem, position, name: str, actor) -> None:
    """Compute the item's indicator at ``position`` by measure ``name`` ("": by hand again)."""
    if not isinstance(position, int) or not 0 <= position < len(item.indicators or []):
        raise InvalidInput("position", _("Choose one of the item's indicators."))
    chosen = get_measure(name) if name else None
    if name and chosen is None:
        raise InvalidInput("measure", _("Choose a measure from the list."))
    row = db.session.get(IndicatorMeasure, (item.id, position))
    if chosen is None:
        if row is not None:
            db.session.delete(row)
    elif row is None:
        db.session.add(IndicatorMeasure(item_id=item.id, position=position, measure=name))
    else:
        row.measure = name
    data = {
        "indicator": item.indicators[position].get("text", "") or str(position + 1),
        "measure": str(chosen.label) if chosen else _("entered by hand"),
    }
    log_action(item, MEASURE_LINKED, actor, data, label=_item_label(item))


# ---------------------------------------------------------------- the report's values


@dataclass
class IndicatorValue:
    """One indicator of an item in a period's report."""

    text: str
    target: object
    unit: str
    measure: Measure | None
    computed: float | None  # the measure's value for the period
    to_date: float | None  # a count's value from the window's start to the period's end
    events: int  # the linked events held in the period that the measure counts
    actual: float | None  # entered by hand
    status: str | None

    @property
    def status_label(self) -> str:
        return TargetStatus(self.status).label if self.status else ""

    @property
    def unit_label(self) -> str:
        """What the values are: the measure's unit ("people", "%", "1–5"), else the plan's."""
        return str(self.measure.unit_label) if self.measure else self.unit

    @property
    def events_text(self) -> str:
        """The events the measure counted in the period ("2 events", "1 training of
        trainers")."""
        if self.measure is not None and self.measure.of_trainings:
            return ngettext(
                "%(num)d training of trainers", "%(num)d trainings of trainers", self.events
            )
        return ngettext("%(num)d event", "%(num)d events", self.events)

    @staticmethod
    def shown(number: float | None) -> str:
        """A value in the reader's language ("1,234", "4.25"); "—" for none."""
        return "—" if number is None else format_decimal(half_up(number, 2), format="#,##0.##")


def _held_until(plan: Plan, period_end: date) -> dict[int, list[tuple[int, date, bool]]]:
    """{item id: [(event id, last day, training of trainers)]} of the linked events held by the
    period's end; one query."""
    rows = _linked_rows(plan.id, Event.status == EventStatus.HELD, Event.ends_on <= period_end)
    held: dict[int, list[tuple[int, date, bool]]] = {}
    for item_id, event, trainers in rows:
        held.setdefault(item_id, []).append((event.id, event.ends_on, bool(trainers)))
    return held


def _scope(events: list[tuple[int, date, bool]], first: date, last: date) -> Scope:
    inside = [(e, trainers) for e, ends_on, trainers in events if first <= ends_on <= last]
    return Scope(tuple(e for e, _t in inside), tuple(e for e, t in inside if t))


def indicator_values(plan: Plan, items: list[PlanItem], period: str, progress: dict) -> dict:
    """{item id: [IndicatorValue]} for ``period``: three queries, then one or a few per
    measure in use (each for all the items at once)."""
    first, last = period_bounds(period)
    held = _held_until(plan, last)
    chosen = item_measures(plan)
    scopes: dict[str, dict[Hashable, Scope]] = {}
    windows = {}
    for item in items:
        windows[item.id] = item_window(item, plan, last)
        for position in range(len(item.indicators or [])):
            name = chosen.get((item.id, position))
            if name is None or get_measure(name) is None:
                continue
            events = held.get(item.id, [])
            asked = scopes.setdefault(name, {})
            asked[(item.id, "period")] = _scope(events, first, last)
            asked[(item.id, "to_date")] = _scope(events, min(windows[item.id][0], first), last)
    computed = {name: get_measure(name).compute(asked) for name, asked in scopes.items()}
    values = {}
    for item in items:
        in_period = _scope(held.get(item.id, []), first, last)
        elapsed = elapsed_share(windows[item.id], last)
        actuals = progress[item.id].actuals if item.id in progress else []
        values[item.id] = [
            _value(indicator, position, item, chosen, computed, in_period, actuals, elapsed)
            for position, indicator in enumerate(item.indicators or [])
        ]
    return values


def _value(indicator, position, item, chosen, computed, in_period: Scope, actuals, elapsed):
    measure = get_measure(chosen.get((item.id, position), ""))
    counted = (
        in_period.trainer_event_ids if measure and measure.of_trainings else in_period.event_ids
    )
    actual = actuals[position] if position < len(actuals) else None
    value = to_date = None
    if measure is not None:
        value = computed[measure.name][(item.id, "period")]
        to_date = computed[measure.name][(item.id, "to_date")]
    cumulative = measure is None or measure.unit == "count"
    judged = (to_date if measure is not None and cumulative else value) if measure else actual
    return IndicatorValue(
        text=indicator.get("text", ""),
        target=indicator.get("target"),
        unit=indicator.get("unit") or "",
        measure=measure,
        computed=value,
        to_date=to_date if measure is not None and cumulative else None,
        events=len(counted),
        actual=actual,
        status=target_status(judged, indicator.get("target"), elapsed, cumulative),
    )
