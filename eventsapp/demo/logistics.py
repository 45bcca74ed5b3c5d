"""The demo's logistics: each activity's tasks as the seeds write them, and the current programme
year (``current_year``).

PPIEP's work programme (seeds/000) lists under each activity the tasks that prepare it; they are
loaded on their activity as written, due 30 days before it starts (relative, so approximate where
the window is). The programme ran in 2011–2013: its tasks are loaded as done, so that the staff
home shows what is late in the current year rather than thirteen-year-old chores.
"""

from sqlalchemy import select

from ..catalogue.models import Event
from ..extensions import db
from ..logistics.models import Task, TaskStatus
from ..logistics.services import TaskInput, save_task
from . import current_year

DAYS_BEFORE = 30


def load(data: dict, programme, organisations: dict) -> None:
    """What a programme's data file says of tasks, loaded after its events; for CICIE, the
    current programme year too. Activities that have tasks already are left as staff left them."""
    entries = {e["key"]: e.get("tasks", []) for e in data["programme"]["events"]}
    keys = [key for key, tasks in entries.items() if tasks]
    if keys:
        events = db.session.scalars(
            select(Event).where(
                Event.source_key.in_(keys),
                ~select(Task.id).where(Task.event_id == Event.id).exists(),
            )
        ).all()
        for event in events:
            for position, title in enumerate(entries[event.source_key]):
                save_task(
                    event,
                    Task(position=position),
                    TaskInput(
                        title=title[:300],
                        days=-DAYS_BEFORE,
                        anchor="start",
                        status=TaskStatus.DONE,
                    ),
                )
    if programme.acronym == "CICIE":
        current_year.load(data, programme, organisations)
