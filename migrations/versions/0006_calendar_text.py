"""Calendar text shared by every worker: each event's iCalendar text by version, and the yearly
calendar's downloads by ETag.

Revision ID: 0006_calendar_text
Revises: 0005_recipient_language
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_calendar_text"
down_revision = "0005_recipient_language"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "calendar_texts",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("part", sa.String(length=10), nullable=False),
        sa.Column("context", sa.String(length=32), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("text", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_calendar_texts_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("event_id", "part", "context", name=op.f("pk_calendar_texts")),
    )
    op.create_table(
        "calendar_documents",
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_calendar_documents")),
    )


def downgrade():
    op.drop_table("calendar_documents")
    op.drop_table("calendar_texts")
