"""Per diem in the budgets: a cost category of its own.

Revision ID: 0032_per_diem
Revises: 0031_letters
"""

revision = "0032_per_diem"
down_revision = "0031_letters"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
