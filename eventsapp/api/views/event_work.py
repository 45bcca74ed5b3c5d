"""``/api/v1/events/<id>/agenda``, ``/tasks`` and ``/registrations``: an event's agenda,
logistics tasks and registrations.

The agenda is public (its published sessions shown on the event's dates; every session for
staff); the tasks and registrations are for staff only, as every route of the API not marked
public. Registrations say no more of a delegate than a script needs to decide on them (no
address, no answers), and each page read is in the event's History, as an export of the
participants is.
"""

from datetime import date, datetime
from typing import Literal

from flask import abort, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from pydantic import BaseModel, Field, RootModel
from spectree import Response as Answers
from sqlalchemy import func, select, tuple_

from ...agenda.models import SessionKind
from ...agenda.services import event_agenda
from ...catalogue.services import get_event
from ...core.actions import log_action
from ...core.links import site_url
from ...extensions import db
from ...logistics.models import TaskStatus
from ...logistics.services import event_tasks
from ...registration.models import Registration
from ...registration.participants import EXPORTED, ParticipantFilters, participants
from ..schemas import Error, RegistrationQuery, Registrations, api_spec
from ..services import cursor_of, parse_paging
from ..tokens import actor_label
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


def _registration_key(value) -> tuple:
    created_at, registration_id = value
    if not isinstance(created_at, str) or not isinstance(registration_id, int):
        raise TypeError
    return datetime.fromisoformat(created_at), registration_id


@bp.route("/events/<int:event_id>/registrations")
@api_spec.validate(
    query=RegistrationQuery,
    resp=Answers(
        HTTP_200=Registrations, HTTP_400=Error, HTTP_401=Error, HTTP_403=Error, HTTP_404=Error
    ),
    tags=["registrations"],
    **documented,
)
def event_registrations_json(event_id: int):
    """An event's registrations, a page at a time (staff only; each read is in the event's
    History): `?status=pending` lists those to decide"""
    event = _event_or_404(event_id)
    filters = ParticipantFilters.of_status(request.args.get("status"))
    paging = parse_paging(request.args, _registration_key)
    matching = participants(event.id, filters)
    total = db.session.scalar(select(func.count()).select_from(matching.order_by(None).subquery()))
    if paging.after:
        after = tuple_(Registration.created_at, Registration.id) > tuple_(*paging.after)
        matching = matching.where(after)
    rows = db.session.scalars(matching.limit(paging.limit + 1)).all()
    page = rows[: paging.limit]
    next_url = None
    if len(rows) > paging.limit:
        cursor = cursor_of([page[-1].created_at.isoformat(), page[-1].id])
        args = {**request.args.to_dict(), "cursor": cursor}
        next_url = site_url("api.event_registrations_json", event_id=event.id, **args)
    token = actor_label()
    log_action(
        event,
        EXPORTED,
        current_user,
        {"format": "API", "rows": len(page), **({"token": token} if token else {})},
    )
    response = jsonify(
        registrations=[_registration_json(r) for r in page], next=next_url, total=total
    )
    if next_url:
        response.headers["Link"] = f'<{next_url}>; rel="next"'
    response.headers["X-Total-Count"] = str(total)
    return response


def _registration_json(r: Registration) -> dict:
    return {
        "id": r.id,
        "name": r.name,
        "status": r.status,
        "role": r.role,
        "organisation": r.organisation.display_name if r.organisation else None,
        "country": r.country_code,
        "created_at": r.created_at.isoformat() + "Z",
        "nominated": r.nominated,
    }
