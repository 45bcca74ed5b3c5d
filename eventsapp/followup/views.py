"""Follow-up surveys: the event's tab (schedule, figures, who has not answered, answers), the
programme's page (its months, its questions, the answers across its events), and the
participant's survey at ``/follow-up/<token>``."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import select

from ..catalogue.models import Event, Programme
from ..catalogue.services import get_event
from ..core.clock import utcnow
from ..core.errors import InvalidInput
from ..core.exports import xlsx_response
from ..core.forms import QuestionEditForm, QuestionForm
from ..core.i18n import LANGUAGE_COOKIE, language_of, visitor_locale
from ..core.navigation import BAR, event_tab, participant_links
from ..core.questions import SCALE
from ..core.web import acted, direction_steps, edit_question_page, show_beside_field
from ..extensions import db
from ..mail.services import in_language
from ..registration.models import Registration
from ..registration.participants import WITH_A_PLACE
from .forms import EventScheduleForm, ProgrammeScheduleForm, survey_form
from .models import LAST_MONTHS, FollowUpQuestion, FollowUpSurvey
from .questions import (
    add_question,
    answers_count,
    get_question,
    move_question,
    questions_of,
    remove_question,
    update_question,
)
from .schedule import (
    programme_months,
    schedule_of,
    set_event_schedule,
    set_programme_months,
    written,
)
from .services import (
    period_summaries,
    periods_of,
    questions_for,
    remind_period,
    send_period,
    submit_answers,
    survey_export,
    survey_of_token,
    survey_periods,
    survey_token,
)

bp = Blueprint("followup", __name__)
event_tab("followup.event_page", _l("Follow-up"), 97, (BAR,))


def _event(event_id: int) -> Event:
    return get_event(event_id) or abort(404)


def _months(months: int) -> int:
    return months if 1 <= months <= LAST_MONTHS else abort(404)


# ---------------------------------------------------------------- the event's tab


@bp.route("/manage/events/<int:event_id>/follow-up", methods=["GET", "POST"])
def event_page(event_id: int):
    """The schedule (the programme's or the event's own), per period the figures, who has not
    answered, and the answers summarised."""
    event = _event(event_id)
    schedule = schedule_of(event)
    form = EventScheduleForm(
        data={
            "schedule": "own" if schedule.own else "programme",
            "months": written(schedule.months),
        }
    )
    if form.validate_on_submit():
        try:
            set_event_schedule(event, form.schedule.data != "own", form.months.data or "")
        except InvalidInput as error:
            show_beside_field(form, error)
        else:
            flash(_("Saved the follow-up schedule."), "success")
            return redirect(url_for(".event_page", event_id=event.id))
    page = render_template(
        "followup/event.html",
        event=event,
        form=form,
        schedule=schedule,
        programme_months=programme_months(event.programme_id) if event.programme_id else (),
        periods=survey_periods(event, utcnow().date()),
        summaries=period_summaries([event.id]),
    )
    return page, 400 if form.errors else 200


@bp.post("/manage/events/<int:event_id>/follow-up/<int:months>/send")
def send_now(event_id: int, months: int):
    event = _event(event_id)
    sent = send_period(event, _months(months), utcnow())
    flash(
        ngettext(
            "Sent the survey to %(num)d participant.",
            "Sent the survey to %(num)d participants.",
            sent,
        )
        if sent
        else _("Everyone who took part has been sent this survey already."),
        "success" if sent else "warning",
    )
    return redirect(url_for(".event_page", event_id=event.id))


@bp.post("/manage/events/<int:event_id>/follow-up/<int:months>/remind")
def remind_now(event_id: int, months: int):
    event = _event(event_id)
    reminded = remind_period(event, _months(months), utcnow())
    flash(
        ngettext(
            "Reminded %(num)d participant who has not answered.",
            "Reminded %(num)d participants who have not answered.",
            reminded,
        )
        if reminded
        else _("Everyone has answered."),
        "success" if reminded else "warning",
    )
    return redirect(url_for(".event_page", event_id=event.id))


@bp.get("/manage/events/<int:event_id>/follow-up.xlsx")
def event_xlsx(event_id: int):
    event = _event(event_id)
    header, rows = survey_export(event)
    return xlsx_response(f"follow-up-{event.id}.xlsx", _("Follow-up"), header, rows)


# ---------------------------------------------------------------- the programme's page


def _programme(programme_id: int) -> Programme:
    return db.session.get(Programme, programme_id) or abort(404)


def _programme_page(programme: Programme, schedule_form, question_form):
    months = programme_months(programme.id)
    event_ids = db.session.scalars(select(Event.id).where(Event.programme_id == programme.id)).all()
    page = render_template(
        "followup/programme.html",
        programme=programme,
        months=months,
        schedule_form=schedule_form,
        question_form=question_form,
        questions=questions_of(programme.id),
        answered=answers_count(programme.id),
        periods=[(m, period_summaries(event_ids, m)) for m in periods_of(event_ids, months)],
    )
    return page, 400 if schedule_form.errors or question_form.errors else 200


def _question_form(**bound) -> QuestionForm:
    form = QuestionForm(data={"kind": SCALE, "required": True}, **bound)
    return form.offering(FollowUpQuestion.OFFERED)


@bp.route("/manage/programmes/<int:programme_id>/follow-up", methods=["GET", "POST"])
def programme_page(programme_id: int):
    """The programme's months (its events' default), its questions (added here), and the
    answers across its events per period."""
    programme = _programme(programme_id)
    form = _question_form()
    if form.validate_on_submit():
        try:
            add_question(programme.id, form.to_input(form.kind.data))
        except InvalidInput as error:
            show_beside_field(form, error)
        else:
            flash(_("Added the question."), "success")
            return redirect(url_for(".programme_page", programme_id=programme.id))
    schedule_form = ProgrammeScheduleForm(
        formdata=None, months=written(programme_months(programme.id))
    )
    return _programme_page(programme, schedule_form, form)


@bp.post("/manage/programmes/<int:programme_id>/follow-up/schedule")
def programme_schedule(programme_id: int):
    programme = _programme(programme_id)
    form = ProgrammeScheduleForm()
    if form.validate_on_submit():
        try:
            set_programme_months(programme.id, form.months.data or "")
        except InvalidInput as error:
            show_beside_field(form, error)
        else:
            flash(_("Saved the follow-up schedule."), "success")
            return redirect(url_for(".programme_page", programme_id=programme.id))
    return _programme_page(programme, form, _question_form(formdata=None))


def _programme_question(programme: Programme, question_id: int) -> FollowUpQuestion:
    return get_question(programme.id, question_id) or abort(404)


@bp.route(
    "/manage/programmes/<int:programme_id>/follow-up/questions/<int:question_id>",
    methods=["GET", "POST"],
)
def programme_question(programme_id: int, question_id: int):
    programme = _programme(programme_id)
    question = _programme_question(programme, question_id)
    return edit_question_page(
        None,
        question,
        QuestionEditForm(),
        update_question,
        url_for(".programme_page", programme_id=programme.id),
        programme=programme,
        meta=f"{_('Follow-up survey')} · {question.kind_label}",
        note=_("Participants have answered already: only the translations can change.")
        if answers_count(programme.id)
        else None,
        hint=_(
            "Participants who registered in Spanish or French see the question in their "
            "language; others see it as written above. Answers are kept in the original choices."
        ),
    )


@bp.post("/manage/programmes/<int:programme_id>/follow-up/questions/<int:question_id>/move")
def move_programme_question(programme_id: int, question_id: int):
    programme = _programme(programme_id)
    question = _programme_question(programme, question_id)
    back = url_for(".programme_page", programme_id=programme.id)
    return acted(lambda: move_question(question, direction_steps()), None, back)


@bp.post("/manage/programmes/<int:programme_id>/follow-up/questions/<int:question_id>/delete")
def delete_programme_question(programme_id: int, question_id: int):
    programme = _programme(programme_id)
    question = _programme_question(programme, question_id)
    back = url_for(".programme_page", programme_id=programme.id)
    return acted(lambda: remove_question(question), _("Removed the question."), back)


# ---------------------------------------------------------------- the participant's survey


def _participant_locale(survey: FollowUpSurvey) -> str:
    """The one chosen with the switcher, else the one they registered in, else their browser's."""
    registration = survey.registration
    registered = [registration.locale] if registration.locale else []
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    return visitor_locale(chosen, [*registered, *request.accept_languages.values()])


