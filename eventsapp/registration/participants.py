"""Participant lists for staff: filtering, counts by status, and the rows of the exports."""

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from ..catalogue.models import LANGUAGES
from ..core.validation import MAX_ID, parse_number
from ..extensions import db
from ..people.models import Country, Organisation
from .models import CONFIRMED, Funding, Registration, Status


@dataclass
class ParticipantFilters:
    status: str | None = None
    country: str | None = None
    organisation_id: int | None = None
    funding: str | None = None

    @classmethod
    def from_args(cls, args) -> "ParticipantFilters":
        """Read the list's query parameters; unknown values are ignored (the list shows all)."""
        status = args.get("status")
        funding = args.get("funding")
        organisation = whole_numbers([args.get("organisation", "")])
        return cls(
            status=status if status in CONFIRMED else None,
            country=(args.get("country") or "").upper() or None,
            organisation_id=organisation[0] if organisation else None,
            funding=funding if funding in Funding.__members__.values() else None,
        )

    def as_args(self) -> dict:
        """The filters set, as query parameters of the list's links."""
        args = {
            "status": self.status,
            "country": self.country,
            "organisation": self.organisation_id,
            "funding": self.funding,
        }
        return {name: value for name, value in args.items() if value}


def whole_numbers(values: list[str]) -> list[int]:
    """The ids among request values; anything else (words, "²", numbers larger than the database
    holds) is left out."""
    numbers = (parse_number(value) for value in values)
    return [n for n in numbers if n is not None and n <= MAX_ID]


def participants(event_id: int, filters: ParticipantFilters) -> Select:
    """The event's registrations matching the filters, in registration order (unconfirmed ones
    do not count yet)."""
    stmt = (
        select(Registration)
        .where(Registration.event_id == event_id, Registration.status.in_(CONFIRMED))
        .options(joinedload(Registration.organisation), joinedload(Registration.country))
        .order_by(Registration.created_at, Registration.id)
    )
    if filters.status:
        stmt = stmt.where(Registration.status == filters.status)
    if filters.country:
        stmt = stmt.where(Registration.country_code == filters.country)
    if filters.organisation_id:
        stmt = stmt.where(Registration.organisation_id == filters.organisation_id)
    if filters.funding:
        stmt = stmt.where(Registration.funding == filters.funding)
    return stmt


def status_counts(event_id: int) -> dict[str, int]:
    rows = db.session.execute(
        select(Registration.status, func.count(Registration.id))
        .where(Registration.event_id == event_id, Registration.status.in_(CONFIRMED))
        .group_by(Registration.status)
    )
    return dict(rows.all())


def filter_choices(event_id: int) -> dict:
    """The countries and organisations of the event's registrations, for the list's filters."""
    countries = db.session.execute(
        select(Country.code, Country.name)
        .join(Registration, Registration.country_code == Country.code)
        .where(Registration.event_id == event_id, Registration.status.in_(CONFIRMED))
        .distinct()
        .order_by(Country.name)
    ).all()
    organisations = db.session.scalars(
        select(Organisation)
        .join(Registration, Registration.organisation_id == Organisation.id)
        .where(Registration.event_id == event_id, Registration.status.in_(CONFIRMED))
        .distinct()
        .order_by(Organisation.name)
    ).all()
    return {
        "countries": [tuple(c) for c in countries],
        "organisations": [(o.id, o.display_name) for o in organisations],
    }


EXPORT_HEADER = (
    _l("Id"),
    _l("Name"),
    _l("Gender"),
    _l("Email"),
    _l("Position"),
    _l("Organisation"),
    _l("Country"),
    _l("Role"),
    _l("Status"),
    _l("Funding"),
    _l("Interpretation"),
    _l("Accessibility needs"),
    _l("Dietary needs"),
    _l("Visa letter"),
    _l("Arrival"),
    _l("Departure"),
    _l("Registered at (UTC)"),
)


def export_rows(registrations) -> list[list]:
    return [
        [
            r.id,
            r.name,
            r.gender_label,
            r.email,
            r.position,
            r.organisation.display_name if r.organisation else "",
            r.country.name,
            r.role_label,
            r.status_label,
            r.funding_label,
            ", ".join(str(LANGUAGES.get(c, c)) for c in r.interpretation_languages),
            r.accessibility_needs,
            r.dietary_needs,
            _("yes") if r.visa_letter else _("no"),
            r.arrival_on,
            r.departure_on,
            r.created_at,
        ]
        for r in registrations
    ]


# Participants who have a place: they get messages, badges, check-in and certificates. A declined
# or withdrawn participant gets none of them.
WITH_A_PLACE = (Status.APPROVED, Status.ATTENDED)


def participants_with_a_place(event_id: int, ids: list[int] | None = None) -> list[Registration]:
    """The approved (or attended) participants, by name; only ``ids`` among them if given."""
    stmt = (
        select(Registration)
        .where(Registration.event_id == event_id, Registration.status.in_(WITH_A_PLACE))
        .options(joinedload(Registration.organisation), joinedload(Registration.country))
        .order_by(Registration.name, Registration.id)
    )
    if ids is not None:
        stmt = stmt.where(Registration.id.in_(ids))
    return list(db.session.scalars(stmt))
