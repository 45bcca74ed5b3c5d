"""Forms: the delegate's registration and travel details; staff settings and invitations. (The
form staff write a question with is ``core.forms.QuestionEditForm``; the fields asking the
event's questions are the question engine's, ``core.questions.with_questions``.)"""

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
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
    ValidationError,
)

from ..catalogue.models import LANGUAGES
from ..core.fields import DayField, LanguageField
from ..core.forms import Form, email_address, id_or_none
from ..people.models import Gender, OrganisationKind
from ..people.services import country_choices, organisation_choices
from .models import Access
from .services import RegistrationInput, TravelInput
from .settings import SettingsInput


class TravelFields:
    """Travel and needs: on the registration form and on "My registrations"."""

    arrival_on = DayField(_l("Arrival"), validators=[Optional()])
    departure_on = DayField(_l("Departure"), validators=[Optional()])
    accessibility_needs = TextAreaField(
        _l("Accessibility needs"),
        validators=[Length(max=2000)],
        description=_l("Anything that would help you take part: access, sign language, …"),
    )
    dietary_needs = TextAreaField(_l("Dietary needs"), validators=[Length(max=2000)])
    visa_letter = BooleanField(_l("I need a letter of invitation for my visa"))

    def validate_departure_on(self, field):
        if field.data and self.arrival_on.data and field.data < self.arrival_on.data:
            raise ValidationError(_l("The departure is before the arrival."))


class TravelForm(TravelFields, Form):
    def to_input(self) -> TravelInput:
        return TravelInput(
            arrival_on=self.arrival_on.data,
            departure_on=self.departure_on.data,
            accessibility_needs=self.accessibility_needs.data or "",
            dietary_needs=self.dietary_needs.data or "",
            visa_letter=self.visa_letter.data,
        )


class RegistrationForm(TravelFields, Form):
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    # Chosen, never assumed (a default would be counted in the results by gender).
    gender = SelectField(
        _l("Gender"),
        choices=[("", _l("Choose…")), *Gender.choices()],
        validators=[InputRequired(_l("Choose one (or “Prefer not to say”)."))],
    )
    email = EmailField(_l("Email"), validators=[DataRequired(), email_address(), Length(max=254)])
    # The organisation and country are checked by the service, in one query with the rest: the
    # lists of choices are loaded only to show the form (``fill_choices``).
    organisation_id = SelectField(_l("Organisation"), coerce=id_or_none, validate_choice=False)
    new_organisation = StringField(
        _l("Or add your organisation"),
        validators=[Optional(), Length(max=200)],
        description=_l("Only if it is not in the list: its full name."),
    )
    new_organisation_kind = SelectField(
        _l("Kind of organisation"),
        choices=OrganisationKind.choices(),
        default=OrganisationKind.ELECTORAL_MANAGEMENT_BODY,
    )
    position = StringField(_l("Position"), validators=[Optional(), Length(max=200)])
    country_code = SelectField(_l("Country"), validators=[DataRequired()], validate_choice=False)
    interpretation_languages = SelectMultipleField(
        _l("Languages for interpretation"),
        choices=list(LANGUAGES.items()),
        description=_l("The languages you would follow the sessions in."),
    )
    consent = BooleanField(
        _l(
            "I agree that the training centre processes these personal data to organise my "
            "participation, and keeps them for its reports."
        ),
        validators=[DataRequired(_l("Registration needs your consent."))],
    )

    def fill_choices(self) -> None:
        """The lists of organisations and countries, to show the form."""
        self.organisation_id.choices = [(None, "—")] + organisation_choices()
        self.country_code.choices = [("", "—")] + country_choices()

    def prefill(self, invitation, account, details: dict[str, object]) -> bool:
        """The form as it is first shown: an invitation's address and authority; for a
        signed-in ``account``, its address and what she said of herself in her latest
        registration (``details``: ``returning.last_details``), else the account's name; not
        when the invitation is for another address. Whether her details were filled in."""
        own = account is not None and (
            invitation is None or invitation.email == account.email.lower()
        )
        if own:
            self.email.data = account.email
            self.name.data = account.name
            for key, value in details.items():
                self[key].data = value
        if invitation is not None:
            self.email.data = invitation.email
            self.organisation_id.data = invitation.organisation_id
        return own and bool(details)

    def validate_organisation_id(self, field):
        if field.data is None and not (self.new_organisation.data or "").strip():
            raise ValidationError(_l("Choose your organisation, or add it below."))

    def to_input(self) -> RegistrationInput:
        return RegistrationInput(
            name=self.name.data,
            gender=self.gender.data,
            email=self.email.data,
            country_code=self.country_code.data,
            position=self.position.data or "",
            organisation_id=self.organisation_id.data,
            new_organisation=self.new_organisation.data,
            new_organisation_kind=self.new_organisation_kind.data,
            interpretation_languages=self.interpretation_languages.data or [],
            accessibility_needs=self.accessibility_needs.data or "",
            dietary_needs=self.dietary_needs.data or "",
            visa_letter=self.visa_letter.data,
            arrival_on=self.arrival_on.data,
            departure_on=self.departure_on.data,
            consent=self.consent.data,
        )


