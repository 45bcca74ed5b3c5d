"""Staff's Tests tab (the pre-test and the post-test, their questions, opening and closing them,
paper tests, the results), a programme's test bank, and the participant's test page."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from ..catalogue.models import Programme
from ..catalogue.services import get_event
from ..core.clock import utcnow
from ..core.errors import InvalidInput
from ..core.exports import xlsx_response
from ..core.i18n import LANGUAGE_COOKIE, language_of, visitor_locale
from ..core.navigation import BAR, event_tab, participant_links
from ..core.web import edit_question_page, show_beside_field
from ..extensions import db
from ..mail.services import in_language
from ..registration.models import Registration
from . import questions as tests
from .forms import (
    ActionForm,
    BankChoiceForm,
    ScoredQuestionEditForm,
    ScoredQuestionForm,
    answer_form,
)
from .models import KINDS
from .services import group_label, learning_gain, participant_scores
from .taking import (
    attempt_of,
    close_test,
    enter_paper_test,
    has_a_place,
    links_to_take,
    open_test,
    read_token,
    submit_test,
)

bp = Blueprint("knowledge", __name__)
SUB_PAGES = ("knowledge.new_question", "knowledge.edit_question", "knowledge.paper_test")
event_tab("knowledge.tests_page", _l("Tests"), 95, (BAR,), also_current_on=SUB_PAGES)
participant_links(links_to_take)
TEST_NAMES = {"pre": _l("Pre-test"), "post": _l("Post-test")}
GROUPS = (
    ("gender", _l("By gender")),
    ("region", _l("By region")),
    ("organisation_kind", _l("By kind of organisation")),
)


def _event(event_id: int):
    return get_event(event_id) or abort(404)


def _kind(kind: str) -> str:
    return kind if kind in KINDS else abort(404)


def _back(event) -> str:
    return url_for(".tests_page", event_id=event.id)


# ---------------------------------------------------------------- the tab


@bp.get("/manage/events/<int:event_id>/tests/")
def tests_page(event_id: int):
    event = _event(event_id)
    shown = {}
    for kind in KINDS:
        test = tests.test_of(event, kind)
        shown[kind] = {
            "test": test,
            "questions": tests.questions_of(test),
            "answered": tests.answered(test),
        }
    bank = tests.bank_of(event.programme_id) if event.programme_id else []
    bank_form = BankChoiceForm()
    bank_form.bank.choices = [(q.id, q.label) for q in bank]
    gain = learning_gain([event.id])
    return render_template(
        "knowledge/tests.html",
        event=event,
        shown=shown,
        names=TEST_NAMES,
        bank_form=bank_form,
        action_form=ActionForm(),
        scores=participant_scores(event.id),
        gain=gain,
        groups=[(title, name, getattr(gain, f"by_{name}")) for name, title in GROUPS],
        group_label=group_label,
    )


@bp.route("/manage/events/<int:event_id>/tests/<kind>/questions/new", methods=["GET", "POST"])
def new_question(event_id: int, kind: str):
    event, kind = _event(event_id), _kind(kind)
    form = ScoredQuestionForm(data={"kind": "one_choice", "required": True, "points": 1})
    if form.validate_on_submit():
        try:
            tests.add_question(
                tests.test_of(event, kind, create=True), form.to_input(form.kind.data)
            )
        except InvalidInput as error:
            show_beside_field(form, error)
        else:
            flash(_("Added the question."), "success")
            return redirect(_back(event))
    page = render_template(
        "knowledge/question_new.html", event=event, form=form, name=TEST_NAMES[kind]
    )
    return page, 400 if form.errors else 200


def _question(event, kind: str, question_id: int):
    test = tests.test_of(event, _kind(kind))
    return test, tests.get_question(test, question_id) or abort(404)


@bp.route(
    "/manage/events/<int:event_id>/tests/<kind>/questions/<int:question_id>",
    methods=["GET", "POST"],
)
def edit_question(event_id: int, kind: str, question_id: int):
    event = _event(event_id)
    test, question = _question(event, kind, question_id)
    return edit_question_page(
        event,
        question,
        ScoredQuestionEditForm(),
        tests.update_question,
        _back(event),
        meta=f"{TEST_NAMES[kind]} · {question.kind_label}",
        note=_("Participants have taken this test already: its questions stay as set.")
        if tests.answered(test)
        else None,
        hint=_(
            "Participants who registered in Spanish or French see the question in their language."
        ),
    )


def _acted(action, success: str, event):
    """Run a change asked by a button; its refusal or ``success`` flashed; back to the tab."""
    if ActionForm().validate_on_submit():
        try:
            action()
        except InvalidInput as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            flash(success, "success")
    return redirect(_back(event))


@bp.post("/manage/events/<int:event_id>/tests/<kind>/questions/<int:question_id>/move")
def move_question(event_id: int, kind: str, question_id: int):
    event = _event(event_id)
    test, question = _question(event, kind, question_id)
    steps = -1 if request.form.get("direction") == "up" else 1
    return _acted(
        lambda: tests.move_question(test, question, steps), _("Moved the question."), event
    )


@bp.post("/manage/events/<int:event_id>/tests/<kind>/questions/<int:question_id>/delete")
def delete_question(event_id: int, kind: str, question_id: int):
    event = _event(event_id)
    test, question = _question(event, kind, question_id)
    return _acted(lambda: tests.remove_question(test, question), _("Removed the question."), event)


@bp.post("/manage/events/<int:event_id>/tests/<kind>/questions/<int:question_id>/to-bank")
def save_to_bank(event_id: int, kind: str, question_id: int):
    event = _event(event_id)
    _test, question = _question(event, kind, question_id)
    saved = _("Saved the question in the programme's test bank.")
    return _acted(lambda: tests.save_to_bank(event, question), saved, event)


@bp.post("/manage/events/<int:event_id>/tests/<kind>/from-bank")
def add_from_bank(event_id: int, kind: str):
    event, kind = _event(event_id), _kind(kind)
    form = BankChoiceForm()
    bank = tests.bank_of(event.programme_id) if event.programme_id else []
    form.bank.choices = [(q.id, q.label) for q in bank]
    if not form.validate_on_submit():
        for errors in form.errors.values():
            flash(" ".join(str(e) for e in errors), "error")
        return redirect(_back(event))
    try:
        added = tests.add_from_bank(event, tests.test_of(event, kind, create=True), form.bank.data)
    except InvalidInput as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        flash(ngettext("Added %(num)d question.", "Added %(num)d questions.", added), "success")
    return redirect(_back(event))


@bp.post("/manage/events/<int:event_id>/tests/post/use-pre-test")
def use_pre_test(event_id: int):
    event = _event(event_id)
    done = _("The post-test asks the pre-test's questions.")
    return _acted(lambda: tests.use_pre_test_questions(event), done, event)


@bp.post("/manage/events/<int:event_id>/tests/<kind>/open")
def open_page(event_id: int, kind: str):
    event, kind = _event(event_id), _kind(kind)
    if not ActionForm().validate_on_submit():
        return redirect(_back(event))
    try:
        sent = open_test(event, kind, utcnow())
    except InvalidInput as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        flash(
            ngettext(
                "The test is open: emailed its link to %(num)d participant.",
                "The test is open: emailed its link to %(num)d participants.",
                sent,
            ),
            "success",
        )
    return redirect(_back(event))


@bp.post("/manage/events/<int:event_id>/tests/<kind>/close")
def close_page(event_id: int, kind: str):
    event, kind = _event(event_id), _kind(kind)
    return _acted(lambda: close_test(event, kind, utcnow()), _("The test is closed."), event)


# ---------------------------------------------------------------- results and paper tests


def _percent(value) -> str | float:
    return round(value, 1) if value is not None else ""


@bp.get("/manage/events/<int:event_id>/tests/results.xlsx")
def results_xlsx(event_id: int):
    event = _event(event_id)
    header = [_("Participant"), _("Pre-test (%)"), _("Post-test (%)"), _("Learning gain")]
    rows = [
        [s.registration.name, _percent(s.pre), _percent(s.post), _percent(s.gain)]
        for s in participant_scores(event.id)
    ]
    return xlsx_response(f"tests-{event.id}.xlsx", _("Tests"), header, rows)


@bp.route(
    "/manage/events/<int:event_id>/tests/<kind>/paper/<int:registration_id>",
    methods=["GET", "POST"],
)
def paper_test(event_id: int, kind: str, registration_id: int):
    """Type in (or correct) a participant's paper test."""
    event, kind = _event(event_id), _kind(kind)
    test = tests.test_of(event, kind)
    registration = db.session.get(Registration, registration_id)
    if test is None or registration is None or registration.event_id != event.id:
        abort(404)
    questions = tests.questions_of(test)
    attempt = attempt_of(test, registration.id)
    form = answer_form(questions, None)
    if request.method == "GET" and attempt is not None:
        for q in questions:
            form[q.field_name].data = attempt.answers.get(q.key)
    if form.validate_on_submit():
        try:
            enter_paper_test(test, registration, form.data, current_user.id, utcnow())
        except InvalidInput as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            flash(_("Saved the paper test of %(name)s.", name=registration.name), "success")
            return redirect(_back(event))
    page = render_template(
        "knowledge/paper.html",
        event=event,
        form=form,
        questions=questions,
        registration=registration,
        attempt=attempt,
        name=TEST_NAMES[kind],
    )
    return page, 400 if form.errors else 200


