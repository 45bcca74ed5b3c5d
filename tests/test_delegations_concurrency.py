"""Two staff deciding at once never give a delegation's last place twice, whatever the focal
point does in the same moment (PostgreSQL: row locks; CI runs it)."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from eventsapp.accounts.models import User
from eventsapp.core.clock import utcnow
from eventsapp.core.errors import InvalidInput
from eventsapp.delegations.decisions import decide
from eventsapp.delegations.models import Delegation, Nomination
from eventsapp.delegations.places import in_play
from eventsapp.delegations.services import InvitationInput, NomineeInput, invite, nominate
from eventsapp.delegations.services import withdraw as withdraw_nominee
from eventsapp.extensions import db as _db
from eventsapp.registration.models import Funding, Registration
from tests.test_registration_concurrency import at_once, needs_postgresql


@pytest.mark.postgres
def test_the_last_funded_place_is_given_once(settings, db, make, staff_user):
    needs_postgresql(settings)
    event = make.open_event(capacity=50, days_ahead=40, access="nomination")
    body = make.organisation("Jurado Nacional de Elecciones", country="PE")
    now = utcnow()
    delegation = invite(
        event,
        InvitationInput(body.id, "Rosa", "rosa@jne.gob.pe", "es", 2, 0, now.date() + timedelta(9)),
        now,
        staff_user,
    )
    ids = [
        nominate(delegation, NomineeInput(name, f"{name.lower()}@jne.gob.pe", "female"), now).id
        for name in ("Ana", "Bea", "Carmen", "Dora")
    ]
    decide(db.session.get(Nomination, ids[0]), "approve", None, "", now, staff_user)
    db.session.commit()
    delegation_id, staff_id = delegation.id, staff_user.id

    def staff_decides(index: int, action: str, reason=None):
        def run():
            staff = _db.session.get(User, staff_id)
            nomination = _db.session.get(Nomination, ids[index])
            try:
                decide(nomination, action, reason, "", utcnow(), staff, despite_balance=True)
            except InvalidInput:
                _db.session.rollback()
                return SimpleNamespace(status="refused")
            return nomination.registration

        return run

    def focal_point(action):
        def run():
            delegation = _db.session.get(Delegation, delegation_id)
            try:
                if action == "nominate":
                    nominate(delegation, NomineeInput("Eva", "eva@jne.gob.pe", "female"), utcnow())
                    return SimpleNamespace(status="nominated")
                withdraw_nominee(_db.session.get(Nomination, ids[1]), utcnow())
                return SimpleNamespace(status="withdrawn")
            except InvalidInput:
                _db.session.rollback()
                return SimpleNamespace(status="refused")

        return run

    outcomes, errors = at_once(
        settings,
        [
            staff_decides(1, "approve"),  # Bea: the last funded place
            staff_decides(1, "approve"),  # the same click, by a colleague
            staff_decides(2, "approve"),  # Carmen, a reserve: holds no place to approve
            staff_decides(1, "decline", "profile"),
            focal_point("withdraw"),
            focal_point("nominate"),
        ],
    )
    assert not errors, errors
    assert len(outcomes) == 6
    db.session.expire_all()
    nominations = db.session.scalars(
        select(Nomination).where(Nomination.delegation_id == delegation_id)
    ).all()
    placed = [n for n in nominations if in_play(n) and n.registration is not None]
    assert len(placed) == 2  # never more than the quota
    funded = [n for n in placed if n.registration.funding == Funding.FUNDED]
    assert len(funded) == 2
    registrations = db.session.scalars(
        select(Registration).where(Registration.event_id == event.id)
    ).all()
    assert len({r.email for r in registrations}) == len(registrations)
    approved = [n for n in placed if n.registration.status == "approved"]
    assert 1 <= len(approved) <= 2
