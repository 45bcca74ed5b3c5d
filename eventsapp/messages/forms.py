"""The form of a message to participants."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length


class MessageForm(FlaskForm):
    subject = StringField(_l("Subject"), validators=[DataRequired(), Length(max=200)])
    body = TextAreaField(
        _l("Message"),
        validators=[DataRequired(), Length(max=20000)],
        description=_l("{name}, {event} and {dates} are replaced for each participant."),
    )
