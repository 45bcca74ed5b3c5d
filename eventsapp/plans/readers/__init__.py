"""Readers of the three shapes work programmes come in: prose, action items and month grids.

Each reader turns a document (lines of text, or table rows of cells) into a :class:`ReadPlan`:
headings, items and events as the document writes them, with the lines it could not place.
Readers never touch the database; :mod:`eventsapp.plans.importing` writes what they read.
"""

import re
from dataclasses import dataclass, field

from ...catalogue.models import EventKind
from ...core.dates import FIRST_YEAR, LAST_YEAR, DatePhraseError, DateWindow, read_date_phrase
from ..models import heading_kind_label

SHAPES = ("prose", "items", "grid")


class UnreadableDocument(ValueError):
    """The document is empty, binary, over a bound, broken or hostile, or in no shape a reader
    knows: the message says which, for the person importing it."""


@dataclass
class ReadHeading:
    kind: str  # pillar, goal, objective, section, as the document names them
    ref: str
    title: str
    parent_ref: str | None = None

    @property
    def kind_label(self) -> str:
        return heading_kind_label(self.kind)


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

    @property
    def kind_label(self) -> str:
        return EventKind(self.kind).label if self.kind in EventKind.__members__.values() else ""


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


MAX_DATE_PHRASE = 200  # characters: a longer cell holds no date phrase (phrases are kept to 200)

# The first pattern found in a title gives the event's kind; a pair is a word, then another after
# it (what "commission.*meeting" finds, without running to the end of the title at each word).
_KINDS = (
    (r"advisory group", "advisory_group_meeting"),
    ((r"commission\b", r"\bmeeting"), "commission_meeting"),
    (r"meeting of the (global )?commission", "commission_meeting"),
    ((r"\bpilot(ing)?\b", r"\b(curricul|training)"), "pilot_training"),
    (r"curriculum writers", "curriculum_meeting"),
    (r"\blaunch", "launch"),
    (r"\bconsultation", "consultation"),
    (r"\bevaluation\b", "evaluation"),
    (r"\bworkshop", "workshop"),
    (r"\bconference|annual meeting", "conference"),
    (r"\bseminar|\bforum\b", "seminar"),
)
# An item is carried out by an event when it holds one: "Hold a meeting", "Conduct training".
_HOLDS = (
    r"\b(hold|conduct|organi[sz]e|host|convene)\b",
    r"\b(meeting|workshop|training|conference|seminar|forum|course)s?\b",
)


def _in_order(first: str, then: str, text: str, flags: int = 0) -> re.Match | None:
    """``then`` found after the first ``first`` in ``text``: what ``first.*?then`` finds (in a
    line), in one pass over the text rather than one from each ``first``."""
    found = re.search(first, text, flags)
    return found and re.compile(then, flags).search(text, found.end())


def _found(pattern: str | tuple[str, str], text: str, flags: int = 0) -> re.Match | None:
    if isinstance(pattern, tuple):
        return _in_order(*pattern, text, flags)
    return re.search(pattern, text, flags)


def guess_kind(title: str) -> str:
    lowered = title.lower()
    return next((kind for pattern, kind in _KINDS if _found(pattern, lowered)), "other")


def item_event_kind(title: str) -> str | None:
    """The kind of event an action item holds ("Conduct trainings …"), or None."""
    match = _found(_HOLDS, title, re.IGNORECASE)
    if match is None:
        return None
    kind = guess_kind(title)
    if kind != "other":
        return kind
    return "pilot_training" if "training" in match.group(1).lower() else "seminar"


def read_window(text: str, year: int | None = None) -> DateWindow | None:
    """The window of a date phrase, ignoring parentheses that name places ("(Gaborone)")."""
    text = " ".join(text.split())
    if not text or len(text) > MAX_DATE_PHRASE:
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
    items, "Dates:" lines prose; None when nothing fits. Read line by line (a cell may hold
    several), so that no pattern runs on over the lines after."""
    lines = [part for line in lines for part in line.split("\n")]
    if any(_month_header(line.split("\t")) for line in lines):
        return "grid"
    if any(re.match(r"\s*Dates\s*:", line, re.I) for line in lines):
        return "prose"
    if any(_items_header(line) or _numbered_item(line.split("\t")) for line in lines):
        return "items"
    return None


def _month_header(cells: list[str]) -> bool:
    """Cells I, II and III… one after the other (blank cells between them skipped)."""
    filled = [cell.strip() for cell in cells if cell.strip()]
    return any(
        filled[n : n + 2] == ["I", "II"] and re.match(r"III\b", filled[n + 2])
        for n in range(len(filled) - 2)
    )


def _items_header(line: str) -> bool:
    return re.search(r"\bACTION ITEMS\b|TIME ?LINE", line, re.I) is not None


def _numbered_item(cells: list[str]) -> bool:
    """A cell starting with a reference such as 1.2.3, followed by other cells."""
    return any(re.match(r"\d+\.\d+\.\d+\b", cell) for cell in cells[:-1])
