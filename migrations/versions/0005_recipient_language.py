"""The language of an account's and a registration's emails.

Revision ID: 0005_recipient_language
Revises: 0004_candidate_countries
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_recipient_language"
down_revision = "0004_candidate_countries"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("users", sa.Column("locale", sa.String(length=20), nullable=True))
    op.add_column("registrations", sa.Column("locale", sa.String(length=20), nullable=True))


def downgrade():
    with op.batch_alter_table("registrations") as batch:
        batch.drop_column("locale")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("locale")
