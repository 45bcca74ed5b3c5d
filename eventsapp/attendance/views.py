"""Pages after approval: check-in, attendance and certificates, the evaluation's questions and
results (staff), and the attendee's evaluation form. (Badges and certificates are documents:
their pages are ``documents.views``.)"""

from datetime import date

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from ..catalogue.services import get_event
from ..core.clock import utcnow
from ..core.errors import InvalidInput
from ..core.exports import csv_response, xlsx_response
from ..core.forms import QuestionEditForm, QuestionForm
from ..core.i18n import LANGUAGE_COOKIE, language_of, visitor_locale
from ..core.navigation import BAR, event_tab
from ..core.questions import SCALE
from ..core.validation import parse_number
from ..core.web import edit_question_page, show_beside_field
from ..documents.models import Document, DocumentKind
from ..documents.services import revoke
from ..extensions import db
from ..mail.services import in_language
from ..registration.models import Registration
from ..registration.participants import participants_with_a_place
from .charts import answers_chart
from .evaluations import (
    add_question,
    answers_count,
    evaluation_export,
    evaluation_questions,
    evaluation_results,
    get_question,
    has_evaluated,
    move_question,
    open_evaluation,
    overall_key,
    own_questions,
    registration_of_evaluation,
    remove_question,
    set_anonymous,
    submit_evaluation,
    update_question,
)
from .forms import AttendanceSettingsForm, EvaluationSettingsForm, evaluation_form
from .models import EvaluationQuestion
from .services import (
    attendance_settings,
    certificate_minimum,
    certificates_of,
    check_in,
    check_in_days,
    checked_in_on,
    counts_per_day,
    dates_confirmed,
    days_attended,
    event_days,
    event_today,
    find_participants,
    issue_certificates,
    places_count,
    registration_of_badge,
    set_certificate_minimum,
    why_no_certificates,
    why_no_check_in,
)

bp = Blueprint("attendance", __name__)
event_tab("attendance.check_in_page", _l("Check-in"), 70, (BAR,))
event_tab("attendance.attendance_page", _l("Attendance and certificates"), 80, (BAR,))
event_tab(
    "attendance.evaluation_admin",
    _l("Evaluation"),
    90,
    (BAR,),
    also_current_on=("attendance.evaluation_question",),
)


def _event(event_id: int):
    return get_event(event_id) or abort(404)


# ---------------------------------------------------------------- check-in


def _day(event, raw: str | None) -> date | None:
    """The day asked for, if one may be checked in for now; else today, or the last day so far
    (None before the event, or while its dates are not confirmed)."""
    days = check_in_days(event, utcnow())
    try:
        asked = date.fromisoformat(raw or "")
    except ValueError:
        asked = event_today(event, utcnow())
    return asked if asked in days else (days[-1] if days else None)


def _wants_json() -> bool:
    """The check-in page's script asks for JSON; a form without script gets a page."""
    return request.accept_mimetypes.best == "application/json"


def _check_in_outcome(event, day: date | None) -> tuple[str, str]:
    """Check in the participant the form names (by badge or id) for the day it names:
    (outcome, message), outcome being "in", "already" or "refused"."""
    if day is None or day.isoformat() != request.form.get("day", day.isoformat()):
        why = why_no_check_in(event, utcnow())
        return "refused", why or _("This day is not one of the event's days so far.")
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
        return "refused", _("This badge is not one of this event's participants.")
    try:
        new = check_in(registration, day, utcnow(), current_user)
    except InvalidInput as error:
        db.session.rollback()
        return "refused", error.message
    if new:
        return "in", _("%(name)s is checked in.", name=registration.name)
    return "already", _("%(name)s was checked in already today.", name=registration.name)


def _counter(event, present: set[int]) -> dict:
    """The counter "N of M in", ``present`` being who is checked in on the day."""
    expected = places_count(event.id)
    return {
        "present": len(present),
        "expected": expected,
        "counter": _("%(present)d of %(expected)d in", present=len(present), expected=expected),
    }


@bp.route("/manage/events/<int:event_id>/check-in", methods=["GET", "POST"])
def check_in_page(event_id: int):
    event = _event(event_id)
    day = _day(event, request.values.get("day"))
    if request.method == "POST":
        outcome, message = _check_in_outcome(event, day)
        present = checked_in_on(event.id, day) if day else set()
        if _wants_json():
            return jsonify(outcome=outcome, message=message, **_counter(event, present))
        flash(message, "error" if outcome == "refused" else "success")
        return redirect(url_for(".check_in_page", event_id=event.id, day=day and day.isoformat()))
    words = request.args.get("q", "")[:100]
    present = checked_in_on(event.id, day) if day else set()
    return render_template(
        "attendance/check_in.html",
        event=event,
        day=day,
        days=check_in_days(event, utcnow()),
        closed=why_no_check_in(event, utcnow()),
        confirmed=dates_confirmed(event),
        words=words,
        found=find_participants(event.id, words) if words.strip() else [],
        present=present,
        counter=_counter(event, present)["counter"],
    )


