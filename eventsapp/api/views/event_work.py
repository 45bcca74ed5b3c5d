"""``/api/v1/events/<id>/agenda`` and ``/tasks``: an event's agenda and logistics tasks.

The agenda is public (its published sessions shown on the event's dates; every session for
staff); the tasks are for staff only, as every route of the API not marked public.
"""

from datetime import date, datetime
from typing import Literal

from flask import abort, jsonify
from flask_babel import gettext as _
from pydantic import BaseModel, Field, RootModel
from spectree import Response as Answers

from ...agenda.models import SessionKind
from ...agenda.services import event_agenda
from ...catalogue.services import get_event
from ...logistics.models import TaskStatus
from ...logistics.services import event_tasks
from ..schemas import Error, api_spec
from . import bp, documented, is_staff, public


class Session(BaseModel):
    id: int
    day: date = Field(description="the day in the session's time zone")
    starts_at: datetime = Field(description="in UTC")
    ends_at: datetime = Field(description="in UTC")
    timezone: str
    local_start: str = Field(description="HH:MM in the session's time zone")
    local_end: str
    title: str
    kind: Literal[tuple(k.value for k in SessionKind)]
    speakers: list[str] = Field(description="one per line as entered: name, position")
    room: str | None
    language: str | None
    interpretation: bool
    published: bool


class Agenda(RootModel[list[Session]]):
    """An event's sessions in the order they happen."""


class Task(BaseModel):
    id: int
    title: str
    owner: str | None = Field(description="the staff account's name, or the unit or partner")
    owner_email: str | None = Field(description="when owned by a staff account")
    due_on: date
    due_rule: str | None = Field(description='"45 days before start"; null for a fixed date')
    approximate: bool = Field(description="due against a window known only roughly")
    status: Literal[tuple(s.value for s in TaskStatus)]
    notes: str


class Tasks(RootModel[list[Task]]):
    """An event's tasks, by due date."""


def _event_or_404(event_id: int):
    return get_event(event_id) or abort(404, description=_("There is no event with this id."))


@bp.route("/events/<int:event_id>/agenda")
@public
@api_spec.validate(resp=Answers(HTTP_200=Agenda, HTTP_404=Error), tags=["events"], **documented)
def event_agenda_json(event_id: int):
    """An event's agenda: its published sessions (every session for staff)"""
    event = _event_or_404(event_id)
    return jsonify(
        [
            {
                "id": s.id,
                "day": s.day.isoformat(),
                "starts_at": s.starts_at.isoformat() + "Z",
                "ends_at": s.ends_at.isoformat() + "Z",
                "timezone": s.timezone,
                "local_start": s.local_start.strftime("%H:%M"),
                "local_end": s.local_end.strftime("%H:%M"),
                "title": s.title,
                "kind": s.kind,
                "speakers": [line.strip() for line in s.speakers.splitlines() if line.strip()],
                "room": s.room,
                "language": s.language,
                "interpretation": s.interpretation,
                "published": s.published,
            }
            for s in event_agenda(event, public=not is_staff())
        ]
    )


@bp.route("/events/<int:event_id>/tasks")
@api_spec.validate(
    resp=Answers(HTTP_200=Tasks, HTTP_401=Error, HTTP_403=Error, HTTP_404=Error),
    tags=["events"],
    **documented,
)
def event_tasks_json(event_id: int):
    """An event's logistics tasks (staff only)"""
    event = _event_or_404(event_id)
    return jsonify([task_json(t) for t in event_tasks(event.id)])


def task_json(t) -> dict:
    return {
        "id": t.id,
        "title": t.title,
        "owner": t.owner_label if (t.owner or t.owner_name) else None,
        "owner_email": t.owner.email if t.owner else None,
        "due_on": t.due_on.isoformat(),
        "due_rule": t.relative_label,
        "approximate": t.approximate,
        "status": t.status,
        "notes": t.notes,
    }
