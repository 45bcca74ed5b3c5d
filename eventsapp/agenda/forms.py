"""The staff form of an agenda session."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ..catalogue.models import LANGUAGES
from ..core.validation import single_line, within_calendar_years
from .models import AgendaSession, SessionKind
from .services import SessionInput


class SessionForm(FlaskForm):
    day = DateField(_l("Day"), validators=[InputRequired(), within_calendar_years])
    start_time = TimeField(_l("Starts"), validators=[InputRequired()])
    end_time = TimeField(_l("Ends"), validators=[InputRequired()])
    timezone = StringField(
        _l("Time zone"),
        validators=[DataRequired(), Length(max=64), single_line],
        description=_l("For example America/Mexico_City or Europe/Stockholm."),
    )
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300), single_line])
    kind = SelectField(_l("Kind"), choices=SessionKind.choices())
    speakers = TextAreaField(
        _l("Speakers"),
        validators=[Length(max=5000)],
        description=_l("Names and positions, one per line."),
    )
    room = StringField(_l("Room"), validators=[Optional(), Length(max=200), single_line])
    language = SelectField(_l("Language"), choices=[("", "—"), *LANGUAGES.items()])
    interpretation = BooleanField(_l("Simultaneous interpretation"))
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
        )

    def fill_from(self, session: AgendaSession) -> None:
        """Show an existing session in the form, with its times in its own time zone."""
        self.process(obj=session)
        self.start_time.data = session.local_start
        self.end_time.data = session.local_end
        self.language.data = session.language or ""
