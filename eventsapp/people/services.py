"""Countries and organisations."""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import delete, func, select, tuple_, update

from ..accounts.models import utcnow
from ..catalogue.models import Event, Programme, ProgrammePartner, event_partners
from ..errors import InvalidInput
from ..extensions import db
from ..registration.models import Invitation, Registration
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


def merge_organisations(source: Organisation, target: Organisation) -> list[int]:
    """Move everything of ``source`` (registrations, invitations, programmes it owns or partners,
    events it requested or co-organises) to ``target``, and delete ``source``: for the same body
    entered twice ("IEBC" and "IEBC Kenya"). Returns the events whose registrations moved, whose
    funded places per organisation then need settling again."""
    if source.id == target.id:
        raise InvalidInput("target_id", _("Choose the other organisation to keep."))
    moved_from = Registration.organisation_id == source.id
    events = list(db.session.scalars(select(Registration.event_id).where(moved_from).distinct()))
    partnered = select(event_partners.c.event_id).where(
        event_partners.c.organisation_id == source.id
    )
    db.session.execute(update(Event).where(Event.id.in_(partnered)).values(updated_at=utcnow()))
    for column in (
        Registration.organisation_id,
        Invitation.organisation_id,
        Programme.owner_id,
        Event.requesting_authority_id,
    ):
        db.session.execute(
            update(column.class_).where(column == source.id).values({column.key: target.id})
        )
    # Partnerships the kept organisation has already are dropped, the others move.
    target_roles = select(ProgrammePartner.programme_id, ProgrammePartner.role).where(
        ProgrammePartner.organisation_id == target.id
    )
    db.session.execute(
        delete(ProgrammePartner).where(
            ProgrammePartner.organisation_id == source.id,
            tuple_(ProgrammePartner.programme_id, ProgrammePartner.role).in_(target_roles),
        )
    )
    db.session.execute(
        update(ProgrammePartner)
        .where(ProgrammePartner.organisation_id == source.id)
        .values(organisation_id=target.id)
    )
    target_events = select(event_partners.c.event_id).where(
        event_partners.c.organisation_id == target.id
    )
    db.session.execute(
        delete(event_partners).where(
            event_partners.c.organisation_id == source.id,
            event_partners.c.event_id.in_(target_events),
        )
    )
    db.session.execute(
        update(event_partners)
        .where(event_partners.c.organisation_id == source.id)
        .values(organisation_id=target.id)
    )
    db.session.expire_all()
    db.session.delete(db.session.get(Organisation, source.id))
    db.session.flush()
    return events
