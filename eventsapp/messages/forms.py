"""The form of a message to participants."""

from uuid import uuid4

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from ..catalogue.models import CONTENT_LANGUAGES, LANGUAGES
from ..core.forms import Form
from ..core.i18n import language_name

EVENT_HINT = _l(
    "{name}, {event}, {dates}, {event_link} (the event's page), {calendar_link} (its calendar "
    "file) and {registrations_link} (the participant's registrations) are replaced for each "
    "participant."
)
PROGRAMME_HINT = _l(
    "{name} and {registrations_link} (the participant's registrations) are replaced for each "
    "participant. Each person gets the message once, whatever the number of their events."
)


def _page_language() -> str:
    return get_locale().language


class MessageForm(Form):
    """The message in the language staff write it in first (its default), and in the site's
    other languages where they write them: ``subject_es``, ``body_es``..."""

    subject = StringField(_l("Subject"), validators=[DataRequired(), Length(max=200)])
    body = TextAreaField(
        _l("Message"), validators=[DataRequired(), Length(max=20000)], description=EVENT_HINT
    )
    language = SelectField(
        _l("Written in"),
        choices=list(LANGUAGES.items()),
        default=_page_language,
        description=_l(
            "Participants whose registration is in a language written below get that version; "
            "the others get this one."
        ),
    )
    # Made when the form is first shown, kept through previews: see Message.send_key.
    send_key = HiddenField(default=lambda: uuid4().hex, validators=[Regexp("^[0-9a-f]{32}$")])

    def versions(self) -> dict[str, tuple[str, str]]:
        """The other languages' subject and body, as written (empty ones too)."""
        return {
            code: (self[f"subject_{code}"].data or "", self[f"body_{code}"].data or "")
            for code in CONTENT_LANGUAGES
        }

    def versions_written(self) -> bool:
        """Whether another language's version holds words or a refusal (shown open)."""
        return any(
            field.data or field.errors
            for _code, *fields in self.version_fields()
            for field in fields
        )

    def version_fields(self) -> list[tuple[str, StringField, TextAreaField]]:
        """(language, subject field, body field) of each language but the one chosen above,
        and of that one too when it holds words (refused: shown with the refusal beside it).
        Their labels name their language: "Subject (Spanish)"."""
        fields = []
        for code in CONTENT_LANGUAGES:
            subject, body = self[f"subject_{code}"], self[f"body_{code}"]
            if code != self.language.data or subject.data or body.data:
                for field, label in ((subject, _l("Subject")), (body, _l("Message"))):
                    field.label.text = f"{label} ({language_name(code)})"
                fields.append((code, subject, body))
        return fields


for _code in CONTENT_LANGUAGES:
    setattr(
        MessageForm,
        f"subject_{_code}",
        StringField(_l("Subject"), validators=[Optional(), Length(max=200)]),
    )
    setattr(
        MessageForm,
        f"body_{_code}",
        TextAreaField(_l("Message"), validators=[Optional(), Length(max=20000)]),
    )


class EventMessageForm(MessageForm):
    """A message to an event's participants, which may carry the event's calendar file."""

    calendar_file = BooleanField(
        _l("Attach the event's calendar file"),
        description=_l("For instance when the dates, times or venue changed."),
    )
