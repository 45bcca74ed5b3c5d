"""What a programme's documents look like (its centre, partners' logos, signatories, colours,
paper, texts per language), and every document issued: a serial, a code for its verification
page, its holder, and when it was issued or revoked."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..catalogue.models import CONTENT_LANGUAGES
from ..core.clock import utcnow
from ..core.labels import Labelled, sql_in
from ..core.validation import one_line_sql
from ..extensions import db
from ..registration.models import Registration


class DocumentKind(Labelled):
    """What a document is. Letters (``travel.letters``) are written to a consulate (a visa
    support letter: the passport data of the holder's travel file) or to the holder and their
    authority (a letter of acceptance)."""

    CERTIFICATE = "certificate", _l("Certificate of completion")
    # To those who attended without completing (when the event wants it: attendance.completion).
    ATTENDANCE_CERTIFICATE = "attendance", _l("Certificate of attendance")
    BADGE = "badge", _l("Badge")
    VISA_LETTER = "visa_letter", _l("Visa support letter")
    ACCEPTANCE_LETTER = "acceptance_letter", _l("Letter of acceptance")


# The kinds written as a letter (a page in portrait, with the centre's letterhead).
LETTER_KINDS = (DocumentKind.VISA_LETTER, DocumentKind.ACCEPTANCE_LETTER)


class PaperSize(Labelled):
    A4 = "A4", _l("A4 (210 × 297 mm)")
    LETTER = "Letter", _l("US Letter (8.5 × 11 in)")


# The languages documents are written in: those of events' content.
DOCUMENT_LANGUAGES = CONTENT_LANGUAGES
DEFAULT_PRIMARY, DEFAULT_ACCENT = "#1f4e79", "#a6192e"
# A stored image's name (core.uploads gives 32 hex digits and a suffix).
IMAGE_NAME_LENGTH = 40


def _colour_sql(column: str) -> str:
    return f"length({column}) = 7 AND {column} LIKE '#%'"


class DocumentSettings(db.Model):
    """How a programme's documents look. A programme without this row gets the defaults: the
    site's name as its centre, the default colours, A4."""

    __tablename__ = "document_settings"
    __table_args__ = (
        CheckConstraint(f"paper IN ({sql_in(PaperSize)})", name="paper"),
        CheckConstraint(_colour_sql("primary_colour"), name="primary_colour"),
        CheckConstraint(_colour_sql("accent_colour"), name="accent_colour"),
    )

    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programmes.id", ondelete="CASCADE"), primary_key=True
    )
    # The centre's name in each language ({"en": ..., "es": ...}); a language without one takes
    # the first written, and none at all the site's name.
    centre_names: Mapped[dict] = mapped_column(JSON, default=dict)
    centre_logo: Mapped[str | None] = mapped_column(String(IMAGE_NAME_LENGTH))
    primary_colour: Mapped[str] = mapped_column(String(7), default=DEFAULT_PRIMARY)
    accent_colour: Mapped[str] = mapped_column(String(7), default=DEFAULT_ACCENT)
    paper: Mapped[str] = mapped_column(String(10), default=PaperSize.A4)


class OrganisationLogo(db.Model):
    """An organisation's logo, shown on the documents of the programmes it is a partner of."""

    __tablename__ = "organisation_logos"

    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True
    )
    image: Mapped[str] = mapped_column(String(IMAGE_NAME_LENGTH))


class Signatory(db.Model):
    """Who signs a programme's certificates (and letters), in their order."""

    __tablename__ = "signatories"
    __table_args__ = (
        CheckConstraint("length(name) > 0", name="name_not_empty"),
        CheckConstraint(one_line_sql("name"), name="name_one_line"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programmes.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    # The signatory's title in each language ({"en": "Director", "es": "Directora"}).
    titles: Mapped[dict] = mapped_column(JSON, default=dict)
    signature: Mapped[str | None] = mapped_column(String(IMAGE_NAME_LENGTH))
    position: Mapped[int] = mapped_column(default=0)


class DocumentText(db.Model):
    """A programme's own wording of a kind of document in one language (else the defaults of
    ``texts.py``): a heading and a body with placeholders such as ``{event}``."""

    __tablename__ = "document_texts"
    __table_args__ = (
        UniqueConstraint("programme_id", "kind", "language"),
        CheckConstraint(f"kind IN ({sql_in(DocumentKind)})", name="kind"),
        CheckConstraint(f"language IN ({sql_in(DOCUMENT_LANGUAGES)})", name="language"),
        CheckConstraint(one_line_sql("heading"), name="heading_one_line"),
        CheckConstraint("length(body) <= 2000", name="body_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(5))
    heading: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text, default="")


class EventDocumentSettings(db.Model):
    """What an event does with documents: whether its approval email carries the badge."""

    __tablename__ = "event_document_settings"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    badge_with_approval: Mapped[bool] = mapped_column(default=False)


class DocumentSeries(db.Model):
    """The last number given in a series of serials ("CICIE-2027"), raised in one statement so
    that two documents issued at once never share a number."""

    __tablename__ = "document_series"
    __table_args__ = (CheckConstraint("last_number >= 0", name="last_number"),)

    series: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_number: Mapped[int] = mapped_column(default=0)


class Document(db.Model):
    """A document issued to a registration's holder. ``serial`` is printed on it ("CICIE-2027-
    0042", by programme and the event's year); ``code``, random, is in the address of its
    verification page, which its QR code holds. ``facts`` is what it states that may change
    after (a certificate's days attended; a letter's stay, who pays what and, under
    ``identity``, a visa letter's passport data, which the action log never copies). It is made
    again from the current data whenever it is printed; a revoked document is not valid any
    more. A holder has at most one of each kind that is not revoked."""

    __tablename__ = "documents"
    __table_args__ = (
        UniqueConstraint("series", "number"),
        CheckConstraint(f"kind IN ({sql_in(DocumentKind)})", name="kind"),
        CheckConstraint("number >= 1", name="number"),
        Index(
            "ix_documents_current_of_kind",
            "registration_id",
            "kind",
            unique=True,
            sqlite_where=text("revoked_at IS NULL"),
            postgresql_where=text("revoked_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    serial: Mapped[str] = mapped_column(String(60), unique=True)
    series: Mapped[str] = mapped_column(String(40))
    number: Mapped[int]
    code: Mapped[str] = mapped_column(String(40), unique=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    facts: Mapped[dict] = mapped_column(JSON, default=dict)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]

    registration: Mapped[Registration] = relationship()

    @property
    def kind_label(self) -> str:
        return DocumentKind(self.kind).label

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None

    def __repr__(self) -> str:
        return f"<Document {self.serial}>"
