"""Budgets from the cost rules: who pays what for an event, per payer and category (estimate and
actual), and yearly totals per partner (what each delegate is told: ``statements``).

Everything is computed over facts loaded in a fixed number of queries for any number of events
(``_Context``): the registrations come aggregated by SQL (counts and nights per event, role,
funding, organisation and country), the estimates are multiplied out in ``Decimal``.

Who pays a category in an event: the event's override, else the programme's rule. A role names the
party: ``founder`` the programme's founders (by the rule's split when several share it, else
jointly), ``associate_partner`` the event's one associate partner of the programme, ``host`` the
programme's owner, ``visiting_authority`` each delegate's own authority (the event's requesting
authority for costs not per delegate). A self-funded delegate's authority pays every cost per
delegate of that delegate. A category that resolves to no payer or to several without a split is
*unresolved*: the budget names it, the API answers 409.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import gettext as _
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import selectinload

from ..catalogue.models import Event, PartnerRole, Programme, ProgrammePartner, RegionOverride
from ..catalogue.models import event_partners as event_partners_table
from ..core.i18n import country_name
from ..extensions import db
from ..people.models import Country, Organisation
from ..registration.models import SEAT_HOLDING, Funding, ParticipantRole, Registration
from .models import (
    ActualAmount,
    AirFare,
    Basis,
    Category,
    CostOverride,
    CostRule,
    CostSettings,
    ExchangeRate,
    PayerRole,
    UnitEstimate,
)

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
PER_PERSON = (Basis.PER_DELEGATE, Basis.PER_DELEGATE_NIGHT)


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


class Unresolved(Exception):
    """A category of an event that no single payer or full split pays."""


@dataclass(frozen=True)
class Payer:
    key: str  # "org:12", "org:12:self", "country:GT", "country:GT:self", "founders"
    party: str
    role: str
    self_funded: bool = False

    @property
    def role_label(self) -> str:
        return PayerRole(self.role).label if self.role else ""


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


@dataclass
class _Group:
    """Registrations of an event alike for costs, counted by SQL."""

    role: str
    self_funded: bool
    organisation_id: int | None
    country_code: str
    region: str | None
    count: int
    nights: int  # from their arrival and departure, else from the event's window


@dataclass
class _Programme:
    currency: str | None = None
    rules: dict[str, CostRule] = field(default_factory=dict)
    founders: list[Organisation] = field(default_factory=list)
    associates: set[int] = field(default_factory=set)
    owner: Organisation | None = None
    estimates: dict[tuple[int, str], UnitEstimate] = field(default_factory=dict)
    fares: dict[tuple[int, str], AirFare] = field(default_factory=dict)
    rates: dict[tuple[int, str], Decimal] = field(default_factory=dict)


class _Context:
    """What the budgets of some events need, loaded in a fixed number of queries."""

    def __init__(self, events: list[Event], with_groups: bool = True, scope=None):
        """``scope``: a SELECT of the events' ids (yearly totals), which the queries use instead
        of a list of them; the delegates of the events that no override or associate partner
        sets apart are then counted together (``pooled_groups``), not per event."""
        ids = scope if scope is not None else [e.id for e in events]
        programme_ids = {e.programme_id for e in events if e.programme_id}
        self.programmes = {pid: _Programme() for pid in programme_ids}
        for settings in db.session.scalars(
            select(CostSettings).where(CostSettings.programme_id.in_(programme_ids))
        ):
            self.programmes[settings.programme_id].currency = settings.currency
        for rule in db.session.scalars(
            select(CostRule)
            .where(CostRule.programme_id.in_(programme_ids))
            .options(selectinload(CostRule.shares), selectinload(CostRule.payer_organisation))
        ):
            self.programmes[rule.programme_id].rules[rule.category] = rule
        for partner in db.session.scalars(
            select(ProgrammePartner).where(ProgrammePartner.programme_id.in_(programme_ids))
        ):
            programme = self.programmes[partner.programme_id]
            if partner.role == PartnerRole.FOUNDER:
                programme.founders.append(partner.organisation)
            elif partner.role == PartnerRole.ASSOCIATE_PARTNER:
                programme.associates.add(partner.organisation_id)
        for pid, owner in db.session.execute(
            select(Programme.id, Organisation)
            .join(Organisation, Organisation.id == Programme.owner_id)
            .where(Programme.id.in_(programme_ids))
        ):
            self.programmes[pid].owner = owner
        for model, attr, part in (
            (UnitEstimate, "estimates", "category"),
            (AirFare, "fares", "region"),
        ):
            for row in db.session.scalars(
                select(model).where(model.programme_id.in_(programme_ids))
            ):
                getattr(self.programmes[row.programme_id], attr)[row.year, getattr(row, part)] = row
        for rate in db.session.scalars(
            select(ExchangeRate).where(ExchangeRate.programme_id.in_(programme_ids))
        ):
            self.programmes[rate.programme_id].rates[rate.year, rate.currency] = rate.rate
        self.overrides: dict[int, dict[str, CostOverride]] = defaultdict(dict)
        for override in db.session.scalars(
            select(CostOverride).where(CostOverride.event_id.in_(ids))
        ):
            self.overrides[override.event_id][override.category] = override
        self.partners: dict[int, list[Organisation]] = defaultdict(list)
        for event_id, organisation in db.session.execute(
            select(event_partners_table.c.event_id, Organisation)
            .join(Organisation, Organisation.id == event_partners_table.c.organisation_id)
            .where(event_partners_table.c.event_id.in_(ids))
        ):
            self.partners[event_id].append(organisation)
        self.groups: dict[int, list[_Group]] = defaultdict(list)
        self.actuals: dict[int, list[tuple[str, str, Decimal, str]]] = defaultdict(list)
        self.names: dict[str, str] = {}
        self.prices: dict[tuple, tuple[Decimal, list[str]]] = {}
        self.pooled: set[int] = set()
        self.pooled_groups: list[_Group] = []
        if with_groups:
            if scope is not None:
                self.pooled = {e.id for e in events if self._poolable(e)}
            apart = [e.id for e in events if e.id not in self.pooled]
            self._load_groups(ids, apart)
            self._load_actuals(ids)

    def _poolable(self, event: Event) -> bool:
        """Whether who pays for the event's delegates is the same as in any other such event."""
        rules = self.programmes[event.programme_id].rules.values() if event.programme_id else []
        return not self.overrides[event.id] and not any(
            r.basis in PER_PERSON and r.payer_role == PayerRole.ASSOCIATE_PARTNER for r in rules
        )

    def _load_groups(self, ids, apart: list[int]) -> None:
        """Per event: the registrations of the events ``apart``, and the experts of the others;
        the delegates of the others (pooled) together."""
        r = Registration
        by_event = self._group_rows(
            and_(
                r.event_id.in_(ids),
                or_(r.event_id.in_(apart), r.role == ParticipantRole.SPEAKER),
            ),
            r.event_id,
        )
        for event_id, *group in by_event:
            self.groups[event_id].append(_Group(*group))
        if self.pooled:
            together = self._group_rows(
                and_(
                    r.event_id.in_(ids),
                    r.event_id.not_in(apart),
                    r.role == ParticipantRole.DELEGATE,
                )
            )
            self.pooled_groups = [_Group(*group) for group in together]
        every = [*self.pooled_groups, *(g for gs in self.groups.values() for g in gs)]
        self._load_names({g.organisation_id for g in every}, {g.country_code for g in every})

    def _group_rows(self, condition, *by) -> list[tuple]:
        """Registrations holding a seat, counted with their nights by role, funding,
        organisation, country and region (and ``by``)."""
        r = Registration
        nights = func.coalesce(
            _days_between(r.arrival_on, r.departure_on),
            _days_between(Event.starts_on, Event.ends_on) + 1,
        )
        region = func.coalesce(RegionOverride.region, Country.region)
        keys = (r.role, r.funding, r.organisation_id, r.country_code, region)
        rows = db.session.execute(
            select(*by, *keys, func.count(r.id), func.sum(nights))
            .join(Event, Event.id == r.event_id)
            .join(Country, Country.code == r.country_code)
            .outerjoin(
                RegionOverride,
                and_(
                    RegionOverride.programme_id == Event.programme_id,
                    RegionOverride.country_code == r.country_code,
                ),
            )
            .where(
                condition,
                r.status.in_(SEAT_HOLDING),
                r.role.in_((ParticipantRole.DELEGATE, ParticipantRole.SPEAKER)),
            )
            .group_by(*by, *keys)
        )
        return [
            (
                *row[: len(by)],
                role,
                funding == Funding.SELF_FUNDED,
                org,
                country,
                reg,
                n,
                int(nights),
            )
            for row in rows
            for role, funding, org, country, reg, n, nights in [row[len(by) :]]
        ]

    def _load_actuals(self, ids) -> None:
        a = ActualAmount
        for event_id, category, payer, currency, amount in db.session.execute(
            select(a.event_id, a.category, a.payer, a.currency, func.sum(a.amount))
            .where(a.event_id.in_(ids))
            .group_by(a.event_id, a.category, a.payer, a.currency)
        ):
            self.actuals[event_id].append((category, payer, amount, currency))

    def _load_names(self, organisation_ids, country_codes) -> None:
        organisation_ids = {i for i in organisation_ids if i is not None}
        for organisation in db.session.scalars(
            select(Organisation).where(Organisation.id.in_(organisation_ids))
        ):
            self.names[f"org:{organisation.id}"] = organisation.display_name
        for code, name in db.session.execute(
            select(Country.code, Country.name).where(Country.code.in_(country_codes))
        ):
            self.names[f"country:{code}"] = _(
                "Electoral authority of %(country)s", country=country_name(code, name)
            )


