"""The participant's journey: questions, messages, check-in, certificates, evaluations (stub).

Revision ID: 0013_attendance
Revises: 0012_authority_requests
"""

revision = "0013_attendance"
down_revision = "0012_authority_requests"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
