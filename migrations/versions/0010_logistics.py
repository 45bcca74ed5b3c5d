"""Logistics tasks and their weekly reminders, agenda templates, speakers as people, sessions that
share a room.

Revision ID: 0010_logistics
Revises: 0009_costs
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_logistics"
down_revision = "0009_costs"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "agenda_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("event_kind", sa.String(length=40), nullable=True),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "length(name) BETWEEN 1 AND 200", name=op.f("ck_agenda_templates_name_length")
        ),
        sa.CheckConstraint("days >= 1", name=op.f("ck_agenda_templates_days_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agenda_templates")),
        sa.UniqueConstraint("name", name=op.f("uq_agenda_templates_name")),
    )
    op.create_table(
        "agenda_template_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("template_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("starts", sa.Time(), nullable=False),
        sa.Column("ends", sa.Time(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("shares_room", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('presentation', 'plenary_discussion', 'team_work', 'country_presentations', 'recommendations_conclusions', 'panel', 'questions_answers', 'break', 'visit')",
            name=op.f("ck_agenda_template_items_kind"),
        ),
        sa.CheckConstraint("day >= 1", name=op.f("ck_agenda_template_items_day_positive")),
        sa.CheckConstraint("ends > starts", name=op.f("ck_agenda_template_items_ends_after_start")),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["agenda_templates.id"],
            name=op.f("fk_agenda_template_items_template_id_agenda_templates"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agenda_template_items")),
    )
    with op.batch_alter_table("agenda_template_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agenda_template_items_template_id"), ["template_id"], unique=False
        )

    op.create_table(
        "task_reminders",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("week_of", sa.Date(), nullable=False),
        sa.Column("tasks", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_task_reminders_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "week_of", name=op.f("pk_task_reminders")),
    )
    op.create_table(
        "tasks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("owner_name", sa.String(length=200), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("anchor", sa.String(length=10), nullable=True),
        sa.Column("offset_days", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "anchor IS NULL OR anchor IN ('start', 'end')", name=op.f("ck_tasks_anchor")
        ),
        sa.CheckConstraint(
            "due_on >= '1900-01-01' AND due_on < '2201-01-01'",
            name=op.f("ck_tasks_due_on_in_calendar"),
        ),
        sa.CheckConstraint(
            "status IN ('to_do', 'in_progress', 'done', 'blocked')", name=op.f("ck_tasks_status")
        ),
        sa.CheckConstraint(
            "(anchor IS NULL) = (offset_days IS NULL)", name=op.f("ck_tasks_relative_complete")
        ),
        sa.CheckConstraint("length(title) BETWEEN 1 AND 300", name=op.f("ck_tasks_title_length")),
        sa.CheckConstraint(
            "offset_days BETWEEN -3660 AND 3660", name=op.f("ck_tasks_offset_in_range")
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_tasks_event_id_events"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_tasks_owner_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tasks")),
    )
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tasks_event_id"), ["event_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_tasks_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_tasks_status"), ["status", "due_on"], unique=False)

    with op.batch_alter_table("agenda_sessions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("shares_room", sa.Boolean(), server_default="0", nullable=False)
        )
    op.create_table(
        "speakers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=300), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("country_code", sa.String(length=2), nullable=True),
        sa.CheckConstraint("length(name) BETWEEN 1 AND 200", name=op.f("ck_speakers_name_length")),
        sa.ForeignKeyConstraint(
            ["country_code"], ["countries.code"], name=op.f("fk_speakers_country_code_countries")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_speakers_organisation_id_organisations"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_speakers")),
        sa.UniqueConstraint("name_key", name=op.f("uq_speakers_name_key")),
    )
    op.create_table(
        "session_speakers",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("speaker_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["agenda_sessions.id"],
            name=op.f("fk_session_speakers_session_id_agenda_sessions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["speaker_id"],
            ["speakers.id"],
            name=op.f("fk_session_speakers_speaker_id_speakers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("session_id", "speaker_id", name=op.f("pk_session_speakers")),
    )
    _speakers_from_text()


def _speakers_from_text():
    """The people named in existing sessions' speakers ("Name, position", one a line)."""
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, speakers FROM agenda_sessions WHERE speakers <> ''"))
    people, links = {}, set()
    for session_id, speakers in rows:
        for line in speakers.splitlines():
            name, _comma, role = line.partition(",")
            name = " ".join(name.split())[:200]
            if name:
                people.setdefault(name.casefold(), (name, role.strip()[:300]))
                links.add((session_id, name.casefold()))
    ids = {}
    for key, (name, role) in people.items():
        ids[key] = bind.execute(
            sa.text(
                "INSERT INTO speakers (name, name_key, role) VALUES (:name, :key, :role) "
                "RETURNING id"
            ),
            {"name": name, "key": key, "role": role},
        ).scalar_one()
    for session_id, key in links:
        bind.execute(
            sa.text("INSERT INTO session_speakers (session_id, speaker_id) VALUES (:s, :p)"),
            {"s": session_id, "p": ids[key]},
        )


def downgrade():
    op.drop_table("session_speakers")
    op.drop_table("speakers")
    with op.batch_alter_table("agenda_sessions", schema=None) as batch_op:
        batch_op.drop_column("shares_room")

    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tasks_status"))
        batch_op.drop_index(batch_op.f("ix_tasks_owner_id"))
        batch_op.drop_index(batch_op.f("ix_tasks_event_id"))

    op.drop_table("tasks")
    op.drop_table("task_reminders")
    with op.batch_alter_table("agenda_template_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agenda_template_items_template_id"))

    op.drop_table("agenda_template_items")
    op.drop_table("agenda_templates")
