"""Staff decide on each nominee holding a place: approve, decline (with a reason) or move to the
waiting list; a declined nominee's place passes to the first reserve. Staff may move a place
from one authority to another. Approving warns when it would take the event below the
programme's aim for women among those approved (``DelegationTarget``)."""

from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..catalogue.models import Event
from ..core.actions import describe, log_action
from ..core.errors import InvalidInput
from ..core.locks import reread_locked
from ..extensions import db
from ..people.models import Gender
from ..registration.models import Registration, Status
from ..registration.seats import StatusError
from ..registration.statuses import change_status
from .emails import tell_focal_point
from .models import Delegation, DelegationTarget, Nomination, NominationState, Reason
from .places import changing, in_play, nominations_of, settle
from .services import lock

DECISIONS = {
    "approve": _l("Approve"),
    "decline": _l("Decline"),
    "waitlist": _l("Waiting list"),
}
DECIDED = describe(
    "delegation.decided",
    _l("Decided on %(nominee)s of %(object)s: %(decision)s"),
    labels={"reason": Reason},
)
MOVED = describe("delegation.place_moved", _l("Moved a place from %(object)s to %(to)s"))
APPROVED = (Status.APPROVED, Status.ATTENDED)


class BalanceWarning(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def women_target(event: Event) -> int | None:
    """The programme's aim for women among those approved, in percent, or None."""
    if event.programme_id is None:
        return None
    return db.session.scalar(
        select(DelegationTarget.women_percent).where(
            DelegationTarget.programme_id == event.programme_id
        )
    )


def set_women_target(programme_id: int, percent: int | None) -> None:
    target = db.session.get(DelegationTarget, programme_id)
    if percent is None:
        if target is not None:
            db.session.delete(target)
        return
    if not 0 <= percent <= 100:
        raise InvalidInput("women_percent", _("Write a share between 0 and 100."))
    if target is None:
        db.session.add(DelegationTarget(programme_id=programme_id, women_percent=percent))
    else:
        target.women_percent = percent


def approved_by_gender(event_id: int) -> dict[str, int]:
    return dict(
        db.session.execute(
            select(Registration.gender, func.count(Registration.id))
            .where(Registration.event_id == event_id, Registration.status.in_(APPROVED))
            .group_by(Registration.gender)
        ).all()
    )


def balance_warning(event: Event, registration: Registration) -> str | None:
    """Why approving ``registration`` would leave the event below its aim for women, or None."""
    target = women_target(event)
    if not target or registration.gender == Gender.FEMALE:
        return None
    counts = approved_by_gender(event.id)
    women, total = counts.get(Gender.FEMALE, 0), sum(counts.values()) + 1
    share = round(100 * women / total)
    if share >= target:
        return None
    return _(
        "Approving %(name)s would leave %(share)d%% women among those approved, below the "
        "programme’s aim of %(target)d%%.",
        name=registration.name,
        share=share,
        target=target,
    )


def decide(
    nomination: Nomination,
    action: str,
    reason: str | None,
    note: str,
    now: datetime,
    staff,
    despite_balance: bool = False,
) -> list[Nomination]:
    """Staff's decision on a nominee holding a place; the focal point is told, with the reason
    in their language, and a place freed goes to the first reserve (returned: those who moved
    up)."""
    if action not in DECISIONS:
        raise InvalidInput("action", _("Choose a decision."))
    if reason and reason not in {r.value for r in Reason}:
        raise InvalidInput("reason", _("Choose a reason of the list."))
    if action == "decline" and not reason:
        raise InvalidInput("reason", _("Say why the nominee is declined: the authority reads it."))
    if reason == Reason.OTHER and not note.strip():
        raise InvalidInput("note", _("Write the reason in the note."))
    delegation = nomination.delegation
    lock(delegation)
    reread_locked(nomination)
    registration = nomination.registration
    if nomination.state != NominationState.NOMINATED or registration is None:
        raise InvalidInput(
            "action",
            _(
                "%(name)s holds no place: a reserve moves up when a place frees.",
                name=nomination.name,
            ),
        )
    if action == "approve":
        if delegation.letter_required and delegation.letter_stored is None:
            raise InvalidInput(
                "action", _("The authority has not sent the nomination letter this event asks for.")
            )
        if not despite_balance and (warning := balance_warning(delegation.event, registration)):
            raise BalanceWarning(warning)
    with changing():
        try:
            # A nominee put on the waiting list is not told the event is full (it may not be):
            # the focal point is told, and the nominee's page says it.
            change_status(registration, action, now, staff, tell=action != "waitlist")
        except StatusError as error:
            raise InvalidInput("action", error.message) from error
    nomination.reason = reason or None
    nomination.note = note.strip()
    log_action(
        delegation,
        DECIDED,
        staff,
        {"nominee": nomination.name, "decision": str(DECISIONS[action]), "reason": reason},
        at=now,
        label=delegation.organisation.name,
    )
    tell_focal_point(
        delegation,
        "delegation_decision",
        _l("A decision on your delegation: %(title)s"),
        nomination=nomination,
        decision=action,
    )
    return settle(delegation, now)


def move_place(source: Delegation, target: Delegation, funded: bool, now: datetime, staff) -> None:
    """A place (funded, or self-funded) passes from one authority to another of the event: the
    other's first reserve moves up. Refused when the first has no such place free."""
    if source.id == target.id or source.event_id != target.event_id:
        raise InvalidInput("target", _("Choose another authority invited to this event."))
    first, second = sorted((source, target), key=lambda d: d.id)
    lock(first)
    reread_locked(second)
    kind = "funded_places" if funded else "self_funded_places"
    held = sum(1 for n in nominations_of(source) if n.registration_id and in_play(n))
    if getattr(source, kind) < 1 or source.places - 1 < held:
        raise InvalidInput(
            "target",
            _(
                "%(name)s has no such place free: decline or withdraw a nominee first.",
                name=source.organisation.name,
            ),
        )
    if source.places == 1:
        raise InvalidInput("target", _("An authority invited keeps at least one place."))
    setattr(source, kind, getattr(source, kind) - 1)
    setattr(target, kind, getattr(target, kind) + 1)
    log_action(
        source,
        MOVED,
        staff,
        {"to": target.organisation.name, "funded": funded},
        at=now,
        label=source.organisation.name,
    )
    settle(target, now)