def _days_between(first, last):
    """``last - first`` in days, in SQL (NULL when either is)."""
    if db.engine.dialect.name == "sqlite":
        return func.cast(func.julianday(last) - func.julianday(first), db.Integer)
    return last - first


def _window_days(event: Event) -> int:
    return (event.ends_on - event.starts_on).days + 1


# ---------------------------------------------------------------- who pays


def _organisation_payer(organisation: Organisation, role: str) -> Payer:
    return Payer(f"org:{organisation.id}", organisation.display_name, role)


def _payers_of(category: str, event: Event, ctx: _Context) -> list[tuple[Payer, Decimal]] | str:
    """The payers of a category in an event and their shares (adding to 1), or the role
    ``visiting_authority`` when each delegate's authority pays. Raises Unresolved."""
    programme = ctx.programmes.get(event.programme_id, _Programme())
    rule = programme.rules.get(category)
    choice = ctx.overrides[event.id].get(category) or rule
    label = Category(category)._label  # lazy: translated only in a message
    if choice is None:
        raise Unresolved(_("%(category)s: no cost rule says who pays.", category=label))
    role = choice.payer_role
    if role == PayerRole.ORGANISATION:
        return [(_organisation_payer(choice.payer_organisation, role), Decimal(1))]
    if role == PayerRole.HOST:
        if programme.owner is None:
            raise Unresolved(_("%(category)s: the programme has no owner to host.", category=label))
        return [(_organisation_payer(programme.owner, role), Decimal(1))]
    if role == PayerRole.VISITING_AUTHORITY:
        return role
    if role == PayerRole.ASSOCIATE_PARTNER:
        associates = [o for o in ctx.partners[event.id] if o.id in programme.associates]
        if len(associates) != 1:
            raise Unresolved(
                _(
                    "%(category)s: the event has %(count)d associate partners of the programme; "
                    "it needs exactly one (add it to the event's partners, or override the payer).",
                    category=label,
                    count=len(associates),
                )
            )
        return [(_organisation_payer(associates[0], role), Decimal(1))]
    shares = rule.shares if rule is not None and rule.payer_role == PayerRole.FOUNDER else []
    if shares:
        total = sum((s.percent for s in shares), ZERO)
        if total != 100:
            raise Unresolved(
                _(
                    "%(category)s: the founders' split adds to %(total)s %%, not 100 %%.",
                    category=label,
                    total=total,
                )
            )
        return [(_organisation_payer(s.organisation, role), s.percent / 100) for s in shares]
    if not programme.founders:
        raise Unresolved(_("%(category)s: the programme has no founders.", category=label))
    if len(programme.founders) == 1:
        return [(_organisation_payer(programme.founders[0], role), Decimal(1))]
    names = ", ".join(f.acronym or f.display_name for f in programme.founders)
    return [(Payer("founders", _("Founders (%(names)s)", names=names), role), Decimal(1))]


