"""What a delegate is told of their funding: what their authority covers and what the hosts (or
another party) cover, with this delegate's amounts where the cost is per delegate, and their per
diem once approved (as the travel capability answers ``core.signals.event_per_diem``). Computed
from the same rules as the budgets (``payers``, ``pricing``), in a fixed number of queries for any
number of registrations.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select

from ..core.signals import ask, event_per_diem
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
    per_diem = _per_diem_of(
        [e for e in events.values() if Category.PER_DIEM in facts.programme_of(e).rules],
        registrations,
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
        if registration.id in per_diem:
            _add_per_diem(statements[registration.id], registration, event, facts, per_diem)
    return statements


def _per_diem_of(events, registrations) -> dict[int, tuple[Decimal, str]]:
    """Each registration's per diem (amount, currency), as travel answers it, in ``events``
    (those whose programme has a per diem rule)."""
    if not events:
        return {}
    ids = [r.id for r in registrations if r.event_id in {e.id for e in events}]
    answers = ask(event_per_diem, None, events=events, registration_ids=ids) or {}
    return {
        line.registration_id: (line.amount, line.currency)
        for answer in answers.values()
        for line in answer.lines
    }


def _add_per_diem(statement, registration, event, facts, per_diem) -> None:
    """The per diem line of a statement: the delegate's entitlement, with whoever pays it."""
    amount, currency = per_diem[registration.id]
    line = StatementLine(Category.PER_DIEM, Pricing(event, facts).in_currency(amount, currency))
    try:
        shares = payers_of(Category.PER_DIEM, event, facts)
    except Unresolved:
        return  # not told until staff settle who pays
    _place(statement, line, shares)


def _place(statement: FundingStatement, line: StatementLine, shares) -> None:
    """A line under the delegate's authority or under the party (the hosts: None) that pays."""
    if statement.self_funded or shares == PayerRole.VISITING_AUTHORITY:
        statement.authority.append(line)
        return
    roles = {payer.role for payer, _share in shares}
    if roles <= {PayerRole.FOUNDER, PayerRole.HOST}:
        party = None
    else:
        party = ", ".join(payer.party for payer, _share in shares)
    statement.others.setdefault(party, []).append(line)


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
        _place(statement, line, shares)
    return statement
