"""Writes of the work around events: logistics tasks (added, marked done) and a plan item's
progress, through the staff forms and services (see ``writes`` for what every write does)."""

import math
import re

from flask import jsonify
from flask_babel import gettext as _
from flask_login import current_user
from spectree import Response as Answers
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from ...accounts.models import STAFF_ROLES, User
from ...catalogue.services import get_event
from ...core.errors import InvalidInput
from ...extensions import db
from ...logistics.forms import AFTER, BEFORE, FIXED, TaskForm
from ...logistics.models import Task, TaskStatus
from ...logistics.services import TaskInput, save_task, staff_choices
from ...plans.forms import ProgressForm
from ...plans.models import PlanItem
from ...plans.services import record_progress
from .. import schemas
from ..schemas import api_spec
from ..scopes import WRITE, requires
from . import bp, documented
from .event_work import Task as TaskAnswer
from .event_work import task_json
from .writes import REFUSALS, Refused, checked_form, not_found, put, read_body, write

# "45 days before start", "3 days after the end", "on the start day": as the task list shows them.
RELATIVE_DUE = re.compile(
    r"(?:(?P<days>\d{1,4}) days? (?P<side>before|after)|on) (?:the )?(?:event's )?"
    r"(?P<anchor>start|end)(?: day)?",
    re.IGNORECASE,
)
ACTUAL_LIMIT = 1e12


# ---------------------------------------------------------------- tasks


def _due(body: schemas.TaskCreate, data: MultiDict) -> None:
    """The form's due fields from ``due_on`` (a day) or ``due`` (relative to the event)."""
    if (body.due_on is None) == (body.due is None):
        raise InvalidInput(
            "due_on",
            _("Give either a due date, or a number of days from the event's start or end."),
        )
    if body.due_on is not None:
        put(data, "due", FIXED)
        put(data, "due_on", body.due_on)
        return
    match = RELATIVE_DUE.fullmatch(" ".join(body.due.split()))
    if match is None:
        raise InvalidInput(
            "due", _("Write the due date as “45 days before start” or “3 days after end”.")
        )
    put(data, "due", AFTER if (match["side"] or "").lower() == "after" else BEFORE)
    put(data, "days", int(match["days"] or 0))
    put(data, "anchor", match["anchor"].lower())


def _owner_id(email: str | None) -> int | None:
    if email is None:
        return None
    owner = db.session.scalar(
        select(User).where(
            func.lower(User.email) == email.strip().lower(),
            User.role.in_(STAFF_ROLES),
            User.active,
        )
    )
    if owner is None:
        raise InvalidInput("owner_id", _("Choose a staff account."))
    return owner.id


def _with_owners(form: TaskForm) -> None:
    form.owner_id.choices = [("", "—"), *staff_choices()]  # as the task page's form


@bp.route("/events/<int:event_id>/tasks", methods=["POST"])
@requires(WRITE)
@api_spec.validate(
    json=schemas.TaskCreate,
    headers=schemas.WriteHeaders,
    resp=Answers(HTTP_201=TaskAnswer, **REFUSALS),
    tags=["events"],
    **documented,
)
@write
def add_task(event_id: int):
    """Add a logistics task to an event

    Due on a day (`due_on`: "2021-05-01", "1 May 2021") or relative to the event (`due`: "45
    days before start", "3 days after end"), which moves with the event's dates. Owned by a staff
    account (`owner_email`) or a unit or partner named in words (`owner_name`).
    """
    body = read_body(schemas.TaskCreate)
    event = get_event(event_id)
    if event is None:
        raise not_found(_("There is no event with this id."))
    data = MultiDict()
    for name in ("title", "owner_name", "status", "notes"):
        put(data, name, getattr(body, name))
    put(data, "owner_id", _owner_id(body.owner_email))
    _due(body, data)
    form = checked_form(TaskForm, data, prepare=_with_owners)
    task = save_task(event, Task(), form.to_input(), actor=current_user)
    response = jsonify(task_json(task))
    response.status_code = 201
    return response


@bp.route("/tasks/<int:task_id>/done", methods=["POST"])
@requires(WRITE)
@api_spec.validate(
    headers=schemas.WriteHeaders,
    resp=Answers(HTTP_200=TaskAnswer, **REFUSALS),
    tags=["events"],
    **documented,
)
@write
def task_done(task_id: int):
    """Mark a task done (a 409 when it is done already)"""
    task = db.session.get(Task, task_id)
    if task is None:
        raise not_found(_("There is no task with this id."))
    if task.status == TaskStatus.DONE:
        raise Refused(_("This task is done already."), "conflict", 409)
    relative = task.anchor is not None
    data = TaskInput(
        title=task.title,
        due_on=None if relative else task.due_on,
        days=task.offset_days if relative else None,
        anchor=task.anchor,
        owner_id=task.owner_id,
        owner_name=task.owner_name,
        status=TaskStatus.DONE,
        notes=task.notes,
    )
    save_task(task.event, task, data, actor=current_user)
    return jsonify(task_json(task))


# ---------------------------------------------------------------- plan progress


def _actuals(values: list[float | None]) -> list[float | None]:
    for value in values:
        if value is not None and not (math.isfinite(value) and abs(value) < ACTUAL_LIMIT):
            raise InvalidInput("actuals", _("Write the actuals as numbers separated by ;."))
    return list(values)


@bp.route("/plan-items/<int:item_id>/progress", methods=["POST"])
@requires(WRITE)
@api_spec.validate(
    json=schemas.Progress,
    headers=schemas.WriteHeaders,
    resp=Answers(HTTP_200=schemas.ProgressRecorded, **REFUSALS),
    tags=["plans"],
    **documented,
)
@write
def plan_progress(item_id: int):
    """Record a plan item's progress in a period

    Its status, what was achieved on each of its indicators (in their order; null for none) and
    a comment, for a quarter (`2021-Q2`) or a year (`2021`). Recording a period again replaces
    what was recorded for it.
    """
    body = read_body(schemas.Progress)
    item = db.session.get(PlanItem, item_id)
    if item is None:
        raise not_found(_("There is no plan item with this id."))
    data = MultiDict()
    for name in ("period", "status", "comment"):
        put(data, name, getattr(body, name))
    form = checked_form(ProgressForm, data)
    row = record_progress(
        item,
        form.period.data,
        form.status.data,
        _actuals(body.actuals),
        form.comment.data or "",
        current_user,
    )
    return jsonify(
        item_id=item.id,
        period=row.period,
        status=item.status,
        actuals=row.actuals,
        comment=row.comment,
    )
