"""Staff's forms for a programme's documents and an event's, each field in the users' words."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import Length

from ..core.forms import Form
from .models import DOCUMENT_LANGUAGES, PaperSize
from .settings import SettingsInput, SignatoryInput
from .texts import BODY_LENGTH, HEADING_LENGTH


def _by_language(form, prefix: str) -> dict[str, str]:
    return {code: getattr(form, f"{prefix}_{code}").data or "" for code in DOCUMENT_LANGUAGES}


class SettingsForm(Form):
    centre_en = StringField(_l("The centre's name in English"), validators=[Length(max=200)])
    centre_es = StringField(_l("The centre's name in Spanish"), validators=[Length(max=200)])
    centre_fr = StringField(_l("The centre's name in French"), validators=[Length(max=200)])
    primary_colour = StringField(
        _l("Main colour"), description=_l("Headings and the badges' band, such as #1f4e79.")
    )
    accent_colour = StringField(_l("Second colour"), description=_l("The certificate's title."))
    paper = SelectField(_l("Paper"), choices=PaperSize.choices())

    def fill(self, settings) -> None:
        for code in DOCUMENT_LANGUAGES:
            getattr(self, f"centre_{code}").data = (settings.centre_names or {}).get(code, "")
        self.primary_colour.data = settings.primary_colour
        self.accent_colour.data = settings.accent_colour
        self.paper.data = settings.paper

    def to_input(self) -> SettingsInput:
        return SettingsInput(
            centre_names=_by_language(self, "centre"),
            primary_colour=self.primary_colour.data or "",
            accent_colour=self.accent_colour.data or "",
            paper=self.paper.data,
        )


class ImageForm(Form):
    """A logo or a signature sent (checked by ``images.image_content``)."""

    image = FileField(_l("Image"))


class SignatoryForm(Form):
    name = StringField(_l("Name"), validators=[Length(max=200)])
    title_en = StringField(_l("Title in English"), validators=[Length(max=200)])
    title_es = StringField(_l("Title in Spanish"), validators=[Length(max=200)])
    title_fr = StringField(_l("Title in French"), validators=[Length(max=200)])

    def fill(self, signatory) -> None:
        self.name.data = signatory.name
        for code in DOCUMENT_LANGUAGES:
            getattr(self, f"title_{code}").data = (signatory.titles or {}).get(code, "")

    def to_input(self) -> SignatoryInput:
        return SignatoryInput(name=self.name.data or "", titles=_by_language(self, "title"))


class WordingForm(Form):
    """A kind of document's wording in one language; both fields empty: the default."""

    heading = StringField(_l("Heading"), validators=[Length(max=HEADING_LENGTH)])
    body = TextAreaField(
        _l("Text"),
        validators=[Length(max=BODY_LENGTH)],
        description=_l(
            "Placeholders in braces are filled in for each holder. A blank line starts a new "
            "paragraph (on a badge, each line is a line); a paragraph of {name} alone is the "
            "name, written large."
        ),
    )


class EventDocumentsForm(Form):
    badge_with_approval = BooleanField(
        _l("Attach the participant's badge (PDF) to the email that confirms their place")
    )
