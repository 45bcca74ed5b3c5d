"""The import form and the progress form."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional

from ..core.forms import Form
from .models import ItemStatus


class ImportForm(Form):
    programme_id = SelectField(_l("Programme"), coerce=int)
    document = FileField(_l("Document"), description=_l("Text, TSV, XLSX or DOCX, up to 2 MB."))
    text = TextAreaField(_l("Or paste the text"), validators=[Length(max=2_000_000)])
    shape = SelectField(
        _l("Shape"),
        choices=[
            ("auto", _l("Find out")),
            ("prose", _l("Work programme (prose)")),
            ("items", _l("Action items table")),
            ("grid", _l("Month grid I–XII")),
        ],
    )
    year = IntegerField(
        _l("Year of a month grid"), validators=[Optional(), NumberRange(1900, 2200)]
    )
    token = HiddenField()  # the previewed document, kept for the confirmation


class ProgressForm(Form):
    period = StringField(_l("Period"), validators=[Length(max=7)], default="")
    status = SelectField(_l("Status"), choices=ItemStatus.choices())
    actuals = StringField(
        _l("Actuals"), validators=[Length(max=500)], description=_l("One number per indicator.")
    )
    comment = TextAreaField(_l("Comment"), validators=[Length(max=5000)])
