"""The base of every form (the fields every capability uses are in ``fields.py``), and the form
staff write a question with (``questions.py``), wherever it is asked."""

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Email, InputRequired, Length

from .question_columns import QuestionInput
from .questions import KINDS, MAX_LABEL_LENGTH, TRANSLATED, kind_choices
from .validation import ONE_LINE_MESSAGE, is_one_line


def email_address() -> Email:
    """WTForms' check of an address, saying what to write (its own Spanish reads "Email
    inválido.")."""
    return Email(_l("Write an email address, such as name@example.org."))


class Form(FlaskForm):
    """Every form of the site (a test holds this). Its one-line text fields (all text fields but
    text areas and passwords) refuse line breaks and control characters, which would let whoever
    typed a name write lines of their own into an email; they and its choices read a value of
    spaces as none, so that "required" and "optional" mean what they say."""

    def validate(self, extra_validators=None) -> bool:
        for field in self:
            if _trimmed(field):
                field.data = _strip(field.data)
                if field.raw_data:
                    field.raw_data = [_strip(value) for value in field.raw_data]
            if _too_large(field.data):  # a float could not even hold it: refused, never a 500
                field.data = None
                field.process_errors.append(TOO_LARGE)
        valid = super().validate(extra_validators)
        for field in self:
            if _one_line(field) and isinstance(field.data, str) and not is_one_line(field.data):
                field.errors.append(ONE_LINE_MESSAGE)
                valid = False
        return valid


TOO_LARGE = _l("This number is too large.")


def _too_large(value) -> bool:
    return isinstance(value, int | Decimal) and not isinstance(value, bool) and abs(value) > 10**15


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _one_line(field) -> bool:
    return isinstance(field, StringField) and not isinstance(field, TextAreaField | PasswordField)


def _trimmed(field) -> bool:
    return _one_line(field) or (
        isinstance(field, SelectField) and not isinstance(field, SelectMultipleField)
    )


def id_or_none(value):
    """A select's value as an id, or None for its "—" choice (an empty value; WTForms writes a
    choice of None back as "None"). Anything else that is not a number raises ValueError, which
    WTForms shows beside the field."""
    return int(value) if value not in (None, "", "None") else None


# ---------------------------------------------------------------- questions


class QuestionEditForm(Form):
    """A question's label, choices, translations and whether it needs an answer."""

    label = StringField(
        _l("Question"),
        validators=[InputRequired(_l("Write the question.")), Length(max=MAX_LABEL_LENGTH)],
    )
    choices = TextAreaField(
        _l("Choices"),
        validators=[Length(max=12000)],
        description=_l("For a question with one or several choices: the choices, one a line."),
    )
    required = BooleanField(_l("An answer is required"))
    label_es = StringField(_l("Question in Spanish"), validators=[Length(max=MAX_LABEL_LENGTH)])
    choices_es = TextAreaField(
        _l("Choices in Spanish"),
        validators=[Length(max=12000)],
        description=_l("In the order of the choices above."),
    )
    label_fr = StringField(_l("Question in French"), validators=[Length(max=MAX_LABEL_LENGTH)])
    choices_fr = TextAreaField(
        _l("Choices in French"),
        validators=[Length(max=12000)],
        description=_l("In the order of the choices above."),
    )

    def fill(self, question) -> None:
        """The form as the question is now."""
        self.label.data = question.label
        self.choices.data = "\n".join(question.choices)
        self.required.data = question.required
        for language in TRANSLATED:
            label, choices = question.translation(language)
            self[f"label_{language}"].data = label
            self[f"choices_{language}"].data = choices

    def to_input(self, kind: str) -> QuestionInput:
        return QuestionInput(
            label=self.label.data,
            kind=kind,
            required=self.required.data,
            choices=self.choices.data or "",
            translations={
                language: (
                    self[f"label_{language}"].data or "",
                    self[f"choices_{language}"].data or "",
                )
                for language in TRANSLATED
            },
        )


class QuestionForm(QuestionEditForm):
    """A new question, of one of the kinds its form offers (``offering``)."""

    kind = SelectField(_l("Answer"), choices=kind_choices(KINDS))

    def offering(self, kinds) -> "QuestionForm":
        self.kind.choices = kind_choices(kinds)
        return self
