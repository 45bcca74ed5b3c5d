"""Countries, organisations and people: one record per person across the years."""

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

from ..core.clock import utcnow
from ..core.i18n import country_name
from ..core.labels import Labelled, sql_in
from ..core.validation import one_line_sql
from ..extensions import db


class Country(db.Model):
    """An ISO 3166-1 country with its UN M49 region, loaded from ``people/data/countries.csv``."""

    __tablename__ = "countries"

    code: Mapped[str] = mapped_column(String(2), primary_key=True)  # ISO alpha-2
    alpha3: Mapped[str] = mapped_column(String(3), unique=True)
    numeric: Mapped[str] = mapped_column(String(3))
    name: Mapped[str] = mapped_column(String(100))
    region: Mapped[str | None] = mapped_column(String(20))
    sub_region: Mapped[str | None] = mapped_column(String(50))

    @property
    def local_name(self) -> str:
        """The name in the visitor's language ("Côte d'Ivoire", "Costa de Marfil"); ``name``
        stays the English one, which searches, sorts and imports use."""
        return country_name(self.code, self.name)

    def __repr__(self) -> str:
        return f"<Country {self.code}>"


class OrganisationKind(Labelled):
    ELECTORAL_MANAGEMENT_BODY = "electoral_management_body", _l("Electoral management body")
    ELECTORAL_COURT = "electoral_court", _l("Electoral court")
    GOVERNMENT = "government", _l("Government")
    PARLIAMENT = "parliament", _l("Parliament")
    POLITICAL_PARTY = "political_party", _l("Political party")
    CIVIL_SOCIETY = "civil_society", _l("Civil society")
    ACADEMIA = "academia", _l("Academia")
    MEDIA = "media", _l("Media")
    INTERNATIONAL_ORGANISATION = "international_organisation", _l("International organisation")
    UN_AGENCY = "un_agency", _l("UN agency")
    DONOR = "donor", _l("Donor")