# ---------------------------------------------------------------- the participant


def _participant_locale(registration: Registration) -> str:
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    registered = [registration.locale] if registration.locale else []
    return visitor_locale(chosen, [*registered, *request.accept_languages.values()])


@bp.route("/tests/<token>", methods=["GET", "POST"])
def take_test(token: str):
    taking = read_token(token)
    if taking is None or taking.test is None or taking.registration is None:
        abort(404)
    with in_language(_participant_locale(taking.registration)):
        return _take_test(token, taking.test, taking.registration)


def _take_test(token, test, registration):
    """The test in the participant's language, without the correct answers; answered once."""
    context = {"registration": registration, "name": TEST_NAMES[test.kind]}
    attempt = attempt_of(test, registration.id)
    if attempt is not None:
        return render_template("knowledge/take.html", attempt=attempt, **context)
    if not has_a_place(registration):
        return render_template(
            "knowledge/take.html", refused=_("You no longer have a place at this event."), **context
        )
    if not test.is_open:
        return render_template("knowledge/take.html", refused=_("This test is closed."), **context)
    questions = tests.questions_of(test)
    form = answer_form(questions, language_of(_participant_locale(registration)))
    if form.validate_on_submit():
        try:
            submit_test(test, registration, form.data, utcnow())
            db.session.flush()
        except InvalidInput as error:
            show_beside_field(form, error)
        except IntegrityError:  # the same participant answering twice at once
            db.session.rollback()
            return redirect(url_for(".take_test", token=token))
        else:
            return redirect(url_for(".take_test", token=token))
    page = render_template("knowledge/take.html", form=form, questions=questions, **context)
    return page, 400 if form.errors else 200


