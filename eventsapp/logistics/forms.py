"""The staff form of a logistics task."""

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..core.fields import DayField
from ..core.forms import Form, id_or_none
from .models import Anchor, Task, TaskStatus
from .services import TaskInput

FIXED, BEFORE, AFTER = "fixed", "before", "after"


class TaskForm(Form):
    title = StringField(_l("Task"), validators=[DataRequired(), Length(max=300)])
    owner_id = SelectField(_l("Owner"), coerce=id_or_none)  # staff accounts: set by the view
    owner_name = StringField(
        _l("Or a unit or partner"),
        validators=[Optional(), Length(max=200)],
        description=_l("For example: Logistics unit, International IDEA."),
    )
    due = RadioField(
        _l("Due"),
        choices=[
            (FIXED, _l("on a date")),
            (BEFORE, _l("days before the event")),
            (AFTER, _l("days after the event")),
        ],
        default=BEFORE,
    )
    due_on = DayField(_l("Date"), validators=[Optional()])
    days = IntegerField(_l("Days"), validators=[Optional(), NumberRange(min=0, max=3660)])
    anchor = SelectField(_l("From the event's"), choices=Anchor.choices())
    status = SelectField(_l("Status"), choices=TaskStatus.choices())
    notes = TextAreaField(_l("Notes"), validators=[Length(max=5000)])

    def to_input(self) -> TaskInput:
        relative = self.due.data in (BEFORE, AFTER)
        days = self.days.data if relative else None
        if days is not None and self.due.data == BEFORE:
            days = -days
        return TaskInput(
            title=self.title.data,
            due_on=None if relative else self.due_on.data,
            days=days,
            anchor=self.anchor.data if relative else None,
            owner_id=self.owner_id.data,
            owner_name=self.owner_name.data,
            status=self.status.data,
            notes=self.notes.data or "",
        )

    def fill_from(self, task: Task) -> None:
        self.process(obj=task)
        if task.anchor is None:
            self.due.data = FIXED
        else:
            self.due.data = BEFORE if task.offset_days < 0 else AFTER
            self.days.data = abs(task.offset_days)
