"""The attendee's evaluation form, and the staff's forms of attendance settings and evaluation
questions."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from ..core.forms import Form
from .evaluations import NO, SCORES, YES, field_name
from .models import QuestionKind

COMMENT_LABEL = _l("Anything else you would tell the organisers?")


def evaluation_form(questions) -> Form:
    """A form asking the evaluation's questions, then for a comment. Choices are checked by
    the service (``read_answers``), which says what is wrong beside the field."""
    fields = {}
    for question in questions:
        validators = (
            [InputRequired(_l("Answer this question."))] if question.required else [Optional()]
        )
        kind = question.kind
        if kind == QuestionKind.SCALE:
            choices = [(str(n), str(n)) for n in SCORES]
        elif kind == QuestionKind.ONE_CHOICE:
            choices = [(c, c) for c in question.choices]
        elif kind == QuestionKind.YES_NO:
            choices = [(YES, _l("Yes")), (NO, _l("No"))]
        else:
            longest = 300 if kind == QuestionKind.SHORT_TEXT else 5000
            field_class = StringField if kind == QuestionKind.SHORT_TEXT else TextAreaField
            fields[field_name(question)] = field_class(
                question.label, validators=[*validators, Length(max=longest)]
            )
            continue
        fields[field_name(question)] = RadioField(
            question.label, choices=choices, validators=validators, validate_choice=False
        )
    fields["comment"] = TextAreaField(COMMENT_LABEL, validators=[Length(max=5000)])
    return type("EvaluationForm", (Form,), fields)()


class AttendanceSettingsForm(Form):
    minimum_days = IntegerField(
        _l("Days attended for a certificate, at least"),
        validators=[InputRequired(_l("Write a number of days.")), NumberRange(min=1, max=366)],
    )


class EvaluationSettingsForm(Form):
    anonymous = BooleanField(
        _l("Anonymous: answers keep no link to who gave them (only that they answered)")
    )


class QuestionForm(Form):
    label = StringField(
        _l("Question"),
        validators=[InputRequired(_l("Write the question.")), Length(max=300)],
    )
    kind = SelectField(_l("Kind"), choices=QuestionKind.choices(), default=QuestionKind.SCALE)
    choices = TextAreaField(
        _l("Choices, one a line (for one choice)"), validators=[Length(max=4000)]
    )
    required = BooleanField(_l("An answer is required"), default=True)
