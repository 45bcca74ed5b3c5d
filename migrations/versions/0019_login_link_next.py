"""A sign-in link leads back to the page it was asked from (a certificate's PDF).

Revision ID: 0019_login_link_next
Revises: 0018_one_line_names
"""

import sqlalchemy as sa
from alembic import op

revision = "0019_login_link_next"
down_revision = "0018_one_line_names"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("login_link_requests") as batch:
        batch.add_column(sa.Column("next_path", sa.String(length=500), nullable=True))


def downgrade():
    with op.batch_alter_table("login_link_requests") as batch:
        batch.drop_column("next_path")