def _authority(ctx: _Context, organisation_id: int | None, country: str, self_funded: bool):
    key = f"org:{organisation_id}" if organisation_id else f"country:{country}"
    return Payer(
        key + (":self" if self_funded else ""),
        ctx.names.get(key, key),
        PayerRole.VISITING_AUTHORITY,
        self_funded,
    )


# ---------------------------------------------------------------- estimates


class _Pricing:
    """Unit estimates of an event's year in the programme's currency; what is missing, noted."""

    def __init__(self, event: Event, ctx: _Context):
        self.programme = ctx.programmes.get(event.programme_id, _Programme())
        self.year = event.starts_on.year
        self.missing: list[str] = []
        self.known = ctx.prices  # (programme, year, category, region) → (unit, what is missing)
        self.programme_id = event.programme_id

    def _convert(self, amount: Decimal, currency: str) -> Decimal | None:
        if currency == self.programme.currency:
            return amount
        rate = self.programme.rates.get((self.year, currency))
        if rate is None:
            self._note(
                _(
                    "No exchange rate for %(currency)s in %(year)d.",
                    currency=currency,
                    year=self.year,
                )
            )
            return None
        return amount * rate

    def _note(self, message: str) -> None:
        if message not in self.missing:
            self.missing.append(message)

    def unit(self, category: str, region: str | None = None) -> Decimal:
        key = (self.programme_id, self.year, category, region)
        if key not in self.known:
            noted = len(self.missing)
            self.known[key] = (self._unit(category, region), self.missing[noted:])
        value, missing = self.known[key]
        for message in missing:
            self._note(message)
        return value

    def _unit(self, category: str, region: str | None) -> Decimal:
        found = None
        if category == Category.AIR_TICKET and region:
            found = self.programme.fares.get((self.year, region))
        found = found or self.programme.estimates.get((self.year, category))
        if found is None:
            self._note(
                _(
                    "No unit estimate for %(category)s in %(year)d.",
                    category=Category(category).label,
                    year=self.year,
                )
            )
            return ZERO
        return self._convert(found.amount, found.currency) or ZERO

    def actual(self, amount: Decimal, currency: str) -> Decimal:
        return money(self._convert(amount, currency) or ZERO)


