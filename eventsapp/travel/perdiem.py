"""Per diem (daily subsistence allowance): the rates by country, area and date (entered, or read
from a CSV in the shape the UN ICSC publishes: ``rates_csv``), each programme's settings, and each
approved participant's entitlement::

    nights × the venue's rate − the share of what the hosts provide (lodging, meals) + terminal

in ``Decimal``, each deduction rounded to the cent (half up), so that the amount is the sum of the
lines shown. The rate is the venue's: its city's area of the country, else the country's
"elsewhere" (an empty area), the one in force on the participant's first night. Nights come from
the travel file's hotel nights, else the registration's arrival and departure, else the event's
window (as the budgets count them). Participants are the delegates and experts approved (or who
attended); the budgets (costs) ask for their entitlements through ``core.signals.event_per_diem``
(``hooks_perdiem``). Everything is loaded in a fixed number of queries for any number of events
and participants.
"""

from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, true

from ..catalogue.models import Event, Programme, Venue
from ..core.actions import changes, describe, log_action
from ..core.dates import FIRST_YEAR, LAST_YEAR
from ..core.errors import InvalidInput
from ..core.i18n import country_name, format_day
from ..core.validation import is_one_line
from ..costs.facts import BudgetFacts, window_days
from ..costs.models import Category, PayerRole
from ..costs.payers import Unresolved, payers_of
from ..costs.settings import check_currency, parse_amount
from ..extensions import db
from ..people.models import Country, Organisation
from ..registration.models import Funding, ParticipantRole, Registration, Status
from .models import PerDiemRate, PerDiemSettings, TravelFile
from .rates_csv import MAX_AREA, MAX_RATE, area_key, read_rates

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
RATES_PER_PAGE = 100

# Who has a per diem: the delegates and experts whose place is approved (or who attended).
ENTITLED_STATUSES = (Status.APPROVED, Status.ATTENDED)
ENTITLED_ROLES = (ParticipantRole.DELEGATE, ParticipantRole.SPEAKER)

RATE_SAVED = describe("per_diem_rate.saved", _l("Saved the per diem rate of %(object)s"))
RATE_DELETED = describe("per_diem_rate.deleted", _l("Deleted the per diem rate of %(object)s"))
RATES_IMPORTED = describe(
    "per_diem_rate.imported", _l("Imported %(count)s per diem rates from %(object)s")
)
SETTINGS_SAVED = describe(
    "per_diem_settings.saved",
    _l("Saved how %(object)s computes per diem"),
    fields={
        "lodging_percent": _l("Lodging: its share of the rate, in percent"),
        "meals_percent": _l("Meals: their share of the rate, in percent"),
        "hosts_provide_lodging": _l("The hosts provide lodging"),
        "hosts_provide_meals": _l("The hosts provide meals"),
        "terminal_expenses": _l("Terminal expenses"),
    },
)


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


# ---------------------------------------------------------------- settings


@dataclass
class Settings:
    """How a programme computes per diem (the defaults until staff save them)."""

    lodging_percent: int = 50
    meals_percent: int = 30
    hosts_provide_lodging: bool = True
    hosts_provide_meals: bool = True
    terminal_expenses: Decimal = ZERO
    saved: bool = False

    @classmethod
    def of(cls, row: PerDiemSettings | None) -> "Settings":
        if row is None:
            return cls()
        return cls(
            row.lodging_percent,
            row.meals_percent,
            row.hosts_provide_lodging,
            row.hosts_provide_meals,
            money(Decimal(row.terminal_expenses or 0)),
            True,
        )


def settings_of(programme_id: int | None) -> Settings:
    row = db.session.get(PerDiemSettings, programme_id) if programme_id else None
    return Settings.of(row)


