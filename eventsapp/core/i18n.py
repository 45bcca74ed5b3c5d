"""The visitor's language, and dates, numbers, money, country and language names written in it.

The language is, in this order: the one chosen with the switcher (a cookie; signing in saves it
to the account, or sets it from the account's choice when there is none), else the first of the
browser's ``Accept-Language`` languages that ``LANGUAGES`` has, else English. English is written
as ``BABEL_DEFAULT_LOCALE`` (British English: "5 October 2027"); Spanish and French as ``es`` and
``fr`` ("5 de octubre de 2027", "5 octobre 2027"). Nothing here reads the database, so that the
page telling that the database is unreachable can still be written in the visitor's language.

The catalogues are ``eventsapp/translations/<language>/LC_MESSAGES/messages.po``; ``make install``
compiles them (and so ``make run``, ``make serve`` and ``make test``). The application only reads
the ``.mo`` files: as it starts it logs a warning naming ``make install`` for each one missing or
older than its ``.po`` (``stale_catalogues``), and that language is then in English or out of date.
"""

import logging
import threading
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TypeVar

import icu
from babel import Locale
from babel.dates import format_skeleton, get_timezone_location
from flask import current_app
from flask_babel import format_currency, format_date, format_decimal, get_locale, get_timezone
from flask_babel import gettext as _

# The switcher's choice: a language code of LANGUAGES, for a year.
LANGUAGE_COOKIE = "language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600

logger = logging.getLogger(__name__)
T = TypeVar("T")


def language_of(value: str | None) -> str | None:
    """The code of LANGUAGES that ``value`` names ("es", "es_MX", "fr-CA"), else None."""
    if not value:
        return None
    code = value.replace("-", "_").partition("_")[0].lower()
    return code if code in current_app.config["LANGUAGES"] else None


def locale_of(language: str) -> str:
    """The locale that writes ``language``: the site's default locale when it is of that
    language (``en_GB`` for ``en``), else the language itself."""
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    return default if language_of(default) == language else language


def visitor_locale(chosen: str | None, accepted: Iterable[str]) -> str:
    """The visitor's locale: their choice (the switcher's cookie), else the first of their
    browser's languages, preferred first, that the site speaks ("fr-CA, en;q=0.8" is French),
    else the site's first language."""
    if language := language_of(chosen):
        return locale_of(language)
    for value in accepted:
        if language := language_of(value):
            return locale_of(language)
    return locale_of(current_app.config["LANGUAGES"][0])


def remember_language(response, language: str) -> None:
    """Sets the switcher's cookie: a year, same-site, as secure as the session's."""
    config = current_app.config
    response.set_cookie(
        LANGUAGE_COOKIE,
        language,
        max_age=LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=config["SESSION_COOKIE_SECURE"],
        httponly=True,
    )


def vary_by_language(response):
    """Pages differ by the browser's languages and the switcher's cookie: caches must know."""
    response.vary.update(("Accept-Language", "Cookie"))
    return response


# ---------------------------------------------------------------- formatting, in the current locale


def format_day(value: date | None) -> str:
    """ "5 October 2027", "5 de octubre de 2027", "5 octobre 2027"."""
    return format_date(value, "long") if value else "—"


def format_moment(value: datetime | None) -> str:
    """ "22 Nov 2026, 18:37", "22 nov 2026, 18:37" (in BABEL_DEFAULT_TIMEZONE, UTC)."""
    if not value:
        return "—"
    locale, zone = get_locale(), get_timezone()
    day = format_skeleton("yMMMd", value, tzinfo=zone, locale=locale)
    time = format_skeleton("Hm", value, tzinfo=zone, locale=locale)
    return locale.datetime_formats["medium"].replace("'", "").format(time, day)


def format_money(value: Decimal | float | None, currency: str | None = None) -> str:
    """An amount with its currency ("US$12,345.50", "12.345,50 US$"), or without one a number
    with two decimals ("12 345,50" in French)."""
    if value is None:
        return "—"
    if currency:
        return format_currency(value, currency)
    return format_decimal(value, "#,##0.00")


def decimals_of(value: float | Decimal) -> int:
    """How many decimals a figure was rounded to, at most 3: 3.6 has 1, 4.25 has 2."""
    written = str(value)
    return 3 if "e" in written.lower() else min(3, len(written.partition(".")[2]))


def format_figure(value, decimals: int | None = None):
    """A table's value as the visitor's language writes it: a number with ``decimals`` decimals
    (else as many as it was rounded to: "55,0", "4,18" in Spanish), a date ("18 abr 2016");
    whole numbers (a year, a count) and anything else as they are."""
    if isinstance(value, float | Decimal):
        if decimals is None:
            decimals = decimals_of(value)
        return format_decimal(value, "#,##0." + "0" * decimals if decimals else "#,##0")
    if isinstance(value, date) and not isinstance(value, datetime):
        return format_date(value, "medium")
    return value


