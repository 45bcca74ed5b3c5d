"""Staff pages of an event's agenda: list, add, edit and delete sessions."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..catalogue.services import get_event
from ..core.errors import InvalidInput
from ..core.web import show_beside_field
from .forms import SessionForm
from .models import AgendaSession
from .services import (
    agenda_by_day,
    default_timezone,
    delete_session,
    event_agenda,
    get_session,
    next_session_start,
    save_session,
    time_zone_choices,
)

bp = Blueprint("agenda", __name__, url_prefix="/manage/events/<int:event_id>/agenda")


def _saved(form: SessionForm, event, session: AgendaSession) -> bool:
    """Save the posted session; on a refusal put the message beside its field."""
    if not form.validate_on_submit():
        return False
    try:
        save_session(event, session, form.to_input())
    except InvalidInput as error:
        show_beside_field(form, error)
        return False
    flash(_("Saved \u201c%(title)s\u201d.", title=session.title), "success")
    return True


@bp.route("/", methods=["GET", "POST"])
def sessions(event_id: int):
    """The agenda, day by day, with the form that adds a session below it."""
    event = get_event(event_id) or abort(404)
    sessions = event_agenda(event)
    form = SessionForm()
    if request.method == "GET":
        form.day.data, form.start_time.data = next_session_start(event, sessions)
        form.timezone.data = default_timezone(event)
    elif _saved(form, event, AgendaSession()):
        return redirect(url_for(".sessions", event_id=event.id))
    status = 400 if form.errors else 200
    agenda = agenda_by_day(sessions)
    return render_template(
        "agenda/sessions.html",
        event=event,
        agenda=agenda,
        form=form,
        time_zones=time_zone_choices(),
    ), status


@bp.route("/<int:session_id>/edit", methods=["GET", "POST"])
def session_form(event_id: int, session_id: int):
    event = get_event(event_id) or abort(404)
    session = get_session(event.id, session_id) or abort(404)
    form = SessionForm()
    if request.method == "GET":
        form.fill_from(session)
    elif _saved(form, event, session):
        return redirect(url_for(".sessions", event_id=event.id))
    status = 400 if form.errors else 200
    return render_template(
        "agenda/session_form.html",
        event=event,
        session=session,
        form=form,
        time_zones=time_zone_choices(),
    ), status


@bp.route("/<int:session_id>/delete", methods=["POST"])
def session_delete(event_id: int, session_id: int):
    session = get_session(event_id, session_id) or abort(404)
    title = session.title
    delete_session(session)
    flash(_("Deleted \u201c%(title)s\u201d.", title=title), "success")
    return redirect(url_for(".sessions", event_id=event_id))
