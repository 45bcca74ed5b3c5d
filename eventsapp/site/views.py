"""The public calendar of upcoming events and the event page."""

from flask import Blueprint, abort, current_app, render_template, request
from flask_login import current_user

from ..agenda.services import agenda_by_day, event_agenda
from ..attendance.completion import stated_rule
from ..authority_requests.services import requests_of_events
from ..catalogue.listing import filter_options, filters_or_message
from ..catalogue.services import get_event, recently_held, upcoming_events, with_next_year_of_month
from ..core.clock import utcnow
from ..core.web import page_number
from ..extensions import db
from ..registration.returning import your_registration
from ..registration.seats import availability_for, event_availability
from .services import schema_org_event

bp = Blueprint("site", __name__)


@bp.route("/")
def index():
    today = utcnow().date()
    filters, problem = filters_or_message(with_next_year_of_month(request.args, today))
    pagination = db.paginate(
        upcoming_events(today, filters),
        page=page_number(),
        per_page=current_app.config["EVENTS_PER_PAGE"],
        error_out=False,
    )
    recent = recently_held(today) if not pagination.total and not request.args else []
    return render_template(
        "site/index.html",
        pagination=pagination,
        problem=problem,
        filters=filters,
        recent=recent,
        registrations=availability_for(pagination.items, utcnow()),
        **filter_options(),
    )


@bp.route("/events/<int:event_id>")
def event_page(event_id: int):
    event = get_event(event_id) or abort(404)
    state = event_availability(event, utcnow())
    agenda = agenda_by_day(event_agenda(event, public=True))
    # Staff see the authority's request the event came from, and its final report.
    request_of_event = yours = None
    if current_user.is_authenticated and current_user.is_staff:
        request_of_event = requests_of_events([event.id]).get(event.id)
    if current_user.is_authenticated:  # her registration, in place of the registration button
        yours = your_registration(current_user, event.id)
    return render_template(
        "site/event.html",
        event=event,
        agenda=agenda,
        request_of_event=request_of_event,
        registration=state,
        yours=yours,
        json_ld=schema_org_event(event, state),
        today=utcnow().date(),
        completion_rule=stated_rule(event.id),
    )
