"""The participant's survey form, and the staff's forms of a schedule. (Staff write a
programme's questions with ``core.forms.QuestionForm``, as evaluations'.)"""

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, StringField
from wtforms.validators import Length

from ..core.forms import Form
from ..core.questions import with_questions

MONTHS_HINT = _l(
    "Months after the event's last day, from 1 to 36, at most four, separated by commas: "
    "for example “3, 6”. Empty: no survey."
)


class SurveyForm(Form):
    pass


def survey_form(questions, language: str | None) -> Form:
    """A form asking the survey's questions in ``language`` (where staff translated them)."""
    return with_questions(SurveyForm, questions, language)()


class ProgrammeScheduleForm(Form):
    months = StringField(
        _l("Follow-up surveys, months after each event"),
        validators=[Length(max=100)],
        description=MONTHS_HINT,
    )


class EventScheduleForm(Form):
    schedule = RadioField(
        _l("When the follow-up survey goes out"),
        choices=[
            ("programme", _l("As the programme says")),
            ("own", _l("This event's own months")),
        ],
        default="programme",
    )
    months = StringField(
        _l("Months after the event"), validators=[Length(max=100)], description=MONTHS_HINT
    )
