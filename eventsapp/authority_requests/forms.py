"""Forms: the authority's request and final report; staff triage."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..catalogue.models import LANGUAGES
from ..core.fields import CheckboxesField
from ..core.forms import Form, email_address
from ..people.services import country_choices
from .models import RequestKind, RequestStatus
from .services import RequestInput
from .topics import INTERNSHIP_CRITERIA, SCENARIOS, TOPICS


class RequestForm(Form):
    authority_name = StringField(
        _l("Electoral authority"), validators=[DataRequired(), Length(max=200)]
    )
    country_code = SelectField(_l("Country"), validators=[DataRequired()])
    kind = SelectField(_l("What you ask for"), choices=RequestKind.choices())
    topics = CheckboxesField(_l("Topics"), choices=list(TOPICS.items()))
    other_topics = TextAreaField(_l("Other topics"), validators=[Length(max=2000)])
    scenario = SelectField(
        _l("National context"), choices=[("", _l("Choose…")), *SCENARIOS.items()]
    )
    criteria = CheckboxesField(
        _l("For an internship: why now"), choices=list(INTERNSHIP_CRITERIA.items())
    )
    context = TextAreaField(_l("The situation in a few lines"), validators=[Length(max=5000)])
    date_text = StringField(
        _l("Preferred dates"),
        validators=[DataRequired(), Length(max=200)],
        description=_l('As you would write them: "September-October 2027", "early March 2028".'),
    )
    officials = IntegerField(
        _l("Number of officials"), validators=[Optional(), NumberRange(min=1, max=200)]
    )
    officials_profile = TextAreaField(_l("Their positions"), validators=[Length(max=2000)])
    languages = CheckboxesField(_l("Working languages"), choices=list(LANGUAGES.items()))
    interpretation = BooleanField(_l("Interpretation needed"))
    contact_name = StringField(_l("Contact person"), validators=[DataRequired(), Length(max=200)])
    contact_email = EmailField(
        _l("Contact email"), validators=[DataRequired(), email_address(), Length(max=254)]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country_code.choices = [("", _l("Choose…")), *country_choices()]

    def to_input(self) -> RequestInput:
        return RequestInput(
            authority_name=self.authority_name.data,
            country_code=self.country_code.data,
            kind=self.kind.data,
            date_text=self.date_text.data,
            contact_name=self.contact_name.data,
            contact_email=self.contact_email.data or "",
            topics=self.topics.data or [],
            other_topics=self.other_topics.data or "",
            scenario=self.scenario.data or None,
            criteria=self.criteria.data or [],
            context=self.context.data or "",
            officials=self.officials.data,
            officials_profile=self.officials_profile.data or "",
            languages=self.languages.data or [],
            interpretation=self.interpretation.data,
        )


class StatusForm(Form):
    status = SelectField(_l("New status"), choices=RequestStatus.choices())
    reason = TextAreaField(
        _l("Reason (sent to the authority when declining)"), validators=[Length(max=2000)]
    )


class NoteForm(Form):
    note = TextAreaField(_l("Note"), validators=[DataRequired(), Length(max=5000)])


class ButtonForm(Form):
    pass


class ReportFileForm(Form):
    file = FileField(_l("Final report (PDF or Word)"), validators=[FileRequired()])


class ReportForm(Form):
    experience = TextAreaField(
        _l("Your experience of the internship"), validators=[DataRequired(), Length(max=10000)]
    )
    adaptations = TextAreaField(
        _l("What your institution will incorporate or adapt"), validators=[Length(max=10000)]
    )
    recommendations = TextAreaField(
        _l("Observations and recommendations to the host"), validators=[Length(max=10000)]
    )
