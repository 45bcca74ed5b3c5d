"""The evaluation's questions and results (staff), and the attendee's evaluation form."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.exc import IntegrityError

from ...core.clock import utcnow
from ...core.errors import InvalidInput
from ...core.exports import csv_response, xlsx_response
from ...core.forms import QuestionEditForm, QuestionForm
from ...core.i18n import LANGUAGE_COOKIE, language_of, visitor_locale
from ...core.questions import SCALE
from ...core.web import acted, direction_steps, edit_question_page, show_beside_field
from ...extensions import db
from ...mail.services import in_language
from ...registration.models import Registration
from ..charts import answers_chart
from ..evaluations import (
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
from ..forms import EvaluationSettingsForm, evaluation_form
from ..models import EvaluationQuestion
from ..services import attendance_settings
from . import bp, event_or_404

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
    event = event_or_404(event_id)
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
    event = event_or_404(event_id)
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
    event = event_or_404(event_id)
    question = _evaluation_question(event, question_id)
    back = url_for(".evaluation_admin", event_id=event.id)
    return acted(lambda: move_question(event, question, direction_steps()), None, back)


@bp.post("/manage/events/<int:event_id>/evaluation/questions/<int:question_id>/delete")
def delete_question(event_id: int, question_id: int):
    event = event_or_404(event_id)
    question = _evaluation_question(event, question_id)
    back = url_for(".evaluation_admin", event_id=event.id)
    return acted(lambda: remove_question(question), _("Removed the question."), back)


@bp.post("/manage/events/<int:event_id>/evaluation/settings")
def evaluation_settings(event_id: int):
    event = event_or_404(event_id)
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
    event = event_or_404(event_id)
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
    event = event_or_404(event_id)
    return csv_response(f"evaluation-{event.id}.csv", *evaluation_export(event.id))


@bp.get("/manage/events/<int:event_id>/evaluation.xlsx")
def evaluation_xlsx(event_id: int):
    event = event_or_404(event_id)
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
