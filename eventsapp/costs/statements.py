"""What a delegate is told of their funding: what their authority covers and what the hosts (or
another party) cover, with this delegate's amounts where the cost is per delegate. Computed from the
same rules as the budgets (``payers``, ``pricing``), in a fixed number of queries for any number of
registrations.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select

from ..extensions import db
from ..people.models import Country
from ..registration.models import Funding, Registration
from .facts import PER_PERSON, BudgetFacts, window_days
from .models import DELEGATE_CATEGORIES, Basis, Category, CostRule, PayerRole
from .payers import Unresolved, payers_of
from .pricing import Pricing, money


@dataclass
class StatementLine:
    category: str
    amount: Decimal | None  # this delegate's share, where it is per delegate

    @property
    def category_label(self) -> str:
        return Category(self.category).label


@dataclass
class FundingStatement:
    """What a delegate's authority covers and what the hosts (or another party) cover."""

    currency: str | None
    self_funded: bool
    authority: list[StatementLine] = field(default_factory=list)
    # Party (None: the hosts, so that a sentence of its own names them) → what it covers.
    others: dict[str | None, list[StatementLine]] = field(default_factory=dict)

    @property
    def hosts_pay(self) -> bool:
        return bool(self.others)


def funding_statements(registrations: list[Registration]) -> dict[int, FundingStatement]:
    """The funding statement of each registration whose event's programme has cost rules."""
    events = {r.event_id: r.event for r in registrations}
    programme_ids = {e.programme_id for e in events.values() if e.programme_id}
    with_rules = set(
        db.session.scalars(
            select(CostRule.programme_id).where(CostRule.programme_id.in_(programme_ids)).distinct()
        )
        if programme_ids
        else ()
    )
    events = {i: e for i, e in events.items() if e.programme_id in with_rules}
    registrations = [r for r in registrations if r.event_id in events]
    if not registrations:
        return {}
    facts = BudgetFacts(list(events.values()), with_groups=False)
    regions = dict(
        db.session.execute(
            select(Country.code, Country.region).where(
                Country.code.in_({r.country_code for r in registrations})
            )
        ).all()
    )
    statements = {}
    for registration in registrations:
        event = events[registration.event_id]
        programme = facts.programmes.get(event.programme_id)
        if programme is None or not programme.rules:
            continue
        statements[registration.id] = _statement(
            registration, event, programme, facts, regions.get(registration.country_code)
        )
    return statements


def _statement(registration, event, programme, facts, region) -> FundingStatement:
    pricing = Pricing(event, facts)
    self_funded = registration.funding == Funding.SELF_FUNDED
    statement = FundingStatement(programme.currency, self_funded)
    if registration.arrival_on and registration.departure_on:
        nights = (registration.departure_on - registration.arrival_on).days
    else:
        nights = window_days(event)
    for category in DELEGATE_CATEGORIES:
        rule = programme.rules.get(category)
        if rule is None:
            continue
        amount = None
        if rule.basis in PER_PERSON:
            quantity = nights if rule.basis == Basis.PER_DELEGATE_NIGHT else 1
            amount = money(pricing.unit(category, region) * quantity)
        line = StatementLine(category, amount)
        try:
            shares = payers_of(category, event, facts)
        except Unresolved:
            continue  # not told until staff settle who pays
        if self_funded or shares == PayerRole.VISITING_AUTHORITY:
            statement.authority.append(line)
            continue
        roles = {payer.role for payer, _share in shares}
        if roles <= {PayerRole.FOUNDER, PayerRole.HOST}:
            party = None
        else:
            party = ", ".join(payer.party for payer, _share in shares)
        statement.others.setdefault(party, []).append(line)
    return statement
