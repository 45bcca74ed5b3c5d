"""Yearly totals per partner across a programme's events: each event's budget, and the
delegates of events whose payers are alike counted together by SQL."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..catalogue.models import Event, Programme
from ..extensions import db
from .facts import PER_PERSON, BudgetFacts
from .models import Category, PayerRole
from .payers import Payer, Unresolved, payers_of
from .pricing import ZERO, Pricing
from .services import ROLE_ORDER, budget_of, charge_delegates


def _pooled_delegates(programme, events, facts: BudgetFacts, total) -> list[str]:
    """Charge the costs per delegate of the pooled events, counted together by SQL: they have
    the same payers, resolved on any one of them."""
    example = next(e for e in events if e.id in facts.pooled)
    pricing = Pricing(example, facts)
    problems = []

    def charge(payer: Payer, _category: str, amount: Decimal) -> None:
        total(payer).estimate += amount

    for category, rule in sorted(facts.programmes[programme.id].rules.items()):
        if rule.basis not in PER_PERSON or category == Category.PER_DIEM:
            continue  # per diem: in each event's own budget, from the entitlements
        try:
            shares = payers_of(category, example, facts)
        except Unresolved as problem:
            problems.append(str(problem))
            continue
        charge_delegates(category, rule.basis, shares, facts.pooled_groups, pricing, charge, facts)
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
    facts = BudgetFacts(events, scope=select(Event.id).where(*of_year))
    totals: dict[str, PartnerTotal] = {}
    problems = []

    def total(payer: Payer) -> PartnerTotal:
        return totals.setdefault(
            payer.key.removesuffix(":self"), PartnerTotal(payer.party, payer.role)
        )

    for event in events:
        budget = budget_of(event, facts)
        problems += [f"{event.title}: {p}" for p in budget.unresolved + budget.missing]
        for payer_budget in budget.payers:
            row = total(payer_budget.payer)
            row.estimate += payer_budget.estimate
            if payer_budget.actual is not None:
                row.actual = (row.actual or ZERO) + payer_budget.actual
    if facts.pooled_groups:  # the delegates of the events whose own budgets left them out
        problems += _pooled_delegates(programme, events, facts, total)
    ordered = sorted(totals.values(), key=lambda t: (ROLE_ORDER.get(t.role, 9), t.party))
    return ordered, problems