def save_settings(
    programme: Programme,
    *,
    lodging_percent: int,
    meals_percent: int,
    hosts_provide_lodging: bool,
    hosts_provide_meals: bool,
    terminal_expenses: str,
    actor,
) -> None:
    """Save how a programme computes per diem (``terminal_expenses`` as typed). Raises
    InvalidInput naming the field."""
    for name, value in (("lodging_percent", lodging_percent), ("meals_percent", meals_percent)):
        if not isinstance(value, int) or not 0 <= value <= 100:
            raise InvalidInput(name, _("Write a share between 0 and 100."))
    if lodging_percent + meals_percent > 100:
        raise InvalidInput(
            "meals_percent", _("Lodging and meals together cannot be more than the whole rate.")
        )
    expenses = parse_amount(terminal_expenses or "0", "terminal_expenses")
    if expenses >= MAX_RATE:
        raise InvalidInput("terminal_expenses", _("Enter an amount as a number, such as 1250.50."))
    row = db.session.get(PerDiemSettings, programme.id)
    before = _shown(Settings.of(row)) if row is not None else {}
    if row is None:
        row = PerDiemSettings(programme_id=programme.id)
        db.session.add(row)
    row.lodging_percent = lodging_percent
    row.meals_percent = meals_percent
    row.hosts_provide_lodging = bool(hosts_provide_lodging)
    row.hosts_provide_meals = bool(hosts_provide_meals)
    row.terminal_expenses = expenses
    data = changes(before, _shown(Settings.of(row)))
    log_action(programme, SETTINGS_SAVED, actor, data, label=programme.name)


def _shown(settings: Settings) -> dict:
    shown = asdict(settings)
    del shown["saved"]
    return shown


# ---------------------------------------------------------------- rates


class RateBook:
    """Rates of some countries, to find the one in force at a place on a day."""

    def __init__(self, rates: list[PerDiemRate]):
        self.by_place: dict[tuple[str, str], list[PerDiemRate]] = {}
        for rate in sorted(rates, key=lambda r: r.effective_on, reverse=True):
            self.by_place.setdefault((rate.country_code, area_key(rate.area)), []).append(rate)

    @classmethod
    def of_countries(cls, codes) -> "RateBook":
        codes = {c for c in codes if c}
        if not codes:
            return cls([])
        return cls(
            list(db.session.scalars(select(PerDiemRate).where(PerDiemRate.country_code.in_(codes))))
        )

    def find(self, country_code: str, city: str | None, on: date) -> PerDiemRate | None:
        """The rate of the city's area in force on ``on``, else the country's elsewhere."""
        areas = [area_key(city), ""] if area_key(city) else [""]
        for area in areas:
            for rate in self.by_place.get((country_code, area), []):  # latest first
                if rate.effective_on <= on:
                    return rate
        return None


def _rate_label(country: str, area: str) -> str:
    return f"{area}, {country}" if area else _("%(country)s, elsewhere", country=country)


def check_rate(country_code: str, area: str, rate: str, currency: str, effective_on) -> tuple:
    """A rate as typed, read: ``(country, area, rate, currency, effective day)``. Raises
    InvalidInput naming the field."""
    if not country_code or db.session.get(Country, country_code) is None:
        raise InvalidInput("country_code", _("Choose a country of the list."))
    area = (area or "").strip()
    if len(area) > MAX_AREA or not is_one_line(area):
        raise InvalidInput("area", _("Write the area on one line, in at most 100 characters."))
    amount = parse_amount(rate, "rate", positive=True)
    if amount >= MAX_RATE:
        raise InvalidInput("rate", _("Enter an amount as a number, such as 1250.50."))
    if not isinstance(effective_on, date) or not FIRST_YEAR <= effective_on.year <= LAST_YEAR:
        raise InvalidInput(
            "effective_on",
            _("Write a day from %(a)d to %(b)d.", a=FIRST_YEAR, b=LAST_YEAR),
        )
    return country_code, area, amount, check_currency(currency), effective_on


