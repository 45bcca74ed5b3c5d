"""Evaluations after an event: its questions (the three default scales unless staff write their
own), opening it to attendees by email, their answers (anonymous or not), and the results. The
questions' kinds, fields, checks, summaries and exports are the question engine's
(``core/questions.py``), as for registration questions.

The first 1–5 scale of an evaluation is its overall satisfaction: each answer keeps that score
again in ``EvaluationResponse.satisfaction``, which the results summaries average."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, or_, select

from ..catalogue.models import Event, EventStatus
from ..core.errors import InvalidInput
from ..core.links import site_url
from ..core.question_columns import (
    QuestionInput,
    change_question,
    checked_input,
    event_question,
    event_questions,
    new_question,
)
from ..core.question_columns import move_question as move
from ..core.questions import LONG_TEXT_LENGTH, SCALE, Question, Summary, read_answers
from ..core.tokens import EVALUATION, ids_in
from ..extensions import db
from ..registration.models import Registration
from ..registration.notifications import notify, participant_email
from ..registration.participants import WITH_A_PLACE, participants_with_a_place
from .models import (
    AttendanceSettings,
    CheckIn,
    EvaluationQuestion,
    EvaluationReceipt,
    EvaluationResponse,
)
from .services import attendance_settings, days_attended, saved_settings

# An event that ended longer ago than this is not opened by the worker (an old database put
# into service would otherwise email evaluations of events long past).
OPEN_WITHIN = timedelta(days=30)


@dataclass(frozen=True)
class DefaultQuestion(Question):
    """One of the questions an evaluation asks when staff wrote none (not stored: its label is
    translated into each attendee's language)."""

    key: str
    label: object  # lazy
    kind: str = SCALE
    choices: tuple = ()
    required: bool = True
    translations: dict = field(default_factory=dict)


DEFAULT_QUESTIONS = (
    DefaultQuestion("overall", _l("Overall, the event was useful for my work")),
    DefaultQuestion("content", _l("The content and the speakers")),
    DefaultQuestion("organisation", _l("The organisation: venue, travel, materials")),
)


# ---------------------------------------------------------------- questions


def questions_of(event_id: int) -> list[EvaluationQuestion]:
    """The questions staff wrote, in their order."""
    return event_questions(EvaluationQuestion, event_id)


def evaluation_questions(event_id: int) -> list[Question]:
    """What the evaluation asks: the staff's questions, else the default scales."""
    return questions_of(event_id) or list(DEFAULT_QUESTIONS)


def own_questions(questions) -> list[EvaluationQuestion]:
    """Of what the evaluation asks, the questions staff wrote (none when it asks the defaults)."""
    return [q for q in questions if isinstance(q, EvaluationQuestion)]


def overall_key(questions) -> str | None:
    """The key of the overall satisfaction: the first 1–5 scale."""
    return next((q.key for q in questions if q.kind == SCALE), None)


def get_question(event: Event, question_id: int) -> EvaluationQuestion | None:
    return event_question(EvaluationQuestion, event.id, question_id)


def answers_count(event_id: int) -> int:
    return db.session.scalar(select(func.count()).where(EvaluationReceipt.event_id == event_id))


def _refuse_changes_once_answered(event_id: int) -> None:
    if answers_count(event_id):
        raise InvalidInput(
            "label",
            _("Attendees have answered already: the questions and the anonymity stay as set."),
        )


def add_question(event: Event, data: QuestionInput) -> EvaluationQuestion:
    _refuse_changes_once_answered(event.id)
    question = new_question(EvaluationQuestion, questions_of(event.id), data, event_id=event.id)
    db.session.add(question)
    return question


def update_question(question: EvaluationQuestion, data: QuestionInput) -> None:
    """Its label, choices, translations and whether an answer is required; once attendees have
    answered, only its translations (answers keep the original choices)."""
    label, choices, _translations = checked_input(data, question.kind)
    unchanged = (label, choices, data.required) == (
        question.label,
        question.choices,
        question.required,
    )
    if not unchanged and answers_count(question.event_id):
        raise InvalidInput(
            "label", _("Attendees have answered already: only the translations can change.")
        )
    change_question(question, data)


def move_question(event: Event, question: EvaluationQuestion, steps: int) -> None:
    """Move a question up (-1) or down (+1), until someone answers (the first scale is the
    overall satisfaction)."""
    _refuse_changes_once_answered(event.id)
    move(questions_of(event.id), question, steps)


def remove_question(question: EvaluationQuestion) -> None:
    _refuse_changes_once_answered(question.event_id)
    db.session.delete(question)


def set_anonymous(event: Event, anonymous: bool) -> None:
    settings = attendance_settings(event.id)
    if settings.evaluation_anonymous != anonymous:
        _refuse_changes_once_answered(event.id)
        saved_settings(event.id).evaluation_anonymous = anonymous


# ---------------------------------------------------------------- opening


EVALUATION_EMAIL = participant_email("evaluation", _l("How was it? Evaluate %(title)s"))


def evaluation_token(registration: Registration) -> str:
    return EVALUATION.sign(registration.id)


def registration_of_evaluation(token: str) -> Registration | None:
    ids = ids_in(EVALUATION.read(token), 1)
    registration = db.session.get(Registration, ids[0]) if ids else None
    if registration is None or registration.status not in WITH_A_PLACE:
        return None
    return registration


def _answered(event_id: int) -> set[int]:
    return set(
        db.session.scalars(
            select(EvaluationReceipt.registration_id).where(EvaluationReceipt.event_id == event_id)
        )
    )


def _note_opened(event_id: int, now: datetime) -> None:
    settings = saved_settings(event_id)
    settings.evaluation_opened_at = settings.evaluation_opened_at or now


def open_evaluation(event: Event, now: datetime) -> int:
    """Email the evaluation form to those who attended at least one day and have not answered
    yet, and note when it was first sent; returns how many were emailed."""
    attended, answered = days_attended(event, now), _answered(event.id)
    people = [
        r for r in participants_with_a_place(event.id) if r.id in attended and r.id not in answered
    ]
    anonymous = attendance_settings(event.id).evaluation_anonymous
    for registration in people:
        notify(
            registration,
            EVALUATION_EMAIL,
            evaluation_url=site_url(
                "attendance.evaluation_page", token=evaluation_token(registration)
            ),
            anonymous=anonymous,
        )
    if people:
        _note_opened(event.id, now)
    return len(people)


def evaluations_due(now: datetime) -> list[Event]:
    """Events that have ended (within ``OPEN_WITHIN``), where someone checked in, whose
    evaluation was never opened."""
    opened = exists().where(
        AttendanceSettings.event_id == Event.id,
        AttendanceSettings.evaluation_opened_at.is_not(None),
    )
    someone_came = exists().where(
        CheckIn.registration_id == Registration.id, Registration.event_id == Event.id
    )
    ended = or_(Event.ends_at <= now, Event.ends_at.is_(None) & (Event.ends_on < now.date()))
    return list(
        db.session.scalars(
            select(Event)
            .where(
                ended,
                Event.ends_on >= now.date() - OPEN_WITHIN,
                Event.status.not_in((EventStatus.CANCELLED, EventStatus.POSTPONED)),
                ~opened,
                someone_came,
            )
            .order_by(Event.ends_on, Event.id)
        )
    )


def open_due_evaluations(now: datetime) -> int:
    """The worker's job: open the evaluation of each event that has just ended, once; an event
    is done with even when nobody was emailed (all had answered, or none still has a place),
    else the worker would take it up again every hour."""
    emailed = 0
    for event in evaluations_due(now):
        emailed += open_evaluation(event, now)
        _note_opened(event.id, now)
    return emailed


# ---------------------------------------------------------------- answering


def has_evaluated(registration: Registration) -> bool:
    return db.session.get(EvaluationReceipt, registration.id) is not None


def submit_evaluation(
    registration: Registration, given: dict, comment: str, today: date
) -> EvaluationResponse:
    """Save an attendee's answers (``given``: ``{field name: value}``, a form's data or text),
    once. In an anonymous evaluation the answer keeps neither the registration nor the time; a
    receipt apart says that they answered."""
    if has_evaluated(registration):
        raise InvalidInput("comment", _("You evaluated this event already: thank you."))
    event_id = registration.event_id
    questions = evaluation_questions(event_id)
    answers = read_answers(questions, given)
    if len(comment) > LONG_TEXT_LENGTH:
        raise InvalidInput("comment", _("At most %(num)d characters.", num=LONG_TEXT_LENGTH))
    anonymous = attendance_settings(event_id).evaluation_anonymous
    db.session.add(EvaluationReceipt(event_id=event_id, registration_id=registration.id))
    response = EvaluationResponse(
        event_id=event_id,
        registration_id=None if anonymous else registration.id,
        answers=answers,
        satisfaction=answers.get(overall_key(questions)),
        comment=comment.strip(),
        submitted_on=today,
    )
    db.session.add(response)
    return response


# ---------------------------------------------------------------- results


@dataclass
class EvaluationResults:
    settings: AttendanceSettings
    answers: int
    questions: list[Summary]  # one a question, of the question engine
    comments: list[tuple[str | None, str]]

    @property
    def anonymous(self) -> bool:
        return self.settings.evaluation_anonymous


def _responses(event_id: int, anonymous: bool) -> list[tuple[EvaluationResponse, str | None]]:
    """The answers with the name of who gave them (None when anonymous), in one query."""
    rows = db.session.execute(
        select(EvaluationResponse, Registration.name)
        .outerjoin(Registration, Registration.id == EvaluationResponse.registration_id)
        .where(EvaluationResponse.event_id == event_id)
        .order_by(EvaluationResponse.id)
    )
    return [(response, None if anonymous else name) for response, name in rows]


def _summary(question, responses) -> Summary:
    given = [
        (name, response.answers[question.key])
        for response, name in responses
        if question.key in response.answers
    ]
    return question.kind_rules.summarise(question, given)


def evaluation_results(event_id: int) -> EvaluationResults:
    """Per question the answers counted (and the mean of a scale) or the texts given, and the
    comments, with the settings and questions they were read with: three queries whatever the
    number of answers."""
    questions = evaluation_questions(event_id)
    settings = attendance_settings(event_id)
    responses = _responses(event_id, settings.evaluation_anonymous)
    return EvaluationResults(
        settings=settings,
        answers=len(responses),
        questions=[_summary(q, responses) for q in questions],
        comments=[(name, r.comment) for r, name in responses if r.comment],
    )


def evaluation_export(event_id: int) -> tuple[list[str], list[list]]:
    """The answers one a row (with who gave them unless anonymous), for CSV and XLSX."""
    questions = evaluation_questions(event_id)
    anonymous = attendance_settings(event_id).evaluation_anonymous
    header = [_("Answered on"), *([] if anonymous else [_("Participant")])]
    header += [str(q.label) for q in questions] + [_("Comment")]
    rows = [
        [
            response.submitted_on,
            *([] if anonymous else [name or ""]),
            *(q.kind_rules.export(response.answers.get(q.key)) for q in questions),
            response.comment,
        ]
        for response, name in _responses(event_id, anonymous)
    ]
    return header, rows
