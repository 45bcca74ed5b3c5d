"""iCalendar files of events, built with the icalendar package.

UIDs never change whatever is edited; ``SEQUENCE`` comes from the event, which the catalogue bumps
when the dates, times, venue or status change. Windows without times are all-day events whose
``DTEND`` is the day after the last day.
"""

from datetime import UTC, timedelta

from flask import url_for
from icalendar import Calendar
from icalendar import Event as VEvent

from ..catalogue.models import Event, EventStatus

PRODID = "-//eventsapp//Events and training programmes//EN"
UID_DOMAIN = "eventsapp"


def event_uid(event: Event) -> str:
    return f"event-{event.id}@{UID_DOMAIN}"


def ical_status(event: Event) -> str:
    if event.status == EventStatus.CANCELLED:
        return "CANCELLED"
    if event.is_tentative or event.status == EventStatus.POSTPONED:
        return "TENTATIVE"
    return "CONFIRMED"


def event_description(event: Event, url: str) -> str:
    lines = [f"Dates: {event.date_text}"]
    lines += [f"- {point}" for point in event.purpose or []]
    if event.audience:
        lines.append(f"Audience: {event.audience}")
    lines.append(url)
    return "\n".join(lines)


def event_component(event: Event) -> VEvent:
    url = url_for("catalogue.event_page", event_id=event.id, _external=True)
    component = VEvent()
    component.add("uid", event_uid(event))
    component.add("dtstamp", event.updated_at.replace(tzinfo=UTC))
    component.add("last-modified", event.updated_at.replace(tzinfo=UTC))
    component.add("sequence", event.sequence)
    component.add("summary", event.title)
    if event.starts_at and event.ends_at:
        component.add("dtstart", event.starts_at.replace(tzinfo=UTC))
        component.add("dtend", event.ends_at.replace(tzinfo=UTC))
    else:
        component.add("dtstart", event.starts_on)
        component.add("dtend", event.ends_on + timedelta(days=1))
    component.add("status", ical_status(event))
    component.add("description", event_description(event, url))
    component.add("location", event.venue_label)
    component.add("url", url)
    component.add("categories", [event.kind_label])
    return component


def calendar_of(name: str, events: list[Event]) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("name", name)
    for event in events:
        calendar.add_component(event_component(event))
    return calendar


def event_ics(event: Event) -> bytes:
    """One event as an .ics file (for the event's download link and confirmation emails)."""
    return calendar_of(event.title, [event]).to_ical()
