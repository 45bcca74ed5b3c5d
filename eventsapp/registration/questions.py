"""Questions staff add to an event's registration form, and the delegates' answers.

The answers are kept on the registration (``Registration.answers``: ``{question id: text}``), so
that lists and exports read them with the registration itself, in no further query.
"""

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column

from ..catalogue.models import Event
from ..core.errors import InvalidInput
from ..core.labels import Labelled, sql_in
from ..extensions import db

MAX_QUESTIONS = 30


class QuestionKind(Labelled):
    SHORT_TEXT = "short_text", _l("Short text")
    LONG_TEXT = "long_text", _l("Long text")
    ONE_CHOICE = "one_choice", _l("One choice")
    YES_NO = "yes_no", _l("Yes or no")
    NUMBER = "number", _l("Number")
    DATE = "date", _l("Date")


class RegistrationQuestion(db.Model):
    __tablename__ = "registration_questions"
    __table_args__ = (
        CheckConstraint(f"kind IN ({sql_in(QuestionKind)})", name="kind"),
        CheckConstraint("length(label) > 0", name="label_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(20))
    choices: Mapped[list] = mapped_column(JSON, default=list)  # of a one-choice question
    required: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)

    @property
    def kind_label(self) -> str:
        return QuestionKind(self.kind).label

    @property
    def field_name(self) -> str:
        return f"question_{self.id}"


@dataclass
class QuestionInput:
    label: str
    kind: str
    required: bool = False
    choices: str = ""  # one a line


def questions_of(event_id: int) -> list[RegistrationQuestion]:
    return list(
        db.session.scalars(
            select(RegistrationQuestion)
            .where(RegistrationQuestion.event_id == event_id)
            .order_by(RegistrationQuestion.position, RegistrationQuestion.id)
        )
    )


def add_question(event: Event, data: QuestionInput) -> RegistrationQuestion:
    label = data.label.strip()
    if not label:
        raise InvalidInput("label", _("Write the question."))
    if data.kind not in QuestionKind.__members__.values():
        raise InvalidInput("kind", _("Choose a kind of question."))
    choices = list(dict.fromkeys(c.strip() for c in data.choices.splitlines() if c.strip()))
    if data.kind == QuestionKind.ONE_CHOICE and len(choices) < 2:
        raise InvalidInput("choices", _("Give at least two choices, one a line."))
    existing = questions_of(event.id)
    if len(existing) >= MAX_QUESTIONS:
        raise InvalidInput("label", _("An event has at most %(num)d questions.", num=MAX_QUESTIONS))
    question = RegistrationQuestion(
        event_id=event.id,
        label=label,
        kind=data.kind,
        required=data.required,
        choices=choices if data.kind == QuestionKind.ONE_CHOICE else [],
        position=len(existing),
    )
    db.session.add(question)
    db.session.flush()
    return question


def delete_question(event: Event, question_id: int) -> bool:
    question = db.session.get(RegistrationQuestion, question_id)
    if question is None or question.event_id != event.id:
        return False
    db.session.delete(question)
    return True


def answer_text(registration, question: RegistrationQuestion) -> str:
    value = (registration.answers or {}).get(str(question.id), "")
    if question.kind == QuestionKind.YES_NO and value:
        return _("yes") if value == "yes" else _("no")
    return value
