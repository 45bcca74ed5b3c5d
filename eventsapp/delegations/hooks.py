"""What delegations answer to the capabilities below them (core.signals)."""

from sqlalchemy import select

from ..core.signals import delegation_places, nominating_authorities, registration_status_changed
from ..extensions import db
from ..people.models import Organisation
from .models import Delegation, Nomination
from .places import busy, settle


@delegation_places.connect
def _places(event, organisation_id: int, **_):
    delegation = db.session.scalar(
        select(Delegation).where(
            Delegation.event_id == event.id, Delegation.organisation_id == organisation_id
        )
    )
    if delegation is None:
        return None
    ranks = dict(
        db.session.execute(
            select(Nomination.registration_id, Nomination.rank).where(
                Nomination.delegation_id == delegation.id, Nomination.registration_id.is_not(None)
            )
        ).all()
    )
    return delegation.funded_places, ranks


@nominating_authorities.connect
def _authorities(event, **_):
    return list(
        db.session.scalars(
            select(Organisation)
            .join(Delegation, Delegation.organisation_id == Organisation.id)
            .where(Delegation.event_id == event.id)
            .order_by(Organisation.country_code, Organisation.name)
        )
    )


@registration_status_changed.connect
def _place_to_the_first_reserve(registration, now, **_):
    """A nominee declined or withdrawn elsewhere (the participants page, their own page): the
    first reserve moves up."""
    if busy():
        return
    delegation = db.session.scalar(
        select(Delegation)
        .join(Nomination, Nomination.delegation_id == Delegation.id)
        .where(Nomination.registration_id == registration.id)
    )
    if delegation is not None:
        settle(delegation, now)
