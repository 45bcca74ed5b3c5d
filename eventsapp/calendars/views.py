from flask import Blueprint, Response, abort

from ..catalogue.services import get_event
from .services import event_ics

bp = Blueprint("calendars", __name__)


@bp.route("/events/<int:event_id>.ics")
def event_file(event_id: int):
    event = get_event(event_id) or abort(404)
    return Response(
        event_ics(event),
        mimetype="text/calendar",
        headers={
            "Content-Type": "text/calendar; charset=utf-8",
            "Content-Disposition": f'inline; filename="event-{event.id}.ics"',
        },
    )
