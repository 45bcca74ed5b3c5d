"""A message to an event's participants may carry the event's calendar file.

Messages sent before carried none: they keep ``calendar_file`` false.

Revision ID: 0020_message_calendar_file
Revises: 0019_login_link_next
"""

import sqlalchemy as sa
from alembic import op

revision = "0020_message_calendar_file"
down_revision = "0019_login_link_next"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("participant_messages") as batch:
        batch.add_column(
            sa.Column("calendar_file", sa.Boolean(), server_default="0", nullable=False)
        )
        batch.create_check_constraint(
            "calendar_file_of_an_event", "NOT calendar_file OR event_id IS NOT NULL"
        )


def downgrade():
    with op.batch_alter_table("participant_messages") as batch:
        batch.drop_constraint(
            op.f("ck_participant_messages_calendar_file_of_an_event"), type_="check"
        )
        batch.drop_column("calendar_file")
