# ruff: noqa: F811  (the fixtures imported from tests/test_webhooks)
"""Issue 29's "Done when", from the outside: a script with a token (and no session) approves a
registration and pulls the results; the partner's receiver gets the signed
``registration.approved`` from the worker's next round; a retry of the script acts once. (A
staff member signing in through a real OpenID Connect provider: tests/test_oidc.py.)"""

import json
import time

from sqlalchemy import select

from eventsapp.api.scopes import DECIDE, READ
from eventsapp.api.tokens import create_token
from eventsapp.core.actions import LoggedAction
from eventsapp.mail.models import OutboxEmail
from eventsapp.webhooks.signing import verify
from eventsapp.worker import run_round
from tests.test_webhooks import SECRET, receiver, subscribe, world  # noqa: F401  (fixtures)


def test_a_script_approves_and_reads_the_results_and_the_partner_is_told(
    app,
    db,
    world,
    receiver,
):
    subscribe(db, receiver.url, owner=world.staff_user)
    event = world.event()
    registration = world.register(event)
    _token, plain = create_token(world.staff_user, "finance sync", [READ, DECIDE], 30, None)
    db.session.commit()
    script = app.test_client()  # no session: the token is the only credential
    headers = {"Authorization": f"Bearer {plain}", "Idempotency-Key": "approve-42"}
    url = f"/api/v1/registrations/{registration.id}/decision"

    before = _emails_to(db, registration.email)
    answer = script.post(url, json={"decision": "approve", "reason": "Quota"}, headers=headers)
    again = script.post(url, json={"decision": "approve", "reason": "Quota"}, headers=headers)

    assert answer.status_code == 200 and answer.json["status"] == "approved"
    assert again.get_json() == answer.get_json() and again.headers["Idempotent-Replayed"]
    assert "Set-Cookie" not in answer.headers
    assert _emails_to(db, registration.email) == before + 1  # the delegate told once
    line = db.session.scalar(
        select(LoggedAction)
        .where(
            LoggedAction.object_id == registration.id, LoggedAction.action.like("registration.%")
        )
        .order_by(LoggedAction.id.desc())
    )
    assert line.actor_id == world.staff_user.id and line.data["token"] == "token finance sync"

    assert receiver.calls == []  # after the commit, by the worker
    run_round()
    ((sent_headers, body),) = receiver.calls
    assert verify(SECRET, body, sent_headers["X-Eventsapp-Signature"], int(time.time()))
    delivered = json.loads(body)
    assert (delivered["type"], delivered["data"]["id"]) == (
        "registration.approved",
        registration.id,
    )

    results = script.get(f"/api/v1/reports/results?from={event.starts_on.year}", headers=headers)
    assert results.status_code == 200 and "totals" in results.json


def _emails_to(db, address: str) -> int:
    return len(db.session.scalars(select(OutboxEmail).where(OutboxEmail.to == address)).all())


def test_a_token_that_may_only_read_cannot_decide(app, db, world):
    event = world.event()
    registration = world.register(event)
    _token, plain = create_token(world.staff_user, "dashboard", [READ], 30, None)
    db.session.commit()
    answer = app.test_client().post(
        f"/api/v1/registrations/{registration.id}/decision",
        json={"decision": "approve"},
        headers={"Authorization": f"Bearer {plain}"},
    )
    assert answer.status_code == 403 and DECIDE in answer.json["error"]
    db.session.refresh(registration)
    assert registration.status == "pending"