def save_rate(country_code, area, rate, currency, effective_on, *, actor) -> PerDiemRate:
    """Add a rate, or change the one of the same country, area and day. Raises InvalidInput."""
    country_code, area, amount, currency, effective_on = check_rate(
        country_code, area, rate, currency, effective_on
    )
    existing = {
        area_key(r.area): r
        for r in db.session.scalars(
            select(PerDiemRate).where(
                PerDiemRate.country_code == country_code,
                PerDiemRate.effective_on == effective_on,
            )
        )
    }
    row = existing.get(area_key(area))
    before = {"rate": row.rate, "currency": row.currency} if row else {}
    if row is None:
        row = PerDiemRate(country_code=country_code, area=area, effective_on=effective_on)
        db.session.add(row)
    row.rate, row.currency = amount, currency
    label = _rate_label(country_code, row.area) + f" ({effective_on.isoformat()})"
    data = {**changes(before, {"rate": amount, "currency": currency})}
    log_action(row, RATE_SAVED, actor, data, label=label)
    return row


def delete_rate(rate_id: int, *, actor) -> bool:
    row = db.session.get(PerDiemRate, rate_id)
    if row is None:
        return False
    label = _rate_label(row.country_code, row.area) + f" ({row.effective_on.isoformat()})"
    log_action(row, RATE_DELETED, actor, {"rate": row.rate, "currency": row.currency}, label=label)
    db.session.delete(row)
    return True


