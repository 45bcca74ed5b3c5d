"""Pages: the authority's request form and its own page; staff triage under /manage/requests/."""

from dataclasses import replace

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from ..core.clock import utcnow
from ..core.errors import InvalidInput
from ..core.uploads import shown_name
from ..core.web import show_beside_field
from ..extensions import limiter
from .forms import ButtonForm, NoteForm, ReportFileForm, ReportForm, RequestForm, StatusForm
from .models import RequestStatus
from .services import (
    add_note,
    change_status,
    confirm_request,
    get_request,
    receive_report_file,
    receive_report_form,
    receive_request,
    report_due,
    report_file,
    report_max_bytes,
    request_for_token,
    request_token,
    staff_requests,
    status_counts,
    timeline,
)
from .topics import BLOCKS, TOPICS

bp = Blueprint("authority_requests", __name__, url_prefix="/requests")
manage_bp = Blueprint("authority_requests_manage", __name__, url_prefix="/manage/requests")

public_post_limit = limiter.limit(lambda: current_app.config["PUBLIC_POST_LIMIT"], methods=["POST"])


def _account():
    return current_user if current_user.is_authenticated else None


@bp.route("/new", methods=["GET", "POST"])
@public_post_limit
def new():
    form = RequestForm()
    account = _account()
    if account and request.method == "GET":
        form.contact_email.data = account.email
        form.contact_name.data = account.name
    if form.validate_on_submit():
        try:
            req = receive_request(
                replace(form.to_input(), locale=str(get_locale())), utcnow(), account
            )
        except InvalidInput as error:
            show_beside_field(form, error)
        else:
            if account:
                flash(_("Thank you: your request was received."), "success")
                return redirect(url_for(".follow", token=request_token(req)))
            return render_template("authority_requests/check_email.html", email=req.contact_email)
    return render_template(
        "authority_requests/new.html", form=form, blocks=BLOCKS, topics=TOPICS
    ), (400 if form.errors else 200)


def _by_token(token: str):
    return request_for_token(token) or abort(404)


@bp.route("/<token>", methods=["GET", "POST"])
@public_post_limit
def follow(token: str):
    """The authority's page: confirm (the emailed link), then follow the request to its event."""
    req = _by_token(token)
    if request.method == "POST" and ButtonForm().validate_on_submit():
        confirm_request(req, utcnow())
        flash(_("Thank you: your request reached the training centre."), "success")
        return redirect(url_for(".follow", token=token))
    return _follow_page(req, token)


def _follow_page(req, token, file_form=None, report_form=None, status=200):
    return render_template(
        "authority_requests/follow.html",
        req=req,
        token=token,
        timeline=timeline(req, for_the_authority=True),
        form=ButtonForm(),
        report_due=report_due(req, utcnow().date()) and not req.has_report,
        file_form=file_form or ReportFileForm(),
        report_form=report_form or ReportForm(),
    ), status


@bp.post("/<token>/withdraw")
@public_post_limit
def withdraw(token: str):
    req = _by_token(token)
    if ButtonForm().validate_on_submit():
        try:
            change_status(req, RequestStatus.WITHDRAWN, None, utcnow())
        except InvalidInput as error:
            flash(error.message, "error")
            return _follow_page(req, token, status=400)
        flash(_("Your request is withdrawn."), "success")
    return redirect(url_for(".follow", token=token))


@bp.post("/<token>/report")
@public_post_limit
def report(token: str):
    """The final report, as a file or as the form's answers."""
    req = _by_token(token)
    if not report_due(req, utcnow().date()) or req.has_report:
        abort(400, description=_("No final report is expected for this request now."))
    limit = report_max_bytes()
    # A body much larger than a report is cut off (413) before it is read.
    request.max_content_length = limit + 1024 * 1024
    file_form, report_form = ReportFileForm(), ReportForm()
    form = file_form if "file" in request.files else report_form
    if form.validate_on_submit():
        try:
            if form is file_form:
                upload = file_form.file.data
                receive_report_file(req, upload.filename or "", upload.read(limit + 1), utcnow())
            else:
                receive_report_form(
                    req,
                    report_form.experience.data,
                    report_form.adaptations.data or "",
                    report_form.recommendations.data or "",
                    utcnow(),
                )
        except InvalidInput as error:
            show_beside_field(form, error)
        else:
            flash(_("Thank you: your final report was received."), "success")
            return redirect(url_for(".follow", token=token))
    return _follow_page(req, token, file_form, report_form, 400)


# ---------------------------------------------------------------- staff


@manage_bp.get("/")
def index():
    status = request.args.get("status")
    if status not in set(RequestStatus):
        status = None
    return render_template(
        "authority_requests/manage_list.html",
        requests=staff_requests(status),
        counts=status_counts(),
        status=status,
        statuses=RequestStatus,
    )


def _staff_request(request_id: int):
    return get_request(request_id) or abort(404)


def _detail(req, status_form=None, note_form=None, status=200):
    return render_template(
        "authority_requests/manage_detail.html",
        req=req,
        timeline=timeline(req),
        status_form=status_form or StatusForm(),
        note_form=note_form or NoteForm(),
        follow_url=url_for("authority_requests.follow", token=request_token(req)),
    ), status


@manage_bp.get("/<int:request_id>")
def detail(request_id: int):
    return _detail(_staff_request(request_id))


@manage_bp.post("/<int:request_id>/status")
def set_status(request_id: int):
    req = _staff_request(request_id)
    form = StatusForm()
    if form.validate_on_submit():
        try:
            change_status(req, form.status.data, current_user, utcnow(), form.reason.data or "")
        except InvalidInput as error:
            show_beside_field(form, error, "reason" if error.field == "reason" else "status")
        else:
            flash(_("The request is now %(status)s.", status=req.status_label.lower()), "success")
            return redirect(url_for(".detail", request_id=req.id))
    return _detail(_staff_request(request_id), status_form=form, status=400)


@manage_bp.post("/<int:request_id>/notes")
def note(request_id: int):
    req = _staff_request(request_id)
    form = NoteForm()
    if form.validate_on_submit():
        add_note(req, current_user, form.note.data, utcnow())
        flash(_("Note added."), "success")
        return redirect(url_for(".detail", request_id=req.id))
    return _detail(req, note_form=form, status=400)


@manage_bp.get("/<int:request_id>/report")
def download_report(request_id: int):
    req = _staff_request(request_id)
    path, mimetype = report_file(req) or abort(404)
    # Cleaned again: a name kept before names were cleaned as they arrive could break the header.
    name = shown_name(req.report_filename or "")
    return send_file(path, mimetype=mimetype, as_attachment=True, download_name=name)
