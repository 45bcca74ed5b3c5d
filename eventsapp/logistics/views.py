"""Staff pages of logistics: an event's tasks, the tasks dashboard and a programme's year grid."""

from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from ..catalogue.models import Programme
from ..catalogue.services import get_event
from ..core.clock import utcnow
from ..core.dates import FIRST_YEAR, LAST_YEAR
from ..core.errors import InvalidInput
from ..core.navigation import BAR, LIST, event_tab
from ..core.web import show_beside_field
from ..extensions import db
from .forms import TaskForm
from .models import Task
from .services import (
    SOON_DAYS,
    apply_checklist,
    by_owner,
    checklist_size,
    event_tasks,
    get_task,
    open_tasks_due,
    plan_years,
    save_task,
    staff_choices,
    year_grid,
)

bp = Blueprint("logistics", __name__, url_prefix="/manage")
event_tab(
    "logistics.event_task_list",
    _l("Tasks"),
    16,
    (BAR, LIST),
    also_current_on=("logistics.task_form",),
)


def _task_form(**kwargs) -> TaskForm:
    form = TaskForm(**kwargs)
    form.owner_id.choices = [("", "—"), *staff_choices()]
    return form


def _saved(form: TaskForm, event, task: Task) -> bool:
    if not form.validate_on_submit():
        return False
    try:
        save_task(event, task, form.to_input(), actor=current_user)
    except InvalidInput as error:
        show_beside_field(form, error, error.field if error.field in form else "due_on")
        return False
    flash(_("Saved \u201c%(title)s\u201d.", title=task.title), "success")
    return True


@bp.route("/events/<int:event_id>/tasks/", methods=["GET", "POST"])
def event_task_list(event_id: int):
    """An event's tasks with their progress, and the form that adds one."""
    event = get_event(event_id) or abort(404)
    form = _task_form()
    if request.method == "POST" and _saved(form, event, Task()):
        return redirect(url_for(".event_task_list", event_id=event.id))
    tasks = event_tasks(event.id)
    return render_template(
        "logistics/event_tasks.html",
        event=event,
        tasks=tasks,
        done=sum(t.status == "done" for t in tasks),
        form=form,
        checklist_size=checklist_size(event),
        today=utcnow().date(),
    ), 400 if form.errors else 200


@bp.route("/events/<int:event_id>/tasks/from-template", methods=["POST"])
def event_tasks_from_template(event_id: int):
    event = get_event(event_id) or abort(404)
    added = apply_checklist(event)
    flash(
        ngettext(
            "Added %(num)d task of the template.", "Added %(num)d tasks of the template.", added
        ),
        "success",
    )
    return redirect(url_for(".event_task_list", event_id=event.id))


@bp.route("/events/<int:event_id>/tasks/<int:task_id>/edit", methods=["GET", "POST"])
def task_form(event_id: int, task_id: int):
    event = get_event(event_id) or abort(404)
    task = get_task(event.id, task_id) or abort(404)
    form = _task_form()
    if request.method == "GET":
        form.fill_from(task)
    elif _saved(form, event, task):
        return redirect(url_for(".event_task_list", event_id=event.id))
    return render_template(
        "logistics/task_form.html", event=event, task=task, form=form
    ), 400 if form.errors else 200


@bp.route("/events/<int:event_id>/tasks/<int:task_id>/delete", methods=["POST"])
def task_delete(event_id: int, task_id: int):
    task = get_task(event_id, task_id) or abort(404)
    title = task.title
    db.session.delete(task)
    flash(_("Deleted \u201c%(title)s\u201d.", title=title), "success")
    return redirect(url_for(".event_task_list", event_id=event_id))


@bp.route("/tasks/")
def dashboard():
    """Overdue tasks and those due in the next two weeks, by owner; ``?mine=1``: mine only."""
    today = utcnow().date()
    mine = request.args.get("mine") == "1"
    tasks = open_tasks_due(
        today + timedelta(days=SOON_DAYS), owner_id=current_user.id if mine else None
    )
    return render_template(
        "logistics/dashboard.html",
        owners=by_owner(tasks),
        overdue=sum(t.due_on < today for t in tasks),
        count=len(tasks),
        mine=mine,
        today=today,
        soon_days=SOON_DAYS,
        plans=plan_years(),
    )


@bp.route("/programmes/<int:programme_id>/plan/<int:year>")
def plan_grid(programme_id: int, year: int):
    """The action plan of a programme year: months I–XII, each event's window and its tasks."""
    programme = db.session.get(Programme, programme_id) or abort(404)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        abort(404)
    return render_template(
        "logistics/plan_grid.html",
        programme=programme,
        year=year,
        rows=year_grid(programme, year),
        months=["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"],
    )
