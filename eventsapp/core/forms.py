"""The base of every form, and form fields every capability uses."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.widgets import CheckboxInput, ListWidget

from .dates import DatePhraseError, read_date_phrase
from .i18n import format_day
from .validation import ONE_LINE_MESSAGE, is_one_line


class Form(FlaskForm):
    """Every form of the site (a test holds this). Its one-line text fields (all text fields but
    text areas and passwords) refuse line breaks and control characters, which would let whoever
    typed a name write lines of their own into an email; they and its choices read a value of
    spaces as none, so that "required" and "optional" mean what they say."""

    def validate(self, extra_validators=None) -> bool:
        for field in self:
            if _trimmed(field):
                field.data = _strip(field.data)
                if field.raw_data:
                    field.raw_data = [_strip(value) for value in field.raw_data]
        valid = super().validate(extra_validators)
        for field in self:
            if _one_line(field) and isinstance(field.data, str) and not is_one_line(field.data):
                field.errors.append(ONE_LINE_MESSAGE)
                valid = False
        return valid


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _one_line(field) -> bool:
    return isinstance(field, StringField) and not isinstance(field, TextAreaField | PasswordField)


def _trimmed(field) -> bool:
    return _one_line(field) or (
        isinstance(field, SelectField) and not isinstance(field, SelectMultipleField)
    )


def id_or_none(value):
    """A select's value as an id, or None for its "—" choice (an empty value; WTForms writes a
    choice of None back as "None"). Anything else that is not a number raises ValueError, which
    WTForms shows beside the field."""
    return int(value) if value not in (None, "", "None") else None


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
