"""Results from counts kept up to date.

Per event (``result_counts``): its participants (registrations approved or attended) by
country, gender, organisation kind and role, and, for each country it reached, the number of
reasons it did ("reached": the event names it as requesting or taking part, and each of its
delegates from there). Added up over the held events of each programme, year and kind of event
(``result_totals``, "reached" counting the events): what the results summary reads, a few
hundred rows whatever the number of registrations.

Database triggers (migration ``0041_result_counts``, SQLite and PostgreSQL) keep both in the
same transaction as the registrations, events, event countries and organisations that change
them, whatever writes them (a form, a bulk UPDATE, ``demo synth``, a merge, an erasure, a
deleted event): no code path has to remember them, and a change that counts for nothing (an
address confirmed, a name edited) fires nothing. A count may reach 0 and stay (a deleted
event's too): it is read as nothing.
"""

from sqlalchemy import Integer, String, case, cast, func, literal, select, union_all
from sqlalchemy.orm import Mapped, mapped_column

from ..catalogue.models import CountryRole, Event, EventCountry, EventStatus
from ..extensions import db
from ..people.models import Organisation
from ..registration.models import ParticipantRole, Registration
from ..registration.participants import WITH_A_PLACE

# The roles of the countries an event reaches (besides those its delegates come from).
NAMED = (CountryRole.REQUESTING, CountryRole.PARTICIPANT)


class ResultCount(db.Model):
    """How many participants of an event have ``item`` in ``dimension`` ("country": a country
    code, "gender", "kind": an organisation kind or "none", "role"), or how many reasons it has
    to count the country ``item`` as "reached"."""

    __tablename__ = "result_counts"

    event_id: Mapped[int] = mapped_column(primary_key=True)
    dimension: Mapped[str] = mapped_column(String(20), primary_key=True)
    item: Mapped[str] = mapped_column(String(40), primary_key=True)
    participants: Mapped[int]


class ResultTotal(db.Model):
    """The same added up over the held events of a programme (0: none), year (of their start)
    and kind; for "reached", the number of those events that reached the country."""

    __tablename__ = "result_totals"

    programme_id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    event_kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    dimension: Mapped[str] = mapped_column(String(20), primary_key=True)
    item: Mapped[str] = mapped_column(String(40), primary_key=True)
    participants: Mapped[int]


def counted_afresh():
    """The counts as the registrations and event countries give them now (a select of event
    id, dimension, item, participants): what the kept counts must equal."""
    took_part = Registration.status.in_(WITH_A_PLACE)
    kind = func.coalesce(Organisation.kind, "none")
    delegate = Registration.role == ParticipantRole.DELEGATE
    parts = union_all(
        *(
            select(Registration.event_id, literal(name).label("dimension"), column.label("item"))
            .outerjoin(Organisation, Organisation.id == Registration.organisation_id)
            .where(took_part, *extra)
            for name, column, extra in (
                ("country", Registration.country_code, ()),
                ("gender", Registration.gender, ()),
                ("kind", kind, ()),
                ("role", Registration.role, ()),
                ("reached", Registration.country_code, (delegate,)),
            )
        ),
        select(EventCountry.event_id, literal("reached"), EventCountry.country_code).where(
            EventCountry.role.in_(NAMED)
        ),
    ).subquery()
    return select(
        parts.c.event_id, parts.c.dimension, parts.c.item, func.count().label("participants")
    ).group_by(parts.c.event_id, parts.c.dimension, parts.c.item)


def totalled_afresh():
    """The totals as the registrations, event countries and events give them now."""
    counted = counted_afresh().subquery()
    key = (
        func.coalesce(Event.programme_id, 0),
        cast(func.extract("year", Event.starts_on), Integer),
        Event.kind,
        counted.c.dimension,
        counted.c.item,
    )
    each = case((counted.c.dimension == "reached", 1), else_=counted.c.participants)
    return (
        select(*key, func.sum(each))
        .join(Event, Event.id == counted.c.event_id)
        .where(Event.status == EventStatus.HELD)
        .group_by(*key)
    )


def _not_zero(table) -> set[tuple]:
    return {
        tuple(row) for row in db.session.execute(select(table.c).where(table.c.participants != 0))
    }


def kept_counts() -> set[tuple]:
    """The kept counts that are not 0, as (event id, dimension, item, participants)."""
    return _not_zero(ResultCount.__table__)


def fresh_counts() -> set[tuple]:
    """The same, counted afresh."""
    return {tuple(row) for row in db.session.execute(counted_afresh())}


def kept_totals() -> set[tuple]:
    """The kept totals that are not 0, as (programme id, year, event kind, dimension, item,
    participants)."""
    return _not_zero(ResultTotal.__table__)


def fresh_totals() -> set[tuple]:
    """The same, added up afresh."""
    return {tuple(row) for row in db.session.execute(totalled_afresh())}
