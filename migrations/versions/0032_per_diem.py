"""Per diem in the budgets: a cost category of its own.

The tables that name a cost category (cost rules, unit estimates, overrides, actual amounts) take
``per_diem`` too; going back removes the rows that name it.

Revision ID: 0032_per_diem
Revises: 0031_letters
"""

from alembic import op

revision = "0032_per_diem"
down_revision = "0031_letters"
branch_labels = None
depends_on = None

BEFORE = (
    "air_ticket",
    "lodging",
    "meals",
    "local_transport",
    "organisation",
    "specialists",
    "interpretation",
    "expert_fees",
    "expert_air_ticket",
    "venue",
    "other",
)
AFTER = (*BEFORE[:3], "per_diem", *BEFORE[3:])  # in the order of costs.models.Category
TABLES = ("cost_rules", "unit_estimates", "cost_overrides", "actual_amounts")


def _categories(categories: tuple[str, ...]) -> None:
    allowed = ", ".join(f"'{c}'" for c in categories)
    for table in TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_constraint(op.f(f"ck_{table}_category"), type_="check")
            batch_op.create_check_constraint(
                op.f(f"ck_{table}_category"), f"category IN ({allowed})"
            )


def upgrade():
    _categories(AFTER)


def downgrade():
    op.execute(
        "DELETE FROM cost_shares WHERE rule_id IN "
        "(SELECT id FROM cost_rules WHERE category = 'per_diem')"
    )
    for table in TABLES:
        op.execute(f"DELETE FROM {table} WHERE category = 'per_diem'")
    _categories(BEFORE)
