"""The feeds' bytes for a fixed set of events are those of the fixtures: a faster writer must
write exactly what clients received before (escaping, folding within multi-byte characters, the
lines shared between events, the agenda's sessions); and each line is what an icalendar
component writes for the same property.

The fixtures were captured from the feeds as they were written before the writer was sped up.
Should the text of feeds change on purpose (and ``FEED_FORMAT`` with it), capture them again from
these requests' ``response.data``."""

from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest
from icalendar import Event as IcalendarEvent
from icalendar.parser import escape_char, foldline
from sqlalchemy import update

from eventsapp.agenda.models import AgendaSession
from eventsapp.agenda.services import SessionInput, save_session
from eventsapp.calendars.ical import content_line, fold, utc_value, written_line
from eventsapp.calendars.store import process_cache
from eventsapp.catalogue.models import Event
from eventsapp.catalogue.services import EventInput, VenueInput, save_event
from eventsapp.core.dates import read_date_phrase
from tests.calendar_helpers import check_feed

FIXTURES = Path(__file__).parent / "fixtures"
SAVED = datetime(2016, 3, 1, 8, 30, 15)
SITE = {
    "SITE_URL": "http://127.0.0.1:5000",
    "SITE_NAME": "eventsapp",
    "CALENDAR_UID_DOMAIN": "eventsapp",
    "MAIL_DEFAULT_SENDER": "eventsapp@localhost",
}
LONG = (
    "Organización de los procesos electorales; garantías de seguridad, secreto y "
    "auditoría \\ del voto electrónico, con «observación» internacional 🗳️ y verificación"
)


def event(event_id: int, title: str, date_text: str, **fields) -> Event:
    """An event saved through the service under a fixed id (the feeds' links and UIDs hold it)."""
    fields.setdefault("venue", VenueInput("MX", "Mexico City", None))
    data = EventInput(
        title=title,
        kind=fields.pop("kind", "workshop"),
        status=fields.pop("status", "planned"),
        window=read_date_phrase(date_text, 2016),
        date_text=date_text,
        **fields,
    )
    return save_event(Event(id=event_id), data)


@pytest.fixture
def fixed_events(app, db, monkeypatch):
    """Events and sessions of every shape a feed writes, saved at a fixed time, on a site whose
    settings are those the fixtures were captured with."""
    for name, value in SITE.items():
        monkeypatch.setitem(app.config, name, value)
    events = [
        event(
            9101,
            "Electronic Voting from Abroad",
            "April 18th-22nd",
            kind="specialization_course",
            purpose=[LONG, "Guarantees; secrecy, audit"],
            audience="Electoral authorities",
        ),
        event(9102, "International workshop (February)", "February 2016 (tbc)", status="proposed"),
        event(
            9103,
            "IX Inter-American Electoral Seminar",
            "September 2016",
            kind="seminar",
            status="cancelled",
            venue=None,
        ),
        event(
            9104,
            "Latin American Democracy Forum",
            "October 5th-7th",
            kind="conference",
            status="confirmed",
            start_time=time(9),
            end_time=time(18),
            timezone="America/Mexico_City",
            venue=VenueInput("MX", "Mexico City", "Instituto Nacional Electoral, Viaducto 100"),
        ),
        event(
            9105,
            "Evaluation across the new year",
            "December 2015-January 2016",
            kind="evaluation",
            venue_tentative=True,
        ),
        event(9106, "Regional observers' meeting", "2016", status="postponed"),
        event(
            9107,
            "Taller de capacitación: ñandú, café y 🗳️ " + "é" * 40,
            "June 6th",
            status="held",
            start_time=time(10),
            end_time=time(12, 30),
            timezone="America/Bogota",
            audience="Funcionarios, jueces; magistrados\\",
        ),
        event(9108, "Spring, summer; and autumn workshop", "Spring 2016", status="confirmed"),
    ]
    sessions = [
        (9201, date(2016, 4, 18), time(9), time(10, 30), "Opening; welcome, words", {}),
        (
            9202,
            date(2016, 4, 18),
            time(11),
            time(12, 30),
            "Panel",
            {
                "kind": "panel",
                "speakers": "Ana Pérez\nJohn Smith; Jr.",
                "room": "Sala 2, ala B",
                "language": "es",
                "interpretation": True,
            },
        ),
        (9203, date(2016, 4, 19), time(9), time(10), "Draft", {"published": False}),
        (9204, date(2016, 4, 20), time(14), time(15), LONG, {"language": "en"}),
    ]
    for session_id, day, start, end, title, fields in sessions:
        kind = fields.pop("kind", "presentation")
        data = SessionInput(day, start, end, "America/Mexico_City", title, kind, **fields)
        save_session(events[0], AgendaSession(id=session_id), data)
    db.session.flush()
    db.session.execute(update(Event).values(updated_at=SAVED))
    db.session.execute(update(AgendaSession).values(updated_at=SAVED))
    db.session.commit()
    return events


@pytest.mark.parametrize(
    "url, fixture",
    [
        ("/calendar/2016.ics", "year_2016.ics"),
        ("/events/9101.ics", "event_9101.ics"),
        ("/events/9107.ics", "event_9107.ics"),
    ],
)
def test_the_feeds_bytes_are_those_clients_received_before(client, fixed_events, url, fixture):
    built = client.get(url)
    assert built.status_code == 200
    expected = (FIXTURES / fixture).read_bytes()
    assert built.data == expected
    process_cache().clear()  # this time from each event's text kept in the database
    assert client.get(url).data == expected
    check_feed(built.data)


TRICKY = [
    "",
    "plain",
    "\ufeffstarts with a byte order mark",
    "a literal \\N, a backslash \\, a semicolon; a comma, a line\nand\r\nanother",
    *["x" * n for n in (60, 73, 74, 75, 76, 147, 148, 149, 300)],
    *["é" * n for n in (30, 35, 36, 37, 38, 80)],
    *["a" + "€" * n for n in (23, 24, 25, 50)],
    "🗳️" * 30 + "a" + "🗳" * 19,
    "Taller de capacitación – 18–22 de abril de 2016: «observación» electoral, ñandú " * 3,
    "e\u0301" * 40,  # combining accents
]


@pytest.mark.parametrize(
    "name, value",
    [(name, value) for name in ("SUMMARY", "DESCRIPTION", "LOCATION", "UID") for value in TRICKY]
    + [("URL", value) for value in TRICKY if "\n" not in value],  # a URI is not escaped
)
def test_each_line_is_what_an_icalendar_component_writes(name, value):
    component = IcalendarEvent()
    component.add(name, value)
    assert b"BEGIN:VEVENT\r\n" + content_line(name, value) + b"END:VEVENT\r\n" == (
        component.to_ical()
    )


@pytest.mark.parametrize(
    "moment", [datetime(2016, 3, 1, 8, 30, 15), datetime(2031, 12, 31, 23, 59, 59, 999999)]
)
def test_a_time_in_utc_is_what_an_icalendar_component_writes(moment):
    component = IcalendarEvent()
    component.add("DTSTAMP", moment.replace(tzinfo=UTC))
    expected = component.to_ical()
    assert b"BEGIN:VEVENT\r\n" + written_line("DTSTAMP", utc_value(moment)) + b"END:VEVENT\r\n" == (
        expected
    )


@pytest.mark.parametrize("value", TRICKY)
def test_folding_cuts_where_icalendar_cuts(value):
    line = f"DESCRIPTION:{escape_char(value)}"
    assert fold(line.encode()) == foldline(line).encode() + b"\r\n"
