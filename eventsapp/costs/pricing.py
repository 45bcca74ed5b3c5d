"""Unit estimates of an event's year in its programme's currency (``Pricing``); amounts are
``Decimal`` rounded to the cent, never floats."""

from decimal import ROUND_HALF_UP, Decimal

from flask_babel import gettext as _

from ..catalogue.models import Event
from .facts import BudgetFacts
from .models import Category

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


class Pricing:
    """Unit estimates of an event's year in the programme's currency; what is missing, noted."""

    def __init__(self, event: Event, facts: BudgetFacts):
        self.programme = facts.programme_of(event)
        self.year = event.starts_on.year
        self.missing: list[str] = []
        self.known = facts.prices  # (programme, year, category, region) → (unit, what is missing)
        self.programme_id = event.programme_id

    def _convert(self, amount: Decimal, currency: str) -> Decimal | None:
        if currency == self.programme.currency:
            return amount
        rate = self.programme.rates.get((self.year, currency))
        if rate is None:
            self.note(
                _(
                    "No exchange rate for %(currency)s in %(year)d.",
                    currency=currency,
                    year=self.year,
                )
            )
            return None
        return amount * rate

    def note(self, message: str) -> None:
        """Say once that something the estimate needs is missing."""
        if message not in self.missing:
            self.missing.append(message)

    def unit(self, category: str, region: str | None = None) -> Decimal:
        key = (self.programme_id, self.year, category, region)
        if key not in self.known:
            noted = len(self.missing)
            self.known[key] = (self._unit(category, region), self.missing[noted:])
        value, missing = self.known[key]
        for message in missing:
            self.note(message)
        return value

    def _unit(self, category: str, region: str | None) -> Decimal:
        found = None
        if category == Category.AIR_TICKET and region:
            found = self.programme.fares.get((self.year, region))
        found = found or self.programme.estimates.get((self.year, category))
        if found is None:
            self.note(
                _(
                    "No unit estimate for %(category)s in %(year)d.",
                    category=Category(category).label,
                    year=self.year,
                )
            )
            return ZERO
        return self._convert(found.amount, found.currency) or ZERO

    def in_currency(self, amount: Decimal, currency: str) -> Decimal:
        """An amount in the programme's currency, to the cent (zero without an exchange rate,
        which is noted)."""
        return money(self._convert(amount, currency) or ZERO)

    def actual(self, amount: Decimal, currency: str) -> Decimal:
        return self.in_currency(amount, currency)
