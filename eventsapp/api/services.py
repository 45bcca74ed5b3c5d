"""JSON shapes of the API, kept in one place so that every endpoint writes events alike."""

from flask import url_for

from ..catalogue.models import Event, Programme
from ..core.dates import DateWindow


def event_json(event: Event) -> dict:
    venue = None
    if event.venue:
        venue = {
            "city": event.venue.city,
            "country": event.venue.country_code,
            "place": event.venue.place,
            "tentative": event.venue_tentative,
        }
    return {
        "id": event.id,
        "title": event.title,
        "kind": event.kind,
        "status": event.status,
        "programme": event.programme.short_name if event.programme else None,
        "programme_id": event.programme_id,
        "section": event.section.code if event.section else None,
        **window_json(event),
        "date_text": event.date_text,
        "venue": venue,
        "url": url_for("site.event_page", event_id=event.id, _external=True),
    }


def window_json(window: DateWindow | Event) -> dict:
    return {
        "starts_on": window.starts_on.isoformat(),
        "ends_on": window.ends_on.isoformat(),
        "precision": window.precision,
        "tentative": window.tentative,
    }


def programme_json(programme: Programme) -> dict:
    return {
        "id": programme.id,
        "name": programme.name,
        "acronym": programme.acronym,
        "first_year": programme.first_year,
        "last_year": programme.last_year,
        "sections": [{"code": s.code, "title": s.title} for s in programme.sections],
        "partners": [
            {"organisation": p.organisation.display_name, "role": p.role}
            for p in programme.partners
        ],
    }
