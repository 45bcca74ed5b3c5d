"""Changes of a registration's status, as one table of transitions with their effects.

Every change (staff approving, declining, moving to the waiting list, marking attendance; a
delegate withdrawing or accepting a seat offered; an offer lapsing) goes through
``change_status``, which applies the same steps in the same order:

1. refuse a status the transition does not start from, or a seat it needs and cannot have;
2. record the change in the action log with who made it (``actor``: staff deciding, the
   delegate withdrawing or accepting an offer, None for the site letting an offer lapse);
3. set the new status; the waiting list's order and any seat offer follow from it;
4. tell the delegate (the transition's email), then settle the organisation's funded places
   (the others whose funding changed are told);
5. offer a seat it freed to the next on the waiting list.

The caller holds the event's lock (``seats.lock_event``). A registration's first status (from
unconfirmed, or new) is given by ``services.register`` and ``services.confirm_registration``;
unconfirmed registrations take none of these transitions, and staff never see them.
"""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..catalogue.models import Event
from ..core.actions import describe, log_action
from ..core.locks import reread_locked
from ..core.signals import registration_status_changed
from ..extensions import db
from .funding import settle_and_tell
from .models import CONFIRMED, SEAT_HOLDING, Registration, Status
from .notifications import notify
from .seats import (
    StatusError,
    get_settings,
    holds_seat_now,
    lock_event,
    seat_free,
    why_closed,
)
from .waiting_list import offer_free_seats


@dataclass(frozen=True)
class Transition:
    to: Status | None  # None: pending or approved, as the event's approval setting says
    sources: tuple[Status, ...]
    refused: str  # why a registration in another status cannot take it (``%(name)s``)
    logged: str  # the action it is recorded as (``core.actions``)
    email: str | None = None  # the email telling the delegate


def _logged(action: str, phrase) -> str:
    return describe(action, phrase, labels={"status": Status}, fields={"status": _l("Status")})


TRANSITIONS = {
    "approve": Transition(
        Status.APPROVED,
        (Status.PENDING, Status.WAITLISTED, Status.DECLINED),
        _l("%(name)s: only pending, waitlisted or declined registrations can be approved."),
        _logged("registration.approved", _l("Approved the registration of %(object)s")),
        "approved",
    ),
    "decline": Transition(
        Status.DECLINED,
        (Status.PENDING, Status.APPROVED, Status.WAITLISTED),
        _l("%(name)s: only pending, approved or waitlisted registrations can be declined."),
        _logged("registration.declined", _l("Declined the registration of %(object)s")),
        "declined",
    ),
    "waitlist": Transition(
        Status.WAITLISTED,
        (Status.PENDING, Status.APPROVED, Status.DECLINED),
        _l(
            "%(name)s: only pending, approved or declined registrations can be moved to the "
            "waiting list."
        ),
        _logged("registration.waitlisted", _l("Moved %(object)s to the waiting list")),
        "waitlisted",
    ),
    "attended": Transition(
        Status.ATTENDED,
        (Status.APPROVED,),
        _l("%(name)s: only approved participants can be marked as attended."),
        _logged("registration.attended", _l("Marked %(object)s as attended")),
    ),
    "withdraw": Transition(
        Status.WITHDRAWN,
        (Status.PENDING, Status.APPROVED, Status.WAITLISTED),
        _l("This registration cannot be withdrawn any more."),
        _logged("registration.withdrawn", _l("Withdrew the registration of %(object)s")),
        "withdrawn",
    ),
    "accept_offer": Transition(
        None,
        (Status.WAITLISTED,),
        _l("This offer is no longer open."),
        _logged("registration.offer_accepted", _l("Accepted the seat offered to %(object)s")),
    ),
    "lapse": Transition(
        Status.WITHDRAWN,
        (Status.WAITLISTED,),
        _l("This offer is no longer open."),
        _logged(
            "registration.offer_lapsed",
            _l("Ended the seat offered to %(object)s: it was not accepted in time"),
        ),
        "offer_lapsed",
    ),
}

# The email that answers a registration (or an accepted offer), by the status it gets.
FIRST_EMAIL = {
    Status.PENDING: "received",
    Status.APPROVED: "approved",
    Status.WAITLISTED: "waitlisted",
}

# What staff do from the participants page, one by one or to those ticked.
STAFF_ACTIONS = ("approve", "decline", "waitlist", "attended")


def refusal(
    registration: Registration, action: str, now: datetime, free: bool | None = None
) -> str | None:
    """Why the transition cannot apply to the registration now, naming its delegate; None when
    it can. Taking a seat needs a free one unless the registration holds one already (``free``,
    read from the database when not given)."""
    transition = TRANSITIONS[action]
    if registration.status not in transition.sources:
        return str(transition.refused) % {"name": registration.name}
    if _takes_seat(transition) and not holds_seat_now(registration, now):
        if free is None:
            free = seat_free(registration.event, now)
        if not free:
            return _(
                "No seat is left for %(name)s: raise the capacity or decline someone first.",
                name=registration.name,
            )
    return None


