"""The alumni directory, joining and leaving it, and the staff's export."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..core.clock import utcnow
from ..core.errors import InvalidInput
from ..core.exports import csv_response, xlsx_response
from ..core.web import page_number
from ..extensions import db, login_manager
from . import services
from .forms import AddressForm, JoinForm, LeaveForm

PER_PAGE = 25

bp = Blueprint("alumni", __name__, url_prefix="/alumni")


@bp.before_request
def _signed_in_only():
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    return None


def _may_search(person) -> bool:
    return current_user.is_staff or services.is_alumnus(person)


@bp.route("/")
def directory():
    """Alumni and staff search the directory; anyone else signed in with a person record is
    offered to join it."""
    person = services.current_person(current_user)
    shown = {
        "person": person,
        "may_join": services.may_join(person, utcnow().date()),
        "join_form": JoinForm(),
        "address_form": AddressForm(shows_email=bool(person and person.alumni_shows_email)),
        "leave_form": LeaveForm(),
    }
    if not _may_search(person):
        return render_template("alumni/directory.html", **shown)
    today = utcnow().date()
    try:
        filters, problem = services.parse_filters(request.args), None
    except InvalidInput as error:
        filters, problem = services.AlumniFilters(), error
    pagination = db.paginate(
        services.directory(filters, today), page=page_number(), per_page=PER_PAGE, error_out=False
    )
    viewer = None if current_user.is_staff and not services.is_alumnus(person) else person.id
    return render_template(
        "alumni/directory.html",
        **shown,
        filters=filters,
        problem=problem,
        pagination=pagination,
        events=services.events_of([p.id for p in pagination.items], today, shared_with=viewer),
        shared=viewer is not None,
        choices=services.filter_choices(),
    )


@bp.route("/join", methods=["POST"])
def join():
    person = services.current_person(current_user) or abort(404)
    form = JoinForm()
    if not form.validate_on_submit():
        page = render_template(
            "alumni/directory.html",
            person=person,
            may_join=True,
            join_form=form,
            address_form=AddressForm(),
            leave_form=LeaveForm(),
        )
        return page, 400
    try:
        services.join(person, form.shows_email.data, utcnow(), current_user)
    except InvalidInput as error:
        flash(error.message, "error")
        return redirect(url_for(".directory"))
    flash(_("You joined the alumni directory. You may leave it at any time."), "success")
    return redirect(url_for(".directory"))


@bp.route("/address", methods=["POST"])
def address():
    person = services.current_person(current_user)
    form = AddressForm()
    if not services.is_alumnus(person) or not form.validate_on_submit():
        abort(400)
    services.show_email(person, form.shows_email.data, utcnow(), current_user)
    if form.shows_email.data:
        flash(_("Fellow alumni now see your email address."), "success")
    else:
        flash(_("Fellow alumni no longer see your email address."), "success")
    return redirect(url_for(".directory"))


@bp.route("/leave", methods=["POST"])
def leave():
    person = services.current_person(current_user) or abort(404)
    if not LeaveForm().validate_on_submit():
        abort(400)
    services.leave(person, utcnow(), current_user)
    flash(_("You left the alumni directory: nobody finds you there any more."), "success")
    return redirect(url_for(".directory"))


@bp.route("/export.csv")
def export_csv():
    return _export("CSV")


@bp.route("/export.xlsx")
def export_xlsx():
    return _export("XLSX")


def _export(file_format: str):
    """Staff download the directory the filters find, a line in the action log saying so."""
    if not current_user.is_staff:
        abort(403)
    try:
        filters = services.parse_filters(request.args)
    except InvalidInput as error:
        return error.message, 400, {"Content-Type": "text/plain; charset=utf-8"}
    now = utcnow()
    header, rows = services.export_rows(filters, now.date())
    services.log_export(current_user, len(rows), file_format, now)
    filename = f"alumni-{now.date().isoformat()}.{file_format.lower()}"
    if file_format == "CSV":
        return csv_response(filename, header, rows)
    return xlsx_response(filename, _("Alumni"), header, rows)
