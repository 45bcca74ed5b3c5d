"""Sessions that can be ended (a session version per account); dates within 1900–2200; sign-in
links asked for, sent by the worker.

Revision ID: 0007_hardening
Revises: 0006_calendar_text
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_hardening"
down_revision = "0006_calendar_text"
branch_labels = None
depends_on = None


def _within(column: str) -> str:
    return f"{column} >= '1900-01-01' AND {column} < '2201-01-01'"


EVENT_COLUMNS = ("starts_on", "ends_on", "starts_at", "ends_at")
TRAVEL_AND_WINDOW_COLUMNS = {
    "registration_settings": ("opens_on", "closes_on"),
    "registrations": ("arrival_on", "departure_on"),
}


def upgrade():
    op.add_column(
        "users",
        sa.Column("session_version", sa.Integer(), server_default="0", nullable=False),
    )
    with op.batch_alter_table("events") as batch:
        for column in EVENT_COLUMNS:
            batch.create_check_constraint(op.f(f"ck_events_{column}_in_calendar"), _within(column))
    with op.batch_alter_table("programmes") as batch:
        batch.create_check_constraint(
            op.f("ck_programmes_years_in_calendar"),
            "first_year BETWEEN 1900 AND 2200 AND (last_year IS NULL OR last_year <= 2200)",
        )
    with op.batch_alter_table("agenda_sessions") as batch:
        batch.create_check_constraint(op.f("ck_agenda_sessions_day_in_calendar"), _within("day"))
    for table, columns in TRAVEL_AND_WINDOW_COLUMNS.items():
        with op.batch_alter_table(table) as batch:
            for column in columns:
                batch.create_check_constraint(op.f(f"ck_{table}_{column}_in_calendar"), _within(column))
    op.create_table(
        "login_link_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_link_requests")),
    )


def downgrade():
    op.drop_table("login_link_requests")
    for table, columns in TRAVEL_AND_WINDOW_COLUMNS.items():
        with op.batch_alter_table(table) as batch:
            for column in columns:
                batch.drop_constraint(op.f(f"ck_{table}_{column}_in_calendar"), type_="check")
    with op.batch_alter_table("agenda_sessions") as batch:
        batch.drop_constraint(op.f("ck_agenda_sessions_day_in_calendar"), type_="check")
    with op.batch_alter_table("programmes") as batch:
        batch.drop_constraint(op.f("ck_programmes_years_in_calendar"), type_="check")
    with op.batch_alter_table("events") as batch:
        for column in EVENT_COLUMNS:
            batch.drop_constraint(op.f(f"ck_events_{column}_in_calendar"), type_="check")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("session_version")