@bp.get("/manage/events/<int:event_id>/check-in/people")
def check_in_people(event_id: int):
    """``?q=words&day=YYYY-MM-DD``: who matches, as JSON, for the search as one types."""
    event = _event(event_id)
    day = _day(event, request.args.get("day"))
    words = request.args.get("q", "")[:100]
    found = find_participants(event.id, words) if words.strip() else []
    present = checked_in_on(event.id, day) if day else set()
    return jsonify(
        people=[
            {
                "id": r.id,
                "name": r.name,
                "organisation": r.organisation.display_name if r.organisation else "",
                "in": r.id in present,
            }
            for r in found
        ],
        **_counter(event, present),
    )


# ---------------------------------------------------------------- attendance, certificates


@bp.route("/manage/events/<int:event_id>/attendance", methods=["GET", "POST"])
def attendance_page(event_id: int):
    event = _event(event_id)
    form = AttendanceSettingsForm()
    if form.validate_on_submit():
        try:
            set_certificate_minimum(event, form.minimum_days.data)
        except InvalidInput as error:
            show_beside_field(form, error)
        else:
            flash(_("Saved: certificates need the days set."), "success")
            return redirect(url_for(".attendance_page", event_id=event.id))
    minimum = certificate_minimum(event)
    if request.method == "GET":
        form.minimum_days.data = minimum
    page = render_template(
        "attendance/attendance.html",
        event=event,
        form=form,
        days=event_days(event) if dates_confirmed(event) else [],
        minimum=minimum,
        per_day=counts_per_day(event.id),
        people=participants_with_a_place(event.id),
        attended=days_attended(event, utcnow()),
        certificates=certificates_of(event.id),
        not_yet=why_no_certificates(event, utcnow()),
    )
    return page, 400 if form.errors else 200


@bp.route("/manage/events/<int:event_id>/certificates", methods=["POST"])
def issue_certificates_page(event_id: int):
    event = _event(event_id)
    try:
        issued = issue_certificates(event, utcnow(), current_user)
    except InvalidInput as error:
        flash(error.message, "error")
        return redirect(url_for(".attendance_page", event_id=event.id))
    flash(
        ngettext(
            "Issued %(num)d certificate, sent by email.",
            "Issued %(num)d certificates, sent by email.",
            issued,
        )
        if issued
        else _("Nobody else attended enough days for a certificate."),
        "success" if issued else "warning",
    )
    return redirect(url_for(".attendance_page", event_id=event.id))


@bp.route(
    "/manage/events/<int:event_id>/certificates/<int:certificate_id>/revoke", methods=["POST"]
)
def revoke_certificate_page(event_id: int, certificate_id: int):
    event = _event(event_id)
    certificate = db.session.get(Document, certificate_id)
    if (
        certificate is None
        or certificate.kind != DocumentKind.CERTIFICATE
        or certificate.registration.event_id != event.id
    ):
        abort(404)
    revoke(certificate, utcnow(), current_user)
    flash(_("Revoked the certificate of %(name)s.", name=certificate.registration.name), "success")
    return redirect(url_for(".attendance_page", event_id=event.id))


# ---------------------------------------------------------------- the evaluation (staff)


def _evaluation_context(event, question_form) -> dict:
    results = evaluation_results(event.id)  # with the settings and questions it read
    settings = results.settings
    asked = [r.question for r in results.questions]
    settings_form = EvaluationSettingsForm(formdata=None, anonymous=settings.evaluation_anonymous)
    return {
        "event": event,
        "settings": settings,
        "settings_form": settings_form,
        "question_form": question_form,
        "questions": own_questions(asked),
        "overall": overall_key(asked),
        "results": results,
        "charts": {r.question.key: answers_chart(r) for r in results.questions},
    }


@bp.route("/manage/events/<int:event_id>/evaluation", methods=["GET", "POST"])
def evaluation_admin(event_id: int):
    """The evaluation's questions (added here), its anonymity, opening it, and its results."""
    event = _event(event_id)
    form = QuestionForm(data={"kind": SCALE, "required": True})
    form.offering(EvaluationQuestion.OFFERED)
    if form.validate_on_submit():
        try:
            add_question(event, form.to_input(form.kind.data))
        except InvalidInput as error:
            show_beside_field(form, error)
        else:
            flash(_("Added the question."), "success")
            return redirect(url_for(".evaluation_admin", event_id=event.id))
    page = render_template("attendance/evaluation_admin.html", **_evaluation_context(event, form))
    return page, 400 if form.errors else 200


def _evaluation_question(event, question_id: int) -> EvaluationQuestion:
    return get_question(event, question_id) or abort(404)


