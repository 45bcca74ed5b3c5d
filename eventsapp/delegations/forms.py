"""The forms of delegations: staff invite and decide; focal points nominate; nominees complete."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)

from ..catalogue.models import LANGUAGES
from ..core.fields import DayField, LanguageField
from ..core.forms import Form, email_address
from ..people.models import Gender
from ..people.services import organisation_choices
from ..registration.forms import TravelForm
from .decisions import DECISIONS
from .models import Reason
from .services import InvitationInput, NomineeInput

PLACES = [NumberRange(min=0, max=500)]


class QuotaFields:
    funded_places = IntegerField(
        _l("Funded places"), default=1, validators=[InputRequired(), *PLACES]
    )
    self_funded_places = IntegerField(
        _l("Self-funded places"), default=0, validators=[InputRequired(), *PLACES]
    )
    deadline = DayField(_l("Nomination deadline"), validators=[InputRequired()])
    note = TextAreaField(_l("Note to the focal point"), validators=[Length(max=5000)])
    letter_required = BooleanField(_l("A nomination letter (note verbale) is required"))

    def invitation(self, **who) -> InvitationInput:
        """The quota, deadline and note of the form for ``who`` (the authority, the focal
        point)."""
        return InvitationInput(
            **who,
            funded_places=self.funded_places.data,
            self_funded_places=self.self_funded_places.data,
            deadline=self.deadline.data,
            note=self.note.data or "",
            letter_required=self.letter_required.data,
        )


class InvitationForm(QuotaFields, Form):
    organisation_id = SelectField(_l("Authority"), coerce=int)
    focal_name = StringField(_l("Focal point's name"), validators=[DataRequired(), Length(max=200)])
    focal_email = EmailField(
        _l("Focal point's email"), validators=[DataRequired(), email_address(), Length(max=254)]
    )
    focal_language = LanguageField(_l("Focal point's language"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation_id.choices = organisation_choices()

    def to_input(self) -> InvitationInput:
        return self.invitation(
            organisation_id=self.organisation_id.data,
            focal_name=self.focal_name.data,
            focal_email=self.focal_email.data,
            focal_language=self.focal_language.data,
        )


class ManyInvitationsForm(QuotaFields, Form):
    """Several authorities at once: one line each, "authority; focal point; email; language"."""

    lines = TextAreaField(
        _l("Authorities"),
        validators=[DataRequired(), Length(max=50000)],
        description=_l(
            "One a line: the authority's name or acronym; the focal point's name; their email; "
            "their language (English, Spanish or French: by default the country's)."
        ),
    )


class QuotaForm(QuotaFields, Form):
    pass


class NomineeForm(Form):
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    position = StringField(_l("Position"), validators=[Optional(), Length(max=200)])
    email = EmailField(_l("Email"), validators=[DataRequired(), email_address(), Length(max=254)])
    gender = SelectField(
        _l("Gender"),
        choices=[("", _l("Choose…")), *Gender.choices()],
        validators=[InputRequired(_l("Choose one (or “Prefer not to say”)."))],
    )
    languages = SelectMultipleField(
        _l("Working languages"), choices=list(LANGUAGES.items()), validators=[Optional()]
    )

    def to_input(self) -> NomineeInput:
        return NomineeInput(
            name=self.name.data,
            email=self.email.data,
            gender=self.gender.data,
            position=self.position.data or "",
            languages=self.languages.data or [],
        )


class LetterForm(Form):
    letter = FileField(_l("Nomination letter (PDF)"), validators=[DataRequired()])


class DecisionForm(Form):
    action = SelectField(_l("Decision"), choices=list(DECISIONS.items()))
    reason = SelectField(
        _l("Reason"),
        choices=[("", _l("No reason given")), *Reason.choices()],
        validators=[Optional()],
    )
    note = TextAreaField(_l("Note to the authority"), validators=[Length(max=2000)])
    despite_balance = BooleanField(_l("Approve even so"))


class MovePlaceForm(Form):
    target = SelectField(_l("To"), coerce=int)
    funded = SelectField(
        _l("Place"),
        choices=[("1", _l("Funded place")), ("0", _l("Self-funded place"))],
    )


class TargetForm(Form):
    women_percent = IntegerField(
        _l("Women among those approved, at least (%)"),
        validators=[Optional(), NumberRange(min=0, max=100)],
    )


class AccessForm(Form):
    email = EmailField(
        _l("The focal point's email"), validators=[DataRequired(), email_address(), Length(max=254)]
    )


class CompletionForm(TravelForm):
    interpretation_languages = SelectMultipleField(
        _l("Languages for interpretation"),
        choices=list(LANGUAGES.items()),
        description=_l("The languages you would follow the sessions in."),
    )
    consent = BooleanField(
        _l("I agree that the training centre processes these data to organise my participation."),
        validators=[DataRequired(_l("Your registration needs your consent."))],
    )
