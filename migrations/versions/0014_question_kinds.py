"""Registration questions: several choices, file uploads, translated labels.

Revision ID: 0014_question_kinds
Revises: 0013_attendance
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_question_kinds"
down_revision = "0013_attendance"
branch_labels = None
depends_on = None

KINDS = "'short_text', 'long_text', 'one_choice', 'yes_no', 'number', 'date'"
NEW_KINDS = "'several_choices', 'file'"


def _allow(kinds: str) -> None:
    with op.batch_alter_table("registration_questions") as batch:
        batch.drop_constraint(op.f("ck_registration_questions_kind"), type_="check")
        batch.create_check_constraint(op.f("ck_registration_questions_kind"), f"kind IN ({kinds})")


def upgrade():
    with op.batch_alter_table("registration_questions") as batch:
        batch.add_column(sa.Column("translations", sa.JSON(), nullable=False, server_default="{}"))
    with op.batch_alter_table("registration_questions") as batch:
        batch.alter_column("translations", server_default=None)
    _allow(f"{KINDS}, {NEW_KINDS}")


def downgrade():
    op.execute(f"DELETE FROM registration_questions WHERE kind IN ({NEW_KINDS})")
    _allow(KINDS)
    with op.batch_alter_table("registration_questions") as batch:
        batch.drop_column("translations")
