"""``/api/v1``: JSON for scripts and the event form's date preview, described by the OpenAPI
document at ``/api/v1/openapi.json`` (generated from ``schemas.py`` and these views) and browsable
at ``/api/v1/docs``.

Every route here is for staff unless it is marked ``@public``: a route that forgets answers
anonymous visitors 401 and delegates 403 (``_staff_unless_public``), never its data.

Bad parameters get a 400 ``{"error": ...}`` (other errors under ``/api/`` are JSON too: see
``_register_error_pages`` in ``create_app``).
"""

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    render_template,
    request,
)
from flask_babel import gettext as _
from flask_login import current_user
from spectree import Response as Answers
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.http import is_resource_modified

from ...catalogue.models import Programme
from ...catalogue.services import parse_event_filters
from ...core.dates import DatePhraseError, format_window, read_date_phrase
from ...core.errors import InvalidInput
from ...core.links import site_url
from ...core.validation import parse_number
from ...extensions import db
from ...people.models import Country
from .. import schemas
from ..schemas import api_spec
from ..scopes import granted, scope_of
from ..services import (
    event_json,
    events_page,
    events_version,
    parse_paging,
    programme_json,
    window_json,
)
from . import token_auth

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# The views document what they read and answer, but read and check it themselves (see schemas).
documented = {"skip_validation": True}


def _error(message: str, status: int = 400):
    return jsonify(error=message), status


def public(view):
    """Opens an API route to everyone (put it right under ``@bp.route``); the others are for
    staff."""
    view.public = True
    return view


def is_staff() -> bool:
    return current_user.is_authenticated and current_user.is_staff


# A call with ``Authorization: Bearer`` is its token owner's (before the check below), and counts
# against the token's rate limit.
bp.before_request(token_auth.authenticate_bearer)
token_auth.limit_each_token(bp)


@bp.before_request
def _staff_unless_public():
    view = current_app.view_functions.get(request.endpoint)
    if view is None or getattr(view, "public", False):
        return None
    if not current_user.is_authenticated:
        return _error(_("Sign in with a staff account to read this."), 401)
    if not is_staff():
        return _error(_("This is for training-centre staff only."), 403)
    needed = scope_of(view)
    if needed not in granted(current_user):
        return _error(_("This needs the scope %(scope)s.", scope=needed), 403)
    return None


@bp.errorhandler(InvalidInput)
def _invalid(error: InvalidInput):
    return jsonify(error=error.message, field=error.field), 400


@bp.route("/events")
@public
@api_spec.validate(
    query=schemas.EventQuery,
    resp=Answers("HTTP_304", HTTP_200=schemas.Events),
    tags=["events"],
    **documented,
)
def events():
    """Events, in date order, a page at a time

    The body is a list. `X-Total-Count` gives the number of events matching the filters, and
    `Link: <...>; rel="next"` the next page while there is one. Each page has an ETag: send it
    back in `If-None-Match` to get a 304 while nothing it shows has changed.
    """
    filters = parse_event_filters(request.args)
    paging = parse_paging(request.args)
    version = events_version(filters, request.full_path)
    if not is_resource_modified(request.environ, etag=version.etag):
        response = Response(status=304)
    else:
        page = events_page(filters, paging, request.full_path, version)
        response = Response(page.body, mimetype="application/json")
        if page.next_cursor:
            args = {**request.args.to_dict(), "cursor": page.next_cursor}
            response.headers["Link"] = f'<{site_url("api.events", **args)}>; rel="next"'
    response.set_etag(version.etag)
    response.headers["X-Total-Count"] = str(version.total)
    response.cache_control.no_cache = True  # clients check with the ETag before each use
    return response


@bp.route("/events/<int:event_id>")
@public
@api_spec.validate(resp=Answers("HTTP_404", HTTP_200=schemas.Event), tags=["events"], **documented)
def event(event_id: int):
    """One event"""
    found = event_json(event_id) or abort(404, description=_("There is no event with this id."))
    return jsonify(found)


@bp.route("/programmes")
@public
@api_spec.validate(resp=Answers(HTTP_200=schemas.Programmes), tags=["programmes"], **documented)
def programmes():
    """Programmes, with their sections and partners"""
    rows = db.session.scalars(
        select(Programme)
        .options(selectinload(Programme.sections), selectinload(Programme.partners))
        .order_by(Programme.name)
    ).all()
    return jsonify([programme_json(p) for p in rows])


@bp.route("/countries")
@public
@api_spec.validate(resp=Answers(HTTP_200=schemas.Countries), tags=["countries"], **documented)
def countries():
    """Countries, with their UN M49 regions"""
    rows = db.session.scalars(select(Country).order_by(Country.name))
    return jsonify(
        [
            {"code": c.code, "name": c.name, "region": c.region, "sub_region": c.sub_region}
            for c in rows
        ]
    )


@bp.route("/dates/parse")
@public
@api_spec.validate(
    query=schemas.DatePhraseQuery,
    resp=Answers(HTTP_200=schemas.DateReading),
    tags=["dates"],
    **documented,
)
def parse_date():
    """How a date phrase is read: `?text=early March (tbc)&year=2011`"""
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


# ---------------------------------------------------------------- the document and its page


@bp.route("/openapi.json")
@public
def openapi():
    return current_app.json.response(api_spec.spec)


@bp.route("/docs")
@public
def docs():
    """The OpenAPI document, browsable (Swagger UI, served from static/vendor)."""
    return render_template("api/docs.html")


# Routes of other capabilities' JSON, on this blueprint (imported last: they use ``bp``).
from . import (  # noqa: E402, F401
    authority_requests,
    budget,
    delegations,
    event_work,
    outcomes,
    people,
    reports,
    travel_letters,
    travel_rooming,
    writes,
)
