"""Calendar feeds (.ics), the printable yearly calendar with its CSV and XLSX, subscriptions.

Every absolute address these pages and feeds give is built from ``SITE_URL`` (``site_url``),
never from the Host header a request names.
"""

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup
from werkzeug.http import is_resource_modified

from ..catalogue.models import Event, EventKind, Programme, Region
from ..catalogue.services import EventFilters, parse_event_filters, programme_choices
from ..core.clock import utcnow
from ..core.errors import InvalidInput
from ..core.exports import CSV_TYPE, XLSX_TYPE, download
from ..core.links import site_url
from ..core.web import page_number
from ..extensions import db
from ..people.services import country_choices
from .services import (
    Feed,
    event_feed,
    feed_text,
    feed_token,
    feed_version,
    personal_feed,
    programme_feed,
    reset_feed_token,
    user_for_feed_token,
    year_feed,
)
from .year import calendar_csv, calendar_xlsx, nearest_years_with_events, page_events, year_calendar

bp = Blueprint("calendars", __name__)

# The filters of the yearly calendar and its feed and downloads.
YEAR_FILTERS = ("kind", "programme", "country", "region")


@bp.errorhandler(InvalidInput)
def _bad_filter(error: InvalidInput):
    """Feeds and downloads answer a bad filter in plain words (the page shows it instead)."""
    return Response(error.message, status=400, mimetype="text/plain")


@bp.app_template_filter("webcal")
def webcal(url: str) -> str:
    """The webcal:// form of a feed URL, which opens the visitor's calendar application."""
    return "webcal://" + url.split("://", 1)[1]


def _filter_args() -> dict[str, str]:
    return {name: value for name in YEAR_FILTERS if (value := request.args.get(name, "").strip())}


def _year_filters(year: int) -> EventFilters:
    """The filters of the request for `year` (404 outside 1900–2200); InvalidInput if bad."""
    if not 1900 <= year <= 2200:
        abort(404)
    return parse_event_filters({**_filter_args(), "year": str(year)})


def _validated(etag: str, private: bool = False) -> Response | None:
    """A 304 when the client's copy (by its ETag) is current, else None; see ``_validators``."""
    if is_resource_modified(request.environ, etag=etag):
        return None
    return _validators(Response(b"", 304), etag, private)


def _validators(response: Response, etag: str, private: bool = False) -> Response:
    response.set_etag(etag)
    response.cache_control.no_cache = True  # clients check with the ETag before each use
    if private:
        response.cache_control.private = True
    else:
        response.cache_control.public = True
    return response


def _feed_response(feed: Feed, filename: str) -> Response:
    """The feed, or a 304 (built from one query) when the client's copy is current."""
    version = feed_version(feed)
    # Only the ETag decides: a Last-Modified date cannot tell that an event left the feed (moved
    # to another year, deleted, a delegate withdrew), since the newest change may not move.
    response = _validated(version.etag, feed.private) or _validators(
        Response(feed_text(feed, version)), version.etag, feed.private
    )
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.last_modified = version.last_modified
    return response


# ---------------------------------------------------------------- the yearly calendar


@bp.route("/calendar/")
def this_year():
    return redirect(url_for(".year_page", year=utcnow().date().year))


@bp.route("/calendar/<int:year>")
def year_page(year: int):
    """The calendar of activities of a year, month by month in pages, ready to print."""
    problem = None
    try:
        filters = _year_filters(year)
    except InvalidInput as error:
        problem, filters = error.message, EventFilters(year=year)
    args = {} if problem else _filter_args()
    calendar = year_calendar(filters, shared=not args)
    page = min(page_number(), calendar.pages)
    # The page shows who is signed in and the query as asked; its list of events, only these.
    user = current_user.get_id()
    etag = calendar.etag(request.full_path, user, problem)
    if response := _validated(etag, private=True):
        return response
    address = url_for(".year_page", year=year, page=page, **args)
    events_html = ""
    if calendar.ids:
        events_html = Markup(page_events(calendar, page, address, calendar.etag(address), **args))
    html = render_template(
        "calendars/year.html",
        year=year,
        events_html=events_html,
        nearest=nearest_years_with_events(filters) if not calendar.ids else (None, None),
        problem=problem,
        filters=filters,
        filter_args=args,
        feed_url=site_url("calendars.year_ics", year=year, **args),
        csv_url=url_for(".year_csv", year=year, **args),
        xlsx_url=url_for(".year_xlsx", year=year, **args),
        kinds=EventKind.choices(),
        programme_options=[(p.id, p.short_name) for p in programme_choices()],
        countries=country_choices(),
        region_options=Region.choices(),
        today=utcnow().date(),
    )
    return _validators(Response(html), etag, private=True)


@bp.route("/calendar/<int:year>.ics")
def year_ics(year: int):
    filters = _year_filters(year)
    url = site_url("calendars.year_ics", year=year, **_filter_args())
    return _feed_response(year_feed(url, filters), f"calendar-{year}.ics")


def _spreadsheet(year: int, endpoint: str, build, content_type: str, filename: str):
    args = _filter_args()
    calendar = year_calendar(_year_filters(year), shared=not args)
    address = url_for(endpoint, year=year, **args)
    etag = calendar.etag(address)
    response = _validated(etag) or download(build(calendar, address, etag), content_type, filename)
    return _validators(response, etag)


@bp.route("/calendar/<int:year>.csv")
def year_csv(year: int):
    return _spreadsheet(year, ".year_csv", calendar_csv, CSV_TYPE, f"calendar-{year}.csv")


@bp.route("/calendar/<int:year>.xlsx")
def year_xlsx(year: int):
    return _spreadsheet(year, ".year_xlsx", calendar_xlsx, XLSX_TYPE, f"calendar-{year}.xlsx")


# ---------------------------------------------------------------- other feeds


@bp.route("/events/<int:event_id>.ics")
def event_file(event_id: int):
    """One event with its published agenda."""
    event = db.session.get(Event, event_id) or abort(404)
    url = site_url("calendars.event_file", event_id=event.id)
    return _feed_response(event_feed(url, event), f"event-{event.id}.ics")


@bp.route("/programmes/<int:programme_id>.ics")
def programme_ics(programme_id: int):
    programme = db.session.get(Programme, programme_id) or abort(404)
    url = site_url("calendars.programme_ics", programme_id=programme.id)
    return _feed_response(programme_feed(url, programme), f"programme-{programme.id}.ics")


@bp.route("/calendar/personal/<token>.ics")
def personal_ics(token: str):
    """An account's own events, behind a signed URL that calendar applications can poll."""
    user = user_for_feed_token(token) or abort(404)
    url = site_url("calendars.personal_ics", token=token)
    return _feed_response(personal_feed(url, user), "my-events.ics")


@bp.route("/calendar/subscribe")
@login_required
def subscribe():
    personal_url = site_url("calendars.personal_ics", token=feed_token(current_user))
    year_url = site_url("calendars.year_ics", year=utcnow().date().year)
    return render_template("calendars/subscribe.html", personal_url=personal_url, year_url=year_url)


@bp.route("/calendar/subscribe/reset", methods=["POST"])
@login_required
def reset_subscription():
    reset_feed_token(current_user)
    flash(_("Your personal calendar link was reset: the old link no longer works."), "success")
    return redirect(url_for(".subscribe"))
