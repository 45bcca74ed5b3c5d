"""The write API over HTTP: events created and changed, registrations decided, tasks added and
done, plan progress recorded; the same messages as the staff forms, every error code, idempotent
retries, and CSRF for a session.

Calls are made with a staff member's session (every scope but ``admin``): the token tests come
with the tokens.
"""

import re
import threading

import pytest
from sqlalchemy import func, select

from eventsapp import create_app
from eventsapp.api.idempotency import KEPT, IdempotencyKey, forget_old_keys
from eventsapp.catalogue.models import Event
from eventsapp.core.actions import LoggedAction
from eventsapp.core.clock import utcnow
from eventsapp.logistics.models import Task
from eventsapp.mail.models import OutboxEmail
from eventsapp.plans.models import Plan, PlanItem
from eventsapp.registration.models import Registration
from eventsapp.registration.services import RegistrationInput, register
from tests.conftest import login

EVENT = {
    "title": "Workshop on electoral justice",
    "kind": "workshop",
    "date_text": "early March (tbc)",
    "year": 2027,
    "venue": {"country": "MX", "city": "Mexico City"},
    "capacity": 30,
    "languages": ["en", "es"],
}


def post(client, url, body, key=None, **headers):
    if key is not None:
        headers["Idempotency-Key"] = key
    return client.post(url, json=body, headers=headers)


def logged(db, action: str) -> list[LoggedAction]:
    return list(
        db.session.scalars(
            select(LoggedAction).where(LoggedAction.action == action).order_by(LoggedAction.id)
        )
    )


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def registration_for(db, event, number: int = 1) -> Registration:
    registration = register(
        event,
        RegistrationInput(
            name=f"Delegate {number}",
            gender="female",
            email=f"delegate{number}@example.org",
            country_code="PE",
            consent=True,
        ),
        utcnow(),
    )
    db.session.commit()
    return registration


def emails_to(db, address: str) -> list[OutboxEmail]:
    return list(db.session.scalars(select(OutboxEmail).where(OutboxEmail.to == address)))


# ---------------------------------------------------------------- events


def test_an_event_is_created_from_a_date_phrase_and_answered_as_the_api_reads_it(staff_client, db):
    answer = post(staff_client, "/api/v1/events", EVENT)
    assert answer.status_code == 201, answer.get_json()
    body = answer.get_json()
    assert body["title"] == "Workshop on electoral justice"
    assert (body["starts_on"], body["ends_on"]) == ("2027-03-01", "2027-03-10")
    assert body["tentative"] is True and body["precision"] == "part_of_month"
    assert body["venue"]["city"] == "Mexico City"
    assert answer.headers["Location"].endswith(f"/api/v1/events/{body['id']}")
    assert staff_client.get(f"/api/v1/events/{body['id']}").get_json() == body
    [line] = logged(db, "event.created")
    assert line.actor_name == "Staff Member" and line.object_id == body["id"]
    assert "token" not in line.data  # a session, not a token


def test_a_change_keeps_what_it_does_not_name_and_rereads_the_phrase(staff_client, db):
    created = post(staff_client, "/api/v1/events", EVENT).get_json()
    answer = staff_client.patch(f"/api/v1/events/{created['id']}", json={"date_text": "mid April"})
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert (body["starts_on"], body["ends_on"]) == ("2027-04-11", "2027-04-20")
    assert body["title"] == EVENT["title"] and body["venue"]["city"] == "Mexico City"
    event = db.session.get(Event, created["id"])
    assert event.capacity == 30 and event.languages == ["en", "es"]
    [line] = logged(db, "event.edited")
    assert line.data["changes"]["date_text"] == ["early March (tbc)", "mid April"]

    cancelled = staff_client.patch(f"/api/v1/events/{created['id']}", json={"status": "cancelled"})
    assert cancelled.get_json()["status"] == "cancelled"
    venue_cleared = staff_client.patch(f"/api/v1/events/{created['id']}", json={"venue": None})
    assert venue_cleared.get_json()["venue"] is None


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"date_text": "early Marsh 2027"}, "date_text", "Marsh"),
        ({"date_text": "early March", "year": None}, "date_text", "do not say the year"),
        ({"kind": "picnic"}, "kind", "Not a valid choice"),
        ({"capacity": -1}, "capacity", "between 0 and 100000"),
        ({"title": "x" * 301}, "title", "longer than 300"),
        ({"venue": {"country": "XX"}}, "venue.country", "Not a valid choice"),
        ({"venue": {"country": "MX"}, "start_time": "10:00"}, "start_time", ""),
        ({"section": 999}, "section", "Not a valid choice"),
        ({"status": "held", "year": 2090}, "status", "marked held once it has begun"),
    ],
)
def test_a_value_the_form_refuses_is_a_422_naming_the_field(
    staff_client, db, change, field, message
):
    answer = post(staff_client, "/api/v1/events", {**EVENT, **change})
    assert answer.status_code == 422
    body = answer.get_json()
    assert body["code"] == "invalid" and body["field"] == field
    assert message in body["error"]
    assert count(db, Event) == 0


