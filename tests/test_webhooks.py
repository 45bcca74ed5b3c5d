"""Webhooks: a real HTTP server on loopback receives what happens here, signed, after the commit;
retried after a failure, at most once more after a crash between send and record (with the same
delivery id), switched off after repeated failures (its owner emailed); SSRF targets refused;
subscriptions from the pages and the command line."""

import json
import signal
import socket
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import func, select

from eventsapp.accounts.models import Role
from eventsapp.accounts.services import create_user
from eventsapp.catalogue.models import Event
from eventsapp.catalogue.services import EventInput, delete_event, save_event
from eventsapp.core.actions import LoggedAction
from eventsapp.core.clock import utcnow
from eventsapp.core.dates import read_date_phrase
from eventsapp.core.errors import InvalidInput
from eventsapp.registration.statuses import apply_staff_action
from eventsapp.webhooks import delivery as delivery_module
from eventsapp.webhooks.delivery import BACKOFF, LEASE, MAX_FAILURES, deliver_due
from eventsapp.webhooks.events import Happening
from eventsapp.webhooks.models import WebhookDelivery, WebhookSubscription
from eventsapp.webhooks.services import (
    SubscriptionInput,
    add_delivery,
    save_subscription,
    set_active,
)
from eventsapp.webhooks.signing import verify
from eventsapp.webhooks.targets import check_url
from eventsapp.worker import run_round
from tests.conftest import login
from tests.test_action_log import World

SECRET = "a-secret-of-the-partner-0123456789"


class Receiver:
    """An HTTP server on loopback that records each POST and answers the codes it is told to
    (then 200)."""

    def __init__(self):
        self.calls: list[tuple[dict, bytes]] = []
        self.answers: list[int] = []
        self.always: int | None = None
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.calls.append((dict(self.headers), body))
                code = receiver.always or (receiver.answers.pop(0) if receiver.answers else 200)
                self.send_response(code)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def bodies(self) -> list[dict]:
        return [json.loads(body) for _headers, body in self.calls]


@pytest.fixture
def receiver(app, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOKS_ALLOW_PRIVATE", True)
    receiver = Receiver()
    signal.alarm(60)  # a hang fails instead of hanging
    yield receiver
    signal.alarm(0)
    receiver.server.shutdown()
    receiver.server.server_close()


@pytest.fixture
def world(app, db, make, staff_client, staff_user):
    return World(app, db, make, staff_client, staff_user)


def subscribe(db, url, events=("registration.approved",), owner=None, programme_id=None):
    subscription = WebhookSubscription()
    save_subscription(
        subscription,
        SubscriptionInput(url=url, events=list(events), secret=SECRET, programme_id=programme_id),
        None,
        allow_private=True,
        owner=owner,
    )
    db.session.commit()
    return subscription


def approve_on_the_page(world, event, registration):
    response = world.staff.post(
        f"/manage/events/{event.id}/participants", data={"row_action": f"approve:{registration.id}"}
    )
    assert response.status_code == 302


def deliveries(db) -> list[WebhookDelivery]:
    db.session.expire_all()
    return list(db.session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.created_at)))


# ---------------------------------------------------------------- the done-when


def test_a_partner_receives_a_signed_approval_after_the_worker_round(world, db, receiver):
    subscribe(db, receiver.url, owner=world.staff_user)
    event = world.event()
    registration = world.register(event)
    assert receiver.calls == [] and deliveries(db) == []  # pending: not an approval

    approve_on_the_page(world, event, registration)
    assert receiver.calls == []  # after the commit, by the worker
    run_round()

    ((headers, body),) = receiver.calls
    assert headers["Content-Type"] == "application/json"
    assert headers["X-Eventsapp-Event"] == "registration.approved"
    assert verify(SECRET, body, headers["X-Eventsapp-Signature"], int(time.time()))
    assert not verify(
        "another secret of the sort", body, headers["X-Eventsapp-Signature"], int(time.time())
    )
    assert not verify(SECRET, body + b" ", headers["X-Eventsapp-Signature"], int(time.time()))
    sent = json.loads(body)
    assert sent["id"] == headers["X-Eventsapp-Delivery"]
    assert sent["type"] == "registration.approved"
    assert sent["created"].endswith("Z")
    assert sent["data"]["id"] == registration.id
    assert sent["data"]["status"] == "approved"
    assert sent["data"]["event"] == {"id": event.id, "title": event.title, "programme_id": None}
    assert "amina@iebc.example" not in body.decode() and "female" not in body.decode()

    (delivered,) = deliveries(db)
    assert (delivered.status, delivered.response_code, delivered.attempts) == ("delivered", 200, 1)
    assert delivered.duration_ms is not None
    run_round()
    assert len(receiver.calls) == 1  # delivered once