@bp.route("/follow-up/<token>", methods=["GET", "POST"])
def survey_page(token: str):
    survey = survey_of_token(token) or abort(404)
    locale = _participant_locale(survey)
    with in_language(locale):
        return _survey_page(token, survey, language_of(locale))


def _survey_page(token: str, survey: FollowUpSurvey, language: str | None):
    event = survey.registration.event
    done = {"survey": survey, "event": event, "done": True}
    if survey.answered_at is not None:
        return render_template("followup/survey.html", **done)
    questions = questions_for(survey)
    form = survey_form(questions, language)
    if form.validate_on_submit():
        try:
            submit_answers(survey, form.data, utcnow())
        except InvalidInput as error:
            if error.field == "answered":  # answered meanwhile, in another tab
                db.session.rollback()
                return render_template("followup/survey.html", **done)
            show_beside_field(form, error)
        else:
            return redirect(url_for(".survey_page", token=token))
    page = render_template(
        "followup/survey.html", survey=survey, event=event, form=form, questions=questions
    )
    return page, 400 if form.errors else 200


@participant_links
def _survey_links(registrations) -> dict[int, list[tuple[str, str]]]:
    """ "Answer the follow-up survey" on each card whose survey waits for an answer: one query."""
    ids = [r.id for r in registrations]
    if not ids:
        return {}
    links: dict[int, list[tuple[str, str]]] = {}
    for survey in db.session.scalars(
        select(FollowUpSurvey)
        .join(Registration, Registration.id == FollowUpSurvey.registration_id)
        .where(
            FollowUpSurvey.registration_id.in_(ids),
            FollowUpSurvey.answered_at.is_(None),
            Registration.status.in_(WITH_A_PLACE),
        )
        .order_by(FollowUpSurvey.months)
    ):
        links.setdefault(survey.registration_id, []).append(
            (
                _("Answer the follow-up survey"),
                url_for("followup.survey_page", token=survey_token(survey)),
            )
        )
    return links
