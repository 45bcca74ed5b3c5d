"""What staff enter: a programme's reporting currency, cost rules and splits, unit estimates, air
fares and exchange rates per year; an event's overrides and actual amounts.

Each function checks what it is given and raises ``InvalidInput`` naming the field at fault;
nothing is written then (the request rolls back). What is saved is recorded in the action log
with who saved it (``actor``) and what it was before.
"""

from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..catalogue.models import REGIONS, Event, PartnerRole, Programme, ProgrammePartner, Region
from ..core.actions import changes, describe, log_action
from ..core.dates import FIRST_YEAR, LAST_YEAR
from ..core.errors import InvalidInput
from ..extensions import db
from ..people.models import Organisation
from .models import (
    CURRENCIES,
    ActualAmount,
    AirFare,
    Basis,
    Category,
    CostOverride,
    CostRule,
    CostSettings,
    CostShare,
    ExchangeRate,
    PayerRole,
    UnitEstimate,
)

MAX_AMOUNT = Decimal("1000000000000")  # a trillion: more is a typing slip

_SHOWN = {"category": Category, "region": Region, "payer_role": PayerRole, "basis": Basis}
_FIELDS = {
    "payer_role": _l("Who pays"),
    "payer": _l("Organisation"),
    "basis": _l("Counted"),
    "note": _l("Note"),
    "shares": _l("Split between founders"),
    "amount": _l("Amount"),
    "rate": _l("Rate"),
    "currency": _l("Currency"),
}
CURRENCY_SET, RULE_SAVED, ESTIMATE_SET, FARE_SET, RATE_SET, OVERRIDE_SET, OVERRIDE_DELETED = (
    describe(action, phrase, labels=_SHOWN, fields=_FIELDS)
    for action, phrase in (
        ("cost_settings.saved", _l("Set the reporting currency of %(object)s")),
        ("cost_rule.saved", _l("Saved the cost rule of %(category)s in %(object)s")),
        (
            "unit_estimate.saved",
            _l("Set the unit estimate of %(category)s for %(year)s in %(object)s"),
        ),
        ("air_fare.saved", _l("Set the air fare from %(region)s for %(year)s in %(object)s")),
        (
            "exchange_rate.saved",
            _l("Set the exchange rate of %(currency)s for %(year)s in %(object)s"),
        ),
        ("cost_override.saved", _l("Set who pays %(category)s in %(object)s")),
        (
            "cost_override.deleted",
            _l("The programme's rule applies again to %(category)s in %(object)s"),
        ),
    )
)
ACTUAL_SET = describe(
    "actual_amount.saved",
    _l("Entered what %(payer)s spent on %(category)s in %(object)s"),
    labels=_SHOWN,
    fields=_FIELDS,
)


def _money(row) -> str | None:
    return f"{row.amount} {row.currency}" if row is not None and row.amount is not None else None


def _payer(row) -> dict:
    organisation = row.payer_organisation_id and db.session.get(
        Organisation, row.payer_organisation_id
    )
    return {"payer_role": row.payer_role, "payer": organisation and organisation.name}


