"""Requests from electoral authorities and internships' final reports (stub).

Revision ID: 0012_authority_requests
Revises: 0011_plans
"""

revision = "0012_authority_requests"
down_revision = "0011_plans"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