def _counts_days(programme: _Programme) -> bool:
    """Whether the programme counts any cost by the event's days or nights."""
    days = (Basis.PER_EVENT_DAY, Basis.PER_DELEGATE_NIGHT)
    return any(rule.basis in days for rule in programme.rules.values())


def _charge_delegates(category, basis, payers_of, delegates, pricing, charge, ctx) -> None:
    """Charge a cost per delegate (or per delegate-night) of some delegates to its payers; a
    self-funded delegate's authority pays it."""
    for group in delegates:
        quantity = group.nights if basis == Basis.PER_DELEGATE_NIGHT else group.count
        amount = money(pricing.unit(category, group.region) * quantity)
        if group.self_funded or payers_of == PayerRole.VISITING_AUTHORITY:
            authority = _authority(
                ctx, group.organisation_id, group.country_code, group.self_funded
            )
            charge(authority, category, amount)
        else:
            _share(charge, payers_of, category, amount)


def _budget(event: Event, ctx: _Context) -> Budget:
    programme = ctx.programmes.get(event.programme_id, _Programme())
    pricing = _Pricing(event, ctx)
    payers: dict[str, PayerBudget] = {}
    unresolved: list[str] = []

    def charge(payer: Payer, category: str, amount: Decimal) -> None:
        budget = payers.setdefault(payer.key, PayerBudget(payer))
        budget.line(category).estimate += amount

    if event.precision != "day" and _counts_days(programme):
        pricing.missing.append(
            _(
                "The dates are approximate (%(window)s): event days and nights are counted over "
                "the whole window. Set the exact dates for a closer estimate.",
                window=event.window_label,
            )
        )
    groups = ctx.groups[event.id]
    delegates = [g for g in groups if g.role == ParticipantRole.DELEGATE]
    experts = [g for g in groups if g.role == ParticipantRole.SPEAKER]
    categories = set(programme.rules) | set(ctx.overrides[event.id])
    for category in sorted(categories):
        basis = programme.rules[category].basis if category in programme.rules else Basis.LUMP_SUM
        if (basis in PER_PERSON and not delegates) or (basis == Basis.PER_EXPERT and not experts):
            continue  # nobody to pay for: it needs no payer yet
        try:
            payers_of = _payers_of(category, event, ctx)
        except Unresolved as problem:
            unresolved.append(str(problem))
            continue
        if basis in PER_PERSON:
            _charge_delegates(category, basis, payers_of, delegates, pricing, charge, ctx)
            continue
        quantity = {
            Basis.PER_EXPERT: sum(g.count for g in experts),
            Basis.PER_EVENT_DAY: _window_days(event),
        }.get(basis, 1)
        amount = money(pricing.unit(category) * quantity)
        if payers_of == PayerRole.VISITING_AUTHORITY:
            authority = event.requesting_authority
            if authority is None:
                unresolved.append(
                    _(
                        "%(category)s: paid by the visiting authority, but the event has no "
                        "requesting authority.",
                        category=Category(category).label,
                    )
                )
                continue
            payers_of = [(_organisation_payer(authority, PayerRole.VISITING_AUTHORITY), Decimal(1))]
        _share(charge, payers_of, category, amount)
    for category, key, amount, currency in ctx.actuals[event.id]:
        if key not in payers:
            payers[key] = PayerBudget(
                Payer(key, ctx.names.get(key.removesuffix(":self"), key), "", key.endswith(":self"))
            )
        line = payers[key].line(category)
        line.actual = (line.actual or ZERO) + pricing.actual(amount, currency)
    ordered = sorted(
        payers.values(),
        key=lambda p: (_ROLE_ORDER.get(p.payer.role, 9), p.payer.self_funded, p.payer.party),
    )
    for budget in ordered:
        budget.lines = dict(sorted(budget.lines.items(), key=lambda kv: _CATEGORY_ORDER[kv[0]]))
    return Budget(event, programme.currency, ordered, unresolved, pricing.missing)


_ROLE_ORDER = {role.value: index for index, role in enumerate(PayerRole)}
_CATEGORY_ORDER = {category.value: index for index, category in enumerate(Category)}


def _share(charge, payers_of, category: str, amount: Decimal) -> None:
    """Split an amount by the shares; the cent left by rounding goes to the last payer."""
    left = amount
    for index, (payer, share) in enumerate(payers_of):
        part = left if index == len(payers_of) - 1 else money(amount * share)
        charge(payer, category, part)
        left -= part


def event_budget(event: Event) -> Budget:
    """An event's budget: estimate and actual per payer and category."""
    return _budget(event, _Context([event]))


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
