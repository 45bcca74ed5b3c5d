"""Joining the alumni directory, and the choice of showing one's address."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField
from wtforms.validators import DataRequired

from ..core.forms import Form


class JoinForm(Form):
    consent = BooleanField(
        _l(
            "I agree that fellow alumni and the centre's staff find me in the directory, with "
            "my name, organisation, country and the events I took part in"
        ),
        validators=[DataRequired(_l("Tick this box to join the directory."))],
    )
    shows_email = BooleanField(_l("Show my email address to fellow alumni"))


class AddressForm(Form):
    shows_email = BooleanField(_l("Show my email address to fellow alumni"))


class LeaveForm(Form):
    """A button: leaving needs only the CSRF token."""