def test_the_page_and_the_api_give_the_same_message(staff_client, db):
    page = staff_client.post(
        "/manage/events/new",
        data={"title": "A", "kind": "workshop", "status": "planned", "date_text": "early Marsh"},
    )
    api = post(staff_client, "/api/v1/events", {**EVENT, "date_text": "early Marsh", "year": 2027})
    message = api.get_json()["error"]
    assert message.split("“")[0] in page.get_data(as_text=True).replace("&#34;", '"')


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        ([EVENT], {}),  # not an object
        ({**EVENT, "capacity": "30"}, {}),  # a string for a number
        ({**EVENT, "title": None}, {}),
        ({**EVENT, "colour": "blue"}, {}),  # unknown member
        ({**EVENT, "title": "A\x00B"}, {}),  # NUL
        ({**EVENT, "venue": {"country": "MX", "city": "Mé\x07xico"}}, {}),
    ],
)
def test_malformed_bodies_are_a_400_and_write_nothing(staff_client, db, body, headers):
    answer = post(staff_client, "/api/v1/events", body, **headers)
    assert answer.status_code == 400
    assert answer.get_json()["code"] == "malformed"
    assert count(db, Event) == 0


def test_hostile_bodies_never_give_a_server_error(staff_client, db):
    bodies = [
        b"{" * 100000,
        b"[" * 5000 + b"]" * 5000,
        b'{"title": "' + b"x" * 2_000_000 + b'"}',
        b"\xff\xfe not utf-8",
        b'{"title": NaN}',
        b"",
        b"null",
    ]
    for body in bodies:
        answer = staff_client.post(
            "/api/v1/events", data=body, headers={"Content-Type": "application/json"}
        )
        assert answer.status_code == 400, body[:20]
        assert answer.get_json()["code"] == "malformed"
    as_form = staff_client.post("/api/v1/events", data={"title": "x"})
    assert as_form.status_code == 400 and as_form.get_json()["code"] == "malformed"
    far = post(staff_client, "/api/v1/events", {**EVENT, "date_text": "1 March 99999"})
    huge = post(staff_client, "/api/v1/events", {**EVENT, "capacity": 10**40})
    long_title = post(staff_client, "/api/v1/events", {**EVENT, "title": "x" * 1_000_000})
    assert {far.status_code, huge.status_code, long_title.status_code} == {422}
    assert count(db, Event) == 0


def test_an_unknown_event_is_a_404(staff_client, db):
    answer = staff_client.patch("/api/v1/events/999999", json={"title": "New"})
    assert answer.status_code == 404 and answer.get_json()["code"] == "not_found"


def test_writes_are_for_staff(client, db, delegate_user):
    assert post(client, "/api/v1/events", EVENT).status_code == 401
    login(client, delegate_user)
    assert post(client, "/api/v1/events", EVENT).status_code == 403
    assert count(db, Event) == 0


# ---------------------------------------------------------------- decisions


