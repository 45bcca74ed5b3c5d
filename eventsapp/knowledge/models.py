"""A pre-test and a post-test per event, their scored questions (with the correct answers and
the points each is worth), each participant's attempt (taken online, or typed in by staff from
paper), and a programme's test bank of questions to reuse."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from ..core.labels import Labelled, sql_in
from ..core.question_columns import QuestionColumns
from ..core.questions import NUMBER, ONE_CHOICE, SEVERAL_CHOICES
from ..extensions import db

PRE, POST = "pre", "post"
KINDS = (PRE, POST)
MAX_POINTS = 100  # of one question


class TestKind(Labelled):
    """A test's kind as a sentence names it (the History's lines)."""

    __test__ = False
    PRE = PRE, _l("pre-test")
    POST = POST, _l("post-test")


class ScoredQuestionColumns(QuestionColumns):
    """A question of a test or of a test bank: a kind the engine scores, its correct answers as
    ``mark_correct`` stores them, and the points it is worth."""

    OFFERED = (ONE_CHOICE, SEVERAL_CHOICES, NUMBER)

    correct: Mapped[list] = mapped_column(JSON, default=list)
    points: Mapped[int] = mapped_column(default=1)

    @declared_attr.directive
    def __table_args__(cls):
        return (
            CheckConstraint(f"kind IN ({sql_in(cls.OFFERED)})", name="kind"),
            CheckConstraint("length(label) > 0", name="label_not_empty"),
            CheckConstraint(f"points BETWEEN 1 AND {MAX_POINTS}", name="points"),
        )


class KnowledgeTest(db.Model):
    """An event's pre-test or post-test. Open while ``opened_at`` is set and ``closed_at`` is
    not; ``reminded_at``: when staff last reminded those who had not taken it."""

    __tablename__ = "knowledge_tests"
    __table_args__ = (
        UniqueConstraint("event_id", "kind"),
        CheckConstraint(f"kind IN ({sql_in(KINDS)})", name="kind"),
    )
    __test__ = False  # not a pytest class

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    opened_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(DateTime)

    @property
    def is_open(self) -> bool:
        return self.opened_at is not None and self.closed_at is None


class TestQuestion(ScoredQuestionColumns, db.Model):
    __tablename__ = "knowledge_test_questions"
    __test__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    test_id: Mapped[int] = mapped_column(
        ForeignKey("knowledge_tests.id", ondelete="CASCADE"), index=True
    )


class BankQuestion(ScoredQuestionColumns, db.Model):
    """A question of a programme's test bank, copied into a test (the copy is the test's own)."""

    __tablename__ = "knowledge_bank_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programmes.id", ondelete="CASCADE"), index=True
    )


class TestInvitation(db.Model):
    """A participant emailed the test's link when it opened: once, however often it opens."""

    __tablename__ = "knowledge_test_invitations"
    __table_args__ = (UniqueConstraint("test_id", "registration_id"),)
    __test__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    test_id: Mapped[int] = mapped_column(
        ForeignKey("knowledge_tests.id", ondelete="CASCADE"), index=True
    )
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    emailed_at: Mapped[datetime] = mapped_column(DateTime)


class TestAttempt(db.Model):
    """A participant's answers to a test (by question key), once, and their score out of the
    test's points when they answered; ``entered_by_id``: who typed a paper test in."""

    __tablename__ = "knowledge_test_attempts"
    __table_args__ = (
        UniqueConstraint("test_id", "registration_id"),
        CheckConstraint("max_score >= 1", name="max_score"),
        CheckConstraint("score >= 0 AND score <= max_score", name="score"),
    )
    __test__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    test_id: Mapped[int] = mapped_column(
        ForeignKey("knowledge_tests.id", ondelete="CASCADE"), index=True
    )
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    score: Mapped[int]
    max_score: Mapped[int]
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    submitted_at: Mapped[datetime] = mapped_column(DateTime)

    test: Mapped[KnowledgeTest] = relationship()

    @property
    def percent(self) -> float:
        return self.score / self.max_score * 100