@dataclass
class RatesPage:
    rows: list[tuple[PerDiemRate, str]]  # the rate and its country's name
    total: int
    page: int
    pages: int

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def rates_page(country_code: str | None, page: int) -> RatesPage:
    """A page of rates, by country, area and latest first (two queries)."""
    condition = PerDiemRate.country_code == country_code if country_code else true()
    total = db.session.scalar(select(func.count(PerDiemRate.id)).where(condition)) or 0
    pages = max(1, -(-total // RATES_PER_PAGE))
    page = min(max(page, 1), pages)
    rows = db.session.execute(
        select(PerDiemRate, Country.name)
        .join(Country, Country.code == PerDiemRate.country_code)
        .where(condition)
        .order_by(Country.name, PerDiemRate.area, PerDiemRate.effective_on.desc(), PerDiemRate.id)
        .limit(RATES_PER_PAGE)
        .offset((page - 1) * RATES_PER_PAGE)
    ).all()
    shown = [(rate, country_name(rate.country_code, name)) for rate, name in rows]
    return RatesPage(shown, total, page, pages)


@dataclass
class Imported:
    added: int = 0
    changed: int = 0
    unchanged: int = 0


def import_rates(data: bytes, filename: str, *, actor) -> Imported:
    """Read a CSV of rates (``rates_csv.read_rates``) and write them all, or nothing: a rate of
    the same country, area and day is replaced. Raises InvalidInput("file", ...) naming the
    lines refused."""
    lines = read_rates(data)
    codes = {line.country_code for line in lines}
    existing = {
        (r.country_code, area_key(r.area), r.effective_on): r
        for r in db.session.scalars(select(PerDiemRate).where(PerDiemRate.country_code.in_(codes)))
    }
    result = Imported()
    for line in lines:
        row = existing.get((line.country_code, area_key(line.area), line.effective_on))
        if row is None:
            db.session.add(
                PerDiemRate(
                    country_code=line.country_code,
                    area=line.area,
                    rate=line.rate,
                    currency="USD",
                    effective_on=line.effective_on,
                )
            )
            result.added += 1
        elif money(Decimal(row.rate)) != line.rate or row.currency != "USD":
            row.rate, row.currency = line.rate, "USD"
            result.changed += 1
        else:
            result.unchanged += 1
    data = {"count": len(lines), "added": result.added, "changed": result.changed}
    log_action(None, RATES_IMPORTED, actor, data, label=filename or "CSV")
    return result


# ---------------------------------------------------------------- entitlements


@dataclass
class Entitlement:
    """A participant's per diem: how it is computed, line by line."""

    registration_id: int
    event_id: int
    name: str
    organisation_id: int | None
    organisation: str
    country_code: str
    country: str
    self_funded: bool
    nights: int
    nights_from: str  # "travel_file", "registration", "event"
    first_night: date
    rate: Decimal | None = None
    currency: str | None = None
    rate_area: str | None = None  # "" for elsewhere in the country
    rate_from: date | None = None
    gross: Decimal = ZERO
    lodging: Decimal = ZERO  # deducted: the hosts provide it
    meals: Decimal = ZERO
    terminal: Decimal = ZERO
    payer: str = ""

    @property
    def amount(self) -> Decimal | None:
        """None when no rate applies."""
        if self.rate is None:
            return None
        return self.gross - self.lodging - self.meals + self.terminal

    @property
    def nights_from_label(self) -> str:
        return str(NIGHTS_FROM[self.nights_from])


NIGHTS_FROM = {
    "travel_file": _l("hotel nights of the travel file"),
    "registration": _l("arrival and departure"),
    "event": _l("the event's dates"),
}


@dataclass
class EventPerDiem:
    """An event's participants' per diem; ``lines``: those with an amount (what budgets read)."""

    event: Event
    settings: Settings
    participants: list[Entitlement] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    venue: str = ""

    @property
    def applies(self) -> bool:
        """Whether the programme computes per diem (it saved its settings)."""
        return self.settings.saved

    @property
    def lines(self) -> list[Entitlement]:
        return [p for p in self.participants if p.rate is not None]

    @property
    def totals(self) -> dict[str, Decimal]:
        """Per currency, the amounts added."""
        sums: dict[str, Decimal] = {}
        for line in self.lines:
            sums[line.currency] = sums.get(line.currency, ZERO) + line.amount
        return dict(sorted(sums.items()))

    def note(self, message: str) -> None:
        if message not in self.missing:
            self.missing.append(message)


def entitlements(
    events: list[Event], registration_ids: list[int] | None = None
) -> dict[int, EventPerDiem]:
    """Each event's participants' per diem (only ``registration_ids`` when given), in four
    queries whatever the number of events and participants."""
    events = [e for e in events if e.id is not None]
    if not events:
        return {}
    venues = _venues({e.venue_id for e in events if e.venue_id})
    settings = _settings({e.programme_id for e in events if e.programme_id})
    book = RateBook.of_countries({v.country_code for v in venues.values()})
    answers = {e.id: EventPerDiem(e, settings.get(e.programme_id) or Settings()) for e in events}
    for row in _participants([e.id for e in events], registration_ids):
        answer = answers[row.event_id]
        venue = venues.get(answer.event.venue_id)
        line = _entitlement(row, answer.event)
        _price(line, answer, venue, book)
        answer.participants.append(line)
    for answer in answers.values():
        venue = venues.get(answer.event.venue_id)
        answer.venue = venue.label if venue else ""
    return answers


def _venues(ids: set[int]) -> dict[int, Venue]:
    if not ids:
        return {}
    return {v.id: v for v in db.session.scalars(select(Venue).where(Venue.id.in_(ids)))}


def _settings(programme_ids: set[int]) -> dict[int, Settings]:
    if not programme_ids:
        return {}
    rows = db.session.scalars(
        select(PerDiemSettings).where(PerDiemSettings.programme_id.in_(programme_ids))
    )
    return {row.programme_id: Settings.of(row) for row in rows}


def _participants(event_ids: list[int], registration_ids: list[int] | None):
    r = Registration
    stmt = (
        select(
            r.id,
            r.event_id,
            r.name,
            r.organisation_id,
            Organisation.name.label("organisation_name"),
            Organisation.acronym,
            r.country_code,
            Country.name.label("country_name"),
            r.funding,
            r.arrival_on,
            r.departure_on,
            TravelFile.check_in_on,
            TravelFile.check_out_on,
        )
        .join(Country, Country.code == r.country_code)
        .outerjoin(Organisation, Organisation.id == r.organisation_id)
        .outerjoin(TravelFile, TravelFile.registration_id == r.id)
        .where(
            r.event_id.in_(event_ids),
            r.status.in_(ENTITLED_STATUSES),
            r.role.in_(ENTITLED_ROLES),
        )
        .order_by(r.event_id, r.name, r.id)
    )
    if registration_ids is not None:
        stmt = stmt.where(r.id.in_(registration_ids))
    return db.session.execute(stmt)


def _entitlement(row, event: Event) -> Entitlement:
    """A participant's nights: the travel file's hotel nights, else arrival and departure, else
    the event's window."""
    if row.check_in_on and row.check_out_on:
        nights, first, source = (
            (row.check_out_on - row.check_in_on).days,
            row.check_in_on,
            "travel_file",
        )
    elif row.arrival_on and row.departure_on:
        nights, first, source = (
            (row.departure_on - row.arrival_on).days,
            row.arrival_on,
            "registration",
        )
    else:
        nights, first, source = window_days(event), event.starts_on, "event"
    organisation = ""
    if row.organisation_name:
        organisation = (
            f"{row.organisation_name} ({row.acronym})" if row.acronym else row.organisation_name
        )
    return Entitlement(
        registration_id=row.id,
        event_id=row.event_id,
        name=row.name,
        organisation_id=row.organisation_id,
        organisation=organisation,
        country_code=row.country_code,
        country=country_name(row.country_code, row.country_name),
        self_funded=row.funding == Funding.SELF_FUNDED,
        nights=max(nights, 0),
        nights_from=source,
        first_night=first,
    )


def _price(line: Entitlement, answer: EventPerDiem, venue: Venue | None, book: RateBook) -> None:
    """The rate of the venue on the first night, and the amounts that follow from it."""
    if venue is None:
        answer.note(
            _(
                "%(event)s has no venue: per diem needs its country and city.",
                event=answer.event.title,
            )
        )
        return
    rate = book.find(venue.country_code, venue.city, line.first_night)
    if rate is None:
        country = country_name(venue.country_code, venue.country.name)
        place = ", ".join(p for p in (venue.city, country) if p)
        answer.note(
            _(
                "No per diem rate for %(place)s on %(day)s: enter or import one.",
                place=place,
                day=format_day(line.first_night),
            )
        )
        return
    settings = answer.settings
    line.rate = money(Decimal(rate.rate))
    line.currency = rate.currency
    line.rate_area = rate.area
    line.rate_from = rate.effective_on
    line.gross = line.rate * line.nights
    if settings.hosts_provide_lodging:
        line.lodging = money(line.gross * settings.lodging_percent / 100)
    if settings.hosts_provide_meals:
        line.meals = money(line.gross * settings.meals_percent / 100)
    line.terminal = settings.terminal_expenses


# ---------------------------------------------------------------- payers and the payment sheet


def per_diem_of_event(event: Event) -> EventPerDiem:
    """One event's per diem, with who pays each participant's (``Entitlement.payer``); the
    reason when the cost rules name nobody is in ``missing``."""
    answer = entitlements([event])[event.id]
    facts = BudgetFacts([event], with_groups=False)
    try:
        shares = payers_of(Category.PER_DIEM, event, facts)
    except Unresolved as problem:
        answer.missing.insert(0, str(problem))
        shares = None
    shared = None
    if shares is not None and shares != PayerRole.VISITING_AUTHORITY:
        shared = ", ".join(
            payer.party if len(shares) == 1 else f"{payer.party} {part * 100:.0f} %"
            for payer, part in shares
        )
    for line in answer.participants:
        if line.self_funded or shares == PayerRole.VISITING_AUTHORITY:
            line.payer = line.organisation or _(
                "Electoral authority of %(country)s", country=line.country
            )
        else:
            line.payer = shared or ""
    return answer


PAYMENT_HEADER = (
    _l("Name"),
    _l("Organisation"),
    _l("Country"),
    _l("Nights"),
    _l("Rate"),
    _l("Amount"),
    _l("Currency"),
    _l("Paid by"),
)


def payment_rows(answer: EventPerDiem) -> list[list]:
    """The payment sheet: each participant with an amount."""
    return [
        [
            line.name,
            line.organisation,
            line.country,
            line.nights,
            line.rate,
            line.amount,
            line.currency,
            line.payer,
        ]
        for line in answer.lines
    ]
