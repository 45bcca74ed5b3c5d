"""Calendar tests' helpers: what every feed must pass (two independent parsers and the checks
clients need), and agenda sessions made through the service."""

from datetime import date, time

import vobject
from icalendar import Calendar

from eventsapp.agenda.models import AgendaSession
from eventsapp.agenda.services import SessionInput, save_session

CALENDAR_PROPERTIES = (
    "VERSION",
    "PRODID",
    "METHOD",
    "X-WR-CALNAME",
    "NAME",
    "REFRESH-INTERVAL",
    "X-PUBLISHED-TTL",
)
EVENT_PROPERTIES = (
    "UID",
    "DTSTAMP",
    "LAST-MODIFIED",
    "SEQUENCE",
    "SUMMARY",
    "DTSTART",
    "DTEND",
    "DESCRIPTION",
    "URL",
    "CATEGORIES",
    "ORGANIZER",
)


def icalendar_problems(calendar: Calendar) -> list[str]:
    """What icalendar's own declarations of each component say is wrong: parse errors, missing
    required properties, singletons given twice, exclusive properties together, time zones used
    without their VTIMEZONE."""
    problems = []
    for component in calendar.walk():
        name = component.name
        problems += [f"{name}: {error}" for error in component.errors]
        problems += [f"{name}: no {p}" for p in component.required if p not in component]
        problems += [
            f"{name}: {p} more than once"
            for p in component.singletons
            if isinstance(component.get(p), list)
        ]
        together = [p for p in component.exclusive if p in component]
        if len(together) > 1:
            problems.append(f"{name}: {' and '.join(together)} together")
    problems += [f"no VTIMEZONE for {tzid}" for tzid in calendar.get_missing_tzids()]
    return problems


def check_feed(data: bytes) -> Calendar:
    """Parse a feed with icalendar and with vobject (validating) and check what clients need."""
    text = data.decode("utf-8")
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert "\n" not in text.replace("\r\n", ""), "a line ends without CR"
    long_lines = [line for line in data.split(b"\r\n") if len(line) > 75]
    assert not long_lines, f"lines longer than 75 octets: {long_lines[:2]}"

    calendar = Calendar.from_ical(data)
    assert icalendar_problems(calendar) == []
    for name in CALENDAR_PROPERTIES:
        assert name in calendar, f"the calendar has no {name}"
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT12H\r\n" in text
    assert "X-PUBLISHED-TTL:PT12H\r\n" in text
    events = calendar.walk("VEVENT")
    for event in events:
        missing = [name for name in EVENT_PROPERTIES if name not in event]
        assert not missing, f"{event.get('UID')} has no {missing}"
    uids = [str(event["UID"]) for event in events]
    assert len(uids) == len(set(uids)), "UIDs are not unique"

    parsed = vobject.readOne(text, validate=True)
    assert parsed.validate(raiseException=True)
    assert len(parsed.contents.get("vevent", [])) == len(events)
    return calendar


def vevents(calendar: Calendar) -> dict[str, object]:
    """The VEVENTs of a calendar by UID."""
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def add_session(
    db,
    event,
    day: date,
    start=time(9),
    end=time(10, 30),
    title="Opening session",
    kind="presentation",
    timezone="America/Mexico_City",
    **fields,
) -> AgendaSession:
    session = save_session(
        event,
        AgendaSession(),
        SessionInput(day, start, end, timezone, title, kind, **fields),
    )
    db.session.commit()
    return session
