"""Delegations: authorities invited to nominate officials through a focal point, their
nominees in order, and each programme's aim for women among those approved. Registration
settings may take officials "by nomination of the authorities".

Revision ID: 0029_delegations
Revises: 0028_login_link_language
"""

import sqlalchemy as sa
from alembic import op

revision = "0029_delegations"
down_revision = "0028_login_link_language"
branch_labels = None
depends_on = None


ACCESS_BEFORE = "access IN ('open', 'invitation')"
ACCESS_AFTER = "access IN ('open', 'invitation', 'nomination')"


def _access(condition: str) -> None:
    with op.batch_alter_table("registration_settings") as batch_op:
        batch_op.drop_constraint(op.f("ck_registration_settings_access"), type_="check")
        batch_op.create_check_constraint(op.f("ck_registration_settings_access"), condition)


def upgrade():
    _access(ACCESS_AFTER)
    with op.batch_alter_table("registrations") as batch_op:
        batch_op.add_column(
            sa.Column("nominated", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table(
        "delegation_targets",
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("women_percent", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "women_percent BETWEEN 0 AND 100", name=op.f("ck_delegation_targets_women_percent")
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_delegation_targets_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("programme_id", name=op.f("pk_delegation_targets")),
    )
    op.create_table(
        "delegations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("focal_person_id", sa.Integer(), nullable=True),
        sa.Column("focal_name", sa.String(length=200), nullable=False),
        sa.Column("focal_email", sa.String(length=254), nullable=False),
        sa.Column("focal_language", sa.String(length=20), nullable=False),
        sa.Column("funded_places", sa.Integer(), nullable=False),
        sa.Column("self_funded_places", sa.Integer(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("letter_required", sa.Boolean(), nullable=False),
        sa.Column("letter_name", sa.String(length=200), nullable=True),
        sa.Column("letter_stored", sa.String(length=64), nullable=True),
        sa.Column("letter_at", sa.DateTime(), nullable=True),
        sa.Column("invited_at", sa.DateTime(), nullable=False),
        sa.Column("invited_by_id", sa.Integer(), nullable=True),
        sa.Column("opened_at", sa.DateTime(), nullable=True),
        sa.Column("link_version", sa.Integer(), nullable=False),
        sa.Column("link_used", sa.Boolean(), nullable=False),
        sa.Column("frozen_at", sa.DateTime(), nullable=True),
        sa.Column("reminded_at", sa.DateTime(), nullable=True),
        sa.Column("last_call_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "deadline >= '1900-01-01' AND deadline < '2201-01-01'",
            name=op.f("ck_delegations_deadline_in_calendar"),
        ),
        sa.CheckConstraint(
            "focal_name NOT LIKE '%\n%' AND focal_name NOT LIKE '%\r%'",
            name=op.f("ck_delegations_focal_name_one_line"),
        ),
        sa.CheckConstraint(
            "(letter_stored IS NULL) = (letter_name IS NULL)",
            name=op.f("ck_delegations_letter_name_with_file"),
        ),
        sa.CheckConstraint(
            "focal_email = lower(focal_email)", name=op.f("ck_delegations_focal_email_lower_case")
        ),
        sa.CheckConstraint(
            "funded_places + self_funded_places >= 1", name=op.f("ck_delegations_some_place")
        ),
        sa.CheckConstraint(
            "funded_places >= 0 AND self_funded_places >= 0", name=op.f("ck_delegations_places")
        ),
        sa.CheckConstraint(
            "length(focal_name) > 0", name=op.f("ck_delegations_focal_name_not_empty")
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_delegations_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["focal_person_id"],
            ["persons.id"],
            name=op.f("fk_delegations_focal_person_id_persons"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["invited_by_id"],
            ["users.id"],
            name=op.f("fk_delegations_invited_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_delegations_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delegations")),
        sa.UniqueConstraint(
            "event_id", "organisation_id", name=op.f("uq_delegations_event_id_organisation_id")
        ),
    )
    with op.batch_alter_table("delegations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_delegations_event_id"), ["event_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_delegations_focal_person_id"), ["focal_person_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_delegations_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "nominations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("delegation_id", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("gender", sa.String(length=20), nullable=False),
        sa.Column("position", sa.String(length=200), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=True),
        sa.Column("substitutes_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=20), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("nominated_at", sa.DateTime(), nullable=False),
        sa.Column("placed_at", sa.DateTime(), nullable=True),
        sa.Column("completed_at", sa.DateTime(), nullable=True),
        sa.Column("flagged_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "gender IN ('female', 'male', 'other', 'undisclosed')",
            name=op.f("ck_nominations_gender"),
        ),
        sa.CheckConstraint(
            "name NOT LIKE '%\n%' AND name NOT LIKE '%\r%'",
            name=op.f("ck_nominations_name_one_line"),
        ),
        sa.CheckConstraint(
            "reason IS NULL OR reason IN ('profile', 'language', 'already_trained', 'capacity', 'balance', 'late', 'letter', 'other')",
            name=op.f("ck_nominations_reason"),
        ),
        sa.CheckConstraint(
            "state IN ('nominated', 'withdrawn', 'substituted')", name=op.f("ck_nominations_state")
        ),
        sa.CheckConstraint("email = lower(email)", name=op.f("ck_nominations_email_lower_case")),
        sa.CheckConstraint("length(name) > 0", name=op.f("ck_nominations_name_not_empty")),
        sa.CheckConstraint("rank >= 1", name=op.f("ck_nominations_rank")),
        sa.ForeignKeyConstraint(
            ["delegation_id"],
            ["delegations.id"],
            name=op.f("fk_nominations_delegation_id_delegations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_nominations_registration_id_registrations"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["substitutes_id"],
            ["nominations.id"],
            name=op.f("fk_nominations_substitutes_id_nominations"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nominations")),
        sa.UniqueConstraint("registration_id", name=op.f("uq_nominations_registration_id")),
    )
    with op.batch_alter_table("nominations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_nominations_delegation_id"), ["delegation_id"], unique=False
        )


def downgrade():
    op.execute("UPDATE registration_settings SET access = 'invitation' WHERE access = 'nomination'")
    _access(ACCESS_BEFORE)
    with op.batch_alter_table("registrations") as batch_op:
        batch_op.drop_column("nominated")
    with op.batch_alter_table("nominations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_nominations_delegation_id"))

    op.drop_table("nominations")
    with op.batch_alter_table("delegations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delegations_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_delegations_focal_person_id"))
        batch_op.drop_index(batch_op.f("ix_delegations_event_id"))

    op.drop_table("delegations")
    op.drop_table("delegation_targets")
