from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..core.fields import CheckboxesField
from ..core.forms import Form
from .models import NAME_LENGTH
from .scopes import SCOPES
from .tokens import MAX_DAYS

DEFAULT_DAYS = 90


class TokenForm(Form):
    """A new API token. The view offers the scopes the staff member's role allows."""

    name = StringField(
        _l("Name"),
        validators=[DataRequired(), Length(max=NAME_LENGTH)],
        description=_l("What it is for, such as “Finance system export”."),
    )
    scopes = CheckboxesField(
        _l("Scopes"), validators=[DataRequired(_l("Choose at least one scope."))]
    )
    days = IntegerField(
        _l("Expires after (days)"),
        default=DEFAULT_DAYS,
        validators=[Optional(), NumberRange(min=1, max=MAX_DAYS)],
        description=_l("Leave it empty for a token that never expires (until it is revoked)."),
    )

    def offer(self, allowed: set[str]) -> None:
        self.scopes.choices = [
            (scope, f"{scope}: {label}") for scope, label in SCOPES.items() if scope in allowed
        ]
