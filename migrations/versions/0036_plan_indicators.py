"""Plan indicators that fill themselves: the events that carry a plan item out, and the measure
an item's indicator is computed by (one of the registry's names, ``plans.measures``).

Revision ID: 0036_plan_indicators
Revises: 0032_per_diem
"""

import sqlalchemy as sa
from alembic import op

revision = "0036_plan_indicators"
down_revision = "0035_follow_up"
branch_labels = None
depends_on = None

# plans.measures.MEASURE_NAMES as of this revision (written out: a revision never changes).
MEASURES = (
    "events_held",
    "participants",
    "women",
    "men",
    "women_share",
    "authorities",
    "countries",
    "trained_trainers",
    "evaluation_mean",
    "completion_rate",
    "learning_gain",
    "follow_up_response_rate",
)


def upgrade():
    op.create_table(
        "plan_item_events",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("training_of_trainers", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_plan_item_events_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["plan_items.id"],
            name=op.f("fk_plan_item_events_item_id_plan_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("item_id", "event_id", name=op.f("pk_plan_item_events")),
    )
    op.create_index(
        op.f("ix_plan_item_events_event_id"), "plan_item_events", ["event_id"], unique=False
    )
    allowed = ", ".join(f"'{name}'" for name in MEASURES)
    op.create_table(
        "plan_indicator_measures",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("measure", sa.String(length=40), nullable=False),
        sa.CheckConstraint(
            f"measure IN ({allowed})", name=op.f("ck_plan_indicator_measures_measure")
        ),
        sa.CheckConstraint("position >= 0", name=op.f("ck_plan_indicator_measures_position")),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["plan_items.id"],
            name=op.f("fk_plan_indicator_measures_item_id_plan_items"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("item_id", "position", name=op.f("pk_plan_indicator_measures")),
    )


def downgrade():
    op.drop_table("plan_indicator_measures")
    op.drop_index(op.f("ix_plan_item_events_event_id"), table_name="plan_item_events")
    op.drop_table("plan_item_events")
