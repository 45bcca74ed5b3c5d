"""Results summaries and the annual report, for staff: ``/reports/results`` (page, CSV, XLSX)
and ``/reports/annual-report`` (printable page, PDF); the same summary as JSON is the API's
(``api/views/reports.py``).

They count participants from registrations, so that they are for signed-in staff only, like
``/manage/``: anonymous visitors are sent to sign in, others are refused.
"""

from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from ..authority_requests.services import demand
from ..catalogue.models import REGIONS, EventKind
from ..catalogue.services import programme_choices
from ..core.clock import utcnow
from ..core.errors import InvalidInput
from ..core.exports import XLSX_TYPE, csv_response, download, xlsx_book_bytes
from ..extensions import login_manager
from .balance import gender_shortfalls
from .charts import summary_charts
from .map import HEIGHT, WIDTH, map_shapes
from .pdf import PdfUnavailable, report_pdf
from .services import (
    ResultsQuery,
    events_reached,
    parse_results_query,
    results_summary,
)
from .tables import events_table, summary_tables, year_region_table

bp = Blueprint("reports", __name__, url_prefix="/reports")


@bp.before_request
def _staff_only():
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.is_staff:
        abort(403)
    return None


@bp.errorhandler(InvalidInput)
def _invalid_download(error: InvalidInput):
    """Downloads answer bad parameters in plain words (the pages show them beside the filters)."""
    return error.message, 400, {"Content-Type": "text/plain; charset=utf-8"}


def _file_name(query: ResultsQuery, suffix: str) -> str:
    programme = (
        (query.programme.acronym or f"programme-{query.programme.id}") if query.programme else "all"
    )
    safe = "".join(c if c.isascii() and c.isalnum() else "-" for c in programme)
    return f"results-{safe}-{query.period_label.replace('–', '-')}.{suffix}"


def _map(results) -> dict:
    reached = {c["numeric"]: c["name"] for c in results.countries}
    return {"shapes": map_shapes(reached), "width": WIDTH, "height": HEIGHT}


def _summary_context(query: ResultsQuery) -> dict:
    results = results_summary(query)
    return {
        "query": query,
        "results": results,
        "tables": summary_tables(results),
        "charts": summary_charts(results),
        "world": _map(results),
        "demand": demand(query.first_year, query.last_year),
    }


def _filter_options() -> dict:
    return {
        "kinds": EventKind.choices(),
        "programme_options": [(p.id, p.short_name) for p in programme_choices()],
        "regions": REGIONS,
    }


@bp.get("/results")
def results_page():
    try:
        query = parse_results_query(request.args)
    except InvalidInput as error:
        page = render_template("reports/results.html", problem=error.message, **_filter_options())
        return page, 400
    return render_template(
        "reports/results.html",
        **_summary_context(query),
        **_filter_options(),
        shortfalls=gender_shortfalls(query),
    )


@bp.get("/results.csv")
def results_csv():
    query = parse_results_query(request.args)
    table = year_region_table(results_summary(query))
    return csv_response(_file_name(query, "csv"), table.header, table.rows)


@bp.get("/results.xlsx")
def results_xlsx():
    query = parse_results_query(request.args)
    sheets = [table.as_sheet() for table in summary_tables(results_summary(query))]
    sheets.append(events_table(events_reached(query)).as_sheet())
    return download(xlsx_book_bytes(sheets), XLSX_TYPE, _file_name(query, "xlsx"))


def _report_context(query: ResultsQuery) -> dict:
    return {
        **_summary_context(query),
        "events": events_table(events_reached(query)),
        "today": utcnow().date(),
    }


@bp.get("/annual-report")
def annual_report():
    try:
        query = parse_results_query(request.args, year_only=True)
    except InvalidInput as error:
        page = render_template("reports/results.html", problem=error.message, **_filter_options())
        return page, 400
    return render_template("reports/annual_report.html", **_report_context(query))


@bp.get("/annual-report.pdf")
def annual_report_pdf():
    query = parse_results_query(request.args, year_only=True)
    html = render_template("reports/annual_report.html", pdf=True, **_report_context(query))
    name = _file_name(query, "pdf").replace("results-", "annual-report-")
    try:
        return download(report_pdf(html), "application/pdf", name)
    except PdfUnavailable as error:
        current_app.logger.error("The annual report's PDF cannot be made: %s", error)
        message = _(
            "This server cannot make PDFs yet (it needs Pango: apt-get install libpango-1.0-0 "
            "libpangoft2-1.0-0). Print the annual report's page from your browser meanwhile."
        )
        return render_template("error.html", code=503, message=message), 503
