"""Cost sharing: cost rules, overrides, estimates and actual amounts, exchange rates (stub: filled in by the costs work).

Revision ID: 0009_costs
Revises: 0008_registration_confirmation
"""

revision = "0009_costs"
down_revision = "0008_registration_confirmation"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
