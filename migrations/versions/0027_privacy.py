"""Data protection: the privacy notice's later versions (the first is shipped with the site),
the version each registration and request accepted (None for those sent before), and requests to
be forgotten. Going down drops them.

Revision ID: 0027_privacy
Revises: 0026_person_merges
"""

import sqlalchemy as sa
from alembic import op

revision = "0027_privacy"
down_revision = "0026_person_merges"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "privacy_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("texts", sa.JSON(), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("version >= 2", name=op.f("ck_privacy_notices_version_after_the_first")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_privacy_notices")),
        sa.UniqueConstraint("version", name=op.f("uq_privacy_notices_version")),
    )
    op.create_table(
        "erasure_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("asked_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("blockers", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "(status = 'waiting') = (decided_at IS NULL)",
            name=op.f("ck_erasure_requests_decided_unless_waiting"),
        ),
        sa.CheckConstraint(
            "status IN ('waiting', 'erased', 'refused')", name=op.f("ck_erasure_requests_status")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["users.id"],
            name=op.f("fk_erasure_requests_decided_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["persons.id"],
            name=op.f("fk_erasure_requests_person_id_persons"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_erasure_requests")),
    )
    with op.batch_alter_table("erasure_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_erasure_requests_status"), ["status"], unique=False)
        batch_op.create_index(
            "ix_erasure_requests_waiting",
            ["person_id"],
            unique=True,
            sqlite_where=sa.text("status = 'waiting'"),
            postgresql_where=sa.text("status = 'waiting'"),
        )

    with op.batch_alter_table("authority_requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("privacy_notice_version", sa.Integer(), nullable=True))

    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("privacy_notice_version", sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.drop_column("privacy_notice_version")

    with op.batch_alter_table("authority_requests", schema=None) as batch_op:
        batch_op.drop_column("privacy_notice_version")

    with op.batch_alter_table("erasure_requests", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_erasure_requests_waiting",
            sqlite_where=sa.text("status = 'waiting'"),
            postgresql_where=sa.text("status = 'waiting'"),
        )
        batch_op.drop_index(batch_op.f("ix_erasure_requests_status"))

    op.drop_table("erasure_requests")
    op.drop_table("privacy_notices")
