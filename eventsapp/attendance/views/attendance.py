"""The attendance page (per day, per session, who attended what), its completion rule, the
certificates, and the sheet printed for venues without connectivity and entered afterwards
(a print-styled page: the browser prints it on A4)."""

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ...core.clock import utcnow
from ...core.errors import InvalidInput
from ...core.web import show_beside_field
from ...documents.models import Document
from ...documents.services import revoke
from ...extensions import db
from ..completion import (
    CERTIFICATE_KINDS,
    Rule,
    certificates_of,
    completion,
    completion_rule,
    issue_certificates,
    set_completion_rule,
)
from ..forms import CompletionRuleForm
from ..services import (
    check_in_days,
    counts_per_day,
    dates_confirmed,
    event_days,
    why_no_certificates,
)
from ..sessions import (
    attendance_per_session,
    attendance_sheet,
    enter_sheet,
    parse_ticks,
    sheet_days,
    who_attended,
)
from . import bp, event_or_404


def _rule_form(rule: Rule) -> CompletionRuleForm:
    form = CompletionRuleForm()
    if request.method == "GET":
        form.basis.data = rule.basis
        form.minimum_share.data = rule.minimum_share
        form.minimum_post_score.data = rule.minimum_post_score
        form.attendance_certificates.data = rule.attendance_certificates
    return form


@bp.route("/manage/events/<int:event_id>/attendance", methods=["GET", "POST"])
def attendance_page(event_id: int):
    event = event_or_404(event_id)
    form = _rule_form(completion_rule(event.id))
    if form.validate_on_submit():
        rule = Rule(
            form.basis.data,
            form.minimum_share.data,
            form.minimum_post_score.data,
            form.attendance_certificates.data,
        )
        try:
            set_completion_rule(event, rule)
        except InvalidInput as error:
            show_beside_field(form, error)
        else:
            flash(_("Saved the completion rule: %(rule)s.", rule=rule.text), "success")
            return redirect(url_for(".attendance_page", event_id=event.id))
    result = completion(event, utcnow())
    per_session = attendance_per_session(event.id)
    page = render_template(
        "attendance/attendance.html",
        event=event,
        form=form,
        days=event_days(event) if dates_confirmed(event) else [],
        sheet_days=sheet_days(event) if dates_confirmed(event) else [],
        per_day=counts_per_day(event.id),
        per_session=per_session,
        attended_sessions=who_attended(event.id),
        completion=result,
        certificates=certificates_of(event.id),
        not_yet=why_no_certificates(event, utcnow()),
    )
    return page, 400 if form.errors else 200


@bp.route("/manage/events/<int:event_id>/certificates", methods=["POST"])
def issue_certificates_page(event_id: int):
    event = event_or_404(event_id)
    try:
        issued = issue_certificates(event, utcnow(), current_user)
    except InvalidInput as error:
        flash(error.message, "error")
        return redirect(url_for(".attendance_page", event_id=event.id))
    messages = []
    if issued.completion:
        messages.append(
            ngettext(
                "Issued %(num)d certificate of completion, sent by email.",
                "Issued %(num)d certificates of completion, sent by email.",
                issued.completion,
            )
        )
    if issued.attendance:
        messages.append(
            ngettext(
                "Issued %(num)d certificate of attendance, sent by email.",
                "Issued %(num)d certificates of attendance, sent by email.",
                issued.attendance,
            )
        )
    if messages:
        flash(" ".join(messages), "success")
    else:
        flash(_("Nobody else completed the event for a certificate."), "warning")
    return redirect(url_for(".attendance_page", event_id=event.id))


@bp.route(
    "/manage/events/<int:event_id>/certificates/<int:certificate_id>/revoke", methods=["POST"]
)
def revoke_certificate_page(event_id: int, certificate_id: int):
    event = event_or_404(event_id)
    certificate = db.session.get(Document, certificate_id)
    if (
        certificate is None
        or certificate.kind not in CERTIFICATE_KINDS
        or certificate.registration.event_id != event.id
    ):
        abort(404)
    revoke(certificate, utcnow(), current_user)
    flash(_("Revoked the certificate of %(name)s.", name=certificate.registration.name), "success")
    return redirect(url_for(".attendance_page", event_id=event.id))


# ---------------------------------------------------------------- the sheet


def _sheet_day(event, days: list[date]) -> date | None:
    """The day the request names, one of ``days`` (a 404 for a day outside them); without one,
    the first of them; None when there is none."""
    written = request.values.get("day", "").strip()[:10]
    if not written:
        return days[0] if days else None
    try:
        day = date.fromisoformat(written)
    except ValueError:
        abort(404)
    if day not in days:
        abort(404)
    return day


def _no_sheet(event):
    """The page without a sheet: it says what a sheet needs."""
    return render_template("attendance/sheet.html", event=event, sheet=None, print=False)


@bp.get("/manage/events/<int:event_id>/attendance/sheet")
def sheet_page(event_id: int):
    """A day's sheet to print: participants by name × the day's sessions, with boxes to tick
    and a column to sign."""
    event = event_or_404(event_id)
    day = _sheet_day(event, sheet_days(event) if dates_confirmed(event) else [])
    if day is None:
        return _no_sheet(event)
    return render_template(
        "attendance/sheet.html", event=event, sheet=attendance_sheet(event, day), print=True
    )


@bp.route("/manage/events/<int:event_id>/attendance/sheet/enter", methods=["GET", "POST"])
def enter_sheet_page(event_id: int):
    """The same sheet as a grid of checkboxes, to enter what was ticked on paper."""
    event = event_or_404(event_id)
    days = [d for d in check_in_days(event, utcnow()) if d in set(sheet_days(event))]
    day = _sheet_day(event, days)
    if day is None:
        return _no_sheet(event)
    sheet = attendance_sheet(event, day)
    problem = None
    if request.method == "POST":
        try:
            ticks = parse_ticks(request.form.getlist("present"), sheet)
            added, removed = enter_sheet(event, sheet, ticks, utcnow(), current_user)
        except InvalidInput as error:
            problem = error.message
        else:
            flash(
                _(
                    "Saved the sheet: %(added)d ticked, %(removed)d unticked.",
                    added=added,
                    removed=removed,
                ),
                "success",
            )
            return redirect(url_for(".attendance_page", event_id=event.id))
    page = render_template(
        "attendance/sheet.html", event=event, sheet=sheet, print=False, problem=problem
    )
    return page, 400 if problem else 200