def test_a_decision_changes_the_status_emails_the_delegate_and_logs_the_reason(
    staff_client, db, make
):
    event = make.open_event(capacity=5)
    registration = registration_for(db, event)
    answer = post(
        staff_client,
        f"/api/v1/registrations/{registration.id}/decision",
        {"decision": "approve", "reason": "Nominated by the national board"},
    )
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json() == {
        "id": registration.id,
        "event_id": event.id,
        "name": "Delegate 1",
        "status": "approved",
    }
    assert [e.subject for e in emails_to(db, "delegate1@example.org")][-1:] != []
    approved_emails = len(emails_to(db, "delegate1@example.org"))
    [line] = logged(db, "registration.approved")
    assert line.data["text"] == "Nominated by the national board"
    assert line.actor_name == "Staff Member"

    again = post(
        staff_client, f"/api/v1/registrations/{registration.id}/decision", {"decision": "approve"}
    )
    assert again.status_code == 409
    assert again.get_json()["code"] == "conflict"
    assert "only pending, waitlisted or declined" in again.get_json()["error"]
    assert len(emails_to(db, "delegate1@example.org")) == approved_emails

    declined = post(
        staff_client, f"/api/v1/registrations/{registration.id}/decision", {"decision": "decline"}
    )
    assert declined.get_json()["status"] == "declined"


def test_approving_needs_a_free_seat_as_on_the_page(staff_client, db, make):
    event = make.open_event(capacity=1)
    first = registration_for(db, event, 1)
    second = registration_for(db, event, 2)  # waitlisted: the pending first holds the seat
    answer = post(
        staff_client, f"/api/v1/registrations/{second.id}/decision", {"decision": "approve"}
    )
    assert answer.status_code == 409
    assert "No seat is left for Delegate 2" in answer.get_json()["error"]
    assert db.session.get(Registration, first.id).status == "pending"


def test_a_nominee_is_decided_on_the_delegations_page(staff_client, db, make):
    event = make.open_event(capacity=5)
    registration = registration_for(db, event)
    registration.nominated = True
    db.session.commit()
    answer = post(
        staff_client, f"/api/v1/registrations/{registration.id}/decision", {"decision": "decline"}
    )
    assert answer.status_code == 409
    assert "Delegations page" in answer.get_json()["error"]
    assert db.session.get(Registration, registration.id).status == "pending"


def test_a_decision_refused_names_its_field(staff_client, db, make):
    event = make.open_event(capacity=5)
    registration = registration_for(db, event)
    url = f"/api/v1/registrations/{registration.id}/decision"
    wrong = post(staff_client, url, {"decision": "maybe"})
    assert (wrong.status_code, wrong.get_json()["field"]) == (422, "decision")
    long = post(staff_client, url, {"decision": "decline", "reason": "x" * 2001})
    assert (long.status_code, long.get_json()["field"]) == (422, "reason")
    missing = post(staff_client, "/api/v1/registrations/999999/decision", {"decision": "approve"})
    assert missing.status_code == 404


# ---------------------------------------------------------------- tasks and plan progress


def test_a_task_due_before_the_start_and_marked_done(staff_client, db, make, staff_user):
    event = make.event(date_text="18-19 January 2027")
    answer = post(
        staff_client,
        f"/api/v1/events/{event.id}/tasks",
        {
            "title": "Book the interpreters",
            "owner_email": "STAFF@example.org",
            "due": "45 days before start",
        },
    )
    assert answer.status_code == 201, answer.get_json()
    task = answer.get_json()
    assert task["due_on"] == "2026-12-04" and task["due_rule"] == "45 days before start"
    assert task["owner_email"] == "staff@example.org"
    assert staff_client.get(f"/api/v1/events/{event.id}/tasks").get_json() == [task]
    assert logged(db, "task.added")[0].actor_name == "Staff Member"

    done = post(staff_client, f"/api/v1/tasks/{task['id']}/done", None)
    assert done.status_code == 200 and done.get_json()["status"] == "done"
    assert db.session.get(Task, task["id"]).due_on.isoformat() == "2026-12-04"
    assert logged(db, "task.saved")[0].data["changes"]["status"] == ["to_do", "done"]
    twice = post(staff_client, f"/api/v1/tasks/{task['id']}/done", None)
    assert twice.status_code == 409 and twice.get_json()["code"] == "conflict"
    assert post(staff_client, "/api/v1/tasks/999999/done", None).status_code == 404


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"due": "soon"}, "due", "45 days before start"),
        ({"due_on": "2027-01-01", "due": "3 days after end"}, "due_on", "Give either"),
        ({"due_on": "05/03/2027"}, "due_on", ""),
        ({"due_on": "1 January 2300"}, "due_on", "outside the years"),
        ({"due": "3 days after end", "owner_email": "nobody@example.org"}, "owner_email", "staff"),
    ],
)
def test_a_task_refused_names_its_field(staff_client, db, make, body, field, message):
    event = make.event(date_text="18-19 January 2027")
    answer = post(staff_client, f"/api/v1/events/{event.id}/tasks", {"title": "Visas", **body})
    assert answer.status_code == 422, answer.get_json()
    assert answer.get_json()["field"] == field and message in answer.get_json()["error"]
    assert count(db, Task) == 0


