"""Budgets from the cost rules: who pays what for an event, per payer and category (estimate and
actual), and yearly totals per partner (what each delegate is told: ``statements``).

Everything is computed over facts loaded in a fixed number of queries for any number of events
(``facts.BudgetFacts``): the registrations come aggregated by SQL, the estimates (``pricing``) are
multiplied out in ``Decimal``. Who pays each category is ``payers.payers_of``; a self-funded
delegate's authority pays every cost per delegate of that delegate. A category that resolves to no
payer or to several without a split is *unresolved*: the budget names it, the API answers 409.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from flask_babel import gettext as _

from ..catalogue.models import Event
from ..registration.models import ParticipantRole
from .facts import PER_PERSON, BudgetFacts, DelegateGroup, window_days
from .models import Basis, Category, PayerRole
from .payers import Payer, Shares, Unresolved, authority_payer, organisation_payer, payers_of
from .pricing import ZERO, Pricing, money

# Charge(payer, category, amount): add an estimate to what a payer owes.
Charge = Callable[[Payer, str, Decimal], None]
ROLE_ORDER = {role.value: index for index, role in enumerate(PayerRole)}
_CATEGORY_ORDER = {category.value: index for index, category in enumerate(Category)}


@dataclass
class Line:
    category: str
    estimate: Decimal = ZERO
    actual: Decimal | None = None

    @property
    def category_label(self) -> str:
        return Category(self.category).label


@dataclass
class PayerBudget:
    payer: Payer
    lines: dict[str, Line] = field(default_factory=dict)

    def line(self, category: str) -> Line:
        return self.lines.setdefault(category, Line(category))

    @property
    def estimate(self) -> Decimal:
        return sum((line.estimate for line in self.lines.values()), ZERO)

    @property
    def actual(self) -> Decimal | None:
        known = [line.actual for line in self.lines.values() if line.actual is not None]
        return sum(known, ZERO) if known else None


@dataclass
class Budget:
    event: Event
    currency: str | None
    payers: list[PayerBudget]
    unresolved: list[str]
    missing: list[str]  # estimates or exchange rates that are not entered

    @property
    def estimate(self) -> Decimal:
        return sum((p.estimate for p in self.payers), ZERO)

    @property
    def actual(self) -> Decimal | None:
        known = [p.actual for p in self.payers if p.actual is not None]
        return sum(known, ZERO) if known else None


def event_budget(event: Event) -> Budget:
    """An event's budget: estimate and actual per payer and category."""
    return budget_of(event, BudgetFacts([event]))


def budget_of(event: Event, facts: BudgetFacts) -> Budget:
    """An event's budget over the facts loaded for it (and perhaps for other events)."""
    programme = facts.programme_of(event)
    pricing = Pricing(event, facts)
    payers: dict[str, PayerBudget] = {}
    unresolved: list[str] = []

    def charge(payer: Payer, category: str, amount: Decimal) -> None:
        payers.setdefault(payer.key, PayerBudget(payer)).line(category).estimate += amount

    if event.precision != "day" and programme.counts_days:
        pricing.note(
            _(
                "The dates are approximate (%(window)s): event days and nights are counted over "
                "the whole window. Set the exact dates for a closer estimate.",
                window=event.window_label,
            )
        )
    for category in sorted(set(programme.rules) | set(facts.overrides[event.id])):
        if category == Category.PER_DIEM:
            continue  # from the entitlements, below
        try:
            _charge_category(category, event, facts, pricing, charge)
        except Unresolved as problem:
            unresolved.append(str(problem))
    try:
        _charge_per_diem(event, facts, pricing, charge)
    except Unresolved as problem:
        unresolved.append(str(problem))
    _add_actuals(payers, event, facts, pricing)
    return Budget(event, programme.currency, _in_order(payers), unresolved, pricing.missing)


def _charge_category(category, event: Event, facts: BudgetFacts, pricing, charge: Charge) -> None:
    """Charge one category of the event's costs to its payers. Raises Unresolved."""
    rule = facts.programme_of(event).rules.get(category)
    basis = rule.basis if rule is not None else Basis.LUMP_SUM
    groups = facts.groups[event.id]
    delegates = [g for g in groups if g.role == ParticipantRole.DELEGATE]
    experts = [g for g in groups if g.role == ParticipantRole.SPEAKER]
    if (basis in PER_PERSON and not delegates) or (basis == Basis.PER_EXPERT and not experts):
        return  # nobody to pay for: it needs no payer yet
    shares = payers_of(category, event, facts)
    if basis in PER_PERSON:
        charge_delegates(category, basis, shares, delegates, pricing, charge, facts)
        return
    quantity = {
        Basis.PER_EXPERT: sum(g.count for g in experts),
        Basis.PER_EVENT_DAY: window_days(event),
    }.get(basis, 1)
    if shares == PayerRole.VISITING_AUTHORITY:
        shares = _requesting_authority(category, event)
    share(charge, shares, category, money(pricing.unit(category) * quantity))