def saved_event(staff, title, programme_id=None, event=None):
    data = EventInput(
        title=title,
        kind="workshop",
        status="planned",
        window=read_date_phrase("18-19 January 2027"),
        date_text="18-19 January 2027",
        venue=None,
        programme_id=programme_id,
    )
    return save_event(event or Event(), data, actor=staff)


def test_only_the_types_and_programme_asked_for_are_sent(world, db, receiver, make):
    cicie = make.programme(name="CICIE")
    subscribe(db, receiver.url, events=["event.created", "event.cancelled"], programme_id=cicie.id)
    subscribe(db, receiver.url + "/all", events=["event.changed"])
    staff = world.staff_user
    event = saved_event(staff, "Workshop on electoral disputes", cicie.id)
    saved_event(staff, "Outside the programme")
    db.session.commit()
    run_round()  # each round's deliveries go in parallel: one at a time here, for their order
    saved_event(staff, "Workshop on electoral justice", cicie.id, event=event)
    db.session.commit()
    run_round()
    delete_event(event, staff)
    db.session.commit()
    run_round()
    assert [
        (h["X-Eventsapp-Event"], b["data"]["title"])
        for (h, _), b in zip(receiver.calls, receiver.bodies(), strict=True)
    ] == [
        ("event.created", "Workshop on electoral disputes"),
        ("event.changed", "Workshop on electoral justice"),
        ("event.cancelled", "Workshop on electoral justice"),
    ]
    assert receiver.bodies()[1]["data"]["changed"] == ["title"]
    assert receiver.bodies()[2]["data"]["deleted"] is True


def test_a_rolled_back_change_delivers_nothing(world, db, receiver):
    subscribe(db, receiver.url)
    event = world.event()
    registration = world.register(event)
    apply_staff_action(event, "approve", [registration.id], utcnow(), world.staff_user)
    db.session.rollback()
    db.session.commit()  # a later transaction of the same session
    run_round()
    assert receiver.calls == [] and deliveries(db) == []
    assert db.session.get(type(registration), registration.id).status == "pending"


# ---------------------------------------------------------------- retries and crashes


def queued(db, subscription, count=1):
    for n in range(count):
        add_delivery(subscription, Happening("registration.approved", None, {"id": n}), utcnow())
    db.session.commit()


def test_retried_after_a_500_then_delivered_once(db, receiver):
    subscription = subscribe(db, receiver.url)
    queued(db, subscription)
    receiver.answers = [500]
    start = utcnow() + timedelta(seconds=1)
    assert deliver_due(start) == {"delivered": 0, "failed": 1, "given up": 0}
    (waiting,) = deliveries(db)
    assert (waiting.status, waiting.response_code, waiting.attempts) == ("pending", 500, 1)
    assert waiting.last_error == "HTTP 500"

    assert deliver_due(start + BACKOFF[0] - timedelta(seconds=1))["delivered"] == 0
    assert len(receiver.calls) == 1
    assert deliver_due(start + BACKOFF[0])["delivered"] == 1
    deliver_due(start + timedelta(days=2))
    first, second = receiver.calls
    assert first[0]["X-Eventsapp-Delivery"] == second[0]["X-Eventsapp-Delivery"] == waiting.id
    assert first[1] == second[1]  # the same body
    assert verify(SECRET, second[1], second[0]["X-Eventsapp-Signature"], int(time.time()))
    (done,) = deliveries(db)
    assert (done.status, done.response_code, done.attempts) == ("delivered", 200, 2)


def test_a_crash_between_send_and_record_sends_once_more_with_the_same_id(
    db, receiver, monkeypatch
):
    subscription = subscribe(db, receiver.url)
    queued(db, subscription)
    start = utcnow() + timedelta(seconds=1)

    def crash(*args):
        raise RuntimeError("the worker dies after the send, before the record")

    with monkeypatch.context() as patched:
        patched.setattr(delivery_module, "record", crash)
        with pytest.raises(RuntimeError):
            deliver_due(start)
    assert len(receiver.calls) == 1

    deliver_due(start + LEASE - timedelta(seconds=1))  # another worker: still claimed
    assert len(receiver.calls) == 1
    deliver_due(start + LEASE)
    deliver_due(start + timedelta(days=2))
    first, second = receiver.calls
    assert first[0]["X-Eventsapp-Delivery"] == second[0]["X-Eventsapp-Delivery"]
    (done,) = deliveries(db)
    assert done.status == "delivered"


