"""Plans: headings, items, indicators, progress; imports (stub: filled in by the plans work).

Revision ID: 0011_plans
Revises: 0010_logistics
"""

revision = "0011_plans"
down_revision = "0010_logistics"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
