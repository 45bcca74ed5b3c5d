"""Event content in other languages: an event's description, and its title, purpose and
description written by staff in Spanish or French (one row per event and language).

Revision ID: 0017_event_translations
Revises: 0016_evaluation_questions
"""

import sqlalchemy as sa
from alembic import op

revision = "0017_event_translations"
down_revision = "0016_evaluation_questions"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("description", sa.Text(), nullable=False, server_default=""))
    op.create_table(
        "event_translations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("locale", sa.String(length=5), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("purpose", sa.JSON(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "locale IN ('en', 'es', 'fr')", name=op.f("ck_event_translations_locale")
        ),
        sa.CheckConstraint("length(title) <= 300", name=op.f("ck_event_translations_title_length")),
        sa.CheckConstraint(
            "length(description) <= 10000",
            name=op.f("ck_event_translations_description_length"),
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_event_translations_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_translations")),
        sa.UniqueConstraint(
            "event_id", "locale", name=op.f("uq_event_translations_event_id_locale")
        ),
    )


def downgrade():
    op.drop_table("event_translations")
    with op.batch_alter_table("events") as batch:
        batch.drop_column("description")
