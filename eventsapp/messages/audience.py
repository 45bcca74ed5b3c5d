"""Who a message goes to: the participants of an event, or of a programme's year, narrowed by
status, country, role, kind of organisation and position."""

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from ..catalogue.models import Event
from ..extensions import db
from ..people.models import Country, Organisation, OrganisationKind
from ..people.services import country_choices
from ..registration.models import ParticipantRole, Registration, Status
from ..registration.participants import WITH_A_PLACE

# The statuses staff may write to; "" (the default) is whoever has a place. Declined and
# withdrawn participants are not written to.
STATUSES = {
    "": WITH_A_PLACE,
    Status.APPROVED: (Status.APPROVED,),
    Status.ATTENDED: (Status.ATTENDED,),
    Status.PENDING: (Status.PENDING,),
    Status.WAITLISTED: (Status.WAITLISTED,),
}
WITH_A_PLACE_LABEL = _l("Approved or attended")


@dataclass(frozen=True)
class Audience:
    status: str = ""
    country: str | None = None
    role: str | None = None
    organisation_kind: str | None = None
    position: str | None = None  # words the position contains ("officer")

    @classmethod
    def from_args(cls, args) -> "Audience":
        """The page's query parameters; unknown values are ignored (no narrowing)."""
        status = args.get("status") or ""
        role = args.get("role")
        kind = args.get("organisation_kind")
        position = " ".join((args.get("position") or "").split())[:100]
        return cls(
            status=status if status in STATUSES else "",
            country=(args.get("country") or "").strip().upper()[:2] or None,
            role=role if role in ParticipantRole.__members__.values() else None,
            organisation_kind=kind if kind in OrganisationKind.__members__.values() else None,
            position=position or None,
        )

    def as_args(self) -> dict:
        args = {
            "status": self.status,
            "country": self.country,
            "role": self.role,
            "organisation_kind": self.organisation_kind,
            "position": self.position,
        }
        return {name: value for name, value in args.items() if value}

    def narrow(self, stmt: Select) -> Select:
        stmt = stmt.where(Registration.status.in_(STATUSES[self.status]))
        if self.country:
            stmt = stmt.where(Registration.country_code == self.country)
        if self.role:
            stmt = stmt.where(Registration.role == self.role)
        if self.organisation_kind:
            stmt = stmt.where(
                Registration.organisation_id.in_(
                    select(Organisation.id).where(Organisation.kind == self.organisation_kind)
                )
            )
        if self.position:
            stmt = stmt.where(
                func.lower(Registration.position).contains(self.position.lower(), autoescape=True)
            )
        return stmt

    def describe(self) -> str:
        """In words, for the log: "Approved · Mexico · Delegate"."""
        parts = [Status(self.status).label if self.status else str(WITH_A_PLACE_LABEL)]
        if self.country:
            country = db.session.get(Country, self.country)
            parts.append(country.local_name if country else self.country)
        if self.role:
            parts.append(ParticipantRole(self.role).label)
        if self.organisation_kind:
            parts.append(OrganisationKind(self.organisation_kind).label)
        if self.position:
            parts.append(_("position contains “%(words)s”", words=self.position))
        return " · ".join(parts)


def status_choices() -> list[tuple[str, str]]:
    return [("", WITH_A_PLACE_LABEL)] + [(s.value, s.label) for s in STATUSES if s]


def _of_event(event_id: int) -> Select:
    return select(Registration).where(Registration.event_id == event_id)


def _of_programme_year(programme_id: int, year: int) -> Select:
    return (
        select(Registration)
        .join(Event, Event.id == Registration.event_id)
        .where(
            Event.programme_id == programme_id,
            Event.starts_on.between(date(year, 1, 1), date(year, 12, 31)),
        )
    )


def event_recipients(event_id: int, audience: Audience) -> list[Registration]:
    """The event's participants in the audience, by name."""
    stmt = audience.narrow(_of_event(event_id)).options(
        joinedload(Registration.organisation), joinedload(Registration.country)
    )
    return list(db.session.scalars(stmt.order_by(Registration.name, Registration.id)))


def programme_year_recipients(programme_id: int, year: int, audience: Audience) -> list:
    """The participants in the audience of the programme's events starting in ``year``: one
    registration per address (the earliest), so that nobody gets the message twice."""
    stmt = audience.narrow(_of_programme_year(programme_id, year)).order_by(
        Event.starts_on, Registration.id
    )
    first_of_each: dict[str, Registration] = {}
    for registration in db.session.scalars(stmt):
        first_of_each.setdefault(registration.email, registration)
    return sorted(first_of_each.values(), key=lambda r: (r.name, r.id))


def _countries_of(stmt: Select) -> list[tuple[str, str]]:
    """The countries of the registrations ``stmt`` selects (an event's or a programme year's)."""
    registrations = stmt.with_only_columns(Registration.country_code).subquery()
    return country_choices(among=select(registrations.c.country_code))


def event_country_choices(event_id: int) -> list[tuple[str, str]]:
    return _countries_of(_of_event(event_id))


def programme_year_country_choices(programme_id: int, year: int) -> list[tuple[str, str]]:
    return _countries_of(_of_programme_year(programme_id, year))
