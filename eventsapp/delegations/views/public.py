"""The focal point's page (``/delegations/<token>``) and a nominee's (``/nominees/<token>``):
no password, the emailed link (see ``access``)."""

from flask import abort, current_app, flash, redirect, render_template, request, session
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import FileStorage

from ...core.clock import utcnow
from ...core.errors import InvalidInput
from ...core.forms import Form
from ...core.questions import read_answers, upload_megabytes, with_questions
from ...core.validation import MAX_ID, parse_number
from ...core.web import show_beside_field
from ...extensions import db, limiter
from ...registration.models import Status
from ...registration.questions import questions_of
from ...registration.seats import StatusError
from ...registration.statuses import withdraw as withdraw_registration
from ...registration.uploads import store
from ..access import may_act, may_open, open_page, pass_of, read_link, send_fresh_link
from ..board import Row
from ..forms import AccessForm, CompletionForm, LetterForm, NomineeForm
from ..models import Nomination
from ..nominees import complete, nomination_by_link
from ..services import (
    letter_problem,
    nominate,
    send_letter,
    substitute,
    why_focal_point_cannot_act,
    withdraw,
)
from ..statements import authority_statement
from . import bp

PASSES = "delegations"  # the session's key: the delegations this browser acts for
public_post_limit = limiter.limit(lambda: current_app.config["PUBLIC_POST_LIMIT"], methods=["POST"])


def _signed_in():
    return current_user if current_user.is_authenticated else None


@bp.route("/delegations/<token>", methods=["GET", "POST"])
@public_post_limit
def focal_point(token: str):
    reading = read_link(token)
    delegation = reading.delegation
    if delegation is None:
        return render_template("delegations/link_refused.html", replaced=False), 404
    passes = session.get(PASSES, [])
    if not may_act(delegation, passes, _signed_in()):
        return _gate(delegation, token, reading.current, passes)
    now = utcnow()
    action = request.form.get("form")
    nominee, letter = NomineeForm(prefix="nominee"), LetterForm(prefix="letter")
    if request.method == "POST":
        done = _act(delegation, action, nominee, letter, now)
        if done:
            flash(done, "success")
            return redirect(request.path)
    nominations = list(delegation.nominations)
    return render_template(
        "delegations/focal_point.html",
        delegation=delegation,
        event=delegation.event,
        row=Row(delegation, nominations),
        nominee=nominee,
        letter=letter,
        substitute=NomineeForm(prefix="substitute", formdata=None),
        closed=why_focal_point_cannot_act(delegation, now.date()),
        statement=authority_statement(delegation),
        megabytes=upload_megabytes(),
    )


def _gate(delegation, token: str, current: bool, passes: list):
    """A browser that may not act yet: the first to press the link's button opens the page;
    any other is asked for the focal point's address, which gets a fresh link."""
    form = AccessForm()
    if current and may_open(delegation):
        if request.method == "POST" and request.form.get("form") == "open":
            open_page(delegation, utcnow())
            session[PASSES] = [p for p in passes if p[0] != delegation.id] + [pass_of(delegation)]
            return redirect(request.path)
        return render_template("delegations/open.html", delegation=delegation)
    if request.method == "POST" and request.form.get("form") == "access" and form.validate():
        send_fresh_link(delegation, form.email.data)
        flash(
            _(
                "If this is the focal point’s address, a new link is on its way to it. "
                "Open it on this device."
            ),
            "info",
        )
        return redirect(request.path)
    return render_template(
        "delegations/access.html", delegation=delegation, form=form, replaced=not current
    ), 403


def _act(delegation, action, nominee, letter, now) -> str | None:
    """Do what the focal point's form asks; the message saying it was done, or None (refused:
    the reason is beside its field, or flashed)."""
    try:
        if action == "nominate" and nominee.validate_on_submit():
            nomination = nominate(delegation, nominee.to_input(), now)
            if nomination.registration_id is None:
                return _("%(name)s is a reserve: beyond your quota.", name=nomination.name)
            return _(
                "%(name)s is nominated and has an email to complete their registration.",
                name=nomination.name,
            )
        if action == "letter" and letter.validate_on_submit():
            upload: FileStorage = letter.letter.data
            if problem := letter_problem(upload, 10 * 2**20):
                letter.letter.errors = [problem]
                return None
            send_letter(delegation, upload, now)
            return _("Your nomination letter is sent.")
        if action in ("withdraw", "substitute"):
            nomination = _nomination(delegation)
            if action == "withdraw":
                withdraw(nomination, now)
                return _("%(name)s is withdrawn.", name=nomination.name)
            form = NomineeForm(prefix="substitute")
            if form.validate_on_submit():
                new = substitute(nomination, form.to_input(), now)
                return _("%(new)s replaces %(old)s.", new=new.name, old=nomination.name)
            flash(
                _("The substitute was not saved: %(problems)s", problems=_problems(form)), "error"
            )
    except InvalidInput as error:
        db.session.rollback()
        if action == "nominate" and error.field in nominee:
            show_beside_field(nominee, error)
        else:  # a substitute's or a withdrawal's refusal: said above the list
            flash(error.message, "error")
    return None


def _problems(form) -> str:
    return " ".join(
        f"{form[name].label.text}: {' '.join(map(str, errors))}"
        for name, errors in form.errors.items()
    )


def _nomination(delegation) -> Nomination:
    number = parse_number(request.form.get("nomination"))
    nomination = db.session.get(Nomination, number) if number and number <= MAX_ID else None
    if nomination is None or nomination.delegation_id != delegation.id:
        abort(404)
    return nomination


@bp.route("/nominees/<token>", methods=["GET", "POST"])
@public_post_limit
def nominee(token: str):
    nomination = nomination_by_link(token)
    if nomination is None:
        return render_template("delegations/link_refused.html", replaced=True), 404
    registration = nomination.registration
    event = registration.event
    questions = questions_of(event.id)
    language = request.accept_languages.best
    form = with_questions(CompletionForm, questions, language)(
        obj=registration if request.method == "GET" else None
    )
    ended = registration.status in (Status.DECLINED, Status.WITHDRAWN, Status.ATTENDED)
    if request.method == "GET" and nomination.completed_at:
        form.consent.data = True  # given already
    if not ended and request.form.get("form") == "withdraw" and Form().validate_on_submit():
        try:
            withdraw_registration(registration, utcnow(), registration.name)
        except StatusError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            flash(_("You withdrew: your authority’s focal point is told."), "success")
        return redirect(request.path)
    if not ended and form.validate_on_submit():
        try:
            answers = read_answers(questions, form.data)
            answers = {
                key: store(event.id, value) if isinstance(value, FileStorage) else value
                for key, value in answers.items()
            }
            complete(
                nomination,
                form.to_input(),
                form.interpretation_languages.data or [],
                answers,
                utcnow(),
            )
        except InvalidInput as error:
            show_beside_field(form, error)
        except StatusError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            flash(_("Your registration is complete. Thank you."), "success")
            return redirect(request.path)
    return render_template(
        "delegations/nominee.html",
        nomination=nomination,
        registration=registration,
        event=event,
        form=form,
        questions=questions,
        ended=ended,
    )
