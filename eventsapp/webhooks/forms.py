from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from ..catalogue.models import Programme
from ..core.fields import CheckboxesField
from ..core.forms import Form
from ..extensions import db
from .events import TYPES
from .models import URL_LENGTH
from .services import SECRET_MAX, SubscriptionInput


class SubscriptionForm(Form):
    url = StringField(
        _l("Address (URL)"),
        validators=[DataRequired(), Length(max=URL_LENGTH)],
        description=_l("Where each delivery is POSTed: https://…"),
    )
    events = CheckboxesField(_l("What it is told of"), choices=list(TYPES.items()))
    programme_id = SelectField(_l("Programme"), default="")
    secret = StringField(
        _l("Secret"),
        validators=[Optional(), Length(max=SECRET_MAX)],
        description=_l(
            "Signs every delivery. Leave it empty to have one made (shown once), or to keep the "
            "current one."
        ),
    )
    active = BooleanField(_l("Switched on"), default=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        programmes = db.session.execute(
            select(Programme.id, Programme.name).order_by(Programme.name)
        )
        self.programme_id.choices = [("", _l("Every programme"))] + [
            (str(number), name) for number, name in programmes
        ]

    def fill(self, subscription) -> None:
        self.url.data = subscription.url
        self.events.data = list(subscription.events)
        self.programme_id.data = str(subscription.programme_id or "")
        self.active.data = subscription.active

    def to_input(self) -> SubscriptionInput:
        return SubscriptionInput(
            url=self.url.data,
            events=list(self.events.data or []),
            secret=self.secret.data or None,
            programme_id=int(self.programme_id.data) if self.programme_id.data else None,
            active=self.active.data,
        )


class ButtonForm(Form):
    """A button that posts (switch on or off, ping, redeliver, delete): its CSRF token only."""
