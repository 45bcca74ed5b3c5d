"""Staff's forms of a scored question (its correct answers and points), of the bank's questions
to add to a test; the answer forms are the question engine's (``with_questions``)."""

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectMultipleField, TextAreaField, widgets
from wtforms.validators import InputRequired, Length, NumberRange

from ..core.forms import Form, QuestionEditForm, QuestionForm
from ..core.questions import with_questions
from .models import MAX_POINTS, ScoredQuestionColumns
from .questions import ScoredInput


class _Scored:
    correct = TextAreaField(
        _l("Correct answers"),
        validators=[Length(max=12000)],
        description=_l(
            "One a line, as written in the choices (several for a question of several "
            "choices); for a number, the number."
        ),
    )
    points = IntegerField(
        _l("Points"),
        default=1,
        validators=[
            InputRequired(_l("Give the points of the question.")),
            NumberRange(1, MAX_POINTS),
        ],
        render_kw={"min": 1, "max": MAX_POINTS},
    )

    def fill(self, question) -> None:
        super().fill(question)
        self.correct.data = "\n".join(str(c) for c in question.correct)
        self.points.data = question.points

    def to_input(self, kind: str) -> ScoredInput:
        given = super().to_input(kind)
        return ScoredInput(**vars(given), correct=self.correct.data or "", points=self.points.data)


class ScoredQuestionForm(_Scored, QuestionForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.offering(ScoredQuestionColumns.OFFERED)


class ScoredQuestionEditForm(_Scored, QuestionEditForm):
    pass


class BankChoiceForm(Form):
    bank = SelectMultipleField(
        _l("Questions of the programme's test bank"),
        coerce=int,
        widget=widgets.ListWidget(prefix_label=False),
        option_widget=widgets.CheckboxInput(),
    )


class ActionForm(Form):
    """A button's form: its CSRF token only."""


def answer_form(questions, language: str | None):
    """The form a participant (or staff typing in a paper test) answers a test with."""
    return with_questions(ActionForm, questions, language)()
