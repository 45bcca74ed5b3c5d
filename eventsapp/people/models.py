"""Countries and organisations."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

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
