"""The prose reader: "Section A: …", "1. Activities in 2011", activity headings followed by
``Dates:``, ``Venue:``, ``Purpose:`` and ``Tasks:`` lines with their bullets (PPIEP)."""

import re

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


def read_prose(lines: list[str]) -> ReadPlan:
    plan = ReadPlan(shape="prose")
    entries = [(n, " ".join(line.split())) for n, line in enumerate(lines, 1)]
    entries = [(n, text) for n, text in entries if text]
    section = year = None
    event: ReadEvent | None = None
    listing = None  # "purposes" or "tasks": where bullets go
    waiting_venue = False
    for index, (number, text) in enumerate(entries):
        if not plan.title:
            plan.title = text
            continue
        if match := _SECTION.match(text):
            section, year, event, listing = match.group(1), None, None, None
            plan.headings.append(ReadHeading("section", section, match.group(2).strip()))
            continue
        if match := _YEAR.match(text):
            year, event, listing = int(match.group(1)), None, None
            continue
        if waiting_venue and event is not None:
            waiting_venue = False
            event.venue_text, event.venue_tentative = _venue(text)
            continue
        if match := _KEYED.match(text):
            if event is None:
                plan.not_understood.append((number, text))
                continue
            key, value = _key(match.group(1)), match.group(2).strip()
            if key == "dates":
                event.date_text = value
                event.window = read_window(value, year)
                if event.window is None:
                    plan.not_understood.append((number, text))
                listing = None
            elif key == "venue":
                waiting_venue = not value
                event.venue_text, event.venue_tentative = _venue(value)
                listing = None
            else:
                listing = key
                if value:
                    getattr(event, key).append(value)
            continue
        following = entries[index + 1][1] if index + 1 < len(entries) else ""
        if re.match(r"^Dates?\s*:", following, re.I) and not _BULLET.match(text):
            event = ReadEvent(
                title=text,
                kind=guess_kind(text),
                date_text="",
                window=None,
                section_ref=section,
                line=number,
            )
            plan.events.append(event)
            listing = None
            continue
        if listing and event is not None and _BULLET.match(text):
            getattr(event, listing).append(_BULLET.sub("", text))
            continue
        if year is None:
            continue  # the document's and the sections' introductions
        plan.not_understood.append((number, text))
    return plan
