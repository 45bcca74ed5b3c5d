"""Questions staff add to an event's registration form, and the delegates' answers. Their kinds,
limits, fields and checks are the question engine's (``core/questions.py``).

The answers are kept on the registration (``Registration.answers``: ``{question id: answer}``),
so that lists and exports read them with the registration itself, in no further query. A file
sent is kept by ``uploads.py``.
"""

from sqlalchemy import ForeignKey, select
from sqlalchemy.orm import Mapped, mapped_column

from ..catalogue.models import Event
from ..core.question_columns import (
    QuestionColumns,
    QuestionInput,
    change_question,
    event_question,
    event_questions,
    new_question,
)
from ..core.question_columns import move_question as move
from ..core.questions import FILE
from ..extensions import db
from .models import CONFIRMED, Registration
from .uploads import files_of, remove_after_commit


class RegistrationQuestion(QuestionColumns, db.Model):
    __tablename__ = "registration_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)


def questions_of(event_id: int) -> list[RegistrationQuestion]:
    return event_questions(RegistrationQuestion, event_id)


def get_question(event: Event, question_id: int) -> RegistrationQuestion | None:
    return event_question(RegistrationQuestion, event.id, question_id)


def add_question(event: Event, data: QuestionInput) -> RegistrationQuestion:
    question = new_question(RegistrationQuestion, questions_of(event.id), data, event_id=event.id)
    db.session.add(question)
    db.session.flush()
    return question


def update_question(question: RegistrationQuestion, data: QuestionInput) -> None:
    """Its label, choices, translations and whether an answer is required; not its kind.
    Answers given already keep their text, even to a choice renamed or removed."""
    change_question(question, data)


def move_question(event: Event, question: RegistrationQuestion, steps: int) -> None:
    """Move a question up (-1) or down (+1) on the form."""
    move(questions_of(event.id), question, steps)


def delete_question(event: Event, question_id: int) -> bool:
    """Delete a question; the files sent in answer to it go with it."""
    question = get_question(event, question_id)
    if question is None:
        return False
    if question.kind == FILE:
        answers = db.session.scalars(
            select(Registration.answers).where(Registration.event_id == event.id)
        )
        sent = [a.get(str(question.id)) for a in answers if a]
        remove_after_commit(db.session(), files_of(event.id, sent))
    db.session.delete(question)
    return True


def answer_counts(event_id: int) -> dict[int, int]:
    """How many registrations answered each question of the event (in one query)."""
    counts: dict[int, int] = {}
    rows = db.session.scalars(
        select(Registration.answers).where(
            Registration.event_id == event_id, Registration.status.in_(CONFIRMED)
        )
    )
    for answers in rows:
        for key in answers or {}:
            if key.isdigit():
                counts[int(key)] = counts.get(int(key), 0) + 1
    return counts


def answer_of(registration: Registration, question: RegistrationQuestion):
    """The stored answer (text, number, list or file), or None."""
    return (registration.answers or {}).get(question.key)


def answer_text(registration: Registration, question: RegistrationQuestion):
    """An answer as a page shows it (escaped): several choices joined, a file by its name."""
    return question.kind_rules.show(answer_of(registration, question))


def answer_cell(registration: Registration, question: RegistrationQuestion):
    """An answer as an export's cell: a number as a number, a date as a date."""
    return question.kind_rules.export(answer_of(registration, question))
