"""People across the years: one record per person (``persons``), the addresses they proved
(``person_emails``), and the person of each account, registration, speaker and request's contact.

Existing rows are given their people as the application would have: one person per address of
the confirmed registrations and confirmed requests (its details from the latest registration),
the accounts of those addresses, and a person for each speaker. Nothing is matched by name:
staff merge the duplicates. Going down drops them all.

Revision ID: 0025_people
Revises: 0024_message_languages
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from eventsapp.people.persons import name_key

revision = "0025_people"
down_revision = "0024_message_languages"
branch_labels = None
depends_on = None

GENDERS = "'female', 'male', 'other', 'undisclosed'"
# (table, column) pointing to a person.
LINKS = (
    ("users", "person_id"),
    ("registrations", "person_id"),
    ("speakers", "person_id"),
    ("authority_requests", "contact_person_id"),
)


def upgrade():
    op.create_table(
        "persons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.Column("gender", sa.String(length=20), nullable=True),
        sa.Column("country_code", sa.String(length=2), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.String(length=200), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("merged_into_id", sa.Integer(), nullable=True),
        sa.Column("erased_at", sa.DateTime(), nullable=True),
        sa.Column("alumni_since", sa.DateTime(), nullable=True),
        sa.Column("alumni_shows_email", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            f"gender IS NULL OR gender IN ({GENDERS})", name=op.f("ck_persons_gender")
        ),
        sa.CheckConstraint("length(name) > 0", name=op.f("ck_persons_name_not_empty")),
        sa.CheckConstraint(_one_line("name"), name=op.f("ck_persons_name_one_line")),
        sa.CheckConstraint(_one_line("position"), name=op.f("ck_persons_position_one_line")),
        sa.CheckConstraint(
            "merged_into_id IS NULL OR merged_into_id != id", name=op.f("ck_persons_not_into_self")
        ),
        sa.ForeignKeyConstraint(
            ["country_code"], ["countries.code"], name=op.f("fk_persons_country_code_countries")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_persons_organisation_id_organisations"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["merged_into_id"],
            ["persons.id"],
            name=op.f("fk_persons_merged_into_id_persons"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_persons")),
    )
    for column in ("name_key", "country_code", "organisation_id", "merged_into_id"):
        op.create_index(op.f(f"ix_persons_{column}"), "persons", [column])
    op.create_table(
        "person_emails",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("email = lower(email)", name=op.f("ck_person_emails_email_lower_case")),
        sa.CheckConstraint("length(email) > 0", name=op.f("ck_person_emails_email_not_empty")),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["persons.id"],
            name=op.f("fk_person_emails_person_id_persons"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_emails")),
        sa.UniqueConstraint("email", name=op.f("uq_person_emails_email")),
    )
    op.create_index(op.f("ix_person_emails_person_id"), "person_emails", ["person_id"])
    for table, column in LINKS:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column(column, sa.Integer(), nullable=True))
            batch.create_foreign_key(
                op.f(f"fk_{table}_{column}_persons"),
                "persons",
                [column],
                ["id"],
                ondelete="SET NULL",
            )
            batch.create_index(op.f(f"ix_{table}_{column}"), [column])
    _give_rows_their_people(op.get_bind())


def downgrade():
    for table, column in LINKS:
        with op.batch_alter_table(table) as batch:
            batch.drop_index(op.f(f"ix_{table}_{column}"))
            batch.drop_constraint(op.f(f"fk_{table}_{column}_persons"), type_="foreignkey")
            batch.drop_column(column)
    op.drop_table("person_emails")
    op.drop_table("persons")


def _one_line(column: str) -> str:
    return f"{column} NOT LIKE '%\n%' AND {column} NOT LIKE '%\r%'"


persons = sa.table(
    "persons",
    sa.column("id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("name_key", sa.String),
    sa.column("gender", sa.String),
    sa.column("country_code", sa.String),
    sa.column("organisation_id", sa.Integer),
    sa.column("position", sa.String),
    sa.column("languages", sa.JSON),
    sa.column("notes", sa.Text),
    sa.column("created_at", sa.DateTime),
    sa.column("alumni_shows_email", sa.Boolean),
)
person_emails = sa.table(
    "person_emails",
    sa.column("person_id", sa.Integer),
    sa.column("email", sa.String),
    sa.column("confirmed_at", sa.DateTime),
)


def _give_rows_their_people(bind) -> None:
    by_email: dict[str, int] = {}
    registrations = bind.execute(
        sa.text(
            "SELECT id, email, name, gender, country_code, organisation_id, position, consent_at"
            " FROM registrations WHERE status != 'unconfirmed' ORDER BY created_at DESC, id DESC"
        ).columns(consent_at=sa.DateTime())
    ).all()
    for row in registrations:  # the latest first: the person's details are its
        if row.email not in by_email:
            by_email[row.email] = _person(
                bind,
                row.name,
                row.gender,
                row.country_code,
                row.organisation_id,
                row.position,
                row.consent_at,
                email=row.email,
            )
        bind.execute(
            sa.text("UPDATE registrations SET person_id = :p WHERE id = :id"),
            {"p": by_email[row.email], "id": row.id},
        )
    requests = bind.execute(
        sa.text(
            "SELECT id, contact_email, contact_name, country_code, organisation_id, confirmed_at"
            " FROM authority_requests WHERE confirmed_at IS NOT NULL ORDER BY id"
        ).columns(confirmed_at=sa.DateTime())
    ).all()
    for row in requests:
        email = row.contact_email.strip().lower()
        if email not in by_email:
            by_email[email] = _person(
                bind,
                row.contact_name,
                None,
                row.country_code,
                row.organisation_id,
                "",
                row.confirmed_at,
                email=email,
            )
        bind.execute(
            sa.text("UPDATE authority_requests SET contact_person_id = :p WHERE id = :id"),
            {"p": by_email[email], "id": row.id},
        )
    for user_id, email in bind.execute(sa.text("SELECT id, email FROM users")).all():
        if (person_id := by_email.get(email.strip().lower())) is not None:
            bind.execute(
                sa.text("UPDATE users SET person_id = :p WHERE id = :id"),
                {"p": person_id, "id": user_id},
            )
    speakers = bind.execute(
        sa.text("SELECT id, name, role, country_code, organisation_id FROM speakers ORDER BY id")
    ).all()
    for row in speakers:
        person_id = _person(
            bind,
            row.name,
            None,
            row.country_code,
            row.organisation_id,
            (row.role or "")[:200],
            None,
        )
        bind.execute(
            sa.text("UPDATE speakers SET person_id = :p WHERE id = :id"),
            {"p": person_id, "id": row.id},
        )


def _person(bind, name, gender, country_code, organisation_id, position, at, email=None) -> int:
    now = datetime.now(UTC).replace(tzinfo=None)
    person_id = bind.execute(
        persons.insert().values(
            name=name,
            name_key=name_key(name),
            gender=gender,
            country_code=country_code,
            organisation_id=organisation_id,
            position=position or "",
            languages=[],
            notes="",
            created_at=at or now,
            alumni_shows_email=False,
        )
        .returning(persons.c.id)
    ).scalar_one()
    if email is not None:
        bind.execute(
            person_emails.insert().values(person_id=person_id, email=email, confirmed_at=at or now)
        )
    return person_id
