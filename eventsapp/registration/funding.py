"""Funded places per organisation (CICIE's quotas): who is funded, who comes at their own cost."""

from datetime import datetime

from sqlalchemy import and_, select

from ..catalogue.models import Event
from ..core.signals import ask, delegation_places, registration_funding
from ..extensions import db
from .models import SEAT_HOLDING, Access, Funding, Registration, Status
from .notifications import notify
from .seats import get_settings, holds_seat_now

OUT_OF_PLAY = (Status.UNCONFIRMED, Status.DECLINED, Status.WITHDRAWN)


def settle_funding(
    event: Event,
    organisation_id: int | None,
    now: datetime,
    joining: Registration | None = None,
    in_play: list[Registration] | None = None,
) -> list[Registration]:
    """Give an organisation's funded places (the event's quota) to its registrations in play:
    those holding a seat first, oldest first, then those on the waiting list in its order. The
    others are self-funded; unconfirmed, declined and withdrawn ones keep what they had.

    At an event by nomination, an authority invited (delegations) gives its own quota, to its
    nominees in its order. Call it inside the event's lock after every change that brings a
    registration into play or out of it, or between a seat and the waiting list. Returns those
    whose funding changed. The statuses are read as the session holds them, without flushing
    first: ``joining`` (the registration just changed, perhaps not in the session yet) counts
    too. ``in_play``: the organisation's registrations in play (``in_play_of``), when the caller
    read them already under the lock.
    """
    if organisation_id is None:
        return []
    settings = get_settings(event.id)
    delegation = None
    if settings is not None and settings.access == Access.NOMINATION:
        delegation = ask(delegation_places, event, organisation_id=organisation_id)
    if delegation is not None:  # an authority nominating: its funded places, in its order
        quota, ranks = delegation
    else:
        quota, ranks = (settings.quota_per_organisation if settings else None), {}
    if in_play is None:
        with db.session.no_autoflush:
            in_play = db.session.scalars(
                select(Registration).where(in_play_of(event.id, organisation_id))
            ).all()
    in_play = [
        r
        for r in dict.fromkeys([*in_play, *([joining] if joining is not None else [])])
        if r.status not in OUT_OF_PLAY
    ]

    def turn(registration: Registration) -> tuple:
        last = (registration.id is None, registration.id or 0)  # one not stored yet: last
        if holds_seat_now(registration, now):
            return (0, ranks.get(registration.id, 0), registration.created_at, *last)
        return (1, 0, registration.waitlisted_at or registration.created_at, *last)

    changed = []
    for place, registration in enumerate(sorted(in_play, key=turn)):
        funding = Funding.FUNDED if quota is None or place < quota else Funding.SELF_FUNDED
        if registration.funding != funding:
            registration.funding = funding
            changed.append(registration)
    return changed


def in_play_of(event_id: int, organisation_id: int | None):
    """Registrations of the organisation in play at the event (a condition)."""
    return and_(
        Registration.event_id == event_id,
        Registration.organisation_id == organisation_id,
        Registration.status.not_in(OUT_OF_PLAY),
    )


def settle_and_tell(
    event: Event,
    organisation_id: int | None,
    now: datetime,
    besides: Registration | None = None,
    in_play: list[Registration] | None = None,
) -> None:
    """Settle the organisation's funded places (``in_play``: as ``settle_funding``); those whose
    funding changed are told by email, but for ``besides``, whose own email (of its change of
    status) says it."""
    changed = settle_funding(event, organisation_id, now, joining=besides, in_play=in_play)
    for registration in changed:
        if registration is not besides and registration.status in SEAT_HOLDING:
            notify(registration, "funding")


def funding_statements(registrations: list[Registration]) -> dict:
    """What each delegate holding a seat is told of their funding, from the programme's cost
    rules (the costs capability answers): ``{registration id: statement}``. Those waitlisted or
    not confirmed, and those whose event has no cost rules, are told nothing."""
    told = [r for r in registrations if r.status in SEAT_HOLDING]
    if not told:
        return {}
    return ask(registration_funding, None, registrations=told) or {}
