"""Registrations from the public form await the confirmation of their email address.

Revision ID: 0008_registration_confirmation
Revises: 0007_hardening
"""

from alembic import op

revision = "0008_registration_confirmation"
down_revision = "0007_hardening"
branch_labels = None
depends_on = None

STATUSES = "'pending', 'approved', 'waitlisted', 'declined', 'withdrawn', 'attended'"


def _statuses(allowed: str) -> None:
    with op.batch_alter_table("registrations") as batch:
        batch.drop_constraint(op.f("ck_registrations_status"), type_="check")
        batch.create_check_constraint(op.f("ck_registrations_status"), f"status IN ({allowed})")


def upgrade():
    _statuses(f"'unconfirmed', {STATUSES}")


def downgrade():
    # Unconfirmed registrations never counted: they go with the status.
    op.execute("DELETE FROM registrations WHERE status = 'unconfirmed'")
    _statuses(STATUSES)