def _takes_seat(transition: Transition) -> bool:
    return transition.to is None or transition.to in SEAT_HOLDING


def change_status(
    registration: Registration,
    action: str,
    now: datetime,
    actor,
    tell: bool = True,
    reason: str = "",
) -> None:
    """Apply a transition of ``TRANSITIONS`` and its effects (see the module's docstring);
    ``actor``: who makes it (an account, or None for the site); ``tell``: False when the caller
    writes to the delegate itself; ``reason``: kept with the change in the action log."""
    if problem := refusal(registration, action, now):
        raise StatusError(problem)
    transition = TRANSITIONS[action]
    event = registration.event
    held = holds_seat_now(registration, now)
    new = transition.to
    if new is None:
        new = Status.PENDING if get_settings(event.id).approval_required else Status.APPROVED
    log_action(
        registration,
        transition.logged,
        actor,
        {"changes": {"status": [registration.status, new]}, **({"text": reason} if reason else {})},
        at=now,
    )
    registration.status = new
    registration.offer_expires_at = None
    if new == Status.WAITLISTED:
        registration.waitlisted_at = now  # to the end of the list
    elif new in SEAT_HOLDING:
        registration.waitlisted_at = None
    email = transition.email or (FIRST_EMAIL[new] if transition.to is None else None)
    if email and tell:
        notify(registration, email, held_seat=held)
    settle_and_tell(event, registration.organisation_id, now, besides=registration)
    registration_status_changed.send(registration, now=now)
    if held and new not in SEAT_HOLDING:
        db.session.flush()
        offer_free_seats(event, now)


def allowed_actions(
    registrations: list[Registration], free: bool, now: datetime
) -> dict[int, list[str]]:
    """The staff actions each registration accepts now (by id), with or without a free seat."""
    return {
        r.id: [
            a
            for a in STAFF_ACTIONS
            if (a == "attended" or not r.nominated) and refusal(r, a, now, free) is None
        ]
        for r in registrations
    }


def apply_staff_action(
    event: Event,
    action: str,
    registration_ids: list[int],
    now: datetime,
    staff,
    reason: str = "",
) -> tuple[int, list[str]]:
    """Apply one staff action (by the account ``staff``, with a ``reason`` for the action log)
    to the chosen registrations of the event, in registration order.

    Returns how many changed and the reasons of those that could not.
    """
    if action not in STAFF_ACTIONS:
        raise ValueError(action)
    lock_event(event.id)
    expire_offers(event, now)
    registrations = db.session.scalars(
        select(Registration)
        .where(
            Registration.event_id == event.id,
            Registration.id.in_(registration_ids),
            Registration.status.in_(CONFIRMED),
        )
        .order_by(Registration.created_at, Registration.id)
    ).all()
    done, problems = 0, []
    for registration in registrations:
        if registration.nominated and action != "attended":
            problems.append(nominee_message(registration))
            continue
        try:
            change_status(registration, action, now, staff, reason=reason)
        except StatusError as error:
            problems.append(error.message)
        else:
            done += 1
            db.session.flush()
    return done, problems


def nominee_message(registration: Registration) -> str:
    return _(
        "%(name)s was nominated by their authority: decide on the event’s Delegations page.",
        name=registration.name,
    )


def withdraw(registration: Registration, now: datetime, delegate) -> None:
    """The delegate withdraws; a seat held is offered to the first on the waiting list."""
    _lock(registration)
    change_status(registration, "withdraw", now, delegate)


def accept_offer(registration: Registration, now: datetime, delegate) -> None:
    """The delegate takes the seat offered, while the offer runs and the event takes
    registrations."""
    _lock(registration)
    if not registration.has_offer or registration.offer_expires_at <= now:
        raise StatusError(_("This offer has expired, and the seat passed to the next delegate."))
    if closed := why_closed(registration.event, get_settings(registration.event_id), now):
        raise StatusError(closed)
    change_status(registration, "accept_offer", now, delegate)


def _lock(registration: Registration) -> None:
    """Lock the registration's event, then read the registration again as the lock finds it:
    a second click waits for the first, and sees what it did (withdrawn once, emailed once)."""
    lock_event(registration.event_id)
    reread_locked(registration)


def expire_offers(event: Event, now: datetime) -> int:
    """Offers not accepted in time end (the delegate is withdrawn, and told); their seats pass
    on. The caller holds the event's lock."""
    expired = db.session.scalars(
        select(Registration).where(
            Registration.event_id == event.id,
            Registration.status == Status.WAITLISTED,
            Registration.offer_expires_at <= now,
        )
    ).all()
    for registration in expired:
        change_status(registration, "lapse", now, None)
    if expired:
        db.session.flush()
        offer_free_seats(event, now)
    return len(expired)


def pass_on_expired_offers(event_id: int, now: datetime) -> int:
    """Under the event's lock: offers not accepted in time end, and free seats are offered (also
    those of a capacity raised on the event form). How many offers ended."""
    lock_event(event_id)
    event = db.session.get(Event, event_id)
    expired = expire_offers(event, now)
    offer_free_seats(event, now)
    return expired
