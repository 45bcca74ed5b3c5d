"""Small checks of raw input shared by every capability: numbers, time zones, one-line text."""

import re
from functools import cache
from zoneinfo import available_timezones

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .errors import InvalidInput

# The largest id a URL or parameter may name: beyond it SQLite overflows and PostgreSQL refuses.
MAX_ID = 2**31 - 1
_NUMBER = re.compile(r"[0-9]{1,10}")


def parse_number(raw: str | None) -> int | None:
    """A plain number written with ASCII digits ("²" or "١٢" are not), or None."""
    raw = (raw or "").strip()
    return int(raw) if _NUMBER.fullmatch(raw) else None


def whole_numbers(values: list[str]) -> list[int]:
    """The ids among request values; anything else (words, "²", numbers larger than the database
    holds) is left out."""
    numbers = (parse_number(value) for value in values)
    return [n for n in numbers if n is not None and n <= MAX_ID]


@cache
def time_zone_names() -> frozenset[str]:
    """The IANA names a time zone field accepts ("America" alone is a folder, not a zone)."""
    return frozenset(available_timezones())


# What no one-line text holds: control characters (C0, DEL, C1), Unicode's line and paragraph
# separators, and its direction overrides, embeddings and isolates. Names and titles end up in
# emails, their subjects and calendar files, where a line break would let whoever typed it write
# lines of their own; an override shows what follows backwards ("report\u202efdp.exe" reads
# "reportexe.pdf"). Names in Arabic or Hebrew need none of them: Unicode orders their letters by
# itself (the marks U+200E and U+200F, which a name may need, stay allowed).
CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
# What no text holds at all, on one line or several: the control characters but tabs and line
# breaks (PostgreSQL refuses NUL; the others end up in emails, calendars and spreadsheets).
CONTROL_IN_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
ONE_LINE_MESSAGE = _l(
    "Write this on one line, without line breaks, tabs or invisible control characters."
)


def is_one_line(text: str) -> bool:
    """Whether a text is fit for a one-line field (every form's, and every parameter of the
    API's: see ``core.forms.Form`` and ``core.guards``)."""
    return CONTROL_CHARACTERS.search(text) is None


def one_line_sql(column: str) -> str:
    """A CHECK constraint's condition: the column holds no line break (its text goes into
    emails). The characters are written in the literals themselves: the same SQL on SQLite and
    PostgreSQL, which name no function alike for them."""
    return f"{column} NOT LIKE '%\n%' AND {column} NOT LIKE '%\r%'"


def number_argument(args, name: str, low: int, high: int, label: str) -> int | None:
    """The query parameter ``name`` as a whole number from ``low`` to ``high``; None when
    absent; InvalidInput naming it (as ``label``) otherwise."""
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    number = parse_number(raw)
    if number is None or not low <= number <= high:
        raise InvalidInput(
            name,
            _(
                "%(label)s must be a number from %(low)s to %(high)s.",
                label=label,
                low=low,
                high=high,
            ),
        )
    return number
