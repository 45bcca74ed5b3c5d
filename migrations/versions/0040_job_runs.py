"""When each periodic job last started, shared by every worker: two workers run a job once a
period between them.

Revision ID: 0040_job_runs
Revises: 0039_webhooks
"""

import sqlalchemy as sa
from alembic import op

revision = "0040_job_runs"
down_revision = "0039_webhooks"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "job_runs",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_job_runs")),
    )


def downgrade():
    op.drop_table("job_runs")