@bp.route(
    "/manage/events/<int:event_id>/evaluation/questions/<int:question_id>",
    methods=["GET", "POST"],
)
def evaluation_question(event_id: int, question_id: int):
    """Change a question: its label, choices, translations, whether it needs an answer (once
    attendees have answered, its translations only)."""
    event = _event(event_id)
    question = _evaluation_question(event, question_id)
    answered = answers_count(event.id)
    return edit_question_page(
        event,
        question,
        QuestionEditForm(),
        update_question,
        url_for(".evaluation_admin", event_id=event.id),
        meta=f"{_('Evaluation')} · {question.kind_label}",
        note=_("Attendees have answered already: only the translations can change.")
        if answered
        else None,
        hint=_(
            "Attendees who registered in Spanish or French see the question in their language; "
            "others see it as written above. Answers are kept in the original choices."
        ),
    )


@bp.post("/manage/events/<int:event_id>/evaluation/questions/<int:question_id>/move")
def move_evaluation_question(event_id: int, question_id: int):
    event = _event(event_id)
    question = _evaluation_question(event, question_id)
    try:
        move_question(event, question, -1 if request.form.get("direction") == "up" else 1)
    except InvalidInput as error:
        flash(error.message, "error")
    return redirect(url_for(".evaluation_admin", event_id=event.id))


@bp.post("/manage/events/<int:event_id>/evaluation/questions/<int:question_id>/delete")
def delete_question(event_id: int, question_id: int):
    event = _event(event_id)
    question = _evaluation_question(event, question_id)
    try:
        remove_question(question)
    except InvalidInput as error:
        flash(error.message, "error")
    else:
        flash(_("Removed the question."), "success")
    return redirect(url_for(".evaluation_admin", event_id=event.id))


@bp.post("/manage/events/<int:event_id>/evaluation/settings")
def evaluation_settings(event_id: int):
    event = _event(event_id)
    form = EvaluationSettingsForm()
    if form.validate_on_submit():
        try:
            set_anonymous(event, form.anonymous.data)
        except InvalidInput as error:
            flash(error.message, "error")
        else:
            flash(
                _("The evaluation is anonymous.")
                if form.anonymous.data
                else _("The evaluation keeps who answered what."),
                "success",
            )
    return redirect(url_for(".evaluation_admin", event_id=event.id))


@bp.route("/manage/events/<int:event_id>/evaluation/open", methods=["POST"])
def open_evaluation_page(event_id: int):
    event = _event(event_id)
    sent = open_evaluation(event, utcnow())
    if sent:
        message = ngettext(
            "Sent the evaluation to %(num)d attendee who has not answered yet.",
            "Sent the evaluation to %(num)d attendees who have not answered yet.",
            sent,
        )
    elif answers_count(event.id):
        message = _("Every attendee has answered already.")
    else:
        message = _("Nobody has checked in yet: the evaluation goes to those who attended.")
    flash(message, "success" if sent else "warning")
    return redirect(url_for(".evaluation_admin", event_id=event.id))


@bp.get("/manage/events/<int:event_id>/evaluation.csv")
def evaluation_csv(event_id: int):
    event = _event(event_id)
    return csv_response(f"evaluation-{event.id}.csv", *evaluation_export(event.id))


@bp.get("/manage/events/<int:event_id>/evaluation.xlsx")
def evaluation_xlsx(event_id: int):
    event = _event(event_id)
    header, rows = evaluation_export(event.id)
    return xlsx_response(f"evaluation-{event.id}.xlsx", _("Evaluation"), header, rows)


# ---------------------------------------------------------------- the attendee's evaluation


def _attendee_locale(registration: Registration) -> str:
    """The language of an attendee's evaluation: the one they chose with the switcher, else the
    one they registered in, else their browser's."""
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    registered = [registration.locale] if registration.locale else []
    return visitor_locale(chosen, [*registered, *request.accept_languages.values()])


@bp.route("/evaluations/<token>", methods=["GET", "POST"])
def evaluation_page(token: str):
    registration = registration_of_evaluation(token) or abort(404)
    locale = _attendee_locale(registration)
    with in_language(locale):
        return _evaluation_page(token, registration, language_of(locale))


def _evaluation_page(token: str, registration: Registration, language: str | None):
    """The attendee's evaluation, in their language: the questions staff translated and the
    default scales; answers keep the original choices."""
    if has_evaluated(registration):
        return render_template("attendance/evaluation.html", registration=registration, done=True)
    questions = evaluation_questions(registration.event_id)
    form = evaluation_form(questions, language)
    if form.validate_on_submit():
        try:
            submit_evaluation(registration, form.data, form.comment.data or "", utcnow().date())
            db.session.flush()
        except InvalidInput as error:
            show_beside_field(form, error)
        except IntegrityError:  # the same attendee answering twice at once
            db.session.rollback()
            return render_template(
                "attendance/evaluation.html", registration=registration, done=True
            )
        else:  # the page then says it is saved
            return redirect(url_for(".evaluation_page", token=token))
    page = render_template(
        "attendance/evaluation.html",
        registration=registration,
        form=form,
        questions=questions,
        anonymous=attendance_settings(registration.event_id).evaluation_anonymous,
    )
    return page, 400 if form.errors else 200