@pytest.fixture
def plan_item(db, make):
    programme = make.programme("CICIE")
    plan = Plan(programme_id=programme.id, title="Action plan 2021", shape="items")
    item = PlanItem(
        key="1.1",
        ref="1.1",
        title="Train trainers",
        indicators=[{"text": "Trainers"}, {"text": "Countries"}],
    )
    plan.items.append(item)
    db.session.add(plan)
    db.session.commit()
    return item


def test_plan_progress_is_recorded_and_logged(staff_client, db, plan_item):
    url = f"/api/v1/plan-items/{plan_item.id}/progress"
    body = {"period": "2021-q2", "status": "on_track", "actuals": [12, None], "comment": "Good"}
    answer = post(staff_client, url, body)
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json() == {
        "item_id": plan_item.id,
        "period": "2021-Q2",
        "status": "on_track",
        "actuals": [12, None],
        "comment": "Good",
    }
    [line] = logged(db, "plan_item.progress_recorded")
    assert line.data["period"] == "2021-Q2" and line.actor_name == "Staff Member"
    bad_period = post(staff_client, url, {**body, "period": "Q2 2021"})
    assert bad_period.get_json()["error"] == "Write a quarter as 2016-Q1 or a year as 2016."
    huge = post(staff_client, url, {**body, "actuals": [1e300]})
    assert (huge.status_code, huge.get_json()["field"]) == (422, "actuals")
    assert post(staff_client, "/api/v1/plan-items/999999/progress", body).status_code == 404
    too_many = post(staff_client, url, {**body, "actuals": [1, 2, 3]})  # two indicators
    assert (too_many.status_code, too_many.get_json()["field"]) == (422, "actuals")
    assert "2 indicators" in too_many.get_json()["error"]


# ---------------------------------------------------------------- idempotency


def test_a_retry_with_the_same_key_acts_once_and_gets_the_first_answer(staff_client, db):
    first = post(staff_client, "/api/v1/events", EVENT, key="create-workshop-1")
    retry = post(staff_client, "/api/v1/events", EVENT, key="create-workshop-1")
    assert first.status_code == retry.status_code == 201
    assert retry.get_json() == first.get_json()
    assert retry.headers["Location"] == first.headers["Location"]
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert count(db, Event) == 1 and len(logged(db, "event.created")) == 1

    other = post(
        staff_client, "/api/v1/events", {**EVENT, "title": "Other"}, key="create-workshop-1"
    )
    assert other.status_code == 422
    assert other.get_json()["code"] == "idempotency_key_reused"
    assert count(db, Event) == 1

    another_key = post(staff_client, "/api/v1/events", EVENT, key="create-workshop-2")
    assert another_key.status_code == 201 and count(db, Event) == 2


