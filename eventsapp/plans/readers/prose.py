"""The prose reader: "Section A: …", "1. Activities in 2011", activity headings followed by
``Dates:``, ``Venue:``, ``Purpose:`` and ``Tasks:`` lines with their bullets (PPIEP)."""

import re
from dataclasses import dataclass

from . import ReadEvent, ReadHeading, ReadPlan, guess_kind, read_window

_SECTION = re.compile(r"^Section\s+([A-Z0-9]{1,10})\s*[:.\-–]\s*(.+)$", re.I)
_YEAR = re.compile(r"^\d+\.\s*Activities in (\d{4})\b", re.I)
_KEYED = re.compile(
    r"^(Dates?|Venue|Purpose(?: of the meeting)?|(?:Main|Mains)? ?tasks?)\s*:\s*(.*)$", re.I
)
_BULLET = re.compile(r"^(?:[·•\-\*–▪◦]|o(?=\s))\s*")


def _key(word: str) -> str:
    word = word.lower()
    if word.startswith("date"):
        return "dates"
    if word.startswith("venue"):
        return "venue"
    if word.startswith("purpose"):
        return "purposes"
    return "tasks"


def _venue(text: str) -> tuple[str, bool]:
    """The venue as written, without "(tbc)"; "tbd" means no venue yet."""
    tentative = bool(re.search(r"\(\s*tbc\s*\)|\btbc\b", text, re.I))
    text = " ".join(re.sub(r"\(\s*tb[cd]\s*\)", "", text, flags=re.I).split()).strip(" ,.")
    if text.lower() in ("", "tbd", "tbc", "to be decided"):
        return "", False
    return text, tentative


@dataclass
class _Reading:
    """Where the reading of a work programme stands."""

    plan: ReadPlan
    section: str | None = None
    year: int | None = None  # of the "Activities in 2011" heading above
    event: ReadEvent | None = None
    listing: str | None = None  # "purposes" or "tasks": where bullets go
    waiting_venue: bool = False  # "Venue:" alone: the venue is on the next line


def read_prose(lines: list[str]) -> ReadPlan:
    reading = _Reading(ReadPlan(shape="prose"))
    entries = [(n, " ".join(line.split())) for n, line in enumerate(lines, 1)]
    entries = [(n, text) for n, text in entries if text]
    for index, (number, text) in enumerate(entries):
        following = entries[index + 1][1] if index + 1 < len(entries) else ""
        placed = any(step(reading, number, text, following) for step in _STEPS)
        if not placed and reading.year is not None:  # not the document's or sections' introduction
            reading.plan.not_understood.append((number, text))
    return reading.plan


def _title(reading: _Reading, _number: int, text: str, _following: str) -> bool:
    if reading.plan.title:
        return False
    reading.plan.title = text
    return True


def _section(reading: _Reading, _number: int, text: str, _following: str) -> bool:
    if not (match := _SECTION.match(text)):
        return False
    reading.section, reading.year, reading.event, reading.listing = match.group(1), None, None, None
    reading.plan.headings.append(ReadHeading("section", match.group(1), match.group(2).strip()))
    return True


def _year(reading: _Reading, _number: int, text: str, _following: str) -> bool:
    if not (match := _YEAR.match(text)):
        return False
    reading.year, reading.event, reading.listing = int(match.group(1)), None, None
    return True


def _venue_below(reading: _Reading, _number: int, text: str, _following: str) -> bool:
    """The line after a "Venue:" left empty."""
    if not (reading.waiting_venue and reading.event is not None):
        return False
    reading.waiting_venue = False
    reading.event.venue_text, reading.event.venue_tentative = _venue(text)
    return True


def _keyed(reading: _Reading, number: int, text: str, _following: str) -> bool:
    """ "Dates: …", "Venue: …", "Purpose: …", "Main tasks: …" of the event above."""
    if not (match := _KEYED.match(text)):
        return False
    event = reading.event
    if event is None:
        reading.plan.not_understood.append((number, text))
        return True
    key, value = _key(match.group(1)), match.group(2).strip()
    reading.listing = None
    if key == "dates":
        event.date_text, event.window = value, read_window(value, reading.year)
        if event.window is None:
            reading.plan.not_understood.append((number, text))
    elif key == "venue":
        reading.waiting_venue = not value
        event.venue_text, event.venue_tentative = _venue(value)
    else:
        reading.listing = key
        if value:
            getattr(event, key).append(value)
    return True


def _event(reading: _Reading, number: int, text: str, following: str) -> bool:
    """An activity's title: a line, not a bullet, followed by its "Dates:"."""
    if not re.match(r"^Dates?\s*:", following, re.I) or _BULLET.match(text):
        return False
    reading.event = ReadEvent(
        title=text,
        kind=guess_kind(text),
        date_text="",
        window=None,
        section_ref=reading.section,
        line=number,
    )
    reading.plan.events.append(reading.event)
    reading.listing = None
    return True


def _bullet(reading: _Reading, _number: int, text: str, _following: str) -> bool:
    if not (reading.listing and reading.event is not None and _BULLET.match(text)):
        return False
    getattr(reading.event, reading.listing).append(_BULLET.sub("", text))
    return True


_STEPS = (_title, _section, _year, _venue_below, _keyed, _event, _bullet)  # the first that places