def zone_name(zone: str | None) -> str:
    """A time zone as people name it: "hora de México (Ciudad de México)", "Mexico (Mexico
    City) Time", not "America/Mexico_City"."""
    if not zone:
        return ""
    if zone in ("UTC", "GMT") or zone.startswith("Etc/"):  # no place: "UTC", "GMT+5" as written
        return zone.removeprefix("Etc/")
    try:
        return get_timezone_location(zone, locale=get_locale())
    except LookupError:
        return zone


def language_name(code: str | None) -> str:
    """A language's name in the current language: "en" is "English", "inglés", "anglais"."""
    if not code:
        return ""
    return get_locale().languages.get(code, code)


def country_name(code: str | None, english: str | None = None) -> str:
    """A country's name in the current language (CLDR's, through Babel). In English, the shipped
    name (``english``, which people/data/countries.csv writes as people say it) when given."""
    if not code:
        return ""
    locale = get_locale()
    if english and (locale is None or locale.language == "en"):
        return english
    if locale is None:
        return english or code
    return locale.territories.get(code, english or code)


def country_names(countries: Iterable[tuple[str, str | None]]) -> list[str]:
    """The names of ``(code, English name)`` pairs in the current language, in its order
    ("Allemagne, Costa Rica, Égypte, Pérou, Tchéquie")."""
    return sorted_by_name(country_name(code, english) for code, english in countries)


def country_list(countries: Iterable) -> str:
    """Countries (anything with a ``code`` and an English ``name``) named in the current
    language and in its order, joined: "Allemagne, Égypte, Pérou"."""
    return ", ".join(country_names((country.code, country.name) for country in countries))


# The reserved domain of the addresses an erasure leaves where one must stay (``privacy``): no
# email leaves for them, and pages say the address was erased.
ERASED_DOMAIN = "erased.invalid"


def shown_address(email: str | None) -> str:
    """An email address as pages show it: an erased one says so, in the visitor's language."""
    if email and email.endswith("@" + ERASED_DOMAIN):
        return _("address erased")
    return email or ""


def folded(text: str) -> str:
    """Text as readers match it, case and accents aside: "Otoño" is "otono", "Août" "aout",
    "d’" "d'" (the date reader matches its words so)."""
    decomposed = unicodedata.normalize("NFD", text.casefold().replace("’", "'"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# One ICU collator per language and thread (a collator is built once, and is not shared).
_collators = threading.local()


def _collator(locale: str) -> icu.Collator:
    kept = _collators.__dict__.setdefault("by_locale", {})
    if locale not in kept:
        collator = icu.Collator.createInstance(icu.Locale(locale))
        collator.setStrength(icu.Collator.TERTIARY)
        # Numbers as numbers: "Session 2" before "Session 10".
        collator.setAttribute(icu.UCollAttribute.NUMERIC_COLLATION, icu.UCollAttributeValue.ON)
        kept[locale] = collator
    return kept[locale]


def sort_key(text: str | None) -> bytes:
    """The key that orders names as readers of the current language do (ICU's collation of
    CLDR): "Égypte" among the E in French, "Ñandú" after "Nutria" in Spanish, "Chad" among
    the C in both; case and accents weigh only between otherwise equal names."""
    locale = get_locale()
    code = str(locale) if locale is not None else current_app.config["BABEL_DEFAULT_LOCALE"]
    return _collator(code).getSortKey(text or "")


def sorted_by_name(items: Iterable[T], name: Callable[[T], str] = str) -> list[T]:
    """``items`` in the current language's order of their ``name``."""
    return sorted(items, key=lambda item: sort_key(name(item)))


def ranked(counts: Mapping[str, int]) -> list[tuple[str, int]]:
    """``(name, count)`` pairs, the largest count first, equal counts in the order of the names
    in the current language."""
    return sorted(counts.items(), key=lambda pair: (-pair[1], sort_key(str(pair[0]))))


def language_choices() -> list[tuple[str, str]]:
    """The switcher's choices: each language's code and its name in itself ("Español")."""
    return [
        (code, _capitalised(Locale.parse(code).languages.get(code, code)))
        for code in current_app.config["LANGUAGES"]
    ]


def _capitalised(name: str) -> str:
    return name[:1].upper() + name[1:]


# ---------------------------------------------------------------- catalogues


def stale_catalogues(directory: Path) -> list[Path]:
    """The ``.po`` files of ``directory`` whose ``.mo`` is missing or older (two stats each)."""
    stale = []
    for po in sorted(directory.glob("*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            stale.append(po)
    return stale


def register(app) -> None:
    """Template filters and globals of this module; a warning for each catalogue not compiled."""
    for directory in app.config["BABEL_TRANSLATION_DIRECTORIES"].split(";"):
        for po in stale_catalogues(Path(app.root_path, directory)):
            logger.warning(
                "%s is not compiled, or was changed since: run `make install` (its language is "
                "shown in English, or as it was, until then).",
                po,
            )
    app.after_request(vary_by_language)
    app.jinja_env.filters.update(
        day=format_day,
        moment=format_moment,
        money=format_money,
        language_name=language_name,
        figure=format_figure,
        zone_name=zone_name,
        country_name=country_name,
        country_list=country_list,
        address=shown_address,
    )
    app.jinja_env.globals.update(get_locale=get_locale, language_choices=language_choices)
