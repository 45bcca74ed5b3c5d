"""Logistics tasks, task and agenda templates, speakers (stub: filled in by the logistics work).

Revision ID: 0010_logistics
Revises: 0009_costs
"""

revision = "0010_logistics"
down_revision = "0009_costs"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
