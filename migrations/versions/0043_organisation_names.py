"""Organisations found by their name whatever its case (a registration form's, a confirmation's,
staff's check for a name taken) through an index, not by reading every organisation.

Revision ID: 0043_organisation_names
Revises: 0042_outbox_notify
"""

import sqlalchemy as sa
from alembic import op

revision = "0043_organisation_names"
down_revision = "0042_outbox_notify"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_organisations_lower_name", "organisations", [sa.text("lower(name)")])


def downgrade():
    op.drop_index("ix_organisations_lower_name", table_name="organisations")
