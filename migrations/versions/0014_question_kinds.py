"""Registration questions: several choices, file uploads, translated labels (stub).

Revision ID: 0014_question_kinds
Revises: 0013_attendance
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0014_question_kinds"
down_revision = "0013_attendance"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