def test_switched_off_after_repeated_failures_and_its_owner_emailed(
    db, receiver, mailbox, staff_user
):
    subscription = subscribe(db, receiver.url, owner=staff_user)
    queued(db, subscription, MAX_FAILURES)
    receiver.always = 500
    now = utcnow()
    for _attempt in range(len(BACKOFF) + 1):
        now += timedelta(hours=13)
        deliver_due(now)
    assert len(receiver.calls) == MAX_FAILURES * (len(BACKOFF) + 1)
    db.session.expire_all()
    assert not subscription.active
    assert subscription.consecutive_failures == MAX_FAILURES
    assert {d.status for d in deliveries(db)} == {"failed"}
    (email,) = mailbox.to(staff_user.email)
    assert "Webhook switched off" in email["Subject"]
    assert receiver.url in email.get_body().get_content()
    line = db.session.scalar(select(LoggedAction).where(LoggedAction.action == "webhook.gave_up"))
    assert line.actor_id is None and line.account_id == staff_user.id

    queued(db, subscription)  # an off subscription is sent nothing
    deliver_due(now + timedelta(days=1))
    assert len(receiver.calls) == MAX_FAILURES * (len(BACKOFF) + 1)


# ---------------------------------------------------------------- SSRF


REFUSED = [
    "https://127.0.0.1/hook",
    "https://[::1]/hook",
    "https://10.1.2.3/hook",
    "https://192.168.0.10/hook",
    "https://169.254.169.254/latest/meta-data/",
    "https://[::ffff:127.0.0.1]/hook",
    "https://localhost/hook",
    "https://api.localhost/hook",
    "https://metadata.google.internal/computeMetadata/v1/",
    "https://224.0.0.1/hook",
    "https://0.0.0.0/hook",
    "http://hooks.example.org/hook",  # plain HTTP
    "ftp://hooks.example.org/hook",
    "https://user:pass@hooks.example.org/hook",
]


@pytest.mark.parametrize("url", REFUSED)
def test_ssrf_targets_are_refused_when_saved(app, url):
    with pytest.raises(InvalidInput) as refused:
        check_url(url, allow_private=False)
    assert refused.value.field == "url"
    assert check_url("https://hooks.example.org/hook", allow_private=False)


def test_a_name_resolving_to_loopback_is_refused(app):
    name = socket.gethostname()
    if not all(info[4][0].startswith("127.") for info in socket.getaddrinfo(name, 443)):
        pytest.skip(f"{name} does not resolve to loopback here")
    with pytest.raises(InvalidInput, match="loopback, private or reserved"):
        check_url(f"https://{name}/hook", allow_private=False)


def test_each_delivery_checks_its_address_again(app, db, receiver):
    subscription = subscribe(db, receiver.url)  # allowed when it was saved...
    queued(db, subscription)
    app.config["WEBHOOKS_ALLOW_PRIVATE"] = False  # ...no longer (the fixture restores it)
    deliver_due(utcnow() + timedelta(seconds=1))
    assert receiver.calls == []
    (refused,) = deliveries(db)
    assert refused.response_code is None and refused.last_error.startswith("Refused")


def test_the_page_refuses_a_private_address_beside_the_field(staff_client, db):
    response = staff_client.post(
        "/manage/webhooks/new",
        data={"url": "https://169.254.169.254/", "events": ["registration.approved"]},
    )
    assert response.status_code == 400
    assert "loopback, private or reserved address: refused" in response.text
    assert db.session.scalar(select(func.count(WebhookSubscription.id))) == 0


# ---------------------------------------------------------------- the pages


def test_adding_on_the_page_shows_the_secret_once_then_ping_and_redeliver(world, db, receiver):
    page = world.staff.post(
        "/manage/webhooks/new",
        data={
            "url": receiver.url,
            "events": ["registration.approved", "event.changed"],
            "active": "y",
        },
    )
    assert page.status_code == 200
    subscription = db.session.scalar(select(WebhookSubscription))
    assert subscription.secret.startswith("whsec_") and subscription.secret in page.text
    assert subscription.owner_id == world.staff_user.id
    shown = world.staff.get(f"/manage/webhooks/{subscription.id}").text
    assert subscription.secret not in shown
    assert "webhook.added" in {line.action for line in db.session.scalars(select(LoggedAction))}

    world.staff.post(f"/manage/webhooks/{subscription.id}/ping")
    run_round()
    ((headers, body),) = receiver.calls
    assert json.loads(body)["type"] == "ping"
    assert verify(subscription.secret, body, headers["X-Eventsapp-Signature"], int(time.time()))
    log = world.staff.get(f"/manage/webhooks/{subscription.id}").text
    assert headers["X-Eventsapp-Delivery"] in log and "HTTP 200" in log

    delivery_id = headers["X-Eventsapp-Delivery"]
    response = world.staff.post(
        f"/manage/webhooks/{subscription.id}/deliveries/{delivery_id}/redeliver"
    )
    assert response.status_code == 302
    run_round()
    assert [h["X-Eventsapp-Delivery"] for h, _b in receiver.calls] == [delivery_id, delivery_id]

    world.staff.post(f"/manage/webhooks/{subscription.id}/switch-off")
    db.session.expire_all()
    assert not subscription.active
    world.staff.post(f"/manage/webhooks/{subscription.id}/delete")
    assert db.session.scalar(select(func.count(WebhookSubscription.id))) == 0
    actions = {line.action for line in db.session.scalars(select(LoggedAction))}
    assert {
        "webhook.pinged",
        "webhook.redelivered",
        "webhook.switched_off",
        "webhook.deleted",
    } <= actions


