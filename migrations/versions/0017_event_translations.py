"""Event content in other languages (stub).

Revision ID: 0017_event_translations
Revises: 0016_evaluation_questions
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "0017_event_translations"
down_revision = "0016_evaluation_questions"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
