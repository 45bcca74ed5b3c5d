"""Reading an uploaded or pasted document, and writing what was read into a programme.

:func:`read_document` takes the rows of the file (:mod:`.readers.files`: bounded, XML hardened)
and runs the reader of its shape, or says why not, naming the file;
:func:`apply_plan` writes headings, items, events and tasks, matching what an earlier import of
the same document created (by reference, or by title) so that re-importing updates. It only
flushes: the caller commits once, so an import is written whole or not at all.
"""

import hashlib
import re
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..catalogue.models import Event, EventStatus, Programme
from ..catalogue.services import EventInput, VenueInput, save_event
from ..core.actions import log_action
from ..core.dates import DateWindow
from ..core.errors import InvalidInput
from ..extensions import db
from ..logistics.models import Anchor, Task
from ..logistics.services import TaskInput, save_task
from ..people.models import Country, Organisation
from .models import Plan, PlanHeading, PlanItem
from .readers import SHAPES, ReadHeading, ReadItem, ReadPlan, UnreadableDocument, detect_shape
from .readers.files import over_bound, rows_of
from .readers.prose import read_prose
from .readers.tables import read_grid, read_items
from .services import IMPORTED

PASTED = "pasted.txt"  # the name of a text pasted rather than uploaded
TASK_DAYS_BEFORE = 14  # imported tasks are due two weeks before the event starts
# What an import may write, so that writing it takes seconds (each event takes milliseconds):
MAX_EVENTS = 500  # PPIEP's three years hold 31
MAX_TASKS = 2_000  # PPIEP's events have 73


def read_document(
    data: bytes | str, filename: str = PASTED, shape: str = "auto", year: int | None = None
) -> ReadPlan:
    """What the document holds, read in the given shape or the one that fits; a refusal names
    the file (not a pasted text)."""
    try:
        return _read(data.encode("utf-8") if isinstance(data, str) else data, filename, shape, year)
    except UnreadableDocument as error:
        if filename == PASTED:
            raise
        raise UnreadableDocument(
            _("%(file)s: %(problem)s", file=filename[:100], problem=str(error))
        ) from None


def _read(data: bytes, filename: str, shape: str, year: int | None) -> ReadPlan:
    rows = rows_of(data, filename)
    lines = ["\t".join(row) for row in rows]
    if not any(line.strip() for line in lines):
        raise UnreadableDocument(_("The document is empty."))
    if shape == "auto":
        shape = detect_shape(lines)
        if shape is None:
            raise UnreadableDocument(
                _(
                    "The document is in no shape the importer knows: a work programme with "
                    "\u201cDates:\u201d lines, an action items table or a month grid I\u2013XII."
                )
            )
    if shape not in SHAPES:
        raise UnreadableDocument(_("Choose prose, items or grid."))
    if shape == "prose":
        read = read_prose(lines)
    elif shape == "items":
        read = read_items(rows)
    else:
        read = read_grid(rows, year)
    if not (read.events or read.items):
        raise UnreadableDocument(_("No activity or action item was found in the document."))
    _check_writing(read)
    read.title = read.title or filename.rsplit(".", 1)[0][:300]  # re-imports find it again
    return read


def _check_writing(read: ReadPlan) -> None:
    """Refuse a document holding more events or tasks than an import may write."""
    events = sum(1 for event in read.events if event.window) + sum(
        1 for item in read.items if item.event_kind and item.window
    )
    if events > MAX_EVENTS:
        raise over_bound(MAX_EVENTS, _("The document has more than %(count)s events."))
    if read.tasks_count() > MAX_TASKS:
        raise over_bound(MAX_TASKS, _("The document has more than %(count)s tasks."))


@dataclass
class ImportCounts:
    events: int = 0
    items: int = 0
    tasks: int = 0
    created: int = 0  # of the above, how many are new
    new_events: int = 0  # of those, the events


def _source_key(programme: Programme, *parts: str) -> str:
    digest = hashlib.sha1("\x1f".join(parts).encode()).hexdigest()[:24]
    return f"plan:{programme.id}:{digest}"


def _venue(text: str) -> VenueInput | None:
    """ "Stockholm, Sweden" → a venue in a known country; otherwise None (kept in the notes)."""
    parts = [part.strip() for part in text.split(",") if part.strip()]
    if not parts:
        return None
    country = db.session.scalar(
        select(Country).where(func.lower(Country.name) == parts[-1].lower())
    )
    if country is None:
        return None
    return VenueInput(country.code, city=parts[0] if len(parts) > 1 else None)


def _save_event(programme, key, title, kind, window: DateWindow, date_text, counts, **extra):
    event = db.session.scalar(select(Event).where(Event.source_key == key))
    if event is None:
        event, counts.created = Event(source_key=key), counts.created + 1
        counts.new_events += 1
        status = EventStatus.PLANNED
    else:
        status = event.status
    data = EventInput(
        title=title[:300],
        kind=kind,
        status=status,
        window=window,
        date_text=(date_text or "")[:200],
        programme_id=programme.id,
        **extra,
    )
    try:
        save_event(event, data)
    except InvalidInput as refused:  # an event marked held, moved by the document to come
        raise UnreadableDocument(f"{data.title}: {refused.message}") from None
    counts.events += 1
    return event


