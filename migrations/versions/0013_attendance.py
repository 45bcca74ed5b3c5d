"""The participant's journey: registration questions and answers, messages to participants,
check-ins per day, certificates of participation, evaluations.

Revision ID: 0013_attendance
Revises: 0012_authority_requests
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_attendance"
down_revision = "0012_authority_requests"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("registrations") as batch:
        batch.add_column(sa.Column("answers", sa.JSON(), nullable=False, server_default="{}"))
    with op.batch_alter_table("registrations") as batch:
        batch.alter_column("answers", server_default=None)
    op.create_table(
        "registration_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("choices", sa.JSON(), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('short_text', 'long_text', 'one_choice', 'yes_no', 'number', 'date')",
            name=op.f("ck_registration_questions_kind"),
        ),
        sa.CheckConstraint(
            "length(label) > 0", name=op.f("ck_registration_questions_label_not_empty")
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_registration_questions_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registration_questions")),
    )
    op.create_index(
        op.f("ix_registration_questions_event_id"), "registration_questions", ["event_id"]
    )
    op.create_table(
        "participant_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("sent_by_id", sa.Integer(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_participant_messages_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["sent_by_id"],
            ["users.id"],
            name=op.f("fk_participant_messages_sent_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_participant_messages")),
    )
    op.create_index(op.f("ix_participant_messages_event_id"), "participant_messages", ["event_id"])
    op.create_table(
        "participant_message_recipients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["participant_messages.id"],
            name=op.f("fk_participant_message_recipients_message_id_participant_messages"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_participant_message_recipients_registration_id_registrations"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_participant_message_recipients")),
        sa.UniqueConstraint(
            "message_id",
            "registration_id",
            name=op.f("uq_participant_message_recipients_message_id_registration_id"),
        ),
    )
    op.create_table(
        "check_ins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("checked_in_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_check_ins_registration_id_registrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_check_ins")),
        sa.UniqueConstraint(
            "registration_id", "day", name=op.f("uq_check_ins_registration_id_day")
        ),
    )
    op.create_table(
        "certificates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("days_attended", sa.Integer(), nullable=False),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("days_attended >= 1", name=op.f("ck_certificates_days_attended")),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_certificates_registration_id_registrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certificates")),
        sa.UniqueConstraint("code", name=op.f("uq_certificates_code")),
        sa.UniqueConstraint("registration_id", name=op.f("uq_certificates_registration_id")),
    )
    op.create_table(
        "evaluation_responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("scores", sa.JSON(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_evaluation_responses_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_evaluation_responses_registration_id_registrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluation_responses")),
        sa.UniqueConstraint(
            "registration_id", name=op.f("uq_evaluation_responses_registration_id")
        ),
    )
    op.create_index(op.f("ix_evaluation_responses_event_id"), "evaluation_responses", ["event_id"])


def downgrade():
    op.drop_table("evaluation_responses")
    op.drop_table("certificates")
    op.drop_table("check_ins")
    op.drop_table("participant_message_recipients")
    op.drop_table("participant_messages")
    op.drop_table("registration_questions")
    with op.batch_alter_table("registrations") as batch:
        batch.drop_column("answers")
