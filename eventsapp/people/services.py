"""Countries and organisations."""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..errors import InvalidInput
from ..extensions import db
from .countries import country_rows
from .models import Country, Organisation


def country_choices() -> list[tuple[str, str]]:
    rows = db.session.execute(select(Country.code, Country.name).order_by(Country.name))
    return [(code, name) for code, name in rows]


def organisation_choices() -> list[tuple[int, str]]:
    return [
        (o.id, o.display_name)
        for o in db.session.scalars(select(Organisation).order_by(Organisation.name))
    ]


def sync_countries() -> int:
    """Add the shipped countries missing from the database and update the others; returns added."""
    existing = {c.code: c for c in db.session.scalars(select(Country))}
    added = 0
    for row in country_rows():
        if country := existing.get(row["code"]):
            for key, value in row.items():
                setattr(country, key, value)
        else:
            db.session.add(Country(**row))
            added += 1
    db.session.flush()
    return added


@dataclass
class OrganisationInput:
    name: str
    kind: str
    acronym: str | None = None
    country_code: str | None = None


def save_organisation(organisation: Organisation, data: OrganisationInput) -> Organisation:
    name = data.name.strip()
    clash = db.session.scalar(
        select(Organisation.id).where(
            func.lower(Organisation.name) == name.lower(), Organisation.id != organisation.id
        )
    )
    if clash:
        raise InvalidInput("name", _("There is already an organisation with this name."))
    if data.country_code and db.session.get(Country, data.country_code) is None:
        raise InvalidInput("country_code", _("Unknown country."))
    organisation.name = name
    organisation.acronym = (data.acronym or "").strip() or None
    organisation.kind = data.kind
    organisation.country_code = data.country_code or None
    db.session.add(organisation)
    db.session.flush()
    return organisation


def organisations_page(page: int, per_page: int, query: str | None = None):
    stmt = select(Organisation).order_by(Organisation.name)
    if query:
        like = f"%{query.strip().lower()}%"
        stmt = stmt.where(
            func.lower(Organisation.name).like(like) | func.lower(Organisation.acronym).like(like)
        )
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)