def test_staff_see_their_own_webhooks_and_administrators_everyones(world, db, app):
    other = create_user("colleague@example.org", Role.STAFF, "a kettle on the hob")
    db.session.commit()
    theirs = subscribe(db, "https://hooks.example.org/theirs", owner=other)
    assert world.staff.get(f"/manage/webhooks/{theirs.id}").status_code == 404
    assert world.staff.post(f"/manage/webhooks/{theirs.id}/delete").status_code == 404
    assert "hooks.example.org/theirs" not in world.staff.get("/manage/webhooks/").text
    admin = world.admin()
    assert "hooks.example.org/theirs" in admin.get("/manage/webhooks/").text
    assert admin.get(f"/manage/webhooks/{theirs.id}").status_code == 200


def test_a_delegate_cannot_reach_the_pages(client, delegate_user):
    login(client, delegate_user)
    assert client.get("/manage/webhooks/").status_code == 403


# ---------------------------------------------------------------- the command line


def test_the_command_line_adds_lists_and_removes(app, db, staff_user):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "webhooks",
            "add",
            "https://hooks.example.org/in",
            "--events",
            "registration.approved,event.changed",
            "--secret",
            SECRET,
            "--owner",
            staff_user.email,
        ]
    )
    assert result.exit_code == 0, result.output
    subscription = db.session.scalar(select(WebhookSubscription))
    assert subscription.events == ["registration.approved", "event.changed"]
    assert subscription.secret == SECRET and subscription.owner_id == staff_user.id
    listed = runner.invoke(args=["webhooks", "list"]).output
    assert "https://hooks.example.org/in" in listed and "on" in listed

    made = runner.invoke(
        args=[
            "webhooks",
            "add",
            "https://hooks.example.org/two",
            "--events",
            "checkin.created",
        ]
    )
    assert made.exit_code == 0 and "whsec_" in made.output

    assert runner.invoke(args=["webhooks", "remove", str(subscription.id)]).exit_code == 0
    assert db.session.scalar(select(func.count(WebhookSubscription.id))) == 1


@pytest.mark.parametrize(
    "args, said",
    [
        (
            ["https://hooks.example.org/in", "--events", "registration.eaten"],
            "Unknown: registration.eaten",
        ),
        (["https://10.0.0.7/in", "--events", "event.changed"], "refused"),
        (
            ["https://hooks.example.org/in", "--events", "event.changed", "--secret", "short"],
            "secret",
        ),
        (
            [
                "https://hooks.example.org/in",
                "--events",
                "event.changed",
                "--owner",
                "nobody@example.org",
            ],
            "--owner",
        ),
        (
            ["https://hooks.example.org/in", "--events", "event.changed", "--programme", "999"],
            "programme",
        ),
    ],
)
def test_the_command_line_refuses_bad_input_and_writes_nothing(app, db, args, said):
    result = app.test_cli_runner().invoke(args=["webhooks", "add", *args])
    assert result.exit_code == 2
    assert said in result.stderr
    assert db.session.scalar(select(func.count(WebhookSubscription.id))) == 0
    assert db.session.scalar(select(func.count(LoggedAction.id))) == 0


def test_removing_an_unknown_webhook_says_so(app, db):
    result = app.test_cli_runner().invoke(args=["webhooks", "remove", "12345"])
    assert result.exit_code == 2 and "no webhook 12345" in result.stderr


def test_what_happens_while_switched_off_waits_and_goes_once_switched_on(world, db, receiver):
    """A webhook switched off (by hand, or after failures) misses nothing: its deliveries wait."""
    subscription = subscribe(db, receiver.url, owner=world.staff_user)
    set_active(subscription, False, world.staff_user)
    db.session.commit()
    event = world.event()
    registration = world.register(event)
    approve_on_the_page(world, event, registration)
    run_round()
    assert receiver.calls == []  # off: nothing goes

    set_active(db.session.get(WebhookSubscription, subscription.id), True, world.staff_user)
    db.session.commit()
    run_round()
    ((_headers, body),) = receiver.calls
    assert json.loads(body)["data"]["id"] == registration.id
