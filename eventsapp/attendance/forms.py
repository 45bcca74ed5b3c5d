"""The attendee's evaluation form, and the staff's forms of attendance and evaluation settings.
(Staff write an evaluation's questions with ``core.forms.QuestionForm``, as registration
questions.)"""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange

from ..core.forms import Form
from ..core.questions import LONG_TEXT_LENGTH, with_questions


class EvaluationForm(Form):
    comment = TextAreaField(
        _l("Anything else you would tell the organisers?"),
        validators=[Length(max=LONG_TEXT_LENGTH)],
    )


def evaluation_form(questions, language: str | None) -> Form:
    """A form asking the evaluation's questions in ``language`` (where staff translated them),
    then for a comment."""
    return with_questions(EvaluationForm, questions, language)()


class AttendanceSettingsForm(Form):
    minimum_days = IntegerField(
        _l("Days attended for a certificate, at least"),
        validators=[InputRequired(_l("Write a number of days.")), NumberRange(min=1, max=366)],
    )


class EvaluationSettingsForm(Form):
    anonymous = BooleanField(
        _l("Anonymous: answers keep no link to who gave them (only that they answered)")
    )
