"""Reading per diem rates from a CSV in the shape the UN ICSC publishes them: a country (its name,
as the UN or ISO writes it, or its ISO code), an area (a city; empty, "Elsewhere" or "Other": the
rest of the country), the rate in US dollars, and the day it takes effect.

A header row is optional: with one, the columns are found by their names ("Country", "Area" or
"Location", "First 60 days US$", "DSA" or "Rate", "Effective date"; other columns are ignored);
without one, the first four columns are read in that order. Commas, semicolons or tabs separate
the cells. Days are read as ISO (2024-01-31), "31-Jan-2024" or "31 January 2024", or day first
with slashes when that cannot be read two ways ("31/01/2024"; "05/03/2024" is refused).

Nothing is guessed and nothing is written unless every line is read: a line that cannot be read
is refused with its number and why. A file over 2 MB or 20,000 lines, or holding NUL bytes, is
refused before it is read.
"""

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

import pycountry
from flask_babel import gettext as _
from sqlalchemy import select

from ..core.dates import FIRST_YEAR, LAST_YEAR
from ..core.errors import InvalidInput
from ..core.validation import is_one_line
from ..extensions import db
from ..people.models import Country

MAX_BYTES = 2 * 1024 * 1024
MAX_LINES = 20_000
MAX_CELL = 200
MAX_COLUMNS = 50
MAX_SHOWN = 10  # lines refused named in the message
MAX_RATE = Decimal("1000000")  # a day's allowance of a million is a typing slip
MAX_AREA = 100
ELSEWHERE = {"", "elsewhere", "other", "others", "other areas", "all areas", "all", "*"}
_MONTHS = "%d-%b-%Y", "%d-%b-%y", "%d %b %Y", "%d %B %Y", "%d-%B-%Y", "%B %d, %Y", "%b %d, %Y"
_SLASHED = re.compile(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})")
_THOUSANDS = re.compile(r"\d{1,3}(,\d{3})+(\.\d+)?")
_DECIMAL_COMMA = re.compile(r"\d+,\d{1,2}")
_NUMBER = re.compile(r"\d+(\.\d+)?")


@dataclass(frozen=True)
class RateLine:
    number: int  # the line of the file
    country_code: str
    area: str
    rate: Decimal
    effective_on: date


def area_key(text: str | None) -> str:
    """An area as compared: without case, accents or extra spaces ("Ciudad de México" is
    "ciudad de mexico")."""
    return _plain(text)


