"""Knowledge tests: an event's pre-test and post-test, their scored questions, the participants'
attempts, who was emailed each test's link, and a programme's test bank.

Revision ID: 0034_knowledge_tests
Revises: 0032_per_diem
"""

import sqlalchemy as sa
from alembic import op

revision = "0034_knowledge_tests"
down_revision = "0033_session_attendance"
branch_labels = None
depends_on = None

SCORED_KINDS = "kind IN ('one_choice', 'several_choices', 'number')"


def _question_columns(table: str) -> list:
    return [
        sa.Column("label", sa.String(300), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("choices", sa.JSON(), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("translations", sa.JSON(), nullable=False),
        sa.Column("correct", sa.JSON(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.CheckConstraint(SCORED_KINDS, name=op.f(f"ck_{table}_kind")),
        sa.CheckConstraint("length(label) > 0", name=op.f(f"ck_{table}_label_not_empty")),
        sa.CheckConstraint("points BETWEEN 1 AND 100", name=op.f(f"ck_{table}_points")),
    ]


def upgrade():
    op.create_table(
        "knowledge_tests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("reminded_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("kind IN ('pre', 'post')", name=op.f("ck_knowledge_tests_kind")),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_knowledge_tests_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_tests")),
        sa.UniqueConstraint("event_id", "kind", name=op.f("uq_knowledge_tests_event_id_kind")),
    )
    op.create_index(op.f("ix_knowledge_tests_event_id"), "knowledge_tests", ["event_id"])
    op.create_table(
        "knowledge_test_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("test_id", sa.Integer(), nullable=False),
        *_question_columns("knowledge_test_questions"),
        sa.ForeignKeyConstraint(
            ["test_id"],
            ["knowledge_tests.id"],
            name=op.f("fk_knowledge_test_questions_test_id_knowledge_tests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_test_questions")),
    )
    op.create_index(
        op.f("ix_knowledge_test_questions_test_id"), "knowledge_test_questions", ["test_id"]
    )
    op.create_table(
        "knowledge_bank_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        *_question_columns("knowledge_bank_questions"),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_knowledge_bank_questions_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_bank_questions")),
    )
    op.create_index(
        op.f("ix_knowledge_bank_questions_programme_id"),
        "knowledge_bank_questions",
        ["programme_id"],
    )
    op.create_table(
        "knowledge_test_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("test_id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("max_score", sa.Integer(), nullable=False),
        sa.Column("entered_by_id", sa.Integer(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("max_score >= 1", name=op.f("ck_knowledge_test_attempts_max_score")),
        sa.CheckConstraint(
            "score >= 0 AND score <= max_score", name=op.f("ck_knowledge_test_attempts_score")
        ),
        sa.ForeignKeyConstraint(
            ["test_id"],
            ["knowledge_tests.id"],
            name=op.f("fk_knowledge_test_attempts_test_id_knowledge_tests"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_knowledge_test_attempts_registration_id_registrations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["entered_by_id"],
            ["users.id"],
            name=op.f("fk_knowledge_test_attempts_entered_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_test_attempts")),
        sa.UniqueConstraint(
            "test_id",
            "registration_id",
            name=op.f("uq_knowledge_test_attempts_test_id_registration_id"),
        ),
    )
    op.create_table(
        "knowledge_test_invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("test_id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("emailed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["test_id"],
            ["knowledge_tests.id"],
            name=op.f("fk_knowledge_test_invitations_test_id_knowledge_tests"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_knowledge_test_invitations_registration_id_registrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_test_invitations")),
        sa.UniqueConstraint(
            "test_id",
            "registration_id",
            name=op.f("uq_knowledge_test_invitations_test_id_registration_id"),
        ),
    )
    for table in ("knowledge_test_attempts", "knowledge_test_invitations"):
        for column in ("test_id", "registration_id"):
            op.create_index(op.f(f"ix_{table}_{column}"), table, [column])


def downgrade():
    for table in (
        "knowledge_test_invitations",
        "knowledge_test_attempts",
        "knowledge_bank_questions",
        "knowledge_test_questions",
        "knowledge_tests",
    ):
        op.drop_table(table)
