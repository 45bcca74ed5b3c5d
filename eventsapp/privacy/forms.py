"""Asking to be forgotten, staff refusing it, administrators publishing a notice."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..core.forms import Form
from .services import NOTICE_LENGTH


class EraseForm(Form):
    understood = BooleanField(
        _l(
            "I understand: my name, addresses, answers and files are deleted and my account "
            "closed, for good. What statistics count (gender, country, organisation, "
            "attendance) stays, without my name."
        ),
        validators=[DataRequired(_l("Tick the box to confirm."))],
    )


class RefuseForm(Form):
    reason = TextAreaField(
        _l("Why (the person who asked reads it)"),
        validators=[DataRequired(_l("Say why.")), Length(max=2000)],
    )


class NoticeForm(Form):
    text_en = TextAreaField(
        _l("The notice in English"),
        description=_l('A line starting with "# " is a heading; blank lines part paragraphs.'),
        validators=[
            DataRequired(_l("Write the notice in English at least.")),
            Length(max=NOTICE_LENGTH),
        ],
    )
    text_es = TextAreaField(_l("In Spanish"), validators=[Length(max=NOTICE_LENGTH)])
    text_fr = TextAreaField(_l("In French"), validators=[Length(max=NOTICE_LENGTH)])
