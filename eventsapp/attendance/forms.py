"""The attendee's evaluation form, and the staff's forms of the completion rule and of the
evaluation's settings. (Staff write an evaluation's questions with ``core.forms.QuestionForm``,
as registration questions.)"""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, RadioField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from ..core.forms import Form
from ..core.questions import LONG_TEXT_LENGTH, with_questions
from .models import Basis


class EvaluationForm(Form):
    comment = TextAreaField(
        _l("Anything else you would tell the organisers?"),
        validators=[Length(max=LONG_TEXT_LENGTH)],
    )


def evaluation_form(questions, language: str | None) -> Form:
    """A form asking the evaluation's questions in ``language`` (where staff translated them),
    then for a comment."""
    return with_questions(EvaluationForm, questions, language)()


class CompletionRuleForm(Form):
    basis = RadioField(
        _l("Completion counts"),
        choices=[
            (Basis.SESSIONS.value, _l("the agenda's sessions attended")),
            (Basis.DAYS.value, _l("the days attended")),
        ],
        validators=[InputRequired(_l("Choose sessions or days."))],
    )
    minimum_share = IntegerField(
        _l("Share attended, at least (%)"),
        validators=[InputRequired(_l("Write a share in percent.")), NumberRange(min=1, max=100)],
    )
    minimum_post_score = IntegerField(
        _l("Post-test score, at least (%)"),
        description=_l("Leave empty when completion does not ask a post-test."),
        validators=[Optional(), NumberRange(min=1, max=100)],
    )
    attendance_certificates = BooleanField(
        _l("A certificate of attendance to those who attended without completing")
    )


class EvaluationSettingsForm(Form):
    anonymous = BooleanField(
        _l("Anonymous: answers keep no link to who gave them (only that they answered)")
    )
