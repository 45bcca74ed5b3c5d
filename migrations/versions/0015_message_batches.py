"""Messages to participants sent in batches by the worker: each recipient waits (queued) until the
worker hands it to the outbox (handed, with its email); messages to a programme's year; the
audience written in the log.

Revision ID: 0015_message_batches
Revises: 0014_question_kinds
"""

import sqlalchemy as sa
from alembic import op

revision = "0015_message_batches"
down_revision = "0014_question_kinds"
branch_labels = None
depends_on = None

MESSAGES = "participant_messages"
RECIPIENTS = "participant_message_recipients"


def upgrade():
    with op.batch_alter_table(MESSAGES) as batch:
        batch.alter_column("event_id", existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column("programme_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("year", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column("audience", sa.String(length=500), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("send_key", sa.String(length=32), nullable=True))
        batch.create_unique_constraint(op.f("uq_participant_messages_send_key"), ["send_key"])
        batch.create_foreign_key(
            op.f("fk_participant_messages_programme_id_programmes"),
            "programmes",
            ["programme_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch.create_index(op.f("ix_participant_messages_programme_id"), ["programme_id"])
        batch.create_check_constraint(
            op.f("ck_participant_messages_one_event_or_a_programme_year"),
            "(event_id IS NOT NULL AND programme_id IS NULL AND year IS NULL)"
            " OR (event_id IS NULL AND programme_id IS NOT NULL AND year IS NOT NULL)",
        )
    with op.batch_alter_table(MESSAGES) as batch:
        batch.alter_column("audience", existing_type=sa.String(length=500), server_default=None)

    # Recipients recorded before this revision were queued in the outbox at once: handed.
    with op.batch_alter_table(RECIPIENTS) as batch:
        batch.add_column(
            sa.Column("state", sa.String(length=10), nullable=False, server_default="handed")
        )
        batch.add_column(sa.Column("handed_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("outbox_email_id", sa.Integer(), nullable=True))
    op.execute(
        f"UPDATE {RECIPIENTS} SET handed_at = (SELECT sent_at FROM {MESSAGES}"
        f" WHERE {MESSAGES}.id = {RECIPIENTS}.message_id)"
    )
    with op.batch_alter_table(RECIPIENTS) as batch:
        batch.alter_column("state", existing_type=sa.String(length=10), server_default=None)
        batch.create_foreign_key(
            op.f("fk_participant_message_recipients_outbox_email_id_outbox_emails"),
            "outbox_emails",
            ["outbox_email_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch.create_index(op.f("ix_participant_message_recipients_handed_at"), ["handed_at"])
        batch.create_index("ix_participant_message_recipients_state_id", ["state", "id"])
        batch.create_check_constraint(
            op.f("ck_participant_message_recipients_state"),
            "state IN ('queued', 'handed', 'skipped')",
        )
        batch.create_check_constraint(
            op.f("ck_participant_message_recipients_handed_at_when_handed"),
            "(state = 'handed') = (handed_at IS NOT NULL)",
        )


def downgrade():
    # Messages to a programme's year, and recipients still waiting, cannot be kept.
    op.execute(f"DELETE FROM {RECIPIENTS} WHERE state = 'queued'")
    op.execute(f"DELETE FROM {MESSAGES} WHERE event_id IS NULL")
    with op.batch_alter_table(RECIPIENTS) as batch:
        batch.drop_constraint(
            op.f("ck_participant_message_recipients_handed_at_when_handed"), type_="check"
        )
        batch.drop_constraint(op.f("ck_participant_message_recipients_state"), type_="check")
        batch.drop_index("ix_participant_message_recipients_state_id")
        batch.drop_index(op.f("ix_participant_message_recipients_handed_at"))
        batch.drop_constraint(
            op.f("fk_participant_message_recipients_outbox_email_id_outbox_emails"),
            type_="foreignkey",
        )
        batch.drop_column("outbox_email_id")
        batch.drop_column("handed_at")
        batch.drop_column("state")
    with op.batch_alter_table(MESSAGES) as batch:
        batch.drop_constraint(
            op.f("ck_participant_messages_one_event_or_a_programme_year"), type_="check"
        )
        batch.drop_index(op.f("ix_participant_messages_programme_id"))
        batch.drop_constraint(
            op.f("fk_participant_messages_programme_id_programmes"), type_="foreignkey"
        )
        batch.drop_constraint(op.f("uq_participant_messages_send_key"), type_="unique")
        batch.drop_column("send_key")
        batch.drop_column("audience")
        batch.drop_column("year")
        batch.drop_column("programme_id")
        batch.alter_column("event_id", existing_type=sa.Integer(), nullable=False)
