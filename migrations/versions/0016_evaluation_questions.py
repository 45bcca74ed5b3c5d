"""Evaluation forms per event, certificate minimum days (stub).

Revision ID: 0016_evaluation_questions
Revises: 0015_message_batches
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0016_evaluation_questions"
down_revision = "0015_message_batches"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
