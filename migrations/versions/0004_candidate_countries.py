"""Candidate countries of an event: those that have shown interest (CICIE's calendar).

Revision ID: 0004_candidate_countries
Revises: 0003_calendars
"""

from alembic import op

revision = "0004_candidate_countries"
down_revision = "0003_calendars"
branch_labels = None
depends_on = None


def _allow(roles: str) -> None:
    with op.batch_alter_table("event_countries") as batch_op:
        batch_op.drop_constraint(op.f("ck_event_countries_role"), type_="check")
        batch_op.create_check_constraint(op.f("ck_event_countries_role"), f"role IN ({roles})")


def upgrade():
    _allow("'requesting', 'candidate', 'participant'")


def downgrade():
    op.execute("DELETE FROM event_countries WHERE role = 'candidate'")
    _allow("'requesting', 'participant'")
