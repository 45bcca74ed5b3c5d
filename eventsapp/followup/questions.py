"""What a follow-up survey asks: its programme's questions, written and changed as an
evaluation's are (the question engine), else the three built-in ones."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..attendance.evaluations import DefaultQuestion
from ..catalogue.models import Event
from ..core.errors import InvalidInput
from ..core.question_columns import QuestionInput, change_question, checked_input, new_question
from ..core.question_columns import move_question as move
from ..core.questions import LONG_TEXT, SCALE, YES_NO, Question
from ..extensions import db
from ..registration.models import Registration
from .models import FollowUpQuestion, FollowUpSurvey

DEFAULT_QUESTIONS = (
    DefaultQuestion(
        "applied", _l("What have you applied from the course in your work?"), kind=LONG_TEXT
    ),
    DefaultQuestion(
        "useful", _l("How useful has what you learned been in your work since?"), SCALE
    ),
    DefaultQuestion("shared", _l("Have you shared what you learned with colleagues?"), YES_NO),
)


def questions_of(programme_id: int | None) -> list[FollowUpQuestion]:
    """The questions the programme wrote, in their order."""
    if programme_id is None:
        return []
    return list(
        db.session.scalars(
            select(FollowUpQuestion)
            .where(FollowUpQuestion.programme_id == programme_id)
            .order_by(FollowUpQuestion.position, FollowUpQuestion.id)
        )
    )


def survey_questions(programme_id: int | None) -> list[Question]:
    """What the survey of a programme's events asks: its questions, else the built-in ones."""
    return questions_of(programme_id) or list(DEFAULT_QUESTIONS)


def questions_by_programme(programme_ids) -> dict[int | None, list[Question]]:
    """``survey_questions`` of several programmes (None: events without one), in one query."""
    ids = [p for p in set(programme_ids) if p is not None]
    found: dict[int | None, list[Question]] = {}
    if ids:
        for question in db.session.scalars(
            select(FollowUpQuestion)
            .where(FollowUpQuestion.programme_id.in_(ids))
            .order_by(FollowUpQuestion.position, FollowUpQuestion.id)
        ):
            found.setdefault(question.programme_id, []).append(question)
    return {p: found.get(p) or list(DEFAULT_QUESTIONS) for p in set(programme_ids)}


def get_question(programme_id: int, question_id: int) -> FollowUpQuestion | None:
    question = db.session.get(FollowUpQuestion, question_id)
    return question if question is not None and question.programme_id == programme_id else None


def answers_count(programme_id: int) -> int:
    """How many surveys of the programme's events were answered."""
    return db.session.scalar(
        select(func.count())
        .select_from(FollowUpSurvey)
        .join(Registration, Registration.id == FollowUpSurvey.registration_id)
        .join(Event, Event.id == Registration.event_id)
        .where(Event.programme_id == programme_id, FollowUpSurvey.answered_at.is_not(None))
    )


def _refuse_changes_once_answered(programme_id: int) -> None:
    if answers_count(programme_id):
        raise InvalidInput(
            "label", _("Participants have answered already: the questions stay as set.")
        )


def add_question(programme_id: int, data: QuestionInput) -> FollowUpQuestion:
    _refuse_changes_once_answered(programme_id)
    question = new_question(
        FollowUpQuestion, questions_of(programme_id), data, programme_id=programme_id
    )
    db.session.add(question)
    return question


def update_question(question: FollowUpQuestion, data: QuestionInput) -> None:
    """As an evaluation's: once answered, only its translations change."""
    label, choices, _translations = checked_input(data, question.kind)
    unchanged = (label, choices, data.required) == (
        question.label,
        question.choices,
        question.required,
    )
    if not unchanged and answers_count(question.programme_id):
        raise InvalidInput(
            "label", _("Participants have answered already: only the translations can change.")
        )
    change_question(question, data)


def move_question(question: FollowUpQuestion, steps: int) -> None:
    _refuse_changes_once_answered(question.programme_id)
    move(questions_of(question.programme_id), question, steps)


def remove_question(question: FollowUpQuestion) -> None:
    _refuse_changes_once_answered(question.programme_id)
    db.session.delete(question)
