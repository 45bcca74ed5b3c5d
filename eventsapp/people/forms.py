from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from ..core.forms import Form
from .models import OrganisationKind
from .services import OrganisationInput, country_choices, organisation_choices


class OrganisationForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    acronym = StringField(_l("Acronym"), validators=[Optional(), Length(max=30)])
    kind = SelectField(_l("Kind"), choices=OrganisationKind.choices())
    country_code = SelectField(_l("Country"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country_code.choices = [("", _l("International / none"))] + country_choices()

    def to_input(self) -> OrganisationInput:
        return OrganisationInput(
            name=self.name.data,
            kind=self.kind.data,
            acronym=self.acronym.data,
            country_code=self.country_code.data or None,
        )


class MergeForm(Form):
    target_id = SelectField(_l("Merge into"), coerce=int)

    def __init__(self, organisation, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.target_id.choices = [
            (number, name) for number, name in organisation_choices() if number != organisation.id
        ]