class Organisation(db.Model):
    __tablename__ = "organisations"
    __table_args__ = (
        UniqueConstraint("name"),
        # Names are found whatever their case: a form's, a confirmation's, staff's check.
        Index("ix_organisations_lower_name", text("lower(name)")),
        CheckConstraint(f"kind IN ({sql_in(OrganisationKind)})", name="kind"),
        CheckConstraint("length(name) > 0", name="name_not_empty"),
        CheckConstraint(one_line_sql("name"), name="name_one_line"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    acronym: Mapped[str | None] = mapped_column(String(30), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    country_code: Mapped[str | None] = mapped_column(ForeignKey("countries.code"))

    country: Mapped[Country | None] = relationship(lazy="joined")

    @property
    def kind_label(self) -> str:
        return OrganisationKind(self.kind).label

    @property
    def display_name(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    @property
    def short_name(self) -> str:
        return self.acronym or self.name

    def __repr__(self) -> str:
        return f"<Organisation {self.acronym or self.name}>"


class Gender(Labelled):
    FEMALE = "female", _l("Female")
    MALE = "male", _l("Male")
    OTHER = "other", _l("Other")
    UNDISCLOSED = "undisclosed", _l("Prefer not to say")


class Person(db.Model):
    """One human across the years: their accounts, registrations, speaker entries and requests
    point to it (``person_id``). Made for an address the first time its owner proves it (a
    confirmed registration or request), or for a speaker named in an agenda; never matched by a
    guess: staff merge the duplicates (``people.merging``).

    Its name, gender, country, organisation and position are the latest written; the rows that
    point to it keep theirs (organisations and positions over time). A merged person stays, empty,
    pointing to the one it was merged into, so that a merge can be undone; an erased one keeps
    only what statistics count (gender, country, organisation).
    """

    __tablename__ = "persons"
    __table_args__ = (
        CheckConstraint(f"gender IS NULL OR gender IN ({sql_in(Gender)})", name="gender"),
        CheckConstraint("length(name) > 0", name="name_not_empty"),
        CheckConstraint(one_line_sql("name"), name="name_one_line"),
        CheckConstraint(one_line_sql("position"), name="position_one_line"),
        CheckConstraint("merged_into_id IS NULL OR merged_into_id != id", name="not_into_self"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # The name as compared for duplicates (``names.name_key``): "Garcia Lopez Maria".
    name_key: Mapped[str] = mapped_column(String(200), index=True, default="")
    gender: Mapped[str | None] = mapped_column(String(20))
    country_code: Mapped[str | None] = mapped_column(ForeignKey("countries.code"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    position: Mapped[str] = mapped_column(String(200), default="")
    languages: Mapped[list] = mapped_column(JSON, default=list)
    notes: Mapped[str] = mapped_column(Text, default="")  # staff's, about the person
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("persons.id", ondelete="SET NULL"), index=True
    )
    erased_at: Mapped[datetime | None]
    # In the alumni directory since (their consent), and whether fellow alumni see their address.
    alumni_since: Mapped[datetime | None]
    alumni_shows_email: Mapped[bool] = mapped_column(default=False)

    country: Mapped[Country | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    emails: Mapped[list["PersonEmail"]] = relationship(
        back_populates="person", order_by="PersonEmail.id", cascade="all, delete-orphan"
    )

    @property
    def gender_label(self) -> str:
        return Gender(self.gender).label if self.gender else ""

    def __repr__(self) -> str:
        return f"<Person {self.id} {self.name}>"


class PersonEmail(db.Model):
    """An address a person proved theirs: what matches a new registration or request to them."""

    __tablename__ = "person_emails"
    __table_args__ = (
        UniqueConstraint("email"),
        CheckConstraint("email = lower(email)", name="email_lower_case"),
        CheckConstraint("length(email) > 0", name="email_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    confirmed_at: Mapped[datetime] = mapped_column(default=utcnow)

    person: Mapped[Person] = relationship(back_populates="emails")


# Columns that name a person as a record about people (a merge, a pair said to be two people)
# carry this in their ``info``: merging two people leaves them where they are.
STAYS_ON_MERGE = {"stays_on_merge": True}


class PersonMerge(db.Model):
    """Two records of one person merged: what moved from ``other`` to ``keep`` (``moved``:
    "table.column" → the ids of the rows moved, and "action_log" → the log lines), the kept
    person's details before (``kept_before``), who did it and when; undone by moving them back."""

    __tablename__ = "person_merges"
    __table_args__ = (CheckConstraint("keep_id != other_id", name="two_people"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    keep_id: Mapped[int] = mapped_column(
        ForeignKey("persons.id", ondelete="CASCADE"), index=True, info=STAYS_ON_MERGE
    )
    other_id: Mapped[int] = mapped_column(
        ForeignKey("persons.id", ondelete="CASCADE"), index=True, info=STAYS_ON_MERGE
    )
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor_name: Mapped[str] = mapped_column(String(254), default="")
    moved: Mapped[dict] = mapped_column(JSON, default=dict)
    kept_before: Mapped[dict] = mapped_column(JSON, default=dict)
    undone_at: Mapped[datetime | None]

    keep: Mapped[Person] = relationship(foreign_keys=[keep_id])
    other: Mapped[Person] = relationship(foreign_keys=[other_id])


class DistinctPersons(db.Model):
    """Two people staff said are not the same person: never suggested as duplicates again.
    Stored with the lower id first."""

    __tablename__ = "distinct_persons"
    __table_args__ = (
        UniqueConstraint("first_id", "second_id"),
        CheckConstraint("first_id < second_id", name="ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    first_id: Mapped[int] = mapped_column(
        ForeignKey("persons.id", ondelete="CASCADE"), index=True, info=STAYS_ON_MERGE
    )
    second_id: Mapped[int] = mapped_column(
        ForeignKey("persons.id", ondelete="CASCADE"), index=True, info=STAYS_ON_MERGE
    )
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class PrivacyNotice(db.Model):
    """A version of the privacy notice that administrators published after the first (the first
    is shipped with the site: ``privacy/notices/``). Registrations and requests record the
    version their sender accepted (``privacy_notice_version``); a published version never
    changes, so that what each person accepted can be read again."""

    __tablename__ = "privacy_notices"
    __table_args__ = (
        UniqueConstraint("version"),
        CheckConstraint("version >= 2", name="version_after_the_first"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int]
    # The notice in each language the site speaks: {"en": text, "es": text, "fr": text}.
    texts: Mapped[dict] = mapped_column(JSON, default=dict)
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
