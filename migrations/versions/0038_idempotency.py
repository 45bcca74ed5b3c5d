"""The write API's idempotency keys: the answer given to a staff account's first request with a
key, kept a day.

Revision ID: 0038_idempotency
Revises: 0036_plan_indicators
"""

import sqlalchemy as sa
from alembic import op

revision = "0038_idempotency"
down_revision = "0037_api_tokens"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "api_idempotency_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("location", sa.String(length=2000), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("length(key) > 0", name=op.f("ck_api_idempotency_keys_key_not_empty")),
        sa.CheckConstraint(
            "status >= 100 AND status < 600", name=op.f("ck_api_idempotency_keys_status_is_http")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_api_idempotency_keys_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_idempotency_keys")),
        sa.UniqueConstraint("user_id", "key", name="uq_api_idempotency_keys_user_key"),
    )
    op.create_index(
        "ix_api_idempotency_keys_created_at", "api_idempotency_keys", ["created_at"], unique=False
    )


def downgrade():
    op.drop_index("ix_api_idempotency_keys_created_at", table_name="api_idempotency_keys")
    op.drop_table("api_idempotency_keys")
