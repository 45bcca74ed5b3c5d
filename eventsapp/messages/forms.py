"""The form of a message to participants."""

from uuid import uuid4

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Regexp

from ..core.forms import Form

EVENT_HINT = _l(
    "{name}, {event}, {dates}, {event_link} (the event's page), {calendar_link} (its calendar "
    "file) and {registrations_link} (the participant's registrations) are replaced for each "
    "participant."
)
PROGRAMME_HINT = _l(
    "{name} and {registrations_link} (the participant's registrations) are replaced for each "
    "participant. Each person gets the message once, whatever the number of their events."
)


class MessageForm(Form):
    subject = StringField(_l("Subject"), validators=[DataRequired(), Length(max=200)])
    body = TextAreaField(
        _l("Message"), validators=[DataRequired(), Length(max=20000)], description=EVENT_HINT
    )
    # Made when the form is first shown, kept through previews: see Message.send_key.
    send_key = HiddenField(default=lambda: uuid4().hex, validators=[Regexp("^[0-9a-f]{32}$")])


class EventMessageForm(MessageForm):
    """A message to an event's participants, which may carry the event's calendar file."""

    calendar_file = BooleanField(
        _l("Attach the event's calendar file"),
        description=_l("For instance when the dates, times or venue changed."),
    )
