"""Who holds the delegation's places: its nominees in order, as many as its quota (funded places
first, then self-funded: ``registration.funding`` gives them, asking ``hooks``). A nominee with a
place has a registration, pending the staff's decision (on the waiting list when the event is
full); the others are reserves, with none. When a nominee with a place is declined, withdraws or
is replaced, the first reserve moves up: they get a registration and an email to complete it,
and the focal point is told.
"""

from contextlib import contextmanager
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..core.actions import describe, log_action
from ..extensions import db
from ..registration.funding import settle_and_tell
from ..registration.models import ParticipantRole, Registration, Status
from ..registration.notifications import notify
from ..registration.seats import seat_free
from .emails import NOMINATED, tell_focal_point
from .models import Delegation, Nomination, NominationState

PLACED = describe(
    "delegation.placed", _l("Gave %(nominee)s a place in the delegation of %(object)s")
)
MOVED_UP = describe(
    "delegation.moved_up", _l("%(nominee)s moved up from the reserves of %(object)s")
)

OUT = (Status.DECLINED, Status.WITHDRAWN)
_BUSY = "delegations_changing"


@contextmanager
def changing():
    """A change of delegations' own (which settles the places itself at its end): a status it
    changes on the way does not settle them before (``hooks``)."""
    db.session.info[_BUSY] = db.session.info.get(_BUSY, 0) + 1
    try:
        yield
    finally:
        db.session.info[_BUSY] -= 1


def busy() -> bool:
    return bool(db.session.info.get(_BUSY))


def in_play(nomination: Nomination) -> bool:
    """Nominated, and not declined or withdrawn: holding a place, or a reserve."""
    registration = nomination.registration
    return nomination.state == NominationState.NOMINATED and (
        registration is None or registration.status not in OUT
    )


def nominations_of(delegation: Delegation) -> list[Nomination]:
    """The delegation's nominations in order, as the database holds them now."""
    db.session.flush()
    return list(
        db.session.scalars(
            select(Nomination)
            .where(Nomination.delegation_id == delegation.id)
            .order_by(Nomination.rank, Nomination.id)
            .execution_options(populate_existing=True)
        )
    )


def settle(
    delegation: Delegation, now: datetime, new: Nomination | None = None
) -> list[Nomination]:
    """Give the places free to the first nominees in play without one, in order (the caller
    holds the event's lock); returns those given a place. The others placed but ``new`` (just
    nominated) were reserves: they moved up."""
    placed = []
    playing = [n for n in nominations_of(delegation) if in_play(n)]
    for nomination in playing[: delegation.places]:
        if nomination.registration is None:
            _give_place(delegation, nomination, now, moved_up=nomination is not new)
            placed.append(nomination)
    if placed:
        settle_and_tell(delegation.event, delegation.organisation_id, now)
    for nomination in placed:
        notify(nomination.registration, NOMINATED)
        if nomination is not new:
            tell_focal_point(
                delegation,
                "delegation_moved_up",
                _l("A reserve of your delegation moved up: %(title)s"),
                nomination=nomination,
            )
    return placed


def _give_place(delegation: Delegation, nomination: Nomination, now: datetime, moved_up: bool):
    event = delegation.event
    waiting = not seat_free(event, now)
    registration = Registration(
        event=event,
        name=nomination.name,
        gender=nomination.gender,
        email=nomination.email,
        position=nomination.position,
        organisation_id=delegation.organisation_id,
        country_code=delegation.organisation.country_code,
        role=ParticipantRole.DELEGATE,
        status=Status.WAITLISTED if waiting else Status.PENDING,
        waitlisted_at=now if waiting else None,
        interpretation_languages=list(nomination.languages),
        # The authority's nomination; the nominee's own consent is taken when they complete it.
        consent_at=now,
        nominated=True,
        locale=delegation.focal_language,
        answers={},
        created_at=now,
    )
    db.session.add(registration)
    db.session.flush()
    nomination.registration = registration
    nomination.placed_at = now
    log_action(
        delegation,
        MOVED_UP if moved_up else PLACED,
        None,
        {"nominee": nomination.name},
        at=now,
        label=delegation.organisation.name,
        event_id=delegation.event_id,
    )
