"""Visa support letters and letters of acceptance: documents of two new kinds.

Revision ID: 0031_letters
Revises: 0030_travel
"""

revision = "0031_letters"
down_revision = "0030_travel"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
