"""Yearly totals per partner across a programme's events: each event's budget, and the
delegates of events whose payers are alike counted together by SQL."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..catalogue.models import Event, Programme
from ..extensions import db
from .models import PayerRole
from .services import (
    _ROLE_ORDER,
    PER_PERSON,
    ZERO,
    Payer,
    Unresolved,
    _budget,
    _charge_delegates,
    _Context,
    _payers_of,
    _Pricing,
)


def _pooled_delegates(programme, events, ctx: _Context, total) -> list[str]:
    """Charge the costs per delegate of the pooled events, counted together by SQL: they have
    the same payers, resolved on any one of them."""
    example = next(e for e in events if e.id in ctx.pooled)
    pricing = _Pricing(example, ctx)
    problems = []

    def charge(payer: Payer, _category: str, amount: Decimal) -> None:
        total(payer).estimate += amount

    for category, rule in sorted(ctx.programmes[programme.id].rules.items()):
        if rule.basis not in PER_PERSON:
            continue
        try:
            payers_of = _payers_of(category, example, ctx)
        except Unresolved as problem:
            problems.append(str(problem))
            continue
        _charge_delegates(category, rule.basis, payers_of, ctx.pooled_groups, pricing, charge, ctx)
    return problems + pricing.missing


@dataclass
class PartnerTotal:
    party: str
    role: str
    estimate: Decimal = ZERO
    actual: Decimal | None = None

    @property
    def role_label(self) -> str:
        return PayerRole(self.role).label if self.role else ""


def yearly_totals(programme: Programme, year: int) -> tuple[list[PartnerTotal], list[str]]:
    """What each partner pays over the programme's events starting in ``year`` (estimate and
    actual), with the problems found (unresolved categories, missing estimates) by event."""
    of_year = (
        Event.programme_id == programme.id,
        Event.starts_on.between(date(year, 1, 1), date(year, 12, 31)),
    )
    events = db.session.scalars(
        select(Event).where(*of_year).options(selectinload(Event.requesting_authority))
    ).all()
    ctx = _Context(events, scope=select(Event.id).where(*of_year))
    totals: dict[str, PartnerTotal] = {}
    problems = []

    def total(payer: Payer) -> PartnerTotal:
        return totals.setdefault(
            payer.key.removesuffix(":self"), PartnerTotal(payer.party, payer.role)
        )

    for event in events:
        budget = _budget(event, ctx)
        problems += [f"{event.title}: {p}" for p in budget.unresolved + budget.missing]
        for payer_budget in budget.payers:
            row = total(payer_budget.payer)
            row.estimate += payer_budget.estimate
            if payer_budget.actual is not None:
                row.actual = (row.actual or ZERO) + payer_budget.actual
    if ctx.pooled_groups:  # the delegates of the events whose own budgets left them out
        problems += _pooled_delegates(programme, events, ctx, total)
    ordered = sorted(totals.values(), key=lambda t: (_ROLE_ORDER.get(t.role, 9), t.party))
    return ordered, problems
