"""Names that go into emails hold no line break, and an organisation typed in by someone whose
address is not confirmed waits on the registration (``new_organisation``) instead of being listed
for everyone.

Line breaks already in those names become spaces (an organisation's name that would then equal
another's gets " (2)"), and control characters leave the final reports' file names, before the
constraints are added.

Revision ID: 0018_one_line_names
Revises: 0017_event_translations
"""

import sqlalchemy as sa
from alembic import op

revision = "0018_one_line_names"
down_revision = "0017_event_translations"
branch_labels = None
depends_on = None

KINDS = (
    "'electoral_management_body', 'electoral_court', 'government', 'parliament', "
    "'political_party', 'civil_society', 'academia', 'media', 'international_organisation', "
    "'un_agency', 'donor'"
)
# (table, column) of the names that go into emails.
ONE_LINE = (
    ("registrations", "name"),
    ("users", "name"),
    ("organisations", "name"),
    ("authority_requests", "authority_name"),
    ("authority_requests", "contact_name"),
    ("authority_requests", "report_filename"),
)


def one_line(column: str) -> str:
    return f"{column} NOT LIKE '%\n%' AND {column} NOT LIKE '%\r%'"


def on_one_line(connection, table: str, column: str, unique: bool) -> None:
    """Line breaks become spaces; a unique name that would then equal another gets " (2)"."""
    rows = connection.execute(
        sa.text(f"SELECT id, {column} FROM {table} WHERE {column} LIKE :n OR {column} LIKE :r"),
        {"n": "%\n%", "r": "%\r%"},
    ).all()
    taken = set(connection.execute(sa.text(f"SELECT {column} FROM {table}")).scalars())
    for row_id, value in rows:
        name = value.replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
        candidate, n = name, 1
        while unique and candidate in taken:
            n += 1
            suffix = f" ({n})"
            candidate = name[: 200 - len(suffix)] + suffix  # names hold 200 characters
        taken.add(candidate)
        connection.execute(
            sa.text(f"UPDATE {table} SET {column} = :v WHERE id = :id"), {"v": candidate, "id": row_id}
        )


def upgrade():
    connection = op.get_bind()
    for table, column in ONE_LINE:
        on_one_line(connection, table, column, unique=table == "organisations")
    for character in [chr(n) for n in range(1, 32) if chr(n) not in "\r\n"] + ["\x7f"]:
        op.execute(
            sa.text(
                "UPDATE authority_requests SET report_filename = replace(report_filename, :c, '')"
            ).bindparams(c=character)
        )
    with op.batch_alter_table("registrations") as batch:
        batch.add_column(sa.Column("new_organisation", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("new_organisation_kind", sa.String(length=40), nullable=True))
        batch.create_check_constraint("name_one_line", one_line("name"))
        batch.create_check_constraint(
            "new_organisation_or_chosen",
            "(new_organisation IS NULL) = (new_organisation_kind IS NULL)"
            " AND (new_organisation IS NULL OR organisation_id IS NULL)",
        )
        batch.create_check_constraint(
            "new_organisation_kind",
            f"new_organisation_kind IS NULL OR new_organisation_kind IN ({KINDS})",
        )
    for table, column in ONE_LINE[1:]:
        with op.batch_alter_table(table) as batch:
            batch.create_check_constraint(f"{column}_one_line", one_line(column))


def downgrade():
    for table, column in reversed(ONE_LINE[1:]):
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(op.f(f"ck_{table}_{column}_one_line"), type_="check")
    with op.batch_alter_table("registrations") as batch:
        batch.drop_constraint(op.f("ck_registrations_new_organisation_kind"), type_="check")
        batch.drop_constraint(op.f("ck_registrations_new_organisation_or_chosen"), type_="check")
        batch.drop_constraint(op.f("ck_registrations_name_one_line"), type_="check")
        batch.drop_column("new_organisation_kind")
        batch.drop_column("new_organisation")
