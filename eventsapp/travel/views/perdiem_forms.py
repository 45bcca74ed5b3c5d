"""Per diem's forms, beside the views (only they use them): a rate, a CSV of rates, a
programme's settings. Amounts are taken as typed: the services read them (as ``Decimal``) and
refuse bad ones beside the field."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from ...core.fields import DayField
from ...core.forms import Form
from ..rates_csv import MAX_AREA


class RateForm(Form):
    country_code = SelectField(_l("Country"), validate_choice=False)
    area = StringField(
        _l("Area"),
        validators=[Length(max=MAX_AREA)],
        description=_l("A city, as the venue names it; empty: elsewhere in the country."),
    )
    rate = StringField(_l("Rate per day"), validators=[DataRequired(), Length(max=30)])
    currency = StringField(
        _l("Currency"), validators=[DataRequired(), Length(max=10)], default="USD"
    )
    effective_on = DayField(_l("In force from"), validators=[InputRequired()])


class ImportForm(Form):
    file = FileField(
        _l("CSV file of rates"),
        description=_l(
            "As the ICSC publishes them: country, area, rate in US dollars, effective date; "
            "up to 2 MB."
        ),
    )


class SettingsForm(Form):
    lodging_percent = IntegerField(
        _l("Lodging: its share of the rate, in percent"),
        validators=[InputRequired(), NumberRange(0, 100)],
    )
    meals_percent = IntegerField(
        _l("Meals: their share of the rate, in percent"),
        validators=[InputRequired(), NumberRange(0, 100)],
    )
    hosts_provide_lodging = BooleanField(_l("The hosts provide lodging (its share is deducted)"))
    hosts_provide_meals = BooleanField(_l("The hosts provide meals (their share is deducted)"))
    terminal_expenses = StringField(
        _l("Terminal expenses per trip"),
        validators=[Length(max=30)],
        description=_l("In the currency of the rates, added once to each participant's amount."),
    )