# ---------------------------------------------------------------- the programme's test bank


def _programme(programme_id: int) -> Programme:
    return db.session.get(Programme, programme_id) or abort(404)


@bp.route("/manage/programmes/<int:programme_id>/test-bank", methods=["GET", "POST"])
def bank_page(programme_id: int):
    programme = _programme(programme_id)
    form = ScoredQuestionForm(data={"kind": "one_choice", "required": True, "points": 1})
    if form.validate_on_submit():
        try:
            tests.add_to_bank(programme.id, form.to_input(form.kind.data))
        except InvalidInput as error:
            show_beside_field(form, error)
        else:
            flash(_("Added the question to the test bank."), "success")
            return redirect(url_for(".bank_page", programme_id=programme.id))
    page = render_template(
        "knowledge/bank.html",
        programme=programme,
        questions=tests.bank_of(programme.id),
        form=form,
        action_form=ActionForm(),
    )
    return page, 400 if form.errors else 200


def _bank_question(programme, question_id: int):
    return tests.bank_question(programme.id, question_id) or abort(404)


@bp.route(
    "/manage/programmes/<int:programme_id>/test-bank/<int:question_id>", methods=["GET", "POST"]
)
def bank_question(programme_id: int, question_id: int):
    programme = _programme(programme_id)
    question = _bank_question(programme, question_id)
    return edit_question_page(
        None,
        question,
        ScoredQuestionEditForm(),
        tests.update_question,
        url_for(".bank_page", programme_id=programme.id),
        meta=f"{programme.name} · {_('Test bank')} · {question.kind_label}",
    )


@bp.post("/manage/programmes/<int:programme_id>/test-bank/<int:question_id>/delete")
def delete_bank_question(programme_id: int, question_id: int):
    programme = _programme(programme_id)
    question = _bank_question(programme, question_id)
    if ActionForm().validate_on_submit():
        db.session.delete(question)
        flash(_("Removed the question from the test bank."), "success")
    return redirect(url_for(".bank_page", programme_id=programme.id))
