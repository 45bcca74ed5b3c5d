"""The evaluation an attendee fills in."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.validators import InputRequired, Length

from .services import SCALES


def evaluation_form_class():
    """A form with a 1–5 scale for each of the evaluation's questions and a comment."""
    scale = [(str(n), str(n)) for n in range(1, 6)]
    fields = {
        key: RadioField(label, choices=scale, validators=[InputRequired(_l("Choose a score."))])
        for key, label in SCALES.items()
    }
    fields["comment"] = TextAreaField(
        _l("Anything else you would tell the organisers?"), validators=[Length(max=5000)]
    )
    return type("EvaluationForm", (FlaskForm,), fields)


EvaluationForm = evaluation_form_class()
