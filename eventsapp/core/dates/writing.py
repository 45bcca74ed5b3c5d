"""A window written back the way people write it, in the visitor's language.

Month names and the order of day, month and year come from Babel (CLDR): "18–19 January 2011",
"18–19 janvier 2011", "18–19 de enero de 2011". The words Babel does not know ("early", "third
week of", "autumn", "(tbc)") go through gettext, so the translators' catalogues carry them.
The locale is the current one (Flask-Babel's), English always as ``BABEL_DEFAULT_LOCALE`` writes
it (British English: day first, as the work programmes write it), whatever the visitor's
territory (core/i18n.py).
"""

from __future__ import annotations

import calendar
from datetime import date

from babel import Locale
from babel.dates import format_skeleton, get_month_names
from flask_babel import get_locale, pgettext

from ..i18n import locale_of
from .window import PART_DAYS, DateWindow


def _locale() -> Locale:
    """The current locale, English as ``BABEL_DEFAULT_LOCALE`` (``locale_of``: day first in
    en_GB, as the days of a range are written here); outside an application (the reader used
    alone), British English."""
    locale = get_locale()
    if locale is None:
        return Locale("en", "GB")
    wanted = locale_of(locale.language)
    return locale if str(locale) == wanted else Locale.parse(wanted)


def _day(day: date, locale: Locale, with_year: bool = True) -> str:
    return format_skeleton("yMMMMd" if with_year else "MMMMd", day, locale=locale)


def _month(day: date, locale: Locale, with_year: bool = True) -> str:
    if with_year:
        return format_skeleton("yMMMM", day, locale=locale)
    return get_month_names("wide", "stand-alone", locale=locale)[day.month]


def _last_day(day: date) -> int:
    return calendar.monthrange(day.year, day.month)[1]


def format_window(starts_on: date, ends_on: date) -> str:
    """The window's days as people write them, in the visitor's language.

    "18 January 2011", "18–19 January 2011", "28 November – 9 December 2011",
    "30 December 2011 – 2 January 2012", "March 2011", "May – June 2012", "2017",
    "2017 – 2018"; in Spanish "18–19 de enero de 2011", "mayo – junio de 2012".
    """
    if ends_on < starts_on:
        raise ValueError(
            f"The end ({ends_on.isoformat()}) is before the start ({starts_on.isoformat()})."
        )
    first, last, locale = starts_on, ends_on, _locale()
    whole_months = first.day == 1 and last.day == _last_day(last)
    if whole_months and first.month == 1 and last.month == 12:
        if first.year == last.year:
            return str(first.year)
        return f"{first.year} – {last.year}"
    if whole_months:
        if (first.year, first.month) == (last.year, last.month):
            return _month(last, locale)
        return f"{_month(first, locale, first.year != last.year)} – {_month(last, locale)}"
    if first == last:
        return _day(last, locale)
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{_day(last, locale)}"
    return f"{_day(first, locale, first.year != last.year)} – {_day(last, locale)}"


def describe_window(window: DateWindow) -> str:
    """The window as a phrase of its precision, in the visitor's language: "early March 2027
    (tbc)", "début mars 2027 (à confirmer)", "late October – early November 2012", "third week of
    September 2012", "autumn 2016"; its days (:func:`format_window`) otherwise, and when the
    phrase would say less than the days do."""
    first, last, locale = window.starts_on, window.ends_on, _locale()
    start = _unit(first, window.precision, locale, at_end=False)
    end = _unit(last, window.precision, locale, at_end=True)
    if start is None or end is None:
        text = format_window(first, last)
    elif start == end:
        text = end
    else:
        short = _unit(first, window.precision, locale, False, with_year=first.year != last.year)
        text = f"{short} – {end}"
    if window.tentative:
        return pgettext("dates", "%(dates)s (tbc)") % {"dates": text}
    return text


def _unit(day: date, precision: str, locale: Locale, at_end: bool, with_year=True) -> str | None:
    """In words, the part of a month, week or season that starts (`at_end`: ends) on `day`; None
    when none does."""
    last_day = _last_day(day)
    if precision == "season":
        starts_in = (day.month - 3) % 12 + 1 if at_end else day.month
        if day.day != (last_day if at_end else 1) or starts_in not in (3, 6, 9, 12):
            return None
        return pgettext("a season and its year", "%(season)s %(year)s") % {
            "season": _season_names()[starts_in],
            "year": day.year - 1 if at_end and starts_in == 12 else day.year,
        }
    if precision == "part_of_month":
        part = next(
            (
                part
                for part, (first, last) in PART_DAYS.items()
                if day.day == ((last or last_day) if at_end else first)
            ),
            None,
        )
        words = _part_words().get(part)
    elif precision == "week":
        week_starts = day.day - 6 if at_end else day.day
        number = (week_starts + 6) // 7 if week_starts in (1, 8, 15, 22) else None
        if number is None and week_starts == last_day - 6:
            number = -1
        words = _week_words().get(number)
    else:
        return None
    return None if words is None else words % {"month": _month(day, locale, with_year)}


def _season_names() -> dict[int, str]:
    """The seasons by the month they start in (northern meteorological)."""
    return {
        3: pgettext("season", "spring"),
        6: pgettext("season", "summer"),
        9: pgettext("season", "autumn"),
        12: pgettext("season", "winter"),
    }


def _part_words() -> dict[str, str]:
    return {
        "early": pgettext("part of a month", "early %(month)s"),
        "mid": pgettext("part of a month", "mid-%(month)s"),
        "late": pgettext("part of a month", "late %(month)s"),
    }


def _week_words() -> dict[int, str]:
    return {
        1: pgettext("week of a month", "first week of %(month)s"),
        2: pgettext("week of a month", "second week of %(month)s"),
        3: pgettext("week of a month", "third week of %(month)s"),
        4: pgettext("week of a month", "fourth week of %(month)s"),
        -1: pgettext("week of a month", "last week of %(month)s"),
    }


def example(tentative: bool = False) -> str:
    """The example the reader's messages give, in the visitor's language: "March 2012 (tbc)"."""
    window = DateWindow(date(2012, 3, 1), date(2012, 3, 31), "month", tentative)
    return describe_window(window)
