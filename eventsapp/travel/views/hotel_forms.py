"""Staff forms of hotels: a hotel, its room blocks over a range of nights, a participant's room.
They take text as typed: the services (``hotels.py``) read amounts and currencies and refuse bad
ones with a message beside the field. Beside the views that use them (the import contract lets
only ``forms`` modules and views import forms; ``travel/forms.py`` is the travel file's)."""

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ...core.fields import DayField
from ...core.forms import Form, id_or_none
from ..hotels import MAX_ROOMS, MAX_TEXT, BlockInput, HotelInput
from ..models import RoomKind
from ..rooms import RoomChoice


class HotelForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    address = TextAreaField(_l("Address"), validators=[Optional(), Length(max=MAX_TEXT)])
    contact = TextAreaField(
        _l("Contact"),
        validators=[Optional(), Length(max=MAX_TEXT)],
        description=_l("Who takes the rooming list: name, phone, email."),
    )
    payer = StringField(
        _l("Who pays its rooms"),
        validators=[Optional(), Length(max=200)],
        description=_l("Empty: whoever the cost rules name for lodging."),
    )

    def to_input(self) -> HotelInput:
        return HotelInput(
            name=self.name.data or "",
            address=self.address.data or "",
            contact=self.contact.data or "",
            payer=self.payer.data or "",
        )


class BlocksForm(Form):
    # InputRequired, not DataRequired: a day written wrong keeps the reader's message.
    first_night = DayField(_l("First night"), validators=[InputRequired()])
    last_night = DayField(
        _l("Last night"),
        validators=[Optional()],
        description=_l("Included. Empty: the first night only."),
    )
    kind = SelectField(_l("Hotel room"), choices=RoomKind.choices())
    rooms = IntegerField(
        _l("Rooms a night"),
        validators=[InputRequired(), NumberRange(min=0, max=MAX_ROOMS)],
        description=_l("0 gives the nights back."),
    )
    rate = StringField(
        _l("Rate a night"), validators=[Optional(), Length(max=30)], render_kw={"size": 10}
    )
    currency = StringField(
        _l("Currency"),
        default="MXN",
        validators=[Optional(), Length(max=10)],
        description=_l("ISO 4217: MXN, USD"),
        render_kw={"size": 4},
    )

    def to_input(self) -> BlockInput:
        return BlockInput(
            first_night=self.first_night.data,
            last_night=self.last_night.data,
            kind=self.kind.data,
            rooms=self.rooms.data,
            rate=self.rate.data or "",
            currency=self.currency.data or "",
        )


class RoomForm(Form):
    hotel_id = SelectField(_l("Hotel"), coerce=id_or_none)
    kind = SelectField(_l("Hotel room"), choices=RoomKind.choices())
    sharing_with_id = SelectField(
        _l("Sharing with"),
        coerce=id_or_none,
        description=_l("In a double or twin room: the other gets the same room."),
    )

    def to_input(self) -> RoomChoice:
        return RoomChoice(
            hotel_id=self.hotel_id.data,
            kind=self.kind.data,
            sharing_with_id=self.sharing_with_id.data,
        )
