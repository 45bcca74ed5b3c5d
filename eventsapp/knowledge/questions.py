"""An event's two tests and their questions, as staff write them: kinds the engine scores, the
correct answers and the points; moved and removed as an evaluation's questions are, until anyone
has answered; the post-test made from the pre-test's questions; and a programme's test bank."""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import exists, select

from ..catalogue.models import Event
from ..core.errors import InvalidInput
from ..core.question_columns import QuestionInput, change_question, new_question
from ..core.question_columns import move_question as move
from ..core.questions import MAX_QUESTIONS, ONE_CHOICE
from ..extensions import db
from .models import (
    KINDS,
    MAX_POINTS,
    BankQuestion,
    KnowledgeTest,
    ScoredQuestionColumns,
    TestAttempt,
    TestQuestion,
)

COPIED = ("label", "kind", "choices", "required", "translations", "correct", "points")


@dataclass
class ScoredInput(QuestionInput):
    """A scored question as staff write it: its correct answers one a line, and its points."""

    correct: str = ""
    points: int | None = 1


def test_of(event: Event, kind: str, create: bool = False) -> KnowledgeTest | None:
    """The event's pre-test or post-test (made when ``create`` and there is none yet)."""
    if kind not in KINDS:
        return None
    test = db.session.scalar(
        select(KnowledgeTest).where(KnowledgeTest.event_id == event.id, KnowledgeTest.kind == kind)
    )
    if test is None and create:
        test = KnowledgeTest(event_id=event.id, kind=kind)
        db.session.add(test)
        db.session.flush()
    return test


test_of.__test__ = False  # not a pytest function


def questions_of(test: KnowledgeTest | None) -> list[TestQuestion]:
    if test is None or test.id is None:
        return []
    return list(
        db.session.scalars(
            select(TestQuestion)
            .where(TestQuestion.test_id == test.id)
            .order_by(TestQuestion.position, TestQuestion.id)
        )
    )


def get_question(test: KnowledgeTest | None, question_id: int) -> TestQuestion | None:
    question = db.session.get(TestQuestion, question_id)
    return question if test is not None and question and question.test_id == test.id else None


def answered(test: KnowledgeTest | None) -> bool:
    if test is None or test.id is None:
        return False
    return bool(db.session.scalar(select(exists().where(TestAttempt.test_id == test.id))))


def _refuse_changes_once_answered(test: KnowledgeTest) -> None:
    if answered(test):
        raise InvalidInput(
            "label", _("Participants have taken this test already: its questions stay as set.")
        )


def _mark(question: ScoredQuestionColumns, data: ScoredInput) -> None:
    """The question's correct answers and points from what staff wrote, or InvalidInput."""
    points = data.points
    if points is None or not 1 <= points <= MAX_POINTS:
        raise InvalidInput(
            "points", _("Give from %(low)d to %(high)d points.", low=1, high=MAX_POINTS)
        )
    given = [line.strip() for line in data.correct.splitlines() if line.strip()]
    try:
        correct = question.kind_rules.mark_correct(question, given)
    except InvalidInput as refused:
        raise InvalidInput("correct", refused.message) from None
    if not correct:
        raise InvalidInput("correct", _("Give the correct answer."))
    if question.kind == ONE_CHOICE and len(correct) > 1:
        raise InvalidInput("correct", _("A question of one choice has one correct answer."))
    question.correct, question.points = correct, points


def add_question(test: KnowledgeTest, data: ScoredInput) -> TestQuestion:
    _refuse_changes_once_answered(test)
    question = new_question(TestQuestion, questions_of(test), data, test_id=test.id)
    _mark(question, data)
    db.session.add(question)
    return question


def update_question(question: ScoredQuestionColumns, data: ScoredInput) -> None:
    """Change a test's (or the bank's) question; a test's only until someone answered it."""
    if isinstance(question, TestQuestion):
        _refuse_changes_once_answered(db.session.get(KnowledgeTest, question.test_id))
    change_question(question, data)
    _mark(question, data)


def move_question(test: KnowledgeTest, question: TestQuestion, steps: int) -> None:
    _refuse_changes_once_answered(test)
    move(questions_of(test), question, steps)


def remove_question(test: KnowledgeTest, question: TestQuestion) -> None:
    _refuse_changes_once_answered(test)
    db.session.delete(question)


def _copy(source: ScoredQuestionColumns, model, position: int, **columns):
    values = {name: getattr(source, name) for name in COPIED}
    return model(**values, position=position, **columns)


def _copy_into(test: KnowledgeTest, sources: list) -> int:
    _refuse_changes_once_answered(test)
    existing = questions_of(test)
    if len(existing) + len(sources) > MAX_QUESTIONS:
        raise InvalidInput("label", _("A form asks at most %(num)d questions.", num=MAX_QUESTIONS))
    start = max((q.position for q in existing), default=-1) + 1
    for offset, source in enumerate(sources):
        db.session.add(_copy(source, TestQuestion, start + offset, test_id=test.id))
    return len(sources)


def use_pre_test_questions(event: Event) -> int:
    """The pre-test's questions copied into the post-test, after its own; how many."""
    pre = questions_of(test_of(event, "pre"))
    if not pre:
        raise InvalidInput("label", _("The pre-test has no questions yet."))
    return _copy_into(test_of(event, "post", create=True), pre)


# ---------------------------------------------------------------- the programme's test bank


def bank_of(programme_id: int) -> list[BankQuestion]:
    return list(
        db.session.scalars(
            select(BankQuestion)
            .where(BankQuestion.programme_id == programme_id)
            .order_by(BankQuestion.position, BankQuestion.id)
        )
    )


def bank_question(programme_id: int, question_id: int) -> BankQuestion | None:
    question = db.session.get(BankQuestion, question_id)
    return question if question and question.programme_id == programme_id else None


def add_to_bank(programme_id: int, data: ScoredInput) -> BankQuestion:
    existing = bank_of(programme_id)
    question = new_question(BankQuestion, [], data, programme_id=programme_id)
    question.position = max((q.position for q in existing), default=-1) + 1
    _mark(question, data)
    db.session.add(question)
    return question


def remove_from_bank(question: BankQuestion) -> None:
    """The bank's question gone; the tests' copies of it stay theirs."""
    db.session.delete(question)


def save_to_bank(event: Event, question: TestQuestion) -> BankQuestion:
    """A copy of a test's question in the event's programme's bank."""
    if event.programme_id is None:
        raise InvalidInput("label", _("This event belongs to no programme: it has no test bank."))
    position = max((q.position for q in bank_of(event.programme_id)), default=-1) + 1
    copy = _copy(question, BankQuestion, position, programme_id=event.programme_id)
    db.session.add(copy)
    return copy


def add_from_bank(event: Event, test: KnowledgeTest, question_ids: list[int]) -> int:
    """The bank's questions named copied into the test; an id not of the event's programme's
    bank is refused."""
    chosen = [bank_question(event.programme_id or 0, i) for i in dict.fromkeys(question_ids)]
    if not chosen or None in chosen:
        raise InvalidInput("bank", _("Choose questions of the programme's test bank."))
    return _copy_into(test, chosen)