def parse_amount(text: str | None, field: str, places: int = 2, positive=False) -> Decimal:
    """A decimal number as people type it ("1250.50", "1,250.50"), read without floats."""
    cleaned = (text or "").strip().replace(",", "").replace(" ", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise InvalidInput(field, _("Enter an amount as a number, such as 1250.50.")) from None
    if not value.is_finite() or abs(value) >= MAX_AMOUNT:
        raise InvalidInput(field, _("Enter an amount as a number, such as 1250.50."))
    if value < 0 or (positive and value == 0):
        message = _("Enter an amount above zero.") if positive else _("Amounts cannot be negative.")
        raise InvalidInput(field, message)
    if value != value.quantize(Decimal(1).scaleb(-places)):
        raise InvalidInput(field, _("Use at most %(num)d decimals.", num=places))
    return value


def check_currency(code: str | None, field: str = "currency") -> str:
    code = (code or "").strip().upper()
    if code not in CURRENCIES:
        raise InvalidInput(
            field, _("%(code)s is not an ISO 4217 currency code (MXN, USD, EUR...).", code=code)
        )
    return code


def _check_year(year, programme: Programme) -> int:
    if not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
        raise InvalidInput(
            "year", _("Enter a year from %(a)d to %(b)d.", a=FIRST_YEAR, b=LAST_YEAR)
        )
    return year


def reporting_currency(programme: Programme) -> str | None:
    settings = db.session.get(CostSettings, programme.id)
    return settings.currency if settings else None


def set_reporting_currency(programme: Programme, code: str, *, actor) -> None:
    code = check_currency(code)
    settings = db.session.get(CostSettings, programme.id)
    before = settings and settings.currency
    if settings is None:
        settings = CostSettings(programme_id=programme.id)
        db.session.add(settings)
    settings.currency = code
    currency = changes({"currency": before}, {"currency": code})
    log_action(settings, CURRENCY_SET, actor, currency, label=programme.name)


def _check_convertible(programme: Programme, year: int, currency: str, field="currency") -> None:
    """Refuses a currency that cannot be converted to the reporting one in ``year``."""
    reporting = reporting_currency(programme)
    if reporting is None:
        raise InvalidInput(field, _("Set the programme's reporting currency first."))
    if (
        currency != reporting
        and db.session.get(ExchangeRate, (programme.id, year, currency)) is None
    ):
        raise InvalidInput(
            field,
            _(
                "There is no exchange rate from %(currency)s to %(reporting)s for %(year)d: "
                "enter it first.",
                currency=currency,
                reporting=reporting,
                year=year,
            ),
        )


def _check_payer(programme: Programme, role: str, organisation_id: int | None):
    if role not in PayerRole.__members__.values():
        raise InvalidInput("payer_role", _("Choose who pays."))
    if role == PayerRole.ORGANISATION:
        if organisation_id is None or db.session.get(Organisation, organisation_id) is None:
            raise InvalidInput("payer_organisation_id", _("Choose the organisation that pays."))
        return organisation_id
    return None


def save_rule(
    programme: Programme,
    category: str,
    payer_role: str,
    basis: str,
    payer_organisation_id: int | None = None,
    note: str = "",
    shares: dict[int, str] | None = None,
    *,
    actor,
) -> CostRule:
    """Add or replace the programme's rule for a category. ``shares``: founder → percent as
    typed; when given, they must add to 100."""
    if category not in Category.__members__.values():
        raise InvalidInput("category", _("Choose a cost category."))
    if basis not in Basis.__members__.values():
        raise InvalidInput("basis", _("Choose how the cost is counted."))
    organisation_id = _check_payer(programme, payer_role, payer_organisation_id)
    percents = {}
    for founder, typed in (shares or {}).items():
        if (typed or "").strip():
            percents[founder] = parse_amount(typed, "shares", positive=True)
    if percents:
        if payer_role != PayerRole.FOUNDER:
            raise InvalidInput("shares", _("Only a cost the founders pay is split between them."))
        founders = set(
            db.session.scalars(
                select(ProgrammePartner.organisation_id).where(
                    ProgrammePartner.programme_id == programme.id,
                    ProgrammePartner.role == PartnerRole.FOUNDER,
                )
            )
        )
        if not set(percents) <= founders:
            raise InvalidInput("shares", _("Only the programme's founders share a cost."))
        total = sum(percents.values(), Decimal(0))
        if total != 100:
            raise InvalidInput(
                "shares", _("The split adds to %(total)s %%: it must add to 100 %%.", total=total)
            )
    rule = db.session.scalar(
        select(CostRule).where(CostRule.programme_id == programme.id, CostRule.category == category)
    ) or CostRule(programme_id=programme.id, category=category)
    before = _rule_fields(rule)
    rule.payer_role, rule.payer_organisation_id, rule.basis = payer_role, organisation_id, basis
    rule.note = (note or "").strip()[:500]
    rule.shares = [CostShare(organisation_id=o, percent=p) for o, p in percents.items()]
    db.session.add(rule)
    db.session.flush()
    changed = changes(before, _rule_fields(rule))
    log_action(rule, RULE_SAVED, actor, {"category": category, **changed}, label=programme.name)
    return rule


def _rule_fields(rule: CostRule) -> dict:
    """What the log keeps of a rule, to tell what a change changed."""
    if rule.payer_role is None:
        return {}
    return {
        **_payer(rule),
        "basis": rule.basis,
        "note": rule.note,
        "shares": [f"{s.organisation.name} {s.percent} %" for s in rule.shares],
    }


def set_unit_estimate(
    programme: Programme, year: int, category: str, amount: str, currency: str, *, actor
) -> None:
    year = _check_year(year, programme)
    if category not in Category.__members__.values():
        raise InvalidInput("category", _("Choose a cost category."))
    value = parse_amount(amount, "amount")
    currency = check_currency(currency)
    _check_convertible(programme, year, currency)
    row = db.session.get(UnitEstimate, (programme.id, year, category)) or UnitEstimate(
        programme_id=programme.id, year=year, category=category
    )
    before = _money(row)
    row.amount, row.currency = value, currency
    db.session.add(row)
    _log_amount(programme, row, ESTIMATE_SET, actor, before, _money(row))


def set_air_fare(
    programme: Programme, year: int, region: str, amount: str, currency: str, *, actor
) -> None:
    year = _check_year(year, programme)
    if region not in REGIONS:
        raise InvalidInput("region", _("Choose a region."))
    value = parse_amount(amount, "amount")
    currency = check_currency(currency)
    _check_convertible(programme, year, currency)
    row = db.session.get(AirFare, (programme.id, year, region)) or AirFare(
        programme_id=programme.id, year=year, region=region
    )
    before = _money(row)
    row.amount, row.currency = value, currency
    db.session.add(row)
    _log_amount(programme, row, FARE_SET, actor, before, _money(row))


def _log_amount(programme: Programme, row, action: str, actor, before, after) -> None:
    """A programme's estimate (or rate) of a year set, with its value before and after."""
    what = {
        k: getattr(row, k) for k in ("year", "category", "region", "currency") if hasattr(row, k)
    }
    name = "rate" if action == RATE_SET else "amount"
    data = {**what, **changes({name: before}, {name: after})}
    log_action(row, action, actor, data, label=programme.name)


def set_exchange_rate(programme: Programme, year: int, currency: str, rate: str, *, actor) -> None:
    year = _check_year(year, programme)
    currency = check_currency(currency)
    if currency == reporting_currency(programme):
        raise InvalidInput("currency", _("This is the reporting currency: its rate is 1."))
    value = parse_amount(rate, "rate", places=6, positive=True)
    row = db.session.get(ExchangeRate, (programme.id, year, currency)) or ExchangeRate(
        programme_id=programme.id, year=year, currency=currency
    )
    before = row.rate
    row.rate = value
    db.session.add(row)
    _log_amount(programme, row, RATE_SET, actor, before, value)


def set_override(
    event: Event,
    category: str,
    payer_role: str,
    payer_organisation_id: int | None = None,
    *,
    actor,
) -> None:
    if category not in Category.__members__.values():
        raise InvalidInput("category", _("Choose a cost category."))
    organisation_id = _check_payer(event.programme, payer_role, payer_organisation_id)
    row = db.session.get(CostOverride, (event.id, category)) or CostOverride(
        event_id=event.id, category=category
    )
    before = _payer(row) if row.payer_role else {}
    row.payer_role, row.payer_organisation_id = payer_role, organisation_id
    db.session.add(row)
    changed = changes(before, _payer(row))
    log_action(row, OVERRIDE_SET, actor, {"category": category, **changed}, label=event.title)


def delete_override(event: Event, category: str, *, actor) -> bool:
    """The programme's rule applies again to the category in the event; False when no override
    was set."""
    row = db.session.get(CostOverride, (event.id, category))
    if row is None:
        return False
    changed = changes(_payer(row), {"payer_role": None, "payer": None})
    db.session.delete(row)
    data = {"category": category, **changed}
    log_action(row, OVERRIDE_DELETED, actor, data, label=event.title, event_id=event.id)
    return True


def set_actual(
    event: Event, category: str, payer: str, amount: str, currency: str, payers: dict, *, actor
) -> None:
    """The amount a payer actually spent on a category (replacing what was entered);
    ``payers``: the event's payers, their names by their keys, one of which ``payer`` must be."""
    if category not in Category.__members__.values():
        raise InvalidInput("category", _("Choose a cost category."))
    if payer not in payers:
        raise InvalidInput("payer", _("Choose one of the event's payers."))
    value = parse_amount(amount, "amount")
    currency = check_currency(currency)
    if event.programme is None:
        raise InvalidInput("category", _("The event belongs to no programme with cost rules."))
    _check_convertible(event.programme, event.starts_on.year, currency)
    row = db.session.scalar(
        select(ActualAmount).where(
            ActualAmount.event_id == event.id,
            ActualAmount.category == category,
            ActualAmount.payer == payer,
        )
    ) or ActualAmount(event_id=event.id, category=category, payer=payer)
    before = _money(row)
    row.amount, row.currency = value, currency
    db.session.add(row)
    data = {"category": category, "payer": payers[payer]}
    data |= changes({"amount": before}, {"amount": _money(row)})
    log_action(row, ACTUAL_SET, actor, data, label=event.title, event_id=event.id)
