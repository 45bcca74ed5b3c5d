"""The privacy notice (``/privacy``, published by administrators at ``/manage/privacy-notice``),
a person's own data (``/account/data``), asking to be forgotten (``/account/erase``), and staff
confirming or refusing it (``/manage/erasures/``: under /manage/, for staff only)."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, logout_user

from ..accounts.models import Role
from ..core.actions import describe, log_action
from ..core.clock import utcnow
from ..core.errors import InvalidInput
from ..core.exports import download
from ..core.validation import MAX_ID, parse_number
from ..core.web import show_beside_field
from ..people.persons import person_for_address
from .export import data_zip
from .forms import EraseForm, NoticeForm, RefuseForm
from .models import ErasureStatus
from .services import (
    ask_erasure,
    blocking_events,
    confirm_erasure,
    erasure_request,
    latest_request,
    notice,
    paragraphs,
    publish_notice,
    refuse_erasure,
    waiting_erasures,
)

bp = Blueprint("privacy", __name__)

DOWNLOADED = describe("person.data_downloaded", _l("%(object)s downloaded their data"))


@bp.get("/privacy", endpoint="notice")
def notice_page():
    version = parse_number(request.args.get("version"))
    if version is not None and version > MAX_ID:
        abort(404)
    shown = notice(version) if version else notice()
    if shown is None:
        abort(404)
    text, language = shown.text_in(get_locale().language)
    return render_template(
        "privacy/notice.html", notice=shown, blocks=paragraphs(text), language=language
    )


@bp.route("/manage/privacy-notice", methods=["GET", "POST"])
def publish_page():
    if current_user.role != Role.ADMIN:
        abort(403)
    form = NoticeForm()
    if request.method == "GET":
        current = notice()
        form.text_en.data, form.text_es.data, form.text_fr.data = (
            current.texts.get(code, "") for code in ("en", "es", "fr")
        )
    if form.validate_on_submit():
        texts = {"en": form.text_en.data, "es": form.text_es.data, "fr": form.text_fr.data}
        try:
            published = publish_notice(texts, current_user, utcnow())
        except InvalidInput as error:
            show_beside_field(form, error)
        else:
            flash(_("Published version %(version)s.", version=published.version), "success")
            return redirect(url_for("privacy.notice"))
    page = render_template("privacy/publish.html", form=form, current=notice())
    return page, 400 if form.errors else 200


def _own_person():
    """The signed-in account's person, made from its address the first time (signing in
    proved it)."""
    if current_user.person is None:
        current_user.person = person_for_address(
            current_user.email, utcnow(), name=current_user.name or current_user.email
        )
    return current_user.person


@bp.get("/account/data")
@login_required
def my_data():
    person = _own_person()
    body = data_zip(person)
    log_action(person, DOWNLOADED, current_user, account_id=current_user.id)
    # The file's name in the visitor's language, in ASCII (a header carries it).
    name = _("my-data")
    return download(body, "application/zip", f"{name}-{utcnow():%Y-%m-%d}.zip")


@bp.route("/account/erase", methods=["GET", "POST"])
@login_required
def erase_page():
    if current_user.is_staff:
        flash(_("A staff account is closed by an administrator."), "error")
        return redirect(url_for("registration.my_registrations"))
    person = _own_person()
    form = EraseForm()
    if form.validate_on_submit():
        asked = ask_erasure(person, current_user, utcnow())
        if asked.status == ErasureStatus.ERASED:
            logout_user()
            return render_template("privacy/erased.html")
        flash(
            _("Your request is with our staff: they will erase your data once they confirm it."),
            "success",
        )
        return redirect(url_for("privacy.erase_page"))
    asked = latest_request(person)
    page = render_template(
        "privacy/erase.html", form=form, asked=asked, events=blocking_events([asked])
    )
    return page, 400 if form.errors else 200


@bp.get("/manage/erasures/")
def erasures():
    return _erasures_page(RefuseForm())


def _erasures_page(refuse_form, refusing: int | None = None) -> str:
    waiting = waiting_erasures()
    return render_template(
        "privacy/erasures.html",
        erasures=waiting,
        events=blocking_events(waiting),
        refuse_form=refuse_form,
        refusing=refusing,
    )


@bp.post("/manage/erasures/<int:request_id>/confirm")
def confirm(request_id: int):
    asked = erasure_request(request_id) or abort(404)
    try:
        confirm_erasure(asked, current_user, utcnow())
    except InvalidInput as error:
        flash(error.message, "error")
    else:
        flash(_("Erased the personal data of a participant."), "success")
    return redirect(url_for("privacy.erasures"))


@bp.post("/manage/erasures/<int:request_id>/refuse")
def refuse(request_id: int):
    asked = erasure_request(request_id) or abort(404)
    form = RefuseForm()
    if form.validate_on_submit():
        try:
            refuse_erasure(asked, current_user, form.reason.data, utcnow())
        except InvalidInput as error:
            flash(error.message, "error")
        else:
            flash(_("Refused the request; the person reads your reason."), "success")
            return redirect(url_for("privacy.erasures"))
    return _erasures_page(form, asked.id), 400
