"""Attendance per agenda session, the completion rule, and certificates of attendance.

``session_check_ins`` holds who was at which session (scanned, or ticked on the printed sheet).
The attendance settings hold the event's completion rule; the old minimum of days becomes a
rule on days with ``minimum_share = floor(100 × minimum days / the event's days)`` (none set:
100 %), which keeps the same people qualifying for events of up to 100 days. Going back turns
a rule on days into its minimum of days again (a rule on sessions is lost). Documents gain the
kind "attendance" (a certificate of attendance); going back removes those.

Revision ID: 0033_session_attendance
Revises: 0032_per_diem
"""

import math

import sqlalchemy as sa
from alembic import op

revision = "0033_session_attendance"
down_revision = "0032_per_diem"
branch_labels = None
depends_on = None

KINDS_BEFORE = "kind IN ('certificate', 'badge', 'visa_letter', 'acceptance_letter')"
KINDS_AFTER = "kind IN ('certificate', 'attendance', 'badge', 'visa_letter', 'acceptance_letter')"
CURRENT_OF_KIND = "ix_documents_current_of_kind"
NOT_REVOKED = "revoked_at IS NULL"


def _kinds(condition: str) -> None:
    # As in 0031: SQLite rebuilds the tables; the partial index is made again explicitly.
    with op.batch_alter_table("documents") as batch_op:
        batch_op.drop_index(
            CURRENT_OF_KIND,
            sqlite_where=sa.text(NOT_REVOKED),
            postgresql_where=sa.text(NOT_REVOKED),
        )
        batch_op.drop_constraint(op.f("ck_documents_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_documents_kind"), condition)
        batch_op.create_index(
            CURRENT_OF_KIND,
            ["registration_id", "kind"],
            unique=True,
            sqlite_where=sa.text(NOT_REVOKED),
            postgresql_where=sa.text(NOT_REVOKED),
        )
    with op.batch_alter_table("document_texts") as batch_op:
        batch_op.drop_constraint(op.f("ck_document_texts_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_document_texts_kind"), condition)


def _lengths() -> dict[int, int]:
    """Each event: its number of days."""
    events = sa.table(
        "events",
        sa.column("id", sa.Integer()),
        sa.column("starts_on", sa.Date()),
        sa.column("ends_on", sa.Date()),
    )
    rows = op.get_bind().execute(sa.select(events.c.id, events.c.starts_on, events.c.ends_on))
    return {event_id: (ends - starts).days + 1 for event_id, starts, ends in rows}


def upgrade():
    op.create_table(
        "session_check_ins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("checked_in_at", sa.DateTime(), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.CheckConstraint("source IN ('scan', 'sheet')", name=op.f("ck_session_check_ins_source")),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_session_check_ins_registration_id_registrations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["agenda_sessions.id"],
            name=op.f("fk_session_check_ins_session_id_agenda_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session_check_ins")),
        sa.UniqueConstraint(
            "registration_id",
            "session_id",
            name=op.f("uq_session_check_ins_registration_id_session_id"),
        ),
    )
    op.create_index(
        op.f("ix_session_check_ins_session_id"), "session_check_ins", ["session_id"], unique=False
    )
    with op.batch_alter_table("attendance_settings") as batch_op:
        batch_op.add_column(
            sa.Column("basis", sa.String(length=10), server_default="days", nullable=False)
        )
        batch_op.add_column(
            sa.Column("minimum_share", sa.SmallInteger(), server_default="100", nullable=False)
        )
        batch_op.add_column(sa.Column("minimum_post_score", sa.SmallInteger(), nullable=True))
        batch_op.add_column(
            sa.Column("attendance_certificates", sa.Boolean(), server_default="0", nullable=False)
        )
    settings = sa.table(
        "attendance_settings",
        sa.column("event_id", sa.Integer()),
        sa.column("certificate_minimum_days", sa.Integer()),
        sa.column("minimum_share", sa.SmallInteger()),
    )
    lengths = _lengths()
    bind = op.get_bind()
    for event_id, minimum in bind.execute(
        sa.select(settings.c.event_id, settings.c.certificate_minimum_days)
    ).all():
        days = lengths[event_id]
        share = 100 if minimum is None else max(1, min(100, 100 * min(minimum, days) // days))
        bind.execute(
            settings.update().where(settings.c.event_id == event_id).values(minimum_share=share)
        )
    with op.batch_alter_table("attendance_settings") as batch_op:
        batch_op.drop_constraint(
            op.f("ck_attendance_settings_certificate_minimum_days"), type_="check"
        )
        batch_op.drop_column("certificate_minimum_days")
        batch_op.create_check_constraint(
            op.f("ck_attendance_settings_basis"), "basis IN ('sessions', 'days')"
        )
        batch_op.create_check_constraint(
            op.f("ck_attendance_settings_minimum_share"), "minimum_share BETWEEN 1 AND 100"
        )
        batch_op.create_check_constraint(
            op.f("ck_attendance_settings_minimum_post_score"),
            "minimum_post_score IS NULL OR minimum_post_score BETWEEN 1 AND 100",
        )
    _kinds(KINDS_AFTER)


def downgrade():
    op.execute("DELETE FROM documents WHERE kind = 'attendance'")
    op.execute("DELETE FROM document_texts WHERE kind = 'attendance'")
    _kinds(KINDS_BEFORE)
    with op.batch_alter_table("attendance_settings") as batch_op:
        batch_op.add_column(sa.Column("certificate_minimum_days", sa.Integer(), nullable=True))
    settings = sa.table(
        "attendance_settings",
        sa.column("event_id", sa.Integer()),
        sa.column("certificate_minimum_days", sa.Integer()),
        sa.column("basis", sa.String()),
        sa.column("minimum_share", sa.SmallInteger()),
    )
    lengths = _lengths()
    bind = op.get_bind()
    for event_id, basis, share in bind.execute(
        sa.select(settings.c.event_id, settings.c.basis, settings.c.minimum_share)
    ).all():
        days = lengths[event_id]
        minimum = math.ceil(share * days / 100) if basis == "days" else None
        bind.execute(
            settings.update()
            .where(settings.c.event_id == event_id)
            .values(certificate_minimum_days=None if minimum in (None, days) else max(1, minimum))
        )
    with op.batch_alter_table("attendance_settings") as batch_op:
        batch_op.drop_constraint(op.f("ck_attendance_settings_basis"), type_="check")
        batch_op.drop_constraint(op.f("ck_attendance_settings_minimum_share"), type_="check")
        batch_op.drop_constraint(op.f("ck_attendance_settings_minimum_post_score"), type_="check")
        batch_op.drop_column("attendance_certificates")
        batch_op.drop_column("minimum_post_score")
        batch_op.drop_column("minimum_share")
        batch_op.drop_column("basis")
        batch_op.create_check_constraint(
            op.f("ck_attendance_settings_certificate_minimum_days"),
            "certificate_minimum_days IS NULL OR certificate_minimum_days >= 1",
        )
    op.drop_index(op.f("ix_session_check_ins_session_id"), table_name="session_check_ins")
    op.drop_table("session_check_ins")