def _save_tasks(event: Event, titles: list[str], counts: ImportCounts) -> None:
    known = {t.title for t in db.session.scalars(select(Task).where(Task.event_id == event.id))}
    for title in titles:
        title = " ".join(title.split())[:300]
        counts.tasks += 1
        if title in known:
            continue
        known.add(title)
        save_task(event, Task(), TaskInput(title, days=-TASK_DAYS_BEFORE, anchor=Anchor.START))
        counts.created += 1


def _organisation_of(responsible: str, organisations: dict[str, int]) -> int | None:
    words = responsible.lower()
    return next((oid for name, oid in organisations.items() if name and name in words), None)


def apply_plan(
    read: ReadPlan, programme: Programme, title: str | None = None, actor=None
) -> ImportCounts:
    """Write ``read`` into ``programme``; an earlier import of the same title is updated. The
    import is recorded with ``actor`` (None: a command)."""
    counts = ImportCounts()
    title = (title or read.title or _("Work programme"))[:300]
    plan = db.session.scalar(
        select(Plan).where(Plan.programme_id == programme.id, Plan.title == title)
    )
    if plan is None:
        plan = Plan(programme_id=programme.id, title=title)
        db.session.add(plan)
    plan.shape, plan.year = read.shape, read.year
    db.session.flush()
    _save_headings(plan, read.headings)
    _save_events(read, programme, title, counts)
    _save_items(read.items, plan, programme, title, counts)
    db.session.flush()
    log_action(plan, IMPORTED, actor, vars(counts))
    return counts


def _save_headings(plan: Plan, found_headings: list[ReadHeading]) -> None:
    headings = {(h.kind, h.ref): h for h in plan.headings}
    for position, found in enumerate(found_headings):
        heading = headings.get((found.kind, found.ref))
        if heading is None:
            heading = PlanHeading(kind=found.kind, ref=found.ref)
            headings[(found.kind, found.ref)] = heading
            plan.headings.append(heading)
        heading.title, heading.parent_ref, heading.position = (
            found.title,
            found.parent_ref,
            position,
        )


def _save_events(read: ReadPlan, programme: Programme, title: str, counts: ImportCounts) -> None:
    """The events of a work programme (prose), each known again by its title and occurrence."""
    sections = {section.code: section.id for section in programme.sections}
    seen: dict[str, int] = {}
    for found in read.events:
        occurrence = seen[found.title] = seen.get(found.title, 0) + 1
        if found.window is None:
            continue
        venue = _venue(found.venue_text)
        event = _save_event(
            programme,
            _source_key(programme, title, found.title, str(occurrence)),
            found.title,
            found.kind,
            found.window,
            found.date_text,
            counts,
            venue=venue,
            venue_tentative=found.venue_tentative,
            section_id=sections.get(found.section_ref),
            purpose=found.purposes,
            notes="" if venue or not found.venue_text else _("Venue: %(v)s", v=found.venue_text),
        )
        _save_tasks(event, found.tasks, counts)


def _save_items(
    found_items: list[ReadItem], plan: Plan, programme: Programme, title: str, counts: ImportCounts
) -> None:
    """The items, each known again by its reference (and occurrence), with the event of an item
    that holds one."""
    organisations = {
        (acronym or name).lower(): oid
        for oid, name, acronym in db.session.execute(
            select(Organisation.id, Organisation.name, Organisation.acronym)
        )
    }
    items = {item.key: item for item in plan.items}
    refs: dict[str, int] = {}
    for position, found in enumerate(found_items):
        refs[found.ref] = refs.get(found.ref, 0) + 1
        key = found.ref if refs[found.ref] == 1 else f"{found.ref} ({refs[found.ref]})"
        item = items.get(key)
        if item is None:
            item = PlanItem(key=key)
            plan.items.append(item)
            counts.created += 1
        counts.items += 1
        _fill_item(item, found, position, _organisation_of(found.responsible, organisations))
        if found.event_kind and found.window:
            event = _save_event(
                programme,
                _source_key(programme, title, "item", key),
                re.sub(r"\s+", " ", found.title),
                found.event_kind,
                found.window,
                found.date_text,
                counts,
            )
            item.event_id = event.id


def _fill_item(item: PlanItem, found: ReadItem, position: int, organisation_id: int | None):
    window = found.window
    item.ref, item.title, item.heading_ref = found.ref, found.title, found.heading_ref
    item.responsible, item.result, item.position = found.responsible, found.result, position
    item.organisation_id = organisation_id
    item.date_text = found.date_text[:200]
    item.starts_on = window.starts_on if window else None
    item.ends_on = window.ends_on if window else None
    item.precision = window.precision if window else None
    item.months, item.indicators = found.months, found.indicators
