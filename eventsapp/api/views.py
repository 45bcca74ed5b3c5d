"""``/api/v1``: JSON for scripts and the event form's date preview.

Bad parameters get a 400 ``{"error": ...}``.
"""

from flask import Blueprint, abort, jsonify, request
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..catalogue.models import Programme
from ..catalogue.services import filtered_events, get_event, parse_event_filters
from ..core.dates import DatePhraseError, format_window, read_date_phrase
from ..core.errors import InvalidInput
from ..core.validation import parse_number
from ..extensions import db
from ..people.models import Country
from .services import event_json, programme_json, window_json

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def _error(message: str, status: int = 400):
    return jsonify(error=message), status


@bp.errorhandler(InvalidInput)
def _invalid(error: InvalidInput):
    return jsonify(error=error.message, field=error.field), 400


@bp.route("/events")
def events():
    filters = parse_event_filters(request.args)
    rows = db.session.scalars(filtered_events(filters)).unique().all()
    return jsonify([event_json(e) for e in rows])


@bp.route("/events/<int:event_id>")
def event(event_id: int):
    found = get_event(event_id) or abort(404, description=_("There is no event with this id."))
    return jsonify(event_json(found))


@bp.route("/programmes")
def programmes():
    rows = db.session.scalars(
        select(Programme)
        .options(selectinload(Programme.sections), selectinload(Programme.partners))
        .order_by(Programme.name)
    ).all()
    return jsonify([programme_json(p) for p in rows])


@bp.route("/countries")
def countries():
    rows = db.session.scalars(select(Country).order_by(Country.name))
    return jsonify(
        [
            {"code": c.code, "name": c.name, "region": c.region, "sub_region": c.sub_region}
            for c in rows
        ]
    )


@bp.route("/dates/parse")
def parse_date():
    """Read a date phrase: ``?text=early March (tbc)&year=2011``."""
    text = request.args.get("text", "")
    raw_year = request.args.get("year", "").strip()
    year = parse_number(raw_year)
    if raw_year and (year is None or not 1900 <= year <= 2200):
        return _error(_("year must be a number from 1900 to 2200."))
    try:
        window = read_date_phrase(text, year)
    except DatePhraseError as error:
        return _error(str(error))
    return jsonify(
        {**window_json(window), "label": format_window(window.starts_on, window.ends_on)}
    )
