"""Messages to participants sent in batches by the worker (stub).

Revision ID: 0015_message_batches
Revises: 0014_question_kinds
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0015_message_batches"
down_revision = "0014_question_kinds"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