class SettingsForm(Form):
    capacity = IntegerField(
        _l("Capacity"),
        validators=[Optional(), NumberRange(min=0, max=100000)],
        description=_l("Seats in all. Empty: no limit (and no waiting list)."),
    )
    opens_on = DayField(
        _l("Registration opens on"),
        validators=[Optional()],
        description=_l("Empty: open now."),
    )
    closes_on = DayField(
        _l("Registration closes after"),
        validators=[Optional()],
        description=_l("Empty: open until the day before the event starts."),
    )
    access = SelectField(_l("Who can register"), choices=Access.choices())
    approval_required = BooleanField(
        _l("Staff approve each registration (otherwise: first come, first served)")
    )
    waiting_list = BooleanField(_l("Keep a waiting list when the event is full"))
    quota_per_organisation = IntegerField(
        _l("Funded places per organisation"),
        validators=[Optional(), NumberRange(min=1, max=1000)],
        description=_l(
            "CICIE courses fund one officer per authority: its further officers are accepted as "
            "self-funded, at the authority's own cost, and take a seat too. Empty: no quota."
        ),
    )
    offer_hours = IntegerField(
        _l("Hours to accept a freed seat"),
        validators=[DataRequired(), NumberRange(min=1, max=24 * 60)],
        default=48,
    )
    reminder_days = IntegerField(
        _l("Reminder, days before the event"),
        validators=[Optional(), NumberRange(min=0, max=365)],
        default=7,
        description=_l("0: no reminder."),
    )

    def to_input(self) -> SettingsInput:
        return SettingsInput(
            capacity=self.capacity.data,
            opens_on=self.opens_on.data,
            closes_on=self.closes_on.data,
            access=self.access.data,
            approval_required=self.approval_required.data,
            waiting_list=self.waiting_list.data,
            quota_per_organisation=self.quota_per_organisation.data,
            offer_hours=self.offer_hours.data,
            reminder_days=self.reminder_days.data or 0,
        )


class InvitationForm(Form):
    organisation_id = SelectField(_l("Authority"), coerce=int)
    emails = TextAreaField(
        _l("Email addresses of its officials"),
        validators=[DataRequired(), Length(max=20000)],
        description=_l("One a line."),
    )
    language = LanguageField(_l("Language of the invitation"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation_id.choices = organisation_choices()

    def validate_emails(self, field):
        for line in self.email_list():
            try:
                validate_email(line, check_deliverability=False)
            except EmailNotValidError:
                raise ValidationError(
                    _l("%(email)s is not an email address.", email=line)
                ) from None

    def email_list(self) -> list[str]:
        return [line.strip() for line in (self.emails.data or "").splitlines() if line.strip()]
