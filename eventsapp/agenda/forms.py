"""The staff form of an agenda session."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ..catalogue.models import LANGUAGES
from ..core.fields import DayField
from ..core.forms import Form, id_or_none
from ..people.services import country_choices, organisation_choices
from .models import AgendaSession, SessionKind
from .services import SessionInput


class SessionForm(Form):
    day = DayField(_l("Day"), validators=[InputRequired()])
    start_time = TimeField(_l("Starts"), validators=[InputRequired()])
    end_time = TimeField(_l("Ends"), validators=[InputRequired()])
    timezone = StringField(
        _l("Time zone"),
        validators=[DataRequired(), Length(max=64)],
        description=_l("For example America/Mexico_City or Europe/Stockholm."),
    )
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    kind = SelectField(_l("Kind"), choices=SessionKind.choices())
    speakers = TextAreaField(
        _l("Speakers"),
        validators=[Length(max=5000)],
        description=_l("Names and positions, one per line."),
    )
    room = StringField(_l("Room"), validators=[Optional(), Length(max=200)])
    language = SelectField(_l("Language"), choices=[("", "—"), *LANGUAGES.items()])
    interpretation = BooleanField(_l("Simultaneous interpretation"))
    shares_room = BooleanField(
        _l("May share its room"),
        description=_l("For breaks and plenary sessions held alongside others in one room."),
    )
    published = BooleanField(
        _l("Published"),
        default=True,
        description=_l("Shown on the public event page and in calendar feeds."),
    )

    def to_input(self) -> SessionInput:
        return SessionInput(
            day=self.day.data,
            start_time=self.start_time.data,
            end_time=self.end_time.data,
            timezone=self.timezone.data.strip(),
            title=self.title.data,
            kind=self.kind.data,
            speakers=self.speakers.data or "",
            room=self.room.data,
            language=self.language.data or None,
            interpretation=self.interpretation.data,
            published=self.published.data,
            shares_room=self.shares_room.data,
        )

    def fill_from(self, session: AgendaSession) -> None:
        """Show an existing session in the form, with its times in its own time zone."""
        self.process(obj=session)
        self.start_time.data = session.local_start
        self.end_time.data = session.local_end
        self.language.data = session.language or ""


class ApplyTemplateForm(Form):
    """Draft an empty agenda from a template (choices set by the view: ``template_choices``)."""

    template = SelectField(_l("Template"), validators=[DataRequired()])
    timezone = StringField(_l("Time zone"), validators=[DataRequired(), Length(max=64)])


class SaveTemplateForm(Form):
    name = StringField(_l("Template name"), validators=[DataRequired(), Length(max=200)])


class SpeakerForm(Form):
    """A speaker as a person: their organisation and country are chosen from the lists."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    role = StringField(_l("Position"), validators=[Optional(), Length(max=300)])
    organisation_id = SelectField(_l("Organisation"), coerce=id_or_none)
    country_code = SelectField(_l("Country"), validators=[Optional()])

    def set_choices(self) -> None:
        self.organisation_id.choices = [(None, "—"), *organisation_choices()]
        self.country_code.choices = [("", "—"), *country_choices()]
