"""The person registry's form: the staff's notes on a person."""

from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import Length

from ..core.forms import Form

NOTES_LENGTH = 5000


class NotesForm(Form):
    notes = TextAreaField(
        _l("Staff's notes"),
        validators=[Length(max=NOTES_LENGTH)],
        description=_l("Seen by staff only. Changes are recorded in the action log."),
    )
