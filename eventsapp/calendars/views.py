"""Calendar feeds (.ics), the printable yearly calendar with its CSV and XLSX, subscriptions."""

from babel.dates import get_month_names
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
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.http import is_resource_modified

from ..catalogue.models import REGIONS, Event, EventKind, Programme
from ..catalogue.services import EventFilters, parse_event_filters, programme_choices
from ..core.clock import utcnow
from ..core.errors import InvalidInput
from ..core.exports import csv_response, xlsx_response
from ..extensions import db
from ..people.services import country_choices
from .services import (
    Feed,
    calendar_table,
    event_feed,
    feed_text,
    feed_token,
    feed_version,
    nearest_years_with_events,
    personal_feed,
    programme_feed,
    reset_feed_token,
    user_for_feed_token,
    year_calendar,
    year_feed,
)

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


def _feed_response(feed: Feed, filename: str) -> Response:
    """The feed, or a 304 (built from one query) when the client's copy is current."""
    version = feed_version(feed)
    # Only the ETag decides: a Last-Modified date cannot tell that an event left the feed (moved
    # to another year, deleted, a delegate withdrew), since the newest change may not move.
    modified = is_resource_modified(request.environ, etag=version.etag)
    response = Response(feed_text(feed, version) if modified else b"", 200 if modified else 304)
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.set_etag(version.etag)
    response.last_modified = version.last_modified
    response.cache_control.no_cache = True  # clients check with the ETag before each use
    if feed.private:
        response.cache_control.private = True
    else:
        response.cache_control.public = True
    return response


# ---------------------------------------------------------------- the yearly calendar


@bp.route("/calendar/")
def this_year():
    return redirect(url_for(".year_page", year=utcnow().date().year))


@bp.route("/calendar/<int:year>")
def year_page(year: int):
    """The calendar of activities of a year, month by month, ready to print."""
    problem = None
    try:
        filters = _year_filters(year)
    except InvalidInput as error:
        problem, filters = error.message, EventFilters(year=year)
    args = {} if problem else _filter_args()
    months = get_month_names("wide", locale=get_locale())
    calendar = year_calendar(filters)
    return render_template(
        "calendars/year.html",
        year=year,
        months=calendar,
        nearest=nearest_years_with_events(filters) if not calendar else (None, None),
        month_names=months,
        problem=problem,
        filters=filters,
        filter_args=args,
        feed_url=url_for(".year_ics", year=year, _external=True, **args),
        csv_url=url_for(".year_csv", year=year, **args),
        xlsx_url=url_for(".year_xlsx", year=year, **args),
        kinds=EventKind.choices(),
        programme_options=[(p.id, p.short_name) for p in programme_choices()],
        countries=country_choices(),
        region_options=[(r, r) for r in REGIONS],
        today=utcnow().date(),
    )


@bp.route("/calendar/<int:year>.ics")
def year_ics(year: int):
    filters = _year_filters(year)
    url = url_for(".year_ics", year=year, _external=True, **_filter_args())
    return _feed_response(year_feed(url, filters), f"calendar-{year}.ics")


@bp.route("/calendar/<int:year>.csv")
def year_csv(year: int):
    header, rows = calendar_table(year_calendar(_year_filters(year)))
    return csv_response(f"calendar-{year}.csv", header, rows)


@bp.route("/calendar/<int:year>.xlsx")
def year_xlsx(year: int):
    header, rows = calendar_table(year_calendar(_year_filters(year)))
    title = _("Calendar %(year)s", year=year)
    return xlsx_response(f"calendar-{year}.xlsx", title, header, rows)


# ---------------------------------------------------------------- other feeds


@bp.route("/events/<int:event_id>.ics")
def event_file(event_id: int):
    """One event with its published agenda."""
    event = db.session.get(Event, event_id) or abort(404)
    url = url_for(".event_file", event_id=event.id, _external=True)
    return _feed_response(event_feed(url, event), f"event-{event.id}.ics")


@bp.route("/programmes/<int:programme_id>.ics")
def programme_ics(programme_id: int):
    programme = db.session.get(Programme, programme_id) or abort(404)
    url = url_for(".programme_ics", programme_id=programme.id, _external=True)
    return _feed_response(programme_feed(url, programme), f"programme-{programme.id}.ics")


@bp.route("/calendar/personal/<token>.ics")
def personal_ics(token: str):
    """An account's own events, behind a signed URL that calendar applications can poll."""
    user = user_for_feed_token(token) or abort(404)
    url = url_for(".personal_ics", token=token, _external=True)
    return _feed_response(personal_feed(url, user), "my-events.ics")


@bp.route("/calendar/subscribe")
@login_required
def subscribe():
    personal_url = url_for(".personal_ics", token=feed_token(current_user), _external=True)
    year_url = url_for(".year_ics", year=utcnow().date().year, _external=True)
    return render_template("calendars/subscribe.html", personal_url=personal_url, year_url=year_url)


@bp.route("/calendar/subscribe/reset", methods=["POST"])
@login_required
def reset_subscription():
    reset_feed_token(current_user)
    flash(_("Your personal calendar link was reset: the old link no longer works."), "success")
    return redirect(url_for(".subscribe"))