def _requesting_authority(category: str, event: Event) -> Shares:
    """A cost not per delegate that the visiting authority pays: the event's requesting one."""
    if event.requesting_authority is None:
        raise Unresolved(
            _(
                "%(category)s: paid by the visiting authority, but the event has no "
                "requesting authority.",
                category=Category(category).label,
            )
        )
    payer = organisation_payer(event.requesting_authority, PayerRole.VISITING_AUTHORITY)
    return [(payer, Decimal(1))]


def _charge_per_diem(event: Event, facts: BudgetFacts, pricing: Pricing, charge: Charge) -> None:
    """Charge the participants' per diem (their entitlements, as travel answers them) to the
    payer of the per diem rule; a self-funded participant's authority pays their own. Per diem
    counts when the programme has a rule for it (or the event an override) or its per diem
    settings. Raises Unresolved."""
    answer = facts.per_diem.get(event.id)
    chosen = Category.PER_DIEM in facts.programme_of(event).rules or (
        Category.PER_DIEM in facts.overrides[event.id]
    )
    if answer is None or not (chosen or answer.applies):
        return
    for message in answer.missing:
        pricing.note(message)
    if not answer.lines:
        return  # nobody to pay for: it needs no payer yet
    shares = payers_of(Category.PER_DIEM, event, facts)
    owed: dict[tuple, Decimal] = {}  # (authority or None, currency) → amount
    for line in answer.lines:
        authority = None
        if line.self_funded or shares == PayerRole.VISITING_AUTHORITY:
            authority = (line.organisation_id, line.country_code, line.self_funded)
        key = (authority, line.currency)
        owed[key] = owed.get(key, ZERO) + line.amount
    for (authority, currency), amount in sorted(owed.items(), key=str):
        converted = pricing.in_currency(amount, currency)
        if authority is None:
            share(charge, shares, Category.PER_DIEM, converted)
        else:
            charge(authority_payer(facts, *authority), Category.PER_DIEM, converted)


def charge_delegates(
    category: str,
    basis: str,
    shares: Shares,
    delegates: list[DelegateGroup],
    pricing: Pricing,
    charge: Charge,
    facts: BudgetFacts,
) -> None:
    """Charge a cost per delegate (or per delegate-night) of some delegates to its payers; a
    self-funded delegate's authority pays it."""
    for group in delegates:
        quantity = group.nights if basis == Basis.PER_DELEGATE_NIGHT else group.count
        amount = money(pricing.unit(category, group.region) * quantity)
        if group.self_funded or shares == PayerRole.VISITING_AUTHORITY:
            authority = authority_payer(
                facts, group.organisation_id, group.country_code, group.self_funded
            )
            charge(authority, category, amount)
        else:
            share(charge, shares, category, amount)


def share(charge: Charge, shares: Shares, category: str, amount: Decimal) -> None:
    """Split an amount by the shares; the cent left by rounding goes to the last payer."""
    left = amount
    for index, (payer, part_of) in enumerate(shares):
        part = left if index == len(shares) - 1 else money(amount * part_of)
        charge(payer, category, part)
        left -= part


def _add_actuals(payers: dict[str, PayerBudget], event, facts: BudgetFacts, pricing) -> None:
    """The actual amounts staff entered, per payer (one named only by its key, if need be)."""
    for category, key, amount, currency in facts.actuals[event.id]:
        if key not in payers:
            party = facts.names.get(key.removesuffix(":self"), key)
            payers[key] = PayerBudget(Payer(key, party, "", key.endswith(":self")))
        line = payers[key].line(category)
        line.actual = (line.actual or ZERO) + pricing.actual(amount, currency)


def _in_order(payers: dict[str, PayerBudget]) -> list[PayerBudget]:
    """Payers by role (founders first), then self-funded last, then name; lines by category."""
    ordered = sorted(
        payers.values(),
        key=lambda p: (ROLE_ORDER.get(p.payer.role, 9), p.payer.self_funded, p.payer.party),
    )
    for budget in ordered:
        budget.lines = dict(sorted(budget.lines.items(), key=lambda kv: _CATEGORY_ORDER[kv[0]]))
    return ordered


def budget_lines(budget: Budget) -> list[list]:
    """The budget as rows of a spreadsheet: payer, role, category, estimate, actual."""
    return [
        [
            p.payer.party,
            p.payer.role_label,
            _("yes") if p.payer.self_funded else "",
            line.category_label,
            line.estimate,
            line.actual,
        ]
        for p in budget.payers
        for line in p.lines.values()
    ]
