"""Staff forms of cost sharing. They take text as typed: the services read the amounts (as
``Decimal``) and the currencies, and refuse bad ones with a message beside the field."""

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from ..catalogue.models import Region
from ..core.forms import Form, id_or_none
from .models import Basis, Category, PayerRole

NONE = ("", "—")


class _Money(Form):
    amount = StringField(_l("Amount"), validators=[DataRequired(), Length(max=30)])
    currency = StringField(
        _l("Currency"),
        validators=[DataRequired(), Length(max=10)],
        description=_l("ISO 4217: MXN, USD"),
    )


class CurrencyForm(Form):
    currency = StringField(_l("Reporting currency"), validators=[DataRequired(), Length(max=10)])


class RuleForm(Form):
    category = SelectField(_l("Cost"), choices=Category.choices())
    payer_role = SelectField(_l("Paid by"), choices=PayerRole.choices())
    payer_organisation_id = SelectField(_l("Organisation (if named)"), coerce=id_or_none)
    basis = SelectField(_l("Counted"), choices=Basis.choices())
    note = StringField(_l("Note"), validators=[Optional(), Length(max=500)])
    shares = StringField(_l("Split between founders (%)"))  # the inputs are per founder


class EstimateForm(_Money):
    year = IntegerField(_l("Year"), validators=[DataRequired()])
    category = SelectField(_l("Cost"), choices=Category.choices())


class FareForm(_Money):
    year = IntegerField(_l("Year"), validators=[DataRequired()])
    region = SelectField(_l("From region"), choices=Region.choices())


class RateForm(Form):
    year = IntegerField(_l("Year"), validators=[DataRequired()])
    currency = StringField(_l("Currency"), validators=[DataRequired(), Length(max=10)])
    rate = StringField(
        _l("Worth in the reporting currency"), validators=[DataRequired(), Length(max=30)]
    )


class OverrideForm(Form):
    category = SelectField(_l("Cost"), choices=Category.choices())
    payer_role = SelectField(_l("Paid here by"), choices=PayerRole.choices())
    payer_organisation_id = SelectField(_l("Organisation (if named)"), coerce=id_or_none)


class ActualForm(_Money):
    category = SelectField(_l("Cost"), choices=Category.choices())
    payer = SelectField(_l("Paid by"), validate_choice=False)
