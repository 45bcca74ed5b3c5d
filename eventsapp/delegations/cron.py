"""The daily job of delegations: reminders to focal points who have nominated nobody (and a
last call before the deadline), and nominees who have not completed their registration in time,
flagged to the focal point (the board shows them to staff)."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select
from sqlalchemy.orm import joinedload

from ..catalogue.models import Event
from ..core.jobs import periodic
from ..extensions import db
from ..registration.models import Registration, Status
from .emails import tell_focal_point
from .models import Delegation, Nomination, NominationState


@dataclass(frozen=True)
class Rules:
    completion_days: int
    reminder_days: int
    last_call_days: int

    @classmethod
    def from_settings(cls, config) -> "Rules":
        return cls(
            config["DELEGATION_COMPLETION_DAYS"],
            config["DELEGATION_REMINDER_DAYS"],
            config["DELEGATION_LAST_CALL_DAYS"],
        )


def remind_focal_points(now: datetime, rules: Rules) -> dict[str, int]:
    """Focal points of open delegations (before the deadline, not frozen, the event ahead) who
    have nominated nobody: a reminder every ``reminder_days``, and one last call."""
    today = now.date()
    nobody = ~exists().where(
        Nomination.delegation_id == Delegation.id, Nomination.state == NominationState.NOMINATED
    )
    waiting = db.session.scalars(
        select(Delegation)
        .join(Event, Event.id == Delegation.event_id)
        .where(
            nobody,
            Delegation.frozen_at.is_(None),
            Delegation.deadline >= today,
            Event.starts_on > today,
        )
        .options(joinedload(Delegation.event), joinedload(Delegation.organisation))
    ).all()
    counts = {"reminders": 0, "last calls": 0}
    for delegation in waiting:
        if _last_call_due(delegation, today, rules):
            delegation.last_call_at = now
            tell_focal_point(
                delegation,
                "delegation_reminder",
                _l("Last call to nominate: %(title)s"),
                last_call=True,
            )
            counts["last calls"] += 1
        elif (delegation.reminded_at or delegation.invited_at) <= now - timedelta(
            days=rules.reminder_days
        ):
            delegation.reminded_at = now
            tell_focal_point(
                delegation,
                "delegation_reminder",
                _l("Reminder: nominate your delegation: %(title)s"),
                last_call=False,
            )
            counts["reminders"] += 1
    return counts


def _last_call_due(delegation: Delegation, today: date, rules: Rules) -> bool:
    return delegation.last_call_at is None and (delegation.deadline - today).days <= (
        rules.last_call_days
    )


def flag_incomplete(now: datetime, rules: Rules) -> int:
    """Nominees given a place ``completion_days`` ago who have not completed their
    registration: flagged, and their focal points told (one email per delegation)."""
    late = db.session.scalars(
        select(Nomination)
        .join(Registration, Registration.id == Nomination.registration_id)
        .join(Event, Event.id == Registration.event_id)
        .where(
            Nomination.state == NominationState.NOMINATED,
            Nomination.completed_at.is_(None),
            Nomination.flagged_at.is_(None),
            Nomination.placed_at <= now - timedelta(days=rules.completion_days),
            Registration.status.in_((Status.PENDING, Status.APPROVED, Status.WAITLISTED)),
            Event.starts_on > now.date(),
        )
        .options(joinedload(Nomination.delegation).joinedload(Delegation.event))
        .order_by(Nomination.delegation_id, Nomination.rank)
    ).all()
    by_delegation: dict[int, list[Nomination]] = {}
    for nomination in late:
        nomination.flagged_at = now
        by_delegation.setdefault(nomination.delegation_id, []).append(nomination)
    for nominations in by_delegation.values():
        tell_focal_point(
            nominations[0].delegation,
            "delegation_incomplete",
            _l("Nominees have not completed their registration: %(title)s"),
            nominations=nominations,
        )
    return len(late)


@periodic("delegations", every=timedelta(hours=24))
def delegations(now: datetime) -> dict[str, int]:
    rules = Rules.from_settings(current_app.config)
    return {**remind_focal_points(now, rules), "flagged": flag_incomplete(now, rules)}
