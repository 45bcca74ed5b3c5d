"""Languages to the last word: messages to participants written per language, and an event's
audience translated.

A message keeps its subject and body as its default wording, with that wording's language
(``language``); its other languages are rows of ``participant_message_texts``. Messages sent
before keep their text as their default, of no language (everyone got it as written). Event
translations gain the audience (empty: the original's shows). Going down drops the other
languages' wordings and the translated audiences.

Revision ID: 0024_message_languages
Revises: 0023_documents
"""

import sqlalchemy as sa
from alembic import op

revision = "0024_message_languages"
down_revision = "0023_documents"
branch_labels = None
depends_on = None

LANGUAGES = "'en', 'es', 'fr'"


def upgrade():
    with op.batch_alter_table("participant_messages") as batch:
        batch.add_column(sa.Column("language", sa.String(length=5), nullable=True))
        batch.create_check_constraint("language", f"language IS NULL OR language IN ({LANGUAGES})")
    op.create_table(
        "participant_message_texts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("locale", sa.String(length=5), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.CheckConstraint(
            f"locale IN ({LANGUAGES})", name=op.f("ck_participant_message_texts_locale")
        ),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["participant_messages.id"],
            name=op.f("fk_participant_message_texts_message_id_participant_messages"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_participant_message_texts")),
        sa.UniqueConstraint(
            "message_id", "locale", name=op.f("uq_participant_message_texts_message_id_locale")
        ),
    )
    with op.batch_alter_table("event_translations") as batch:
        batch.add_column(
            sa.Column("audience", sa.String(length=300), server_default="", nullable=False)
        )
        batch.create_check_constraint("audience_length", "length(audience) <= 300")


def downgrade():
    with op.batch_alter_table("event_translations") as batch:
        batch.drop_constraint(op.f("ck_event_translations_audience_length"), type_="check")
        batch.drop_column("audience")
    op.drop_table("participant_message_texts")
    with op.batch_alter_table("participant_messages") as batch:
        batch.drop_constraint(op.f("ck_participant_messages_language"), type_="check")
        batch.drop_column("language")
