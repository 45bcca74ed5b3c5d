"""Countries and organisations."""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import UniqueConstraint as Unique
from sqlalchemy import delete, func, select, tuple_, update

from ..core import signals
from ..core.actions import describe, log_action
from ..core.errors import InvalidInput
from ..core.i18n import country_name, sort_key, sorted_by_name
from ..extensions import db
from .countries import country_rows
from .models import Country, Organisation


def country_choices(among=None) -> list[tuple[str, str]]:
    """Every country's code and name in the visitor's language, in the order of those names;
    only those whose code ``among`` (a select of codes) gives, if given."""
    stmt = select(Country.code, Country.name)
    if among is not None:
        stmt = stmt.where(Country.code.in_(among))
    rows = db.session.execute(stmt)
    choices = [(code, country_name(code, name)) for code, name in rows]
    return sorted(choices, key=lambda choice: sort_key(choice[1]))


def organisation_choices() -> list[tuple[int, str]]:
    """Every organisation's id and name, in the order of the visitor's language."""
    choices = [(o.id, o.display_name) for o in db.session.scalars(select(Organisation))]
    return sorted_by_name(choices, lambda choice: choice[1])


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


def _references_to_organisations():
    """Every column of every table that points at ``organisations.id``, found in the metadata:
    a new table that points at organisations is merged without editing the merge."""
    for table in db.metadata.sorted_tables:
        for key in table.foreign_keys:
            if key.column.table.name == Organisation.__tablename__:
                yield table, key.parent


def _unique_with(table, column) -> list:
    """The other columns of the primary key or unique constraints the column is part of (a
    partnership is unique per programme and role): rows that would collide after the move."""
    others = []
    constraints = [table.primary_key, *(c for c in table.constraints if isinstance(c, Unique))]
    for constraint in constraints:
        columns = list(constraint.columns)
        if column in columns and len(columns) > 1:
            others.append([c for c in columns if c is not column])
    return others


MERGED = describe("organisation.merged", _l("Merged %(merged)s into %(object)s"))


def merge_organisations(source: Organisation, target: Organisation, now: datetime, actor) -> None:
    """Move everything that points at ``source`` to ``target`` (registrations, invitations,
    programmes it owns or partners, events it requested or co-organises…), and delete
    ``source``: for the same body entered twice ("IEBC" and "IEBC Kenya").

    A row that would repeat one the kept organisation has already (the same partnership) is
    dropped. The capabilities above are told before (``organisations_merging``: events that
    show the organisation are marked changed) and after (``organisations_merged``: what counts
    per organisation, such as funded places, is settled again). Recorded with ``actor``, and
    how many rows of each table moved.
    """
    if source.id == target.id:
        raise InvalidInput("target_id", _("Choose the other organisation to keep."))
    signals.organisations_merging.send(source, now=now, into=target)
    moved = {}
    for table, column in _references_to_organisations():
        for others in _unique_with(table, column):
            kept = select(*others).where(column == target.id)
            db.session.execute(delete(table).where(column == source.id, tuple_(*others).in_(kept)))
        changed = db.session.execute(
            update(table).where(column == source.id).values({column.name: target.id})
        )
        if changed.rowcount:
            moved[f"{table.name}.{column.name}"] = changed.rowcount
    log_action(target, MERGED, actor, {"merged": source.name, "moved": moved}, at=now)
    db.session.expire_all()
    db.session.delete(db.session.get(Organisation, source.id))
    db.session.flush()
    signals.organisations_merged.send(target, now=now)
