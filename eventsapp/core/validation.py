"""Small checks of raw input shared by every capability: numbers, time zones, one-line text."""

import re
from functools import cache
from zoneinfo import available_timezones

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

from .errors import InvalidInput

# The largest id a URL or parameter may name: beyond it SQLite overflows and PostgreSQL refuses.
MAX_ID = 2**31 - 1
_NUMBER = re.compile(r"[0-9]{1,10}")


def parse_number(raw: str | None) -> int | None:
    """A plain number written with ASCII digits ("²" or "١٢" are not), or None."""
    raw = (raw or "").strip()
    return int(raw) if _NUMBER.fullmatch(raw) else None


@cache
def time_zone_names() -> frozenset[str]:
    """The IANA names a time zone field accepts ("America" alone is a folder, not a zone)."""
    return frozenset(available_timezones())


# Control characters: in no one-line text (titles end up in email subjects and calendar files).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def single_line(form, field) -> None:
    """WTForms validator: no line breaks or other control characters (titles end up in email
    subjects and calendar files)."""
    if field.data and CONTROL_CHARACTERS.search(field.data):
        raise ValidationError(_l("Write this on one line, without line breaks or tabs."))


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
