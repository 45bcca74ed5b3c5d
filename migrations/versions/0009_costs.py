"""Cost sharing: cost rules, overrides, estimates and actual amounts, exchange rates.

Revision ID: 0009_costs
Revises: 0008_registration_confirmation

Money is stored in hundredths (rates in millionths) as whole numbers: see costs/models.py.
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_costs"
down_revision = "0008_registration_confirmation"
branch_labels = None
depends_on = None

CATEGORIES = (
    "'air_ticket', 'lodging', 'meals', 'local_transport', 'organisation', 'specialists', "
    "'interpretation', 'expert_fees', 'expert_air_ticket', 'venue', 'other'"
)
ROLES = "'founder', 'visiting_authority', 'associate_partner', 'host', 'organisation'"
BASES = "'per_delegate', 'per_delegate_night', 'per_expert', 'per_event_day', 'lump_sum'"
REGIONS = "'Africa', 'Americas', 'Asia', 'Europe', 'Oceania'"


def _currency(table: str, column: str = "currency"):
    return sa.CheckConstraint(
        f"length({column}) = 3 AND {column} = upper({column})", name=op.f(f"ck_{table}_{column}")
    )


def _programme(table: str):
    return sa.Column(
        "programme_id",
        sa.Integer(),
        sa.ForeignKey(
            "programmes.id", name=op.f(f"fk_{table}_programme_id_programmes"), ondelete="CASCADE"
        ),
        nullable=False,
    )


def _check(table: str, name: str, condition: str):
    return sa.CheckConstraint(condition, name=op.f(f"ck_{table}_{name}"))


def _payer(table: str):
    return [
        sa.Column("payer_role", sa.String(30), nullable=False),
        sa.Column(
            "payer_organisation_id",
            sa.Integer(),
            sa.ForeignKey(
                "organisations.id",
                name=op.f(f"fk_{table}_payer_organisation_id_organisations"),
                ondelete="CASCADE",
            ),
            nullable=True,
        ),
        _check(table, "payer_role", f"payer_role IN ({ROLES})"),
        _check(
            table,
            "named_payer",
            "(payer_role = 'organisation') = (payer_organisation_id IS NOT NULL)",
        ),
        _check(table, "category", f"category IN ({CATEGORIES})"),
    ]


def upgrade():
    op.create_table(
        "cost_settings",
        _programme("cost_settings"),
        sa.Column("currency", sa.String(3), nullable=False),
        _currency("cost_settings"),
        sa.PrimaryKeyConstraint("programme_id", name=op.f("pk_cost_settings")),
    )
    op.create_table(
        "cost_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "programme_id",
            sa.Integer(),
            sa.ForeignKey(
                "programmes.id",
                name=op.f("fk_cost_rules_programme_id_programmes"),
                ondelete="CASCADE",
            ),
            nullable=False,
        ),
        sa.Column("category", sa.String(30), nullable=False),
        *_payer("cost_rules"),
        sa.Column("basis", sa.String(30), nullable=False),
        sa.Column("note", sa.String(500), nullable=False),
        _check("cost_rules", "basis", f"basis IN ({BASES})"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cost_rules")),
        sa.UniqueConstraint(
            "programme_id", "category", name=op.f("uq_cost_rules_programme_id_category")
        ),
    )
    op.create_table(
        "cost_shares",
        sa.Column(
            "rule_id",
            sa.Integer(),
            sa.ForeignKey(
                "cost_rules.id", name=op.f("fk_cost_shares_rule_id_cost_rules"), ondelete="CASCADE"
            ),
            nullable=False,
        ),
        sa.Column(
            "organisation_id",
            sa.Integer(),
            sa.ForeignKey(
                "organisations.id",
                name=op.f("fk_cost_shares_organisation_id_organisations"),
                ondelete="CASCADE",
            ),
            nullable=False,
        ),
        sa.Column("percent", sa.BigInteger(), nullable=False),
        _check("cost_shares", "percent", "percent > 0 AND percent <= 10000"),
        sa.PrimaryKeyConstraint("rule_id", "organisation_id", name=op.f("pk_cost_shares")),
    )
    for table, part in (("unit_estimates", "category"), ("air_fares", "region")):
        op.create_table(
            table,
            _programme(table),
            sa.Column("year", sa.Integer(), nullable=False),
            sa.Column(part, sa.String(30 if part == "category" else 20), nullable=False),
            sa.Column("amount", sa.BigInteger(), nullable=False),
            sa.Column("currency", sa.String(3), nullable=False),
            _check(table, part, f"{part} IN ({CATEGORIES if part == 'category' else REGIONS})"),
            _check(table, "amount_not_negative", "amount >= 0"),
            _currency(table),
            sa.PrimaryKeyConstraint("programme_id", "year", part, name=op.f(f"pk_{table}")),
        )
    op.create_table(
        "exchange_rates",
        _programme("exchange_rates"),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("rate", sa.BigInteger(), nullable=False),
        _check("exchange_rates", "rate_positive", "rate > 0"),
        _currency("exchange_rates"),
        sa.PrimaryKeyConstraint("programme_id", "year", "currency", name=op.f("pk_exchange_rates")),
    )
    op.create_table(
        "cost_overrides",
        sa.Column(
            "event_id",
            sa.Integer(),
            sa.ForeignKey(
                "events.id", name=op.f("fk_cost_overrides_event_id_events"), ondelete="CASCADE"
            ),
            nullable=False,
        ),
        sa.Column("category", sa.String(30), nullable=False),
        *_payer("cost_overrides"),
        sa.PrimaryKeyConstraint("event_id", "category", name=op.f("pk_cost_overrides")),
    )
    op.create_table(
        "actual_amounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "event_id",
            sa.Integer(),
            sa.ForeignKey(
                "events.id", name=op.f("fk_actual_amounts_event_id_events"), ondelete="CASCADE"
            ),
            nullable=False,
        ),
        sa.Column("category", sa.String(30), nullable=False),
        sa.Column("payer", sa.String(40), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        _check("actual_amounts", "category", f"category IN ({CATEGORIES})"),
        _check("actual_amounts", "amount_not_negative", "amount >= 0"),
        _currency("actual_amounts"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_actual_amounts")),
        sa.UniqueConstraint(
            "event_id", "category", "payer", name=op.f("uq_actual_amounts_event_id_category_payer")
        ),
    )
    op.create_index(op.f("ix_actual_amounts_event_id"), "actual_amounts", ["event_id"])


def downgrade():
    op.drop_index(op.f("ix_actual_amounts_event_id"), table_name="actual_amounts")
    for table in (
        "actual_amounts",
        "cost_overrides",
        "exchange_rates",
        "air_fares",
        "unit_estimates",
        "cost_shares",
        "cost_rules",
        "cost_settings",
    ):
        op.drop_table(table)