def test_a_retried_decision_emails_the_delegate_once(staff_client, db, make):
    event = make.open_event(capacity=5)
    registration = registration_for(db, event)
    before = len(emails_to(db, "delegate1@example.org"))
    url = f"/api/v1/registrations/{registration.id}/decision"
    answers = [post(staff_client, url, {"decision": "approve"}, key="approve-1") for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert len(emails_to(db, "delegate1@example.org")) == before + 1
    assert len(logged(db, "registration.approved")) == 1


def test_a_failed_request_keeps_no_key(staff_client, db):
    refused = post(staff_client, "/api/v1/events", {**EVENT, "kind": "picnic"}, key="k-1")
    assert refused.status_code == 422
    assert count(db, IdempotencyKey) == 0
    fixed = post(staff_client, "/api/v1/events", {**EVENT, "kind": "picnic"}, key="k-1")
    assert fixed.status_code == 422  # acted again, not replayed


def test_keys_are_per_account_and_their_format_is_checked(staff_client, client, db):
    post(staff_client, "/api/v1/events", EVENT, key="shared")
    from eventsapp.accounts.models import Role
    from eventsapp.accounts.services import create_user

    colleague = create_user("colleague@example.org", Role.STAFF, "kettle-on-the-stove", name="C")
    db.session.commit()
    login(staff_client, colleague)
    assert post(staff_client, "/api/v1/events", EVENT, key="shared").status_code == 201
    assert count(db, Event) == 2
    for bad in ("", "x" * 201, "naïve"):
        answer = staff_client.post(
            "/api/v1/events",
            json=EVENT,
            headers={"Idempotency-Key": bad.encode().decode("latin-1")},
        )
        assert answer.status_code == 400 and answer.get_json()["field"] == "Idempotency-Key"


def test_keys_older_than_a_day_are_forgotten(staff_client, db):
    post(staff_client, "/api/v1/events", EVENT, key="old")
    db.session.execute(
        IdempotencyKey.__table__.update().values(created_at=utcnow() - KEPT - KEPT / 24)
    )
    db.session.commit()
    assert post(staff_client, "/api/v1/events", EVENT, key="old").status_code == 201
    assert count(db, Event) == 2  # the old answer no longer replays
    db.session.execute(
        IdempotencyKey.__table__.update().values(created_at=utcnow() - KEPT - KEPT / 24)
    )
    assert forget_old_keys(utcnow()) == {"idempotency keys deleted": 1}
    db.session.commit()
    assert count(db, IdempotencyKey) == 0


def needs_postgresql(settings) -> None:
    if not settings["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("needs PostgreSQL: run with DATABASE_URL=postgresql://… (CI does)")


def test_two_requests_at_once_with_one_key_act_once(settings, db, staff_user):
    needs_postgresql(settings)
    crowd = create_app({**settings, "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 3}})
    barrier = threading.Barrier(2, timeout=30)
    answers = []
    user_id = staff_user.get_id()

    def send():
        client = crowd.test_client()
        with client.session_transaction() as session:
            session["_user_id"], session["_fresh"] = user_id, True
        barrier.wait()
        answers.append(post(client, "/api/v1/events", EVENT, key="at-once"))

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    statuses = sorted(a.status_code for a in answers)
    assert statuses in ([201, 201], [201, 409])
    if statuses == [201, 409]:
        assert [a.get_json()["code"] for a in answers if a.status_code == 409] == ["in_progress"]
    assert count(db, Event) == 1


def test_a_retry_while_the_first_runs_is_told_it_is_in_progress(settings, db, staff_user, app):
    """The first request's transaction is held open by hand: its advisory lock is taken."""
    needs_postgresql(settings)
    from eventsapp.api.idempotency import claim
    from eventsapp.extensions import db as _db

    with app.app_context():
        assert claim(staff_user.id, "running")  # the first request's lock, held by this session
        other = app.test_client()
        login(other, staff_user)
        answer = post(other, "/api/v1/events", EVENT, key="running")
        _db.session.rollback()
    assert answer.status_code == 409 and answer.get_json()["code"] == "in_progress"
    assert count(db, Event) == 0


# ---------------------------------------------------------------- CSRF


@pytest.fixture
def csrf_on(app):
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


def test_a_session_needs_the_csrf_header(staff_client, db, csrf_on):
    refused = post(staff_client, "/api/v1/events", EVENT)
    assert refused.status_code == 400 and refused.get_json()["code"] == "csrf"
    assert count(db, Event) == 0
    page = staff_client.get("/manage/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    accepted = post(staff_client, "/api/v1/events", EVENT, **{"X-CSRFToken": token})
    assert accepted.status_code == 201
    assert count(db, Event) == 1
