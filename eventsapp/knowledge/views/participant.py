"""The participant's test page, reached by the emailed link (or their card's)."""

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from ...core.clock import utcnow
from ...core.errors import InvalidInput
from ...core.i18n import LANGUAGE_COOKIE, language_of, visitor_locale
from ...core.web import show_beside_field
from ...extensions import db
from ...mail.services import in_language
from ...registration.models import Registration
from .. import questions as tests
from ..forms import answer_form
from ..taking import attempt_of, has_a_place, read_token, submit_test
from . import TEST_NAMES, bp


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
