"""Pages after approval: messages, badges, check-in, certificates and evaluations (staff), the
public verification of certificates, and the attendee's evaluation form."""

from datetime import date

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from ..catalogue.services import get_event
from ..core.clock import utcnow
from ..core.errors import InvalidInput
from ..core.exports import download
from ..core.links import site_url
from ..core.pdf import STATIC, PdfUnavailable, html_to_pdf
from ..core.validation import parse_number
from ..extensions import db
from ..mail.services import in_language
from ..registration.models import Registration
from ..registration.participants import participants_with_a_place
from .forms import EvaluationForm
from .models import Certificate
from .services import (
    SCALES,
    badges,
    certificate_by_code,
    certificate_codes,
    certificates_of,
    check_in,
    checked_in_on,
    counts_per_day,
    days_attended,
    evaluation_results,
    event_days,
    find_participants,
    has_evaluated,
    issue_certificates,
    open_evaluation,
    registration_of_badge,
    registration_of_evaluation,
    revoke_certificate,
    submit_evaluation,
)

bp = Blueprint("attendance", __name__)
PRINT_CSS = STATIC / "css" / "attendance-print.css"


@bp.app_template_global()
def certificate_codes_of(registrations) -> dict[int, str]:
    """For "My registrations": the codes of the valid certificates, in one query."""
    return certificate_codes([r.id for r in registrations])


def _pdf(html: str, name: str):
    try:
        return download(html_to_pdf(html, PRINT_CSS), "application/pdf", name)
    except PdfUnavailable as error:
        current_app.logger.error("A PDF cannot be made: %s", error)
        message = _("This server cannot make PDFs yet (it needs Pango: libpango-1.0-0).")
        return render_template("error.html", code=503, message=message), 503


# ---------------------------------------------------------------- badges and check-in


@bp.route("/manage/events/<int:event_id>/badges.pdf")
def badges_pdf(event_id: int):
    event = get_event(event_id) or abort(404)
    html = render_template("attendance/badges_print.html", event=event, badges=badges(event))
    return _pdf(html, f"badges-{event.id}.pdf")


def _day(event, raw: str | None) -> date:
    """The day asked for, else today when the event runs, else its first day."""
    days = event_days(event)
    try:
        asked = date.fromisoformat(raw or "")
    except ValueError:
        asked = date.today()
    return asked if asked in days else days[0]


@bp.route("/manage/events/<int:event_id>/check-in", methods=["GET", "POST"])
def check_in_page(event_id: int):
    event = get_event(event_id) or abort(404)
    day = _day(event, request.values.get("day"))
    if request.method == "POST":
        token = request.form.get("token", "")
        number = parse_number(request.form.get("registration_id"))
        registration = None
        if token:
            registration = registration_of_badge(event, token)
        elif number is not None:
            registration = db.session.get(Registration, number)
            if registration is not None and registration.event_id != event.id:
                registration = None
        if registration is None:
            flash(_("This badge is not one of this event's participants."), "error")
        else:
            try:
                new = check_in(registration, day, utcnow())
            except InvalidInput as error:
                db.session.rollback()
                flash(error.message, "error")
            else:
                message = (
                    _("%(name)s is checked in.", name=registration.name)
                    if new
                    else _("%(name)s was checked in already today.", name=registration.name)
                )
                flash(message, "success")
        return redirect(url_for(".check_in_page", event_id=event.id, day=day.isoformat()))
    words = request.args.get("q", "")[:100]
    return render_template(
        "attendance/check_in.html",
        event=event,
        day=day,
        days=event_days(event),
        words=words,
        found=find_participants(event.id, words) if words.strip() else [],
        present=checked_in_on(event.id, day),
        expected=len(participants_with_a_place(event.id)),
    )


# ---------------------------------------------------------------- attendance, certificates


@bp.route("/manage/events/<int:event_id>/attendance")
def attendance_page(event_id: int):
    event = get_event(event_id) or abort(404)
    results, comments, answers = evaluation_results(event.id)
    return render_template(
        "attendance/attendance.html",
        event=event,
        days=event_days(event),
        per_day=counts_per_day(event.id),
        people=participants_with_a_place(event.id),
        attended=days_attended(event.id),
        certificates=certificates_of(event.id),
        results=results,
        comments=comments,
        answers=answers,
    )


@bp.route("/manage/events/<int:event_id>/certificates", methods=["POST"])
def issue_certificates_page(event_id: int):
    event = get_event(event_id) or abort(404)
    minimum = parse_number(request.form.get("minimum_days")) or 0
    try:
        issued = issue_certificates(event, minimum, utcnow())
    except InvalidInput as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        flash(
            ngettext(
                "Issued %(num)d certificate, sent by email.",
                "Issued %(num)d certificates, sent by email.",
                issued,
            ),
            "success" if issued else "warning",
        )
    return redirect(url_for(".attendance_page", event_id=event.id))


@bp.route(
    "/manage/events/<int:event_id>/certificates/<int:certificate_id>/revoke", methods=["POST"]
)
def revoke_certificate_page(event_id: int, certificate_id: int):
    event = get_event(event_id) or abort(404)
    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None or certificate.registration.event_id != event.id:
        abort(404)
    revoke_certificate(certificate, utcnow())
    flash(_("Revoked the certificate of %(name)s.", name=certificate.registration.name), "success")
    return redirect(url_for(".attendance_page", event_id=event.id))


@bp.route("/manage/events/<int:event_id>/evaluation/open", methods=["POST"])
def open_evaluation_page(event_id: int):
    event = get_event(event_id) or abort(404)
    sent = open_evaluation(event)
    flash(
        ngettext(
            "Sent the evaluation to %(num)d attendee.",
            "Sent the evaluation to %(num)d attendees.",
            sent,
        )
        if sent
        else _("Nobody has checked in yet: the evaluation goes to those who attended."),
        "success" if sent else "warning",
    )
    return redirect(url_for(".attendance_page", event_id=event.id))


# ---------------------------------------------------------------- public


@bp.route("/certificates/<code>")
def certificate_page(code: str):
    certificate = certificate_by_code(code[:40]) or abort(404)
    return render_template("attendance/certificate.html", certificate=certificate)


@bp.route("/certificates/<code>.pdf")
def certificate_pdf(code: str):
    certificate = certificate_by_code(code[:40]) or abort(404)
    if not certificate.valid:
        abort(410)
    with in_language(certificate.registration.locale):  # in the participant's language
        html = render_template(
            "attendance/certificate_print.html",
            certificate=certificate,
            verify_url=site_url("attendance.certificate_page", code=certificate.code),
        )
    return _pdf(html, f"certificate-{certificate.code}.pdf")


@bp.route("/evaluations/<token>", methods=["GET", "POST"])
def evaluation_page(token: str):
    registration = registration_of_evaluation(token) or abort(404)
    if has_evaluated(registration):
        return render_template("attendance/evaluation.html", registration=registration, done=True)
    form = EvaluationForm()
    if form.validate_on_submit():
        scores = {key: int(getattr(form, key).data) for key in SCALES}
        submit_evaluation(registration, scores, form.comment.data or "", utcnow())
        flash(_("Thank you: your evaluation is saved."), "success")
        return redirect(url_for(".evaluation_page", token=token))
    return render_template(
        "attendance/evaluation.html", registration=registration, form=form, scales=list(SCALES)
    )
