"""Duplicates of people: the record of each merge (what moved, to undo it) and the pairs staff
said are two people (``person_merges``, ``distinct_persons``). Going down drops them.

Revision ID: 0026_person_merges
Revises: 0025_people
"""

import sqlalchemy as sa
from alembic import op

revision = "0026_person_merges"
down_revision = "0025_people"
branch_labels = None
depends_on = None


def _person(column: str, table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], ["persons.id"], name=op.f(f"fk_{table}_{column}_persons"), ondelete="CASCADE"
    )


def _actor(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["actor_id"], ["users.id"], name=op.f(f"fk_{table}_actor_id_users"), ondelete="SET NULL"
    )


def upgrade():
    op.create_table(
        "person_merges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("keep_id", sa.Integer(), nullable=False),
        sa.Column("other_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_name", sa.String(length=254), nullable=False),
        sa.Column("moved", sa.JSON(), nullable=False),
        sa.Column("kept_before", sa.JSON(), nullable=False),
        sa.Column("undone_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("keep_id != other_id", name=op.f("ck_person_merges_two_people")),
        _person("keep_id", "person_merges"),
        _person("other_id", "person_merges"),
        _actor("person_merges"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_merges")),
    )
    op.create_table(
        "distinct_persons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("first_id", sa.Integer(), nullable=False),
        sa.Column("second_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("first_id < second_id", name=op.f("ck_distinct_persons_ordered")),
        _person("first_id", "distinct_persons"),
        _person("second_id", "distinct_persons"),
        _actor("distinct_persons"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_distinct_persons")),
        sa.UniqueConstraint(
            "first_id", "second_id", name=op.f("uq_distinct_persons_first_id_second_id")
        ),
    )
    for table, columns in (
        ("person_merges", ("keep_id", "other_id")),
        ("distinct_persons", ("first_id", "second_id")),
    ):
        for column in columns:
            op.create_index(op.f(f"ix_{table}_{column}"), table, [column])


def downgrade():
    op.drop_table("distinct_persons")
    op.drop_table("person_merges")
