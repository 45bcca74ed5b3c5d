"""An event's Tests tab: the pre-test and the post-test, their questions (written, moved,
removed, saved to and added from the programme's test bank), opening, closing and reminding,
the results (on the page and in a spreadsheet), and paper tests typed in by staff."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from ...catalogue.services import get_event
from ...core.clock import utcnow
from ...core.errors import InvalidInput
from ...core.exports import XLSX_TYPE, download, xlsx_book_bytes
from ...core.web import acted, direction_steps, edit_question_page, show_beside_field
from ...extensions import db
from ...registration.models import Registration
from .. import questions as tests
from ..forms import (
    ActionForm,
    BankChoiceForm,
    ScoredQuestionEditForm,
    ScoredQuestionForm,
    answer_form,
)
from ..models import KINDS
from ..services import group_label, learning_gain, participant_scores
from ..taking import attempt_of, close_test, enter_paper_test, next_reminder, open_test, remind
from . import TEST_NAMES, bp

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
            "next_reminder": next_reminder(test),
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


def _acted(action, success, event):
    """Run a change asked by a button; its refusal or ``success`` (a text, or a function of what
    the change returned) flashed; back to the tab."""
    if ActionForm().validate_on_submit():
        return acted(action, success, _back(event))
    return redirect(_back(event))


@bp.post("/manage/events/<int:event_id>/tests/<kind>/questions/<int:question_id>/move")
def move_question(event_id: int, kind: str, question_id: int):
    event = _event(event_id)
    test, question = _question(event, kind, question_id)
    steps = direction_steps()
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


def _out_of_time(event, kind: str) -> str | None:
    """The question to ask before emailing a test out of its time: a post-test before the
    event has started, a pre-test once it has ended (in UTC's day); None to open at once."""
    today = utcnow().date()
    if kind == "post" and today < event.starts_on:
        return _("This event has not started yet: open the post-test anyway?")
    if kind == "pre" and today > event.ends_on:
        return _("This event has ended: open the pre-test anyway?")
    return None


@bp.post("/manage/events/<int:event_id>/tests/<kind>/open")
def open_page(event_id: int, kind: str):
    """Open the test (emailing its link); out of its time, only once staff confirmed it."""
    event, kind = _event(event_id), _kind(kind)
    question = _out_of_time(event, kind)
    if question and request.form.get("confirm") != "1" and ActionForm().validate_on_submit():
        return render_template(
            "knowledge/open_confirm.html",
            event=event,
            kind=kind,
            name=TEST_NAMES[kind],
            question=question,
            action_form=ActionForm(),
        )
    return _acted(
        lambda: open_test(event, kind, current_user, utcnow()),
        lambda sent: ngettext(
            "The test is open: emailed its link to %(num)d participant.",
            "The test is open: emailed its link to %(num)d participants.",
            sent,
        ),
        event,
    )


@bp.post("/manage/events/<int:event_id>/tests/<kind>/close")
def close_page(event_id: int, kind: str):
    event, kind = _event(event_id), _kind(kind)
    closed = _("The test is closed.")
    return _acted(lambda: close_test(event, kind, current_user, utcnow()), closed, event)


@bp.post("/manage/events/<int:event_id>/tests/<kind>/remind")
def remind_page(event_id: int, kind: str):
    """Email the link again to those who have not taken the test: at most once a day."""
    event, kind = _event(event_id), _kind(kind)
    return _acted(
        lambda: remind(event, kind, current_user, utcnow()),
        lambda sent: ngettext(
            "Reminded %(num)d participant who has not taken the test.",
            "Reminded %(num)d participants who have not taken the test.",
            sent,
        ),
        event,
    )


# ---------------------------------------------------------------- results and paper tests


def _rounded(value, digits: int = 1) -> str | float:
    return round(value, digits) if value is not None else ""


def _gain_row(group: str, who: str, gain) -> list:
    means = [_rounded(gain.pre_mean), _rounded(gain.post_mean), _rounded(gain.gain, 2)]
    return [group, who, gain.participants, *means]


@bp.get("/manage/events/<int:event_id>/tests/results.xlsx")
def results_xlsx(event_id: int):
    """Each participant's scores, and the learning gain of all and by group."""
    event = _event(event_id)
    header = [_("Participant"), _("Pre-test (%)"), _("Post-test (%)"), _("Learning gain")]
    rows = [
        [s.registration.name, _rounded(s.pre), _rounded(s.post), _rounded(s.gain, 2)]
        for s in participant_scores(event.id)
    ]
    gain = learning_gain([event.id])
    gains = [_gain_row(_("All"), _("Participants who took both tests"), gain)] + [
        _gain_row(str(title), group_label(name, key), of)
        for name, title in GROUPS
        for key, of in getattr(gain, f"by_{name}").items()
    ]
    group_header = [
        _("Group"),
        _("Who"),
        _("Participants"),
        _("Pre-test (%)"),
        _("Post-test (%)"),
        _("Learning gain"),
    ]
    book = xlsx_book_bytes(
        [(_("Participants"), header, rows), (_("Learning gain"), group_header, gains)]
    )
    return download(book, XLSX_TYPE, f"tests-{event.id}.xlsx")


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
            enter_paper_test(test, registration, form.data, current_user, utcnow())
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
