"""A sign-in link is written in the language of the page it was asked from, where the account
has none: requests for one keep that language. Going down drops it.

Revision ID: 0028_login_link_language
Revises: 0027_privacy
"""

import sqlalchemy as sa
from alembic import op

revision = "0028_login_link_language"
down_revision = "0027_privacy"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("login_link_requests") as batch:
        batch.add_column(sa.Column("locale", sa.String(length=20), nullable=True))


def downgrade():
    with op.batch_alter_table("login_link_requests") as batch:
        batch.drop_column("locale")
