"""What the lists of events (public and staff) share: their filters, read from the query string,
and the options the filter form offers."""

from babel.dates import get_month_names
from flask_babel import get_locale

from ..core.errors import InvalidInput
from ..people.services import country_choices
from .models import LANGUAGES, EventKind, EventStatus, Region
from .services import EventFilters, parse_event_filters, programme_choices


def filters_or_message(args) -> tuple[EventFilters, str | None]:
    """The filters of a query string, or none and the message saying which one is wrong."""
    try:
        return parse_event_filters(args), None
    except InvalidInput as error:
        return EventFilters(), error.message


def filter_options() -> dict:
    months = get_month_names("wide", locale=get_locale())
    return {
        "kinds": EventKind.choices(),
        "statuses": EventStatus.choices(),
        "month_options": [(m, months[m]) for m in range(1, 13)],
        "region_options": Region.choices(),
        "languages": list(LANGUAGES.items()),
        "programme_options": [(p.id, p.short_name) for p in programme_choices()],
        "countries": country_choices(),
    }
