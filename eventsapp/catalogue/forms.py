"""Forms of the staff area: events and programmes."""

from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from ..core.dates import (
    FIRST_YEAR,
    LAST_YEAR,
    DatePhraseError,
    MissingYearError,
    read_date_phrase,
)
from ..core.forms import Form, id_or_none
from ..people.services import country_choices, organisation_choices
from .models import (
    CICIE_BLOCKS,
    LANGUAGES,
    EventKind,
    EventStatus,
    PartnerRole,
    Region,
)
from .services import EventInput, ProgrammeInput, VenueInput, programme_choices, section_choices
from .translations import AUDIENCE_MAX, DESCRIPTION_MAX, TITLE_MAX, TranslationInput

NONE = ("", "—")


def bullet_lines(text: str | None) -> list[str]:
    """The lines of a text box, each without its bullet ("·", "•", "-"); blank ones left out."""
    return [line.strip(" \t·•-") for line in (text or "").splitlines() if line.strip(" \t·•-")]


class EventForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    kind = SelectField(_l("Kind"), choices=EventKind.choices())
    status = SelectField(_l("Status"), choices=EventStatus.choices(), default=EventStatus.PLANNED)
    programme_id = SelectField(_l("Programme"), coerce=id_or_none, validate_choice=True)
    section_id = SelectField(_l("Section"), coerce=id_or_none)
    date_text = StringField(
        _l("Dates"),
        validators=[DataRequired(), Length(max=200)],
        description=_l(
            'As written in the work programme: "18-19 January 2011", "early March (tbc)", '
            '"May/June 2012", "Third week of September 2012".'
        ),
    )
    year = IntegerField(
        _l("Year, if the dates do not say"),
        validators=[Optional(), NumberRange(min=FIRST_YEAR, max=LAST_YEAR)],
    )
    start_time = TimeField(_l("Start time"), validators=[Optional()])
    end_time = TimeField(_l("End time"), validators=[Optional()])
    timezone = StringField(
        _l("Time zone"),
        validators=[Optional(), Length(max=64)],
        description=_l("For example America/Mexico_City or Europe/Stockholm."),
    )
    venue_country = SelectField(_l("Venue country"), validators=[Optional()])
    venue_city = StringField(_l("City"), validators=[Optional(), Length(max=100)])
    venue_place = StringField(_l("Place"), validators=[Optional(), Length(max=200)])
    venue_tentative = BooleanField(_l("Venue to be confirmed"))
    capacity = IntegerField(_l("Capacity"), validators=[Optional(), NumberRange(min=0, max=100000)])
    participants_count = IntegerField(
        _l("Participants (reported)"), validators=[Optional(), NumberRange(min=0, max=100000)]
    )
    languages = SelectMultipleField(_l("Languages"), choices=list(LANGUAGES.items()))
    interpretation = BooleanField(_l("Simultaneous interpretation"))
    purpose = TextAreaField(
        _l("Purpose"), validators=[Length(max=10000)], description=_l("One point per line.")
    )
    description = TextAreaField(_l("Description"), validators=[Length(max=10000)])
    theme = StringField(_l("Theme"), validators=[Optional(), Length(max=300)])
    block = SelectField(_l("CICIE block"), choices=[NONE, *[(b, b) for b in CICIE_BLOCKS]])
    audience = StringField(_l("Audience"), validators=[Optional(), Length(max=300)])
    requesting_authority_id = SelectField(_l("Requesting authority"), coerce=id_or_none)
    target_region = SelectField(_l("Target region"), choices=[NONE, *Region.choices()])
    # Several choices are shown as checkboxes, with a filter when the list is long (macros.html).
    requesting_countries = SelectMultipleField(_l("Requesting countries"))
    candidate_countries = SelectMultipleField(
        _l("Candidate countries"), description=_l("Countries that have shown interest.")
    )
    participant_countries = SelectMultipleField(_l("Participating countries"))
    partner_ids = SelectMultipleField(_l("Co-organisers"), coerce=int)
    notes = TextAreaField(
        _l("Staff notes"),
        validators=[Length(max=10000)],
        description=_l("Seen by staff only: not on the public page or in calendars."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        countries = country_choices()
        organisations = organisation_choices()
        self.programme_id.choices = [(None, "—")] + [(p.id, p.name) for p in programme_choices()]
        self.section_id.choices = [(None, "—")] + [
            (s.id, f"{s.programme.short_name}: {s.label}", {"data-programme": s.programme_id})
            for s in section_choices()
        ]
        self.venue_country.choices = [("", _l("To be decided"))] + countries
        self.requesting_countries.choices = countries
        self.candidate_countries.choices = countries
        self.participant_countries.choices = countries
        self.requesting_authority_id.choices = [(None, "—")] + organisations
        self.partner_ids.choices = organisations
        self.window = None

    def validate_date_text(self, field):
        try:
            self.window = read_date_phrase(field.data or "", self.year.data)
        except MissingYearError:
            raise ValidationError(
                _l(
                    "These dates do not say the year: give it in “%(label)s”.",
                    label=self.year.label.text,
                )
            ) from None
        except DatePhraseError as error:
            raise ValidationError(str(error)) from None

    def validate_venue_city(self, field):
        if (field.data or self.venue_place.data) and not self.venue_country.data:
            raise ValidationError(_l("Choose the venue's country, or clear the city and place."))

    def to_input(self) -> EventInput:
        venue = None
        if self.venue_country.data:
            venue = VenueInput(self.venue_country.data, self.venue_city.data, self.venue_place.data)
        return EventInput(
            title=self.title.data,
            kind=self.kind.data,
            status=self.status.data,
            window=self.window,
            date_text=self.date_text.data,
            programme_id=self.programme_id.data,
            section_id=self.section_id.data,
            start_time=self.start_time.data,
            end_time=self.end_time.data,
            timezone=self.timezone.data or None,
            venue=venue,
            venue_tentative=self.venue_tentative.data,
            capacity=self.capacity.data,
            participants_count=self.participants_count.data,
            languages=self.languages.data or [],
            interpretation=self.interpretation.data,
            purpose=bullet_lines(self.purpose.data),
            description=(self.description.data or "").strip(),
            theme=self.theme.data,
            block=self.block.data,
            audience=self.audience.data,
            requesting_authority_id=self.requesting_authority_id.data,
            target_region=self.target_region.data,
            requesting_countries=self.requesting_countries.data or [],
            candidate_countries=self.candidate_countries.data or [],
            participant_countries=self.participant_countries.data or [],
            partner_ids=self.partner_ids.data or [],
            notes=self.notes.data,
        )

    def fill_from(self, event) -> None:
        """Show an existing event in the form (on GET)."""
        self.process(obj=event)
        self.year.data = event.starts_on.year
        self.purpose.data = "\n".join(event.purpose or [])
        self.description.data = event.description
        if event.venue:
            self.venue_country.data = event.venue.country_code
            self.venue_city.data = event.venue.city
            self.venue_place.data = event.venue.place
        self.requesting_countries.data = [c.code for c in event.requesting_countries]
        self.candidate_countries.data = [c.code for c in event.candidate_countries]
        self.participant_countries.data = [c.code for c in event.participant_countries]
        self.partner_ids.data = [o.id for o in event.partners]
        if event.starts_at and event.timezone:
            zone = ZoneInfo(event.timezone)
            utc = ZoneInfo("UTC")
            self.start_time.data = event.starts_at.replace(tzinfo=utc).astimezone(zone).time()
            self.end_time.data = event.ends_at.replace(tzinfo=utc).astimezone(zone).time()


class ProgrammeForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=300)])
    acronym = StringField(_l("Acronym"), validators=[Optional(), Length(max=30)])
    owner_id = SelectField(_l("Owner"), coerce=id_or_none)
    first_year = IntegerField(
        _l("First year"), validators=[DataRequired(), NumberRange(FIRST_YEAR, LAST_YEAR)]
    )
    last_year = IntegerField(
        _l("Last year"), validators=[Optional(), NumberRange(FIRST_YEAR, LAST_YEAR)]
    )
    languages = SelectMultipleField(_l("Languages"), choices=list(LANGUAGES.items()))
    description = TextAreaField(_l("Description"), validators=[Length(max=10000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner_id.choices = [(None, "—")] + organisation_choices()

    def to_input(self) -> ProgrammeInput:
        return ProgrammeInput(
            name=self.name.data,
            acronym=self.acronym.data,
            description=self.description.data,
            owner_id=self.owner_id.data,
            first_year=self.first_year.data,
            last_year=self.last_year.data,
            languages=self.languages.data or [],
        )


class SectionForm(Form):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=10)])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    description = TextAreaField(_l("Description"), validators=[Length(max=5000)])


