"""A date window (the days a phrase can mean), its precision, and its errors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

PRECISIONS = ("day", "week", "part_of_month", "month", "season", "year")  # finest to coarsest

# Parts of a month and the days they cover (None: the last day of the month).
PART_DAYS = {"early": (1, 10), "mid": (11, 20), "late": (21, None)}

# The years the product's calendars cover: the reader, the forms, the API and the database refuse
# dates outside them (a feed cannot end the day after 31 December 9999).
FIRST_YEAR, LAST_YEAR = 1900, 2200


def within_calendar_years(column: str) -> str:
    """SQL for a check constraint: the date or time `column` lies in FIRST_YEAR–LAST_YEAR."""
    return f"{column} >= '{FIRST_YEAR}-01-01' AND {column} < '{LAST_YEAR + 1}-01-01'"


@dataclass(frozen=True)
class DateWindow:
    """The days an approximate date can mean (both ends included)."""

    starts_on: date
    ends_on: date  # inclusive
    precision: str  # one of PRECISIONS
    tentative: bool

    def __post_init__(self) -> None:
        if self.precision not in PRECISIONS:
            raise ValueError(_("Unknown precision %(precision)r.") % {"precision": self.precision})
        if self.ends_on < self.starts_on:
            raise ValueError(
                _("The window ends (%(end)s) before it starts (%(start)s).")
                % {"end": self.ends_on, "start": self.starts_on}
            )


class DatePhraseError(ValueError):
    """Raised with a message naming the part of the phrase that was not understood."""


class MissingYearError(DatePhraseError):
    """The phrase has no year and no context year was given: a form can ask for the year."""
