"""The demo's events in Spanish and French: their titles, purposes and audiences as the centre's
staff write them (``data/translations/events.json``: per language, the English text and its
translation; a year in a title is written ``{year}``, so that the current programme year's copies
of the 2016 calendar are translated too). Events that have a translation already are left as
staff left them."""

import json
import re
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..catalogue.models import Event, EventTranslation
from ..extensions import db

EVENTS = Path(__file__).parent / "data" / "translations" / "events.json"
YEAR = re.compile(r"\b(?:19|20)\d\d\b")


def load() -> int:
    """Translate the demo's events into each language the file has; returns how many
    translations were added."""
    texts = json.loads(EVENTS.read_text(encoding="utf-8"))
    events = db.session.scalars(
        select(Event).where(Event.source_key.is_not(None)).options(selectinload(Event.translations))
    )
    added = 0
    for event in events:
        written = {translation.locale for translation in event.translations}
        for language, table in texts.items():
            if language in written or (fields := _translated(event, table)) is None:
                continue
            event.translations.append(EventTranslation(locale=language, **fields))
            added += 1
    db.session.flush()
    return added


def _translated(event: Event, table: dict) -> dict | None:
    """The event's fields in the table's language, or None when it translates none of them."""
    title = table["titles"].get(event.title, "")
    if not title and (year := YEAR.search(event.title)):
        pattern = YEAR.sub("{year}", event.title, count=1)
        title = table["titles"].get(pattern, "").replace("{year}", year.group())
    purpose = [table["purpose"].get(point) for point in event.purpose]
    fields = {
        "title": title,
        "purpose": purpose if all(purpose) else [],
        "description": "",
        "audience": table["audiences"].get(event.audience or "", ""),
    }
    return fields if fields["title"] or fields["purpose"] or fields["audience"] else None
