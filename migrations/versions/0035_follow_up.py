"""Follow-up surveys: the months after an event when they go out (a programme's, or an event's
own), a programme's questions, and one row per participant and period (sent, reminded,
answered, the answers).

Revision ID: 0035_follow_up
Revises: 0032_per_diem
"""

from itertools import pairwise

import sqlalchemy as sa
from alembic import op

revision = "0035_follow_up"
down_revision = "0034_knowledge_tests"
branch_labels = None
depends_on = None

PERIODS = ("period_1", "period_2", "period_3", "period_4")
KINDS = (
    "short_text",
    "long_text",
    "one_choice",
    "several_choices",
    "yes_no",
    "number",
    "date",
    "scale",
)


def _period_checks() -> list:
    checks = [
        sa.CheckConstraint(
            f"{column} IS NULL OR {column} BETWEEN 1 AND 36",
            name=op.f(f"ck_follow_up_schedules_{column}_months"),
        )
        for column in PERIODS
    ]
    for before, after in pairwise(PERIODS):
        checks.append(
            sa.CheckConstraint(
                f"{after} IS NULL OR ({before} IS NOT NULL AND {after} > {before})",
                name=op.f(f"ck_follow_up_schedules_{after}_after"),
            )
        )
    return checks


def upgrade():
    op.create_table(
        "follow_up_schedules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=True),
        sa.Column("event_id", sa.Integer(), nullable=True),
        *(sa.Column(column, sa.SmallInteger(), nullable=True) for column in PERIODS),
        sa.CheckConstraint(
            "(programme_id IS NULL) <> (event_id IS NULL)",
            name=op.f("ck_follow_up_schedules_one_owner"),
        ),
        *_period_checks(),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_follow_up_schedules_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_follow_up_schedules_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_up_schedules")),
        sa.UniqueConstraint("event_id", name=op.f("uq_follow_up_schedules_event_id")),
        sa.UniqueConstraint("programme_id", name=op.f("uq_follow_up_schedules_programme_id")),
    )
    allowed = ", ".join(f"'{kind}'" for kind in KINDS)
    op.create_table(
        "follow_up_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("choices", sa.JSON(), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("translations", sa.JSON(), nullable=False),
        sa.CheckConstraint(f"kind IN ({allowed})", name=op.f("ck_follow_up_questions_kind")),
        sa.CheckConstraint(
            "length(label) > 0", name=op.f("ck_follow_up_questions_label_not_empty")
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_follow_up_questions_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_up_questions")),
    )
    op.create_index(
        op.f("ix_follow_up_questions_programme_id"), "follow_up_questions", ["programme_id"]
    )
    op.create_table(
        "follow_up_surveys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("months", sa.SmallInteger(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.Column("reminded_at", sa.DateTime(), nullable=True),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.CheckConstraint("months BETWEEN 1 AND 36", name=op.f("ck_follow_up_surveys_months")),
        sa.CheckConstraint(
            "answered_at IS NULL OR answered_at >= sent_at",
            name=op.f("ck_follow_up_surveys_answered_after"),
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_follow_up_surveys_registration_id_registrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_up_surveys")),
        sa.UniqueConstraint(
            "registration_id", "months", name=op.f("uq_follow_up_surveys_registration_id_months")
        ),
    )
    op.create_index(
        op.f("ix_follow_up_surveys_registration_id"), "follow_up_surveys", ["registration_id"]
    )


def downgrade():
    op.drop_index(op.f("ix_follow_up_surveys_registration_id"), table_name="follow_up_surveys")
    op.drop_table("follow_up_surveys")
    op.drop_index(op.f("ix_follow_up_questions_programme_id"), table_name="follow_up_questions")
    op.drop_table("follow_up_questions")
    op.drop_table("follow_up_schedules")
