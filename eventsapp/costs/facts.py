"""What the budgets of some events need, loaded in a fixed number of queries whatever their number
(``BudgetFacts``): the programmes' cost rules, partners, estimates and exchange rates, the events'
overrides and partners, and their registrations counted by SQL (counts and nights per event, role,
funding, organisation and country)."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import selectinload

from ..catalogue.models import Event, PartnerRole, Programme, ProgrammePartner, RegionOverride
from ..catalogue.models import event_partners as event_partners_table
from ..core.i18n import country_name
from ..core.signals import ask, event_per_diem
from ..extensions import db
from ..people.models import Country, Organisation
from ..registration.models import SEAT_HOLDING, Funding, ParticipantRole, Registration
from .models import (
    ActualAmount,
    AirFare,
    Basis,
    CostOverride,
    CostRule,
    CostSettings,
    ExchangeRate,
    PayerRole,
    UnitEstimate,
)

PER_PERSON = (Basis.PER_DELEGATE, Basis.PER_DELEGATE_NIGHT)


@dataclass
class DelegateGroup:
    """Registrations of an event alike for costs, counted by SQL."""

    role: str
    self_funded: bool
    organisation_id: int | None
    country_code: str
    region: str | None
    count: int
    nights: int  # from their arrival and departure, else from the event's window


@dataclass
class ProgrammeCosts:
    """A programme's cost rules and what prices them."""

    currency: str | None = None
    rules: dict[str, CostRule] = field(default_factory=dict)
    founders: list[Organisation] = field(default_factory=list)
    associates: set[int] = field(default_factory=set)
    owner: Organisation | None = None
    estimates: dict[tuple[int, str], UnitEstimate] = field(default_factory=dict)
    fares: dict[tuple[int, str], AirFare] = field(default_factory=dict)
    rates: dict[tuple[int, str], Decimal] = field(default_factory=dict)

    @property
    def counts_days(self) -> bool:
        """Whether any cost is counted by the event's days or nights."""
        days = (Basis.PER_EVENT_DAY, Basis.PER_DELEGATE_NIGHT)
        return any(rule.basis in days for rule in self.rules.values())


class BudgetFacts:
    """What the budgets of some events need, loaded in a fixed number of queries."""

    def __init__(self, events: list[Event], with_groups: bool = True, scope=None):
        """``scope``: a SELECT of the events' ids (yearly totals), which the queries use instead
        of a list of them; the delegates of the events that no override or associate partner
        sets apart are then counted together (``pooled_groups``), not per event."""
        ids = scope if scope is not None else [e.id for e in events]
        programme_ids = {e.programme_id for e in events if e.programme_id}
        self.programmes = {pid: ProgrammeCosts() for pid in programme_ids}
        self._load_settings_and_rules(programme_ids)
        self._load_programme_partners(programme_ids)
        self._load_prices(programme_ids)
        self.overrides: dict[int, dict[str, CostOverride]] = defaultdict(dict)
        self.partners: dict[int, list[Organisation]] = defaultdict(list)
        self._load_events_choices(ids)
        self.groups: dict[int, list[DelegateGroup]] = defaultdict(list)
        self.actuals: dict[int, list[tuple[str, str, Decimal, str]]] = defaultdict(list)
        self.names: dict[str, str] = {}
        self.prices: dict[tuple, tuple[Decimal, list[str]]] = {}
        self.pooled: set[int] = set()
        self.pooled_groups: list[DelegateGroup] = []
        # Per event: its participants' per diem, as the travel capability answers it (``lines``
        # and ``missing``); none without a receiver.
        self.per_diem: dict = {}
        if with_groups:
            if scope is not None:
                self.pooled = {e.id for e in events if self._poolable(e)}
            apart = [e.id for e in events if e.id not in self.pooled]
            self._load_groups(ids, apart)
            self._load_actuals(ids)
            if events:
                self.per_diem = ask(event_per_diem, None, events=events) or {}

    def programme_of(self, event: Event) -> ProgrammeCosts:
        """The costs of the event's programme (none for an event without one)."""
        return self.programmes.get(event.programme_id) or ProgrammeCosts()

    def _load_settings_and_rules(self, programme_ids: set[int]) -> None:
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

    def _load_programme_partners(self, programme_ids: set[int]) -> None:
        """Founders, associate partners and the owner (the host) of each programme."""
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

    def _load_prices(self, programme_ids: set[int]) -> None:
        """Unit estimates and air fares by year, and exchange rates."""
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

    def _load_events_choices(self, ids) -> None:
        """What staff chose for each event: its payers overridden, its partners."""
        for override in db.session.scalars(
            select(CostOverride).where(CostOverride.event_id.in_(ids))
        ):
            self.overrides[override.event_id][override.category] = override
        for event_id, organisation in db.session.execute(
            select(event_partners_table.c.event_id, Organisation)
            .join(Organisation, Organisation.id == event_partners_table.c.organisation_id)
            .where(event_partners_table.c.event_id.in_(ids))
        ):
            self.partners[event_id].append(organisation)

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
            self.groups[event_id].append(DelegateGroup(*group))
        if self.pooled:
            together = self._group_rows(
                and_(
                    r.event_id.in_(ids),
                    r.event_id.not_in(apart),
                    r.role == ParticipantRole.DELEGATE,
                )
            )
            self.pooled_groups = [DelegateGroup(*group) for group in together]
        every = [*self.pooled_groups, *(g for gs in self.groups.values() for g in gs)]
        self._load_names({g.organisation_id for g in every}, {g.country_code for g in every})

    def _group_rows(self, condition, *by) -> list[tuple]:
        """Registrations holding a seat, counted with their nights by role, funding,
        organisation, country and region (and ``by``)."""
        r = Registration
        nights = func.coalesce(
            days_between(r.arrival_on, r.departure_on),
            days_between(Event.starts_on, Event.ends_on) + 1,
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


def days_between(first, last):
    """``last - first`` in days, in SQL (NULL when either is)."""
    if db.engine.dialect.name == "sqlite":
        return func.cast(func.julianday(last) - func.julianday(first), db.Integer)
    return last - first


def window_days(event: Event) -> int:
    """The days of the event's window, both ends counted."""
    return (event.ends_on - event.starts_on).days + 1
