"""Readers of the three shapes work programmes come in: prose, action items and month grids.

Each reader turns a document (lines of text, or table rows of cells) into a :class:`ReadPlan`:
headings, items and events as the document writes them, with the lines it could not place.
Readers never touch the database; :mod:`eventsapp.plans.importing` writes what they read.
"""

import re
from dataclasses import dataclass, field

from ...core.dates import FIRST_YEAR, LAST_YEAR, DatePhraseError, DateWindow, read_date_phrase

SHAPES = ("prose", "items", "grid")


class UnreadableDocument(ValueError):
    """The document is empty, binary, too big or in no shape a reader knows."""


@dataclass
class ReadHeading:
    kind: str  # pillar, goal, objective, section, as the document names them
    ref: str
    title: str
    parent_ref: str | None = None


@dataclass
class ReadEvent:
    title: str
    kind: str
    date_text: str
    window: DateWindow | None
    venue_text: str = ""
    venue_tentative: bool = False
    purposes: list[str] = field(default_factory=list)
    tasks: list[str] = field(default_factory=list)
    section_ref: str | None = None
    line: int = 0


@dataclass
class ReadItem:
    ref: str
    title: str
    heading_ref: str | None = None
    responsible: str = ""
    date_text: str = ""
    window: DateWindow | None = None
    months: list[int] | None = None
    indicators: list[str] = field(default_factory=list)
    result: str = ""
    event_kind: str | None = None  # the kind of event that carries the item out, if it is one


@dataclass
class ReadPlan:
    shape: str
    title: str = ""
    year: int | None = None
    headings: list[ReadHeading] = field(default_factory=list)
    items: list[ReadItem] = field(default_factory=list)
    events: list[ReadEvent] = field(default_factory=list)
    not_understood: list[tuple[int, str]] = field(default_factory=list)

    def tasks_count(self) -> int:
        return sum(len(event.tasks) for event in self.events)


_KINDS = (  # the first pattern found in a title gives the event's kind
    (r"advisory group", "advisory_group_meeting"),
    (r"commission\b.*\bmeeting|meeting of the (global )?commission", "commission_meeting"),
    (r"\bpilot(ing)?\b.*\b(curricul|training)", "pilot_training"),
    (r"curriculum writers", "curriculum_meeting"),
    (r"\blaunch", "launch"),
    (r"\bconsultation", "consultation"),
    (r"\bevaluation\b", "evaluation"),
    (r"\bworkshop", "workshop"),
    (r"\bconference|annual meeting", "conference"),
    (r"\bseminar|\bforum\b", "seminar"),
)
# An item is carried out by an event when it holds one: "Hold a meeting", "Conduct training".
_HOLDS_EVENT = re.compile(
    r"\b(hold|conduct|organi[sz]e|host|convene)\b.*?\b(meeting|workshop|training|conference|"
    r"seminar|forum|course)s?\b",
    re.IGNORECASE,
)


def guess_kind(title: str) -> str:
    lowered = title.lower()
    for pattern, kind in _KINDS:
        if re.search(pattern, lowered):
            return kind
    return "other"


def item_event_kind(title: str) -> str | None:
    """The kind of event an action item holds ("Conduct trainings …"), or None."""
    match = _HOLDS_EVENT.search(title)
    if match is None:
        return None
    kind = guess_kind(title)
    if kind != "other":
        return kind
    return "pilot_training" if "training" in match.group(2).lower() else "seminar"


def read_window(text: str, year: int | None = None) -> DateWindow | None:
    """The window of a date phrase, ignoring parentheses that name places ("(Gaborone)")."""
    text = " ".join(text.split())
    if not text:
        return None
    if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
        year = None  # a year the calendars cannot hold: only phrases with their own year
    for candidate in (text, re.sub(r"\((?![^)]*\b(tbc|tbd)\b)[^)]*\)", " ", text, flags=re.I)):
        try:
            return read_date_phrase(candidate, year)
        except DatePhraseError:
            continue
    return None


def clean(text: str) -> str:
    """A cell as text: markup of the extraction (<b>, <p>) removed, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]{0,20}>", " ", text or "").split())


def detect_shape(lines: list[str]) -> str | None:
    """Which reader fits: a month header I–XII means a grid, item refs with a time line
    items, "Dates:" lines prose; None when nothing fits."""
    text = "\n".join(lines)
    if re.search(r"(^|\t)\s*I\s*\t+\s*II\s*\t+\s*III\b", text, re.M):
        return "grid"
    if re.search(r"^\s*Dates\s*:", text, re.M | re.I):
        return "prose"
    if re.search(r"\bACTION ITEMS\b|TIME ?LINE", text, re.I) or re.search(
        r"(^|\t)\d+\.\d+\.\d+\b.*\t", text, re.M
    ):
        return "items"
    return None
