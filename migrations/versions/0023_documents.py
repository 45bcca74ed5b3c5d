"""Documents: a programme's look (centre, partners' logos, signatories, colours, paper,
wording per language), an event's choice of the badge with its approval email, and every
document issued with its serial and verification code (``documents``).

Certificates become documents of the kind "certificate", keeping their ids (the action log's
lines name them), codes (the addresses emailed), days attended and times; each gets a serial
("CICIE-2016-0001": its programme's acronym and its event's year, numbered in the order they
were issued). Emails waiting in the outbox get the files made as they leave (none). Going down
puts the certificates back, the last of each participant's (the older table held one each),
and the rest goes with its tables.

Revision ID: 0023_documents
Revises: 0022_action_log
"""

import re

import sqlalchemy as sa
from alembic import op

revision = "0023_documents"
down_revision = "0022_action_log"
branch_labels = None
depends_on = None

CERTIFICATES = sa.table(
    "certificates",
    sa.column("id", sa.Integer),
    sa.column("registration_id", sa.Integer),
    sa.column("code", sa.String),
    sa.column("days_attended", sa.Integer),
    sa.column("issued_at", sa.DateTime),
    sa.column("revoked_at", sa.DateTime),
)
DOCUMENTS = sa.table(
    "documents",
    sa.column("id", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("serial", sa.String),
    sa.column("series", sa.String),
    sa.column("number", sa.Integer),
    sa.column("code", sa.String),
    sa.column("registration_id", sa.Integer),
    sa.column("facts", sa.JSON),
    sa.column("issued_at", sa.DateTime),
    sa.column("revoked_at", sa.DateTime),
)
SERIES = sa.table(
    "document_series", sa.column("series", sa.String), sa.column("last_number", sa.Integer)
)
REGISTRATIONS = sa.table(
    "registrations", sa.column("id", sa.Integer), sa.column("event_id", sa.Integer)
)
EVENTS = sa.table(
    "events",
    sa.column("id", sa.Integer),
    sa.column("programme_id", sa.Integer),
    sa.column("starts_on", sa.Date),
)
PROGRAMMES = sa.table(
    "programmes",
    sa.column("id", sa.Integer),
    sa.column("acronym", sa.String),
    sa.column("key", sa.String),
)


def _prefix(acronym, key) -> str:
    """As ``documents.services.serial_prefix`` wrote it then."""
    for name in (acronym, key):
        prefix = re.sub(r"[^A-Z0-9]", "", (name or "").upper())[:20]
        if prefix:
            return prefix
    return "DOC"


def upgrade():
    op.create_table(
        "document_series",
        sa.Column("series", sa.String(length=40), nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.CheckConstraint("last_number >= 0", name=op.f("ck_document_series_last_number")),
        sa.PrimaryKeyConstraint("series", name=op.f("pk_document_series")),
    )
    op.create_table(
        "organisation_logos",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("image", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_organisation_logos_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("organisation_id", name=op.f("pk_organisation_logos")),
    )
    op.create_table(
        "document_settings",
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("centre_names", sa.JSON(), nullable=False),
        sa.Column("centre_logo", sa.String(length=40), nullable=True),
        sa.Column("primary_colour", sa.String(length=7), nullable=False),
        sa.Column("accent_colour", sa.String(length=7), nullable=False),
        sa.Column("paper", sa.String(length=10), nullable=False),
        sa.CheckConstraint(
            "length(accent_colour) = 7 AND accent_colour LIKE '#%'",
            name=op.f("ck_document_settings_accent_colour"),
        ),
        sa.CheckConstraint(
            "length(primary_colour) = 7 AND primary_colour LIKE '#%'",
            name=op.f("ck_document_settings_primary_colour"),
        ),
        sa.CheckConstraint("paper IN ('A4', 'Letter')", name=op.f("ck_document_settings_paper")),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_document_settings_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("programme_id", name=op.f("pk_document_settings")),
    )
    op.create_table(
        "document_texts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("heading", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "heading NOT LIKE '%\n%' AND heading NOT LIKE '%\r%'",
            name=op.f("ck_document_texts_heading_one_line"),
        ),
        sa.CheckConstraint("kind IN ('certificate', 'badge')", name=op.f("ck_document_texts_kind")),
        sa.CheckConstraint(
            "language IN ('en', 'es', 'fr')", name=op.f("ck_document_texts_language")
        ),
        sa.CheckConstraint("length(body) <= 2000", name=op.f("ck_document_texts_body_length")),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_document_texts_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_texts")),
        sa.UniqueConstraint(
            "programme_id",
            "kind",
            "language",
            name=op.f("uq_document_texts_programme_id_kind_language"),
        ),
    )
    op.create_table(
        "signatories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("titles", sa.JSON(), nullable=False),
        sa.Column("signature", sa.String(length=40), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "name NOT LIKE '%\n%' AND name NOT LIKE '%\r%'",
            name=op.f("ck_signatories_name_one_line"),
        ),
        sa.CheckConstraint("length(name) > 0", name=op.f("ck_signatories_name_not_empty")),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_signatories_programme_id_programmes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signatories")),
    )
    with op.batch_alter_table("signatories", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_signatories_programme_id"), ["programme_id"], unique=False
        )

    op.create_table(
        "event_document_settings",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("badge_with_approval", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_event_document_settings_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_event_document_settings")),
    )
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("serial", sa.String(length=60), nullable=False),
        sa.Column("series", sa.String(length=40), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("facts", sa.JSON(), nullable=False),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("kind IN ('certificate', 'badge')", name=op.f("ck_documents_kind")),
        sa.CheckConstraint("number >= 1", name=op.f("ck_documents_number")),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_documents_registration_id_registrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_documents")),
        sa.UniqueConstraint("code", name=op.f("uq_documents_code")),
        sa.UniqueConstraint("serial", name=op.f("uq_documents_serial")),
        sa.UniqueConstraint("series", "number", name=op.f("uq_documents_series_number")),
    )
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.create_index(
            "ix_documents_current_of_kind",
            ["registration_id", "kind"],
            unique=True,
            sqlite_where=sa.text("revoked_at IS NULL"),
            postgresql_where=sa.text("revoked_at IS NULL"),
        )
        batch_op.create_index(
            batch_op.f("ix_documents_registration_id"), ["registration_id"], unique=False
        )

    _certificates_become_documents()
    op.drop_table("certificates")
    op.add_column(
        "outbox_emails",
        sa.Column("attachments_to_make", sa.JSON(), server_default="[]", nullable=False),
    )


def _certificates_become_documents():
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(CERTIFICATES, EVENTS.c.starts_on, PROGRAMMES.c.acronym, PROGRAMMES.c.key)
        .join(REGISTRATIONS, REGISTRATIONS.c.id == CERTIFICATES.c.registration_id)
        .join(EVENTS, EVENTS.c.id == REGISTRATIONS.c.event_id)
        .outerjoin(PROGRAMMES, PROGRAMMES.c.id == EVENTS.c.programme_id)
        .order_by(CERTIFICATES.c.issued_at, CERTIFICATES.c.id)
    ).all()
    numbers: dict[str, int] = {}
    documents = []
    for row in rows:
        series = f"{_prefix(row.acronym, row.key)}-{row.starts_on.year}"
        numbers[series] = numbers.get(series, 0) + 1
        documents.append(
            {
                "id": row.id,
                "kind": "certificate",
                "serial": f"{series}-{numbers[series]:04d}",
                "series": series,
                "number": numbers[series],
                "code": row.code,
                "registration_id": row.registration_id,
                "facts": {"days": row.days_attended},
                "issued_at": row.issued_at,
                "revoked_at": row.revoked_at,
            }
        )
    if documents:
        connection.execute(DOCUMENTS.insert(), documents)
        connection.execute(
            SERIES.insert(), [{"series": k, "last_number": v} for k, v in numbers.items()]
        )
        _sequence_follows(connection, "documents")


def downgrade():
    op.drop_column("outbox_emails", "attachments_to_make")

    op.create_table(
        "certificates",
        sa.Column("id", sa.INTEGER(), nullable=False),
        sa.Column("registration_id", sa.INTEGER(), nullable=False),
        sa.Column("code", sa.VARCHAR(length=40), nullable=False),
        sa.Column("days_attended", sa.INTEGER(), nullable=False),
        sa.Column("issued_at", sa.DATETIME(), nullable=False),
        sa.Column("revoked_at", sa.DATETIME(), nullable=True),
        sa.CheckConstraint("days_attended >= 1", name=op.f("ck_certificates_days_attended")),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_certificates_registration_id_registrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certificates")),
        sa.UniqueConstraint("code", name=op.f("uq_certificates_code")),
        sa.UniqueConstraint("registration_id", name=op.f("uq_certificates_registration_id")),
    )
    _documents_become_certificates()
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_documents_registration_id"))
        batch_op.drop_index(
            "ix_documents_current_of_kind",
            sqlite_where=sa.text("revoked_at IS NULL"),
            postgresql_where=sa.text("revoked_at IS NULL"),
        )

    op.drop_table("documents")
    op.drop_table("event_document_settings")
    with op.batch_alter_table("signatories", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_signatories_programme_id"))

    op.drop_table("signatories")
    op.drop_table("document_texts")
    op.drop_table("document_settings")
    op.drop_table("organisation_logos")
    op.drop_table("document_series")


def _documents_become_certificates():
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(DOCUMENTS)
        .where(DOCUMENTS.c.kind == "certificate")
        .order_by(DOCUMENTS.c.issued_at, DOCUMENTS.c.id)
    ).all()
    last = {row.registration_id: row for row in rows}  # the last issued to each
    certificates = [
        {
            "id": row.id,
            "registration_id": row.registration_id,
            "code": row.code,
            "days_attended": max(int((row.facts or {}).get("days") or 1), 1),
            "issued_at": row.issued_at,
            "revoked_at": row.revoked_at,
        }
        for row in last.values()
    ]
    if certificates:
        connection.execute(CERTIFICATES.insert(), certificates)
        _sequence_follows(connection, "certificates")


def _sequence_follows(connection, table: str) -> None:
    """Rows were given their ids: on PostgreSQL the table's sequence goes on after them."""
    if connection.dialect.name == "postgresql":
        connection.execute(
            sa.text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
        )