class PartnerForm(Form):
    organisation_id = SelectField(_l("Organisation"), coerce=int)
    role = SelectField(_l("Role"), choices=PartnerRole.choices())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation_id.choices = organisation_choices()


class RegionOverrideForm(Form):
    country_code = SelectField(_l("Country"))
    region = SelectField(_l("Counted in"), choices=Region.choices())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country_code.choices = country_choices()


class TranslationForm(Form):
    """One language's content; each language's form has its code as prefix ("es-title")."""

    title = StringField(_l("Title"), validators=[Length(max=TITLE_MAX)])
    purpose = TextAreaField(
        _l("Purpose"), validators=[Length(max=10000)], description=_l("One point per line.")
    )
    description = TextAreaField(_l("Description"), validators=[Length(max=DESCRIPTION_MAX)])
    audience = StringField(_l("Audience"), validators=[Length(max=AUDIENCE_MAX)])

    def fill_from(self, translation) -> None:
        self.title.data = translation.title
        self.purpose.data = "\n".join(translation.purpose)
        self.description.data = translation.description
        self.audience.data = translation.audience

    def to_input(self) -> TranslationInput:
        return TranslationInput(
            title=self.title.data or "",
            purpose=bullet_lines(self.purpose.data),
            description=self.description.data or "",
            audience=self.audience.data or "",
        )
