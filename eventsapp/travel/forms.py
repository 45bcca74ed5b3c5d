"""The travel file's forms: the participant's, the event's settings, a change's decision."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField, TimeField
from wtforms.validators import Length, Optional, ValidationError

from ..catalogue.models import LANGUAGES
from ..core.fields import DayField
from ..core.forms import Form
from ..people.services import country_choices
from .files import PART_FIELDS, TravelInput
from .models import TravelPart


class TravelFileForm(Form):
    passport_name = StringField(
        _l("Name exactly as in the passport"), validators=[Optional(), Length(max=200)]
    )
    nationality = SelectField(_l("Nationality"), validators=[Optional()], validate_choice=False)
    passport_number = StringField(_l("Passport number"), validators=[Optional(), Length(max=40)])
    passport_expiry = DayField(_l("Passport expiry"), validators=[Optional()])
    arrival_on = DayField(_l("Arrival day"), validators=[Optional()])
    arrival_time = TimeField(_l("Arrival time (local)"), validators=[Optional()])
    arrival_flight = StringField(_l("Arrival flight"), validators=[Optional(), Length(max=40)])
    arrival_airport = StringField(
        _l("Arrival airport and terminal"), validators=[Optional(), Length(max=100)]
    )
    departure_on = DayField(_l("Departure day"), validators=[Optional()])
    departure_time = TimeField(_l("Departure time (local)"), validators=[Optional()])
    departure_flight = StringField(_l("Departure flight"), validators=[Optional(), Length(max=40)])
    departure_airport = StringField(
        _l("Departure airport and terminal"), validators=[Optional(), Length(max=100)]
    )
    phone = StringField(_l("Mobile phone during the trip"), validators=[Optional(), Length(max=40)])
    check_in_on = DayField(_l("Hotel from the night of"), validators=[Optional()])
    check_out_on = DayField(_l("Hotel until the morning of"), validators=[Optional()])
    interpretation_language = SelectField(
        _l("Interpretation language"),
        choices=[("", _l("None")), *LANGUAGES.items()],
        validate_choice=False,
    )

    def fill_choices(self):
        self.nationality.choices = [("", _l("Choose…")), *country_choices()]

    def validate_nationality(self, field):
        if field.data and field.data not in dict(country_choices()):
            raise ValidationError(_l("Choose a country of the list."))

    def validate_interpretation_language(self, field):
        if field.data and field.data not in LANGUAGES:
            raise ValidationError(_l("Choose a language of the list."))

    def show(self, parts: list[str]) -> list[str]:
        """The names of the fields of ``parts``, as the form shows them."""
        names = [n for part in parts for n in PART_FIELDS[part]]
        shown = []
        for name in names:
            if name.endswith("_at"):
                stem = name.removesuffix("_at")
                shown += [f"{stem}_on", f"{stem}_time"]
            else:
                shown.append(name)
        return shown

    def to_input(self) -> TravelInput:
        def moment(day, time):
            return datetime.combine(day, time or datetime.min.time()) if day else None

        return TravelInput(
            passport_name=self.passport_name.data or "",
            nationality=self.nationality.data or None,
            passport_number=(self.passport_number.data or "").upper(),
            passport_expiry=self.passport_expiry.data,
            arrival_at=moment(self.arrival_on.data, self.arrival_time.data),
            arrival_flight=(self.arrival_flight.data or "").upper(),
            arrival_airport=self.arrival_airport.data or "",
            departure_at=moment(self.departure_on.data, self.departure_time.data),
            departure_flight=(self.departure_flight.data or "").upper(),
            departure_airport=self.departure_airport.data or "",
            check_in_on=self.check_in_on.data,
            check_out_on=self.check_out_on.data,
            phone=self.phone.data or "",
            interpretation_language=self.interpretation_language.data or "",
        )

    def load(self, travel) -> None:
        for name in (
            "passport_name",
            "passport_number",
            "passport_expiry",
            "arrival_flight",
            "arrival_airport",
            "departure_flight",
            "departure_airport",
            "phone",
            "check_in_on",
            "check_out_on",
            "interpretation_language",
        ):
            self[name].data = getattr(travel, name)
        self.nationality.data = travel.nationality or ""
        for stem in ("arrival", "departure"):
            moment = getattr(travel, f"{stem}_at")
            self[f"{stem}_on"].data = moment.date() if moment else None
            self[f"{stem}_time"].data = moment.time() if moment else None


class TravelSettingsForm(Form):
    parts = SelectMultipleField(_l("What the travel file asks"), choices=TravelPart.choices())
    freeze_on = DayField(
        _l("Freeze date"),
        validators=[Optional()],
        description=_l("After this day, a change is a request that the logistics owner decides."),
    )
    owner_id = SelectField(_l("Logistics owner"), coerce=lambda v: int(v) if v else None)


class ChangeDecisionForm(Form):
    reason = TextAreaField(_l("Reason (to refuse)"), validators=[Length(max=2000)])
