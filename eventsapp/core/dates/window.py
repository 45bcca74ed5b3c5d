"""A date window (the days a phrase can mean), its errors, and how people write it."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from gettext import gettext as _

from .words import MONTH_NAMES

PRECISIONS = ("day", "week", "part_of_month", "month", "season", "year")  # finest to coarsest

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


def format_window(starts_on: date, ends_on: date) -> str:
    """The window as people write it, in English.

    "18 January 2011", "18–19 January 2011", "28 November – 9 December 2011",
    "30 December 2011 – 2 January 2012", "March 2011", "May – June 2012", "2017",
    "2017 – 2018".
    """
    if ends_on < starts_on:
        raise ValueError(
            _("The end (%(end)s) is before the start (%(start)s).")
            % {"end": ends_on.isoformat(), "start": starts_on.isoformat()}
        )
    first, last = starts_on, ends_on
    whole_months = first.day == 1 and last.day == calendar.monthrange(last.year, last.month)[1]
    if whole_months and first.month == 1 and last.month == 12:
        if first.year == last.year:
            return str(first.year)
        return f"{first.year} – {last.year}"
    if whole_months:
        first_month, last_month = MONTH_NAMES[first.month - 1], MONTH_NAMES[last.month - 1]
        if (first.year, first.month) == (last.year, last.month):
            return f"{last_month} {last.year}"
        if first.year == last.year:
            return f"{first_month} – {last_month} {last.year}"
        return f"{first_month} {first.year} – {last_month} {last.year}"
    last_text = f"{last.day} {MONTH_NAMES[last.month - 1]} {last.year}"
    if first == last:
        return last_text
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{last_text}"
    first_text = f"{first.day} {MONTH_NAMES[first.month - 1]}"
    if first.year == last.year:
        return f"{first_text} – {last_text}"
    return f"{first_text} {first.year} – {last_text}"
