"""The action log: who did what, when, to which object, with what data (``core.actions``).

The requests' timeline (``authority_request_changes``) becomes lines of the log, and its table
goes: a status change is ``request.status_changed`` (the first, "new", is ``request.sent``), a
note ``request.note_added``, an email ``request.emailed`` (sent by the site unless a staff member
caused it), a final report ``request.report_received``. Going down puts them back (the other
lines of the log have nowhere to go, and go with it).

Revision ID: 0022_action_log
Revises: 0021_question_engine
"""

import sqlalchemy as sa
from alembic import op

revision = "0022_action_log"
down_revision = "0021_question_engine"
branch_labels = None
depends_on = None

ACTION_LOG = sa.table(
    "action_log",
    sa.column("id", sa.Integer),
    sa.column("at", sa.DateTime),
    sa.column("actor_id", sa.Integer),
    sa.column("actor_name", sa.String),
    sa.column("action", sa.String),
    sa.column("object_type", sa.String),
    sa.column("object_id", sa.Integer),
    sa.column("label", sa.String),
    sa.column("event_id", sa.Integer),
    sa.column("account_id", sa.Integer),
    sa.column("data", sa.JSON),
)
CHANGES = sa.table(
    "authority_request_changes",
    sa.column("id", sa.Integer),
    sa.column("request_id", sa.Integer),
    sa.column("at", sa.DateTime),
    sa.column("by_id", sa.Integer),
    sa.column("by_name", sa.String),
    sa.column("what", sa.String),
    sa.column("status", sa.String),
    sa.column("text", sa.Text),
)
REQUESTS = sa.table(
    "authority_requests",
    sa.column("id", sa.Integer),
    sa.column("authority_name", sa.String),
    sa.column("contact_name", sa.String),
    sa.column("event_id", sa.Integer),
    sa.column("account_id", sa.Integer),
)
EMAIL_TO = " → "  # the old timeline wrote an email as "subject → address"


def upgrade():
    op.create_table(
        "action_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_name", sa.String(length=254), nullable=True),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("object_type", sa.String(length=40), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=True),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.CheckConstraint("length(action) > 0", name=op.f("ck_action_log_action_not_empty")),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["users.id"],
            name=op.f("fk_action_log_account_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["users.id"],
            name=op.f("fk_action_log_actor_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_action_log_event_id_events"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_log")),
    )
    with op.batch_alter_table("action_log") as batch:
        batch.create_index("ix_action_log_account_id_at", ["account_id", "at"])
        batch.create_index("ix_action_log_actor_id_at", ["actor_id", "at"])
        batch.create_index("ix_action_log_event_id_at", ["event_id", "at"])
        batch.create_index("ix_action_log_object", ["object_type", "object_id"])

    connection = op.get_bind()
    rows = connection.execute(
        sa.select(CHANGES, REQUESTS.c.authority_name, REQUESTS.c.event_id, REQUESTS.c.account_id)
        .join(REQUESTS, REQUESTS.c.id == CHANGES.c.request_id)
        .order_by(CHANGES.c.id)
    ).all()
    lines = [_line(row) for row in rows]
    if lines:
        op.bulk_insert(ACTION_LOG, lines)

    with op.batch_alter_table("authority_request_changes") as batch:
        batch.drop_index(batch.f("ix_authority_request_changes_request_id"))
    op.drop_table("authority_request_changes")


def _line(row) -> dict:
    """A line of the old timeline as a line of the action log."""
    action, data = {
        "note": ("request.note_added", {"text": row.text}),
        "report": ("request.report_received", {}),
        "email": ("request.emailed", _email(row.text)),
    }.get(row.what) or (
        ("request.sent", {})
        if row.status == "new"
        else ("request.status_changed", {"status": row.status, "text": row.text})
    )
    by_the_site = row.what == "email" and row.by_id is None  # it named the contact
    return {
        "at": row.at,
        "actor_id": row.by_id,
        "actor_name": None if by_the_site else row.by_name,
        "action": action,
        "object_type": "request",
        "object_id": row.request_id,
        "label": row.authority_name,
        "event_id": row.event_id,
        "account_id": row.account_id,
        "data": data,
    }


def _email(text: str) -> dict:
    subject, sep, to = (text or "").rpartition(EMAIL_TO)
    return {"subject": subject, "to": to} if sep else {"subject": text}


def downgrade():
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
    with op.batch_alter_table("authority_request_changes") as batch:
        batch.create_index(
            batch.f("ix_authority_request_changes_request_id"), ["request_id"], unique=False
        )

    connection = op.get_bind()
    rows = connection.execute(
        sa.select(ACTION_LOG, REQUESTS.c.contact_name)
        .join(REQUESTS, REQUESTS.c.id == ACTION_LOG.c.object_id)
        .where(ACTION_LOG.c.object_type == "request")
        .order_by(ACTION_LOG.c.at, ACTION_LOG.c.id)
    ).all()
    changes = [_change(row) for row in rows]
    if changes:
        op.bulk_insert(CHANGES, changes)

    with op.batch_alter_table("action_log") as batch:
        batch.drop_index("ix_action_log_object")
        batch.drop_index("ix_action_log_event_id_at")
        batch.drop_index("ix_action_log_actor_id_at")
        batch.drop_index("ix_action_log_account_id_at")
    op.drop_table("action_log")


def _change(row) -> dict:
    """A line of the action log about a request as a line of the old timeline."""
    data = row.data or {}
    what, status, text = {
        "request.sent": ("status", "new", "Request received"),
        "request.status_changed": ("status", data.get("status"), data.get("text") or ""),
        "request.note_added": ("note", None, data.get("text") or ""),
        "request.report_received": ("report", None, "Final report received"),
    }.get(row.action) or (
        "email",
        None,
        EMAIL_TO.join(p for p in (data.get("subject"), data.get("to")) if p),
    )
    return {
        "request_id": row.object_id,
        "at": row.at,
        "by_id": row.actor_id,
        "by_name": (row.actor_name or row.contact_name)[:200],
        "what": what,
        "status": status,
        "text": text,
    }
