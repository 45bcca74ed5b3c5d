"""Requests from electoral authorities: the request, its timeline, and an internship's final report.

Revision ID: 0012_authority_requests
Revises: 0011_plans
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_authority_requests"
down_revision = "0011_plans"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "authority_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("authority_name", sa.String(length=200), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("country_code", sa.String(length=2), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("topics", sa.JSON(), nullable=False),
        sa.Column("other_topics", sa.Text(), nullable=False),
        sa.Column("scenario", sa.String(length=30), nullable=True),
        sa.Column("criteria", sa.JSON(), nullable=False),
        sa.Column("context", sa.Text(), nullable=False),
        sa.Column("date_text", sa.String(length=200), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("precision", sa.String(length=20), nullable=False),
        sa.Column("tentative", sa.Boolean(), nullable=False),
        sa.Column("officials", sa.Integer(), nullable=True),
        sa.Column("officials_profile", sa.Text(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("interpretation", sa.Boolean(), nullable=False),
        sa.Column("contact_name", sa.String(length=200), nullable=False),
        sa.Column("contact_email", sa.String(length=254), nullable=False),
        sa.Column("contact_locale", sa.String(length=20), nullable=True),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("decline_reason", sa.Text(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("report_filename", sa.String(length=200), nullable=True),
        sa.Column("report_stored_as", sa.String(length=100), nullable=True),
        sa.Column("report_experience", sa.Text(), nullable=False),
        sa.Column("report_adaptations", sa.Text(), nullable=False),
        sa.Column("report_recommendations", sa.Text(), nullable=False),
        sa.Column("report_received_at", sa.DateTime(), nullable=True),
        sa.Column("report_reminded_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('workshop', 'internship', 'course_place', 'technical_assistance')",
            name=op.f("ck_authority_requests_kind"),
        ),
        sa.CheckConstraint(
            "precision IN ('day', 'week', 'part_of_month', 'month', 'season', 'year')",
            name=op.f("ck_authority_requests_precision"),
        ),
        sa.CheckConstraint(
            "status != 'declined' OR length(decline_reason) > 0",
            name=op.f("ck_authority_requests_declined_with_reason"),
        ),
        sa.CheckConstraint(
            "status IN ('new', 'under_discussion', 'accepted', 'scheduled', 'declined', 'withdrawn')",
            name=op.f("ck_authority_requests_status"),
        ),
        sa.CheckConstraint(
            "ends_on >= starts_on", name=op.f("ck_authority_requests_window_in_order")
        ),
        sa.CheckConstraint(
            "length(authority_name) > 0", name=op.f("ck_authority_requests_authority_not_empty")
        ),
        sa.CheckConstraint(
            "officials IS NULL OR officials BETWEEN 1 AND 200",
            name=op.f("ck_authority_requests_officials"),
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["users.id"],
            name=op.f("fk_authority_requests_account_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["country_code"],
            ["countries.code"],
            name=op.f("fk_authority_requests_country_code_countries"),
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_authority_requests_event_id_events"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_authority_requests_organisation_id_organisations"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_authority_requests")),
    )
    with op.batch_alter_table("authority_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_authority_requests_confirmed_at"), ["confirmed_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_authority_requests_country_code"), ["country_code"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_authority_requests_event_id"), ["event_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_authority_requests_status"), ["status"], unique=False)

    op.create_table(
        "authority_request_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.Column("by_name", sa.String(length=200), nullable=False),
        sa.Column("what", sa.String(length=30), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["by_id"],
            ["users.id"],
            name=op.f("fk_authority_request_changes_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["authority_requests.id"],
            name=op.f("fk_authority_request_changes_request_id_authority_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_authority_request_changes")),
    )
    with op.batch_alter_table("authority_request_changes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_authority_request_changes_request_id"), ["request_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("authority_request_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_authority_request_changes_request_id"))

    op.drop_table("authority_request_changes")
    with op.batch_alter_table("authority_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_authority_requests_status"))
        batch_op.drop_index(batch_op.f("ix_authority_requests_event_id"))
        batch_op.drop_index(batch_op.f("ix_authority_requests_country_code"))
        batch_op.drop_index(batch_op.f("ix_authority_requests_confirmed_at"))

    op.drop_table("authority_requests")