def _plain(text: str | None) -> str:
    decomposed = unicodedata.normalize("NFKD", (text or "").strip().casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def read_rates(data: bytes) -> list[RateLine]:
    """Every line of the file as a rate. Raises InvalidInput("file", ...) naming what is wrong."""
    rows = _rows(_text(data))
    header, rows = _header(rows)
    columns = _columns(header)
    countries = CountryNames()
    lines, problems, seen = [], [], {}
    for number, row in rows:
        try:
            line = _line(number, row, columns, countries)
        except ValueError as problem:
            problems.append(_("Line %(number)d: %(problem)s", number=number, problem=problem))
            continue
        key = (line.country_code, area_key(line.area), line.effective_on)
        if key in seen:
            problems.append(
                _(
                    "Line %(number)d: the same country, area and day as line %(first)d.",
                    number=number,
                    first=seen[key],
                )
            )
            continue
        seen[key] = number
        lines.append(line)
    if problems:
        shown = problems[:MAX_SHOWN]
        if len(problems) > MAX_SHOWN:
            more = len(problems) - MAX_SHOWN
            shown.append(_("And %(count)d more lines.", count=more))
        raise InvalidInput("file", _("Nothing was imported.") + " " + " ".join(shown))
    if not lines:
        raise InvalidInput("file", _("The file holds no rates."))
    return lines


def _text(data: bytes) -> str:
    if not data:
        raise InvalidInput("file", _("Choose a CSV file of rates."))
    if len(data) > MAX_BYTES:
        raise InvalidInput("file", _("The file is larger than 2 MB: split it."))
    if b"\x00" in data:
        raise InvalidInput("file", _("This is not a CSV text file (it holds NUL bytes)."))
    for encoding in ("utf-8-sig", "cp1252"):  # what spreadsheets save
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InvalidInput("file", _("Save the file as CSV in UTF-8 and send it again."))


def _rows(text: str) -> list[tuple[int, list[str]]]:
    """The file's rows with their line numbers (empty rows left out)."""
    lines = text.splitlines()
    if len(lines) > MAX_LINES:
        raise InvalidInput(
            "file", _("The file has more than %(count)d lines: split it.", count=MAX_LINES)
        )
    first = next((line for line in lines if line.strip()), "")
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    try:
        for row in reader:
            if len(row) > MAX_COLUMNS:
                raise InvalidInput(
                    "file",
                    _(
                        "Line %(number)d has more than %(count)d columns.",
                        number=reader.line_num,
                        count=MAX_COLUMNS,
                    ),
                )
            if any(cell.strip() for cell in row):
                rows.append((reader.line_num, [cell.strip() for cell in row]))
    except csv.Error:
        raise InvalidInput(
            "file", _("Line %(number)d is not CSV.", number=reader.line_num)
        ) from None
    return rows


def _header(rows):
    """The header row (None when the file has none) and the rows of rates."""
    if rows and any("country" in _plain(cell) or _plain(cell) == "pays" for cell in rows[0][1]):
        return rows[0][1], rows[1:]
    return None, rows


def _columns(header: list[str] | None) -> dict[str, int | None]:
    """Where each of country, area, rate and day is (area may be missing)."""
    if header is None:
        return {"country": 0, "area": 1, "rate": 2, "day": 3}
    names = [_plain(cell) for cell in header]

    def first(*tests) -> int | None:
        """The first column whose name passes the first test any column passes."""
        for test in tests:
            for index, name in enumerate(names):
                if test(name):
                    return index
        return None

    def amount(name: str) -> bool:  # not "Room as % of DSA", not "After 60 days"
        return "%" not in name and "room" not in name and "after" not in name

    found = {
        "country": first(lambda n: "country" in n or n == "pays"),
        "area": first(lambda n: any(w in n for w in ("area", "location", "city", "place"))),
        "rate": first(
            lambda n: "first 60" in n,
            lambda n: "rate" in n and amount(n),
            lambda n: any(w in n for w in ("us$", "usd", "dsa", "amount")) and amount(n),
        ),
        "day": first(lambda n: "effective" in n, lambda n: "date" in n),
    }
    labels = {"country": _("country"), "rate": _("rate"), "day": _("effective date")}
    for name, label in labels.items():
        if found[name] is None:
            raise InvalidInput(
                "file", _("The first line names no column for the %(column)s.", column=label)
            )
    return found


def _line(number: int, row: list[str], columns: dict, countries: "CountryNames") -> RateLine:
    def cell(name: str) -> str:
        index = columns[name]
        value = row[index] if index is not None and index < len(row) else ""
        if len(value) > MAX_CELL or not is_one_line(value):
            raise ValueError(_("a cell is too long or spans lines."))
        return value

    code = countries.code_of(cell("country"))
    area = cell("area")
    area = "" if _plain(area) in ELSEWHERE else area
    if len(area) > MAX_AREA:
        raise ValueError(_("the area is longer than %(count)d characters.", count=MAX_AREA))
    return RateLine(number, code, area, _rate(cell("rate")), _day(cell("day")))


def _shown(text: str) -> str:
    return text if len(text) <= 40 else text[:39] + "…"


def _rate(text: str) -> Decimal:
    """A rate as written ("250", "1,250.00", "US$ 250", "250,50"): above zero, in cents."""
    cleaned = re.sub(r"(?i)us\$|usd|\$", "", text).replace(" ", "").replace("\u00a0", "")
    if _THOUSANDS.fullmatch(cleaned):
        cleaned = cleaned.replace(",", "")
    elif _DECIMAL_COMMA.fullmatch(cleaned):
        cleaned = cleaned.replace(",", ".")
    if not _NUMBER.fullmatch(cleaned):
        raise ValueError(_("“%(rate)s” is not a rate in dollars.", rate=_shown(text)))
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(_("“%(rate)s” is not a rate in dollars.", rate=_shown(text))) from None
    if value <= 0 or value >= MAX_RATE:
        raise ValueError(_("the rate must be above zero and below a million."))
    if value != value.quantize(Decimal("0.01")):
        raise ValueError(_("the rate has more than two decimals."))
    return value.quantize(Decimal("0.01"))


def _day(text: str) -> date:
    """A day as the ICSC and spreadsheets write it; nothing read two ways is guessed."""
    day = None
    try:
        day = date.fromisoformat(text) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else None
    except ValueError:
        day = None
    for pattern in _MONTHS:
        if day is not None:
            break
        try:
            day = datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    if day is None and (slashed := _SLASHED.fullmatch(text)):
        first, second, year = (int(part) for part in slashed.groups())
        if first <= 12 and second <= 12 and first != second:
            raise ValueError(
                _(
                    "“%(day)s” can be read two ways: write 2024-01-31 or 31-Jan-2024.",
                    day=_shown(text),
                )
            )
        day_of_month, month = (second, first) if second > 12 else (first, second)
        try:
            day = date(year, month, day_of_month)
        except ValueError:
            day = None
    if day is None:
        raise ValueError(
            _("“%(day)s” is not a day (write 2024-01-31 or 31-Jan-2024).", day=_shown(text))
        )
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValueError(_("the day must be from %(a)d to %(b)d.", a=FIRST_YEAR, b=LAST_YEAR))
    return day


class CountryNames:
    """Countries by ISO code (two or three letters) or by name as the UN or ISO writes it
    ("Bolivia (Plurinational State of)", "United Republic of Tanzania", "MEXICO")."""

    def __init__(self):
        keys: dict[str, set[str]] = {}

        def add(name: str | None, code: str) -> None:
            if not name:
                return
            for key in _keys(name):
                keys.setdefault(key, set()).add(code)

        rows = db.session.execute(select(Country.code, Country.alpha3, Country.name)).all()
        for code, alpha3, name in rows:
            add(code, code)
            add(alpha3, code)
            add(name, code)
            known = pycountry.countries.get(alpha_2=code)
            for attribute in ("name", "official_name", "common_name"):
                add(getattr(known, attribute, None), code)
        # A key that names two countries names none.
        self.codes = {key: next(iter(codes)) for key, codes in keys.items() if len(codes) == 1}

    def code_of(self, text: str) -> str:
        if not text:
            raise ValueError(_("the country is missing."))
        for key in _keys(text):
            if key in self.codes:
                return self.codes[key]
        raise ValueError(_("“%(country)s” is not a country.", country=_shown(text)))


def _keys(name: str) -> list[str]:
    """The ways a name is compared: as written (without case, accents and punctuation), before
    a parenthesis ("Bolivia (Plurinational State of)"), and as a set of words ("Tanzania, United
    Republic of" and "United Republic of Tanzania")."""
    plain = _plain(name)
    words = re.findall(r"[a-z0-9]+", plain.replace("'", ""))
    keys = [" ".join(words)]
    before = re.findall(r"[a-z0-9]+", plain.split("(")[0].replace("'", ""))
    if before and before != words:
        keys.append(" ".join(before))
    keys.append("{" + " ".join(sorted(set(words))) + "}")
    return keys
