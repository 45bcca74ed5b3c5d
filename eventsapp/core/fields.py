"""Form fields every capability uses: a day typed as people write it, and several choices as
checkboxes. Apart from ``forms.py`` so that the question engine (``questions.py``), which models
and services read, builds its fields without importing a form."""

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import SelectField, SelectMultipleField, StringField
from wtforms.widgets import CheckboxInput, ListWidget

from .dates import DatePhraseError, read_date_phrase
from .i18n import format_day, language_choices


class DayField(StringField):
    """One day, typed as people write it ("5 March 2027", "5 de marzo de 2027", "2027-03-05") and
    read by the date reader, instead of the browser's date input whose "mm/dd/yyyy" depends on the
    browser's language. Nothing is guessed: "05/03/2027" is refused, as is a phrase of more than
    one day. Shown back as the visitor's language writes a day."""

    MAX_LENGTH = 60  # "Wednesday, 22nd of September 2027" and then some

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("description", _l("For example “5 March 2027” or 2027-03-05."))
        kwargs["render_kw"] = {
            "autocomplete": "off",
            "spellcheck": "false",
            "maxlength": self.MAX_LENGTH,
            **(kwargs.get("render_kw") or {}),
        }
        super().__init__(label, validators, **kwargs)

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0][: self.MAX_LENGTH]
        return format_day(self.data) if self.data else ""

    def process_formdata(self, valuelist):
        self.data = None
        text = (valuelist[0] if valuelist else "").strip()
        if not text:
            return
        if len(text) > self.MAX_LENGTH:
            raise ValueError(_("Write one day, for example “5 March 2027”."))
        try:
            window = read_date_phrase(text)
        except DatePhraseError as error:
            raise ValueError(str(error)) from None
        if window.starts_on != window.ends_on:
            raise ValueError(_("Write one day, for example “5 March 2027”."))
        self.data = window.starts_on


class CheckboxesField(SelectMultipleField):
    """Several choices, as a list of checkboxes (the `field` macro draws them in a fieldset)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class LanguageField(SelectField):
    """One of the site's languages (each named in itself), the page's by default: the language
    someone who is not yet a user of the site gets their emails in (an invited colleague, an
    authority's officials)."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("choices", language_choices)
        kwargs.setdefault("default", lambda: get_locale().language)
        super().__init__(label, validators, **kwargs)
