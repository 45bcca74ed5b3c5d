"""Evaluation forms per event, certificate minimum days: attendance settings, evaluation
questions, anonymous answers with receipts.

The evaluation answers' ``scores`` become ``answers`` (the default scales keep their keys), the
overall score is copied into ``satisfaction``, each existing answer gets its receipt, and the
time of an answer is kept as its day only. Evaluations are anonymous unless staff say otherwise,
so the existing answers let go of their registration (the receipts, keyed by registration, keep
that they answered).

Revision ID: 0016_evaluation_questions
Revises: 0015_message_batches
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_evaluation_questions"
down_revision = "0015_message_batches"
branch_labels = None
depends_on = None

KINDS = "'scale', 'short_text', 'long_text', 'one_choice', 'yes_no'"


def upgrade():
    op.create_table(
        "attendance_settings",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("certificate_minimum_days", sa.Integer(), nullable=True),
        sa.Column("evaluation_anonymous", sa.Boolean(), nullable=False),
        sa.Column("evaluation_opened_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "certificate_minimum_days IS NULL OR certificate_minimum_days >= 1",
            name=op.f("ck_attendance_settings_certificate_minimum_days"),
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_attendance_settings_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_attendance_settings")),
    )
    op.create_table(
        "evaluation_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("choices", sa.JSON(), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint(f"kind IN ({KINDS})", name=op.f("ck_evaluation_questions_kind")),
        sa.CheckConstraint(
            "length(label) > 0", name=op.f("ck_evaluation_questions_label_not_empty")
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_evaluation_questions_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluation_questions")),
    )
    op.create_index(op.f("ix_evaluation_questions_event_id"), "evaluation_questions", ["event_id"])
    op.create_table(
        "evaluation_receipts",
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_evaluation_receipts_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_evaluation_receipts_registration_id_registrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("registration_id", name=op.f("pk_evaluation_receipts")),
    )
    op.create_index(op.f("ix_evaluation_receipts_event_id"), "evaluation_receipts", ["event_id"])

    with op.batch_alter_table("evaluation_responses") as batch:
        batch.alter_column("scores", new_column_name="answers")
        batch.alter_column("registration_id", existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column("satisfaction", sa.SmallInteger(), nullable=True))
        batch.add_column(sa.Column("submitted_on", sa.Date(), nullable=True))
    responses = sa.table(
        "evaluation_responses",
        sa.column("id", sa.Integer()),
        sa.column("answers", sa.JSON()),
        sa.column("satisfaction", sa.SmallInteger()),
        sa.column("submitted_at", sa.DateTime()),
        sa.column("submitted_on", sa.Date()),
    )
    connection = op.get_bind()
    for row in connection.execute(sa.select(responses)).all():
        overall = (row.answers or {}).get("overall")
        connection.execute(
            responses.update()
            .where(responses.c.id == row.id)
            .values(
                satisfaction=overall if isinstance(overall, int) and 1 <= overall <= 5 else None,
                submitted_on=row.submitted_at.date(),
            )
        )
    op.execute(
        "INSERT INTO evaluation_receipts (event_id, registration_id) "
        "SELECT event_id, registration_id FROM evaluation_responses "
        "WHERE registration_id IS NOT NULL"
    )
    # No event has settings yet, so every evaluation is anonymous (the default): its answers
    # keep no registration, only the receipts say who answered.
    op.execute("UPDATE evaluation_responses SET registration_id = NULL")
    with op.batch_alter_table("evaluation_responses") as batch:
        batch.alter_column("submitted_on", existing_type=sa.Date(), nullable=False)
        batch.drop_column("submitted_at")
        batch.create_check_constraint(
            op.f("ck_evaluation_responses_satisfaction"),
            "satisfaction IS NULL OR satisfaction BETWEEN 1 AND 5",
        )


def downgrade():
    # Anonymous answers cannot go back to a table that needs their registration.
    op.execute("DELETE FROM evaluation_responses WHERE registration_id IS NULL")
    with op.batch_alter_table("evaluation_responses") as batch:
        batch.drop_constraint(op.f("ck_evaluation_responses_satisfaction"), type_="check")
        batch.add_column(sa.Column("submitted_at", sa.DateTime(), nullable=True))
    sqlite = op.get_bind().dialect.name == "sqlite"  # which keeps date-times as text
    op.execute(
        "UPDATE evaluation_responses SET submitted_at = "
        + ("submitted_on || ' 00:00:00.000000'" if sqlite else "submitted_on")
    )
    with op.batch_alter_table("evaluation_responses") as batch:
        batch.alter_column("submitted_at", existing_type=sa.DateTime(), nullable=False)
        batch.drop_column("submitted_on")
        batch.drop_column("satisfaction")
        batch.alter_column("registration_id", existing_type=sa.Integer(), nullable=False)
        batch.alter_column("answers", new_column_name="scores")
    op.drop_index(op.f("ix_evaluation_receipts_event_id"), table_name="evaluation_receipts")
    op.drop_table("evaluation_receipts")
    op.drop_index(op.f("ix_evaluation_questions_event_id"), table_name="evaluation_questions")
    op.drop_table("evaluation_questions")
    op.drop_table("attendance_settings")
