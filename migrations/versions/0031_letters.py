"""Visa support letters and letters of acceptance: documents of two new kinds.

Revision ID: 0031_letters
Revises: 0030_travel
"""

import sqlalchemy as sa
from alembic import op

revision = "0031_letters"
down_revision = "0030_travel"
branch_labels = None
depends_on = None

KINDS_BEFORE = "kind IN ('certificate', 'badge')"
KINDS_AFTER = "kind IN ('certificate', 'badge', 'visa_letter', 'acceptance_letter')"
CURRENT_OF_KIND = "ix_documents_current_of_kind"
NOT_REVOKED = "revoked_at IS NULL"


def _kinds(condition: str) -> None:
    # SQLite rebuilds both tables: the partial index of documents is dropped and made again
    # explicitly, so that the copy keeps its condition (one current document of a kind).
    with op.batch_alter_table("documents") as batch_op:
        batch_op.drop_index(
            CURRENT_OF_KIND,
            sqlite_where=sa.text(NOT_REVOKED),
            postgresql_where=sa.text(NOT_REVOKED),
        )
        batch_op.drop_constraint(op.f("ck_documents_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_documents_kind"), condition)
        batch_op.create_index(
            CURRENT_OF_KIND,
            ["registration_id", "kind"],
            unique=True,
            sqlite_where=sa.text(NOT_REVOKED),
            postgresql_where=sa.text(NOT_REVOKED),
        )
    with op.batch_alter_table("document_texts") as batch_op:
        batch_op.drop_constraint(op.f("ck_document_texts_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_document_texts_kind"), condition)


def upgrade():
    _kinds(KINDS_AFTER)


def downgrade():
    # Letters and their wordings go: the kinds left cannot hold them.
    op.execute("DELETE FROM documents WHERE kind IN ('visa_letter', 'acceptance_letter')")
    op.execute("DELETE FROM document_texts WHERE kind IN ('visa_letter', 'acceptance_letter')")
    _kinds(KINDS_BEFORE)
