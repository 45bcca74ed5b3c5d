"""The action log: every decision, status change, check-in, certificate, cost change, import,
request change, merge and sign-in by link records who, when and what; the History pages of an
event and of an account show it; the requests' timeline reads it."""

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from flask import current_app
from flask_migrate import downgrade, upgrade
from markupsafe import escape
from sqlalchemy import func, insert, inspect, select, text

from eventsapp import create_app
from eventsapp.accounts.models import Role, User
from eventsapp.accounts.services import create_user, login_link_token
from eventsapp.authority_requests.models import AuthorityRequest
from eventsapp.authority_requests.services import receive_report_form
from eventsapp.catalogue.models import Event
from eventsapp.core.actions import LoggedAction
from eventsapp.core.clock import utcnow
from eventsapp.costs.settings import set_actual, set_reporting_currency
from eventsapp.demo.services import load_demo
from eventsapp.extensions import db as _db
from eventsapp.plans.models import Plan, PlanItem
from eventsapp.registration.models import Registration
from eventsapp.registration.services import RegistrationInput, register
from eventsapp.registration.statuses import apply_staff_action, withdraw
from eventsapp.registration.waiting_list import offer_url
from tests.conftest import login
from tests.documents_helpers import badge_code
from tests.test_authority_requests import ask
from tests.test_events import post_event
from tests.test_registration_http import post_registration

AMINA = "Amina Odhiambo"
REQUEST = "National Office of Electoral Processes"


@dataclass
class World:
    app: object
    db: object
    make: object
    staff: object  # the client of the staff member below
    staff_user: User

    def event(self, **settings) -> Event:
        return self.make.open_event(**settings)

    def register(self, event: Event, name=AMINA, email="amina@iebc.example") -> Registration:
        """A registration by its owner, signed in (the address is theirs)."""
        data = RegistrationInput(
            name=name, gender="female", email=email, country_code="KE", consent=True
        )
        registration = register(event, data, utcnow())
        self.db.session.commit()
        return registration

    def approved(self, event: Event) -> Registration:
        """An approved participant of an event that may be over."""
        registration = Registration(
            event_id=event.id,
            name=AMINA,
            gender="female",
            email="amina@iebc.example",
            country_code="KE",
            status="approved",
            consent_at=utcnow(),
        )
        self.db.session.add(registration)
        self.db.session.commit()
        return registration

    def client_of(self, user: User):
        client = self.app.test_client()
        login(client, user)
        return client

    def admin(self):
        user = self.db.session.scalar(select(User).where(User.email == "ada@example.org"))
        if user is None:
            user = create_user("ada@example.org", Role.ADMIN, "a long pass phrase", name="Ada")
            self.db.session.commit()
        return self.client_of(user)

    def programme(self):
        programme = self.make.programme(name="CICIE")
        set_reporting_currency(programme, "MXN", actor=None)
        self.db.session.commit()
        return programme


@pytest.fixture
def world(app, db, make, staff_client, staff_user):
    return World(app, db, make, staff_client, staff_user)


def participants_url(event: Event) -> str:
    return f"/manage/events/{event.id}/participants"


def newest(db, action: str) -> LoggedAction:
    line = db.session.scalar(
        select(LoggedAction)
        .where(LoggedAction.action == action)
        .order_by(LoggedAction.id.desc())
        .limit(1)
    )
    assert line is not None, f"no {action} line"
    return line


# ---------------------------------------------------------------- the done-when


def test_approving_a_registration_shows_who_approved_it_and_when(world, db):
    event = world.event()
    registration = world.register(event)
    before = utcnow().replace(microsecond=0)
    response = world.staff.post(
        participants_url(event), data={"row_action": f"approve:{registration.id}"}
    )
    after = utcnow()
    assert response.status_code == 302
    tabs = world.staff.get(participants_url(event)).text
    assert f'href="/manage/events/{event.id}/history"' in tabs

    page = world.staff.get(f"/manage/events/{event.id}/history").text
    line = newest(db, "registration.approved")
    assert before <= line.at <= after
    row = page[page.index(f'<time datetime="{line.at.isoformat()}Z">') :]
    row = row[: row.index("</tr>")]
    assert "Staff Member" in row
    assert f"Approved the registration of {AMINA}" in row
    assert "Status: Pending approval → Approved" in row
    # Newest first: the approval above the registration itself.
    assert page.index("Approved the registration") < page.index(f"Registered {AMINA}")


# ---------------------------------------------------------------- each action, with its actor

CASES = {}


def case(function):
    CASES[function.__name__] = function
    return function


@case
def staff_approve(w):
    event = w.event()
    r = w.register(event)
    w.staff.post(participants_url(event), data={"row_action": f"approve:{r.id}"})
    return "registration.approved", "Staff Member", f"Approved the registration of {AMINA}"


@case
def staff_decline(w):
    event = w.event()
    r = w.register(event)
    w.staff.post(participants_url(event), data={"ids": [r.id], "action": "decline"})
    return "registration.declined", "Staff Member", f"Declined the registration of {AMINA}"


@case
def staff_waitlist(w):
    event = w.event()
    r = w.register(event)
    w.staff.post(participants_url(event), data={"row_action": f"waitlist:{r.id}"})
    return "registration.waitlisted", "Staff Member", f"Moved {AMINA} to the waiting list"


@case
def staff_mark_attended(w):
    event = w.event()
    r = w.register(event)
    apply_staff_action(event, "approve", [r.id], utcnow(), w.staff_user)
    w.db.session.commit()
    w.staff.post(participants_url(event), data={"row_action": f"attended:{r.id}"})
    return "registration.attended", "Staff Member", f"Marked {AMINA} as attended"


@case
def delegate_registers(w):
    w.register(w.event())
    return "registration.registered", AMINA, f"Registered {AMINA}"


@case
def delegate_confirms_by_the_emailed_link(w):
    post_registration(w.app.test_client(), w.event())
    return (
        "registration.confirmed",
        AMINA,
        f"Confirmed the registration of {AMINA} by the emailed link",
    )


@case
def delegate_withdraws(w):
    r = w.register(w.event())
    w.client_of(r.user).post(f"/me/registrations/{r.id}/withdraw")
    return "registration.withdrawn", AMINA, f"Withdrew the registration of {AMINA}"


def _offer(w) -> Registration:
    """A full event whose only seat is freed: the second delegate is offered it."""
    event = w.event(capacity=1)
    first = w.register(event)
    second = w.register(event, name="Next in line", email="next@example.org")
    assert second.status == "waitlisted"
    withdraw(first, utcnow(), first.user)
    w.db.session.commit()
    return second


@case
def site_offers_a_freed_seat(w):
    _offer(w)
    return "registration.offered", "The site", "Offered a seat to Next in line until"


@case
def delegate_accepts_the_seat_offered(w):
    second = _offer(w)
    path = offer_url(second).removeprefix(current_app.config["SITE_URL"])
    assert w.app.test_client().post(path).status_code == 302
    return (
        "registration.offer_accepted",
        "Next in line",
        "Accepted the seat offered to Next in line",
    )


@case
def site_lets_an_offer_lapse(w):
    from eventsapp.registration.cron import tick

    _offer(w)
    tick(utcnow() + timedelta(days=5))
    w.db.session.commit()
    return "registration.offer_lapsed", "The site", "Ended the seat offered to Next in line"


def _course(w):
    return w.make.event(title="Specialization course", date_text="18-19 January 2016")


@case
def staff_check_in(w):
    event = _course(w)
    r = w.approved(event)
    url = f"/manage/events/{event.id}/check-in"
    w.staff.post(url, data={"registration_id": r.id, "day": "2016-01-19"})
    return "registration.checked_in", "Staff Member", f"Checked in {AMINA} for 19 January 2016"


def _certificate(w):
    event = _course(w)
    r = w.approved(event)
    for day in ("2016-01-18", "2016-01-19"):
        w.staff.post(
            f"/manage/events/{event.id}/check-in", data={"token": badge_code(r), "day": day}
        )
    w.staff.post(f"/manage/events/{event.id}/certificates")
    return event


@case
def staff_issue_a_certificate(w):
    _certificate(w)
    # The participant is marked as attended by the same staff member, through change_status.
    attended = newest(w.db, "registration.attended")
    assert (attended.who, attended.data["changes"]) == (
        "Staff Member",
        {"status": ["approved", "attended"]},
    )
    line = newest(w.db, "document.issued")
    assert line.data["days"] == 2 and line.data["of"] == 2
    return (
        "document.issued",
        "Staff Member",
        f"Issued document DOC-2016-0002 to {AMINA} (Certificate of completion)",
    )


@case
def staff_revoke_a_certificate(w):
    event = _certificate(w)
    line = newest(w.db, "document.issued")
    w.staff.post(f"/manage/events/{event.id}/certificates/{line.object_id}/revoke")
    return (
        "document.revoked",
        "Staff Member",
        f"Revoked document DOC-2016-0002 of {AMINA} (Certificate of completion)",
    )


@case
def staff_print_the_badges(w):
    event = _course(w)
    w.approved(event)
    w.staff.get(f"/manage/events/{event.id}/badges.pdf")
    return (
        "document.issued",
        "Staff Member",
        f"Issued document DOC-2016-0001 to {AMINA} (Badge)",
    )


def _costs(w, part: str, **data):
    programme = w.programme()
    form = {f"{part}-{name}": value for name, value in data.items()}
    response = w.staff.post(f"/manage/programmes/{programme.id}/costs/{part}", data=form)
    assert response.status_code == 302, response.text


@case
def staff_set_the_reporting_currency(w):
    _costs(w, "currency", currency="USD")
    return "cost_settings.saved", "Staff Member", "Set the reporting currency of CICIE"


@case
def staff_save_a_cost_rule(w):
    _costs(w, "rule", category="lodging", payer_role="host", basis="per_delegate_night")
    return "cost_rule.saved", "Staff Member", "Saved the cost rule of Lodging in CICIE"


@case
def staff_set_a_unit_estimate(w):
    _costs(w, "estimate", year="2016", category="lodging", amount="1000", currency="MXN")
    return "unit_estimate.saved", "Staff Member", "Set the unit estimate of Lodging for 2016"


@case
def staff_set_an_exchange_rate(w):
    _costs(w, "rate", year="2016", currency="USD", rate="18.5")
    return "exchange_rate.saved", "Staff Member", "Set the exchange rate of USD for 2016 in CICIE"


@case
def staff_set_an_air_fare(w):
    _costs(w, "fare", year="2016", region="Americas", amount="600", currency="MXN")
    return "air_fare.saved", "Staff Member", "Set the air fare from Americas for 2016 in CICIE"


def _budget_event(w):
    return w.make.event(title="Costed workshop", programme_id=w.programme().id)


def _override(w, event):
    data = {
        "override-category": "lodging",
        "override-payer_role": "host",
        "override-payer_organisation_id": "",
    }
    response = w.staff.post(f"/manage/events/{event.id}/budget/override", data=data)
    assert response.status_code == 302, response.text


@case
def staff_override_who_pays(w):
    _override(w, _budget_event(w))
    return "cost_override.saved", "Staff Member", "Set who pays Lodging in Costed workshop"


@case
def staff_delete_an_override(w):
    event = _budget_event(w)
    _override(w, event)
    w.staff.post(f"/manage/events/{event.id}/budget/override/lodging/delete")
    return (
        "cost_override.deleted",
        "Staff Member",
        "The programme's rule applies again to Lodging in Costed workshop",
    )


@case
def staff_enter_an_actual_amount(w):
    event = _budget_event(w)
    payers = {"founders": "Founders"}
    set_actual(event, "lodging", "founders", "100", "MXN", payers, actor=w.staff_user)
    w.db.session.commit()
    return "actual_amount.saved", "Staff Member", "Entered what Founders spent on Lodging"


@case
def staff_import_a_plan(w):
    programme = w.make.programme(name="PPIEP")
    text = "Work programme 2014\nA regional meeting\nDates: 1 March 2014\n"
    form = {"programme_id": programme.id, "shape": "auto", "text": text, "confirm": "1"}
    assert w.staff.post("/manage/import", data=form).status_code == 302
    return "plan.imported", "Staff Member", "(events: 1, items: 0, tasks: 0, new: 1)"


@case
def staff_record_progress(w):
    plan = Plan(programme_id=w.make.programme().id, title="Action plan", shape="items")
    item = PlanItem(
        key="1.1", ref="1.1", title="Train officials", indicators=[{"text": "Officials"}]
    )
    plan.items.append(item)
    w.db.session.add(plan)
    w.db.session.commit()
    data = {"period": "2016-Q1", "status": "on_track", "actuals": "4", "comment": "Going well"}
    w.staff.post(f"/manage/plans/{plan.id}/items/{item.id}/progress", data=data)
    return (
        "plan_item.progress_recorded",
        "Staff Member",
        "Recorded the progress of 1.1 Train officials for 2016-Q1",
    )


@case
def authority_sends_a_request(w):
    ask(w.app.test_client(), w.db)
    return "request.sent", "Rosa Quispe", f"Sent the request of {REQUEST}"


@case
def site_emails_the_authority(w):
    ask(w.app.test_client(), w.db)
    return (
        "request.emailed",
        "The site",
        "Emailed rosa.quispe@example.org: “We received your request”",
    )


def _request(w) -> AuthorityRequest:
    ask(w.app.test_client(), w.db)
    return w.db.session.scalar(select(AuthorityRequest))


@case
def staff_add_a_note_on_a_request(w):
    req = _request(w)
    w.staff.post(f"/manage/requests/{req.id}/notes", data={"note": "Call them on Monday"})
    return "request.note_added", "Staff Member", f"Added a note on the request of {REQUEST}"


@case
def staff_move_a_request_on(w):
    req = _request(w)
    w.staff.post(f"/manage/requests/{req.id}/status", data={"status": "under_discussion"})
    return (
        "request.status_changed",
        "Staff Member",
        f"Set the request of {REQUEST} to “Under discussion”",
    )


@case
def authority_sends_its_final_report(w):
    req = _request(w)
    receive_report_form(req, "We learnt a lot.", "", "", utcnow())
    w.db.session.commit()
    return "request.report_received", "Rosa Quispe", f"Sent the final report of {REQUEST}"


@case
def staff_merge_organisations(w):
    twice = w.make.organisation("IEBC", country="KE")
    kept = w.make.organisation("IEBC Kenya", country="KE")
    url = f"/manage/organisations/{twice.id}/merge"
    assert w.staff.post(url, data={"merge-target_id": kept.id}).status_code == 302
    return "organisation.merged", "Staff Member", "Merged IEBC into IEBC Kenya"


@case
def delegate_signs_in_by_link(w):
    user = create_user("amina@iebc.example", Role.DELEGATE, name=AMINA, confirmed=False)
    w.db.session.commit()
    response = w.app.test_client().post(f"/login/link/{login_link_token(user)}")
    assert response.status_code == 302
    return "account.signed_in_by_link", AMINA, "Signed in with an emailed link"


@case
def admin_invites_a_colleague(w):
    data = {"email": "new@example.org", "name": "New Colleague", "role": "staff"}
    assert w.admin().post("/manage/accounts/new", data=data).status_code == 302
    return "account.invited", "Ada", "Invited New Colleague"


@case
def admin_changes_an_account(w):
    data = {"name": "Staff Member", "role": "coordinator", "active": "y"}
    url = f"/manage/accounts/{w.staff_user.id}"
    assert w.admin().post(url, data=data).status_code == 302
    return "account.updated", "Ada", "Changed the account of Staff Member"


@case
def staff_create_an_event(w):
    post_event(w.staff)
    return "event.created", "Staff Member", "Created the event First meeting of the Advisory"


@case
def staff_edit_an_event(w):
    post_event(w.staff)
    event = w.db.session.scalar(select(Event))
    post_event(w.staff, f"/manage/events/{event.id}/edit", capacity="30", status="confirmed")
    line = newest(w.db, "event.edited")
    assert line.details == ["Status: Planned → Confirmed", "Capacity: 25 → 30"]
    return "event.edited", "Staff Member", "Edited the event First meeting of the Advisory"


@case
def staff_delete_an_event(w):
    event_id = w.make.event(title="Held by mistake").id
    w.staff.post(f"/manage/events/{event_id}/delete")
    assert w.db.session.get(Event, event_id) is None
    return "event.deleted", "Staff Member", "Deleted the event Held by mistake"


@pytest.mark.parametrize("name", CASES)
def test_each_action_is_recorded_with_who_did_it(world, db, name):
    action, who, text = CASES[name](world)
    db.session.expire_all()
    line = newest(db, action)
    assert line.who == who
    assert text in line.sentence
    if line.event_id:
        page = world.staff.get(f"/manage/events/{line.event_id}/history").text
    elif line.actor_id:
        page = world.admin().get(f"/manage/accounts/{line.actor_id}/history").text
    else:
        return  # the site, or a person without an account, on nothing else: no page to show it
    assert str(escape(text)) in page and str(escape(who)) in page


# ---------------------------------------------------------------- transactions


def test_a_line_goes_with_its_transaction(world, db):
    """Written in the caller's transaction, never committed alone: rolled back with the change."""
    event = world.event()
    registration = world.register(event)
    apply_staff_action(event, "approve", [registration.id], utcnow(), world.staff_user)
    assert (
        db.session.scalar(
            select(func.count()).where(LoggedAction.action == "registration.approved")
        )
        == 1
    )
    db.session.rollback()
    assert db.session.get(Registration, registration.id).status == "pending"
    assert (
        db.session.scalar(
            select(func.count()).where(LoggedAction.action == "registration.approved")
        )
        == 0
    )


def test_a_refused_change_records_nothing(world, db):
    event = world.event(capacity=2)
    first, second = world.register(event), world.register(event, "Second", "second@example.org")
    world.staff.post(
        participants_url(event), data={"ids": [first.id, second.id], "action": "attended"}
    )
    edit = post_event(world.staff, f"/manage/events/{event.id}/edit", capacity="1")
    assert "2 seats are held: the capacity cannot be less." in edit.text
    db.session.expire_all()
    assert db.session.get(Event, event.id).capacity == 2
    actions = set(db.session.scalars(select(LoggedAction.action)))
    assert actions == {"registration.registered"}


# ---------------------------------------------------------------- who sees the history


def test_delegates_never_see_a_history(world, db, delegate_user):
    event = world.event()
    world.register(event)
    delegate = world.client_of(delegate_user)
    for url in (
        f"/manage/events/{event.id}/history",
        f"/manage/accounts/{delegate_user.id}/history",
    ):
        response = delegate.get(url)
        assert response.status_code == 403 and AMINA not in response.text


def test_an_accounts_history_is_for_administrators(world, db):
    event = world.event()
    registration = world.register(event)
    url = f"/manage/accounts/{registration.user_id}/history"
    assert world.staff.get(url).status_code == 403
    page = world.admin().get(url).text
    # What the delegate did, and the event it was in, linked to the event's history.
    assert f"Registered {AMINA}" in page
    assert f'href="/manage/events/{event.id}/history">{event.title}</a>' in page
    assert world.admin().get("/manage/accounts/999999/history").status_code == 404


# ---------------------------------------------------------------- a fixed number of queries


def _lines(db, event: Event, actor: User, first: int, count: int) -> None:
    """Lines 'first' to 'first + count', each a minute older than the one before."""
    start = utcnow().replace(second=0, microsecond=0)
    db.session.execute(
        insert(LoggedAction),
        [
            {
                "at": start - timedelta(minutes=n),
                "actor_id": actor.id,
                "actor_name": actor.name,
                "action": "registration.approved",
                "object_type": "registration",
                "object_id": n + 1,
                "label": f"Delegate {n}",
                "event_id": event.id,
                "account_id": actor.id,
                "data": {"changes": {"status": ["pending", "approved"]}},
            }
            for n in range(first, first + count)
        ],
    )
    db.session.commit()


@pytest.mark.parametrize("page", ["event", "account"])
def test_the_history_pages_run_a_fixed_number_of_queries(world, db, count_queries, page):
    event = world.make.event(title="Busy event")
    admin = world.admin()
    url = {
        "event": f"/manage/events/{event.id}/history",
        "account": f"/manage/accounts/{world.staff_user.id}/history",
    }[page]
    counts = []
    for first, total in ((0, 10), (10, 500)):
        _lines(db, event, world.staff_user, first, total - first)
        with count_queries() as queries:
            response = admin.get(url)
        assert response.status_code == 200
        assert response.text.count("Approved the registration of Delegate") == min(total, 25)
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert "Page 1 of 20" in response.text
    second = admin.get(url + "?page=2").text
    assert re.search(r"of Delegate 25\b", second) and not re.search(r"of Delegate 24\b", second)


# ---------------------------------------------------------------- the requests' timeline, migrated


def test_the_request_timeline_keeps_its_lines_through_the_migration(settings, tmp_path):
    """Lines of the old timeline (``authority_request_changes``) become lines of the action log,
    which the request's pages read; going down puts them back."""
    app = create_app(
        {**settings, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.sqlite3'}"}
    )
    with app.app_context():
        upgrade()
        load_demo()
        staff = create_user("old@example.org", Role.STAFF, "a long pass phrase", name="Old Staff")
        _db.session.commit()
        staff_id = staff.id
        downgrade(revision="0021_question_engine")
        with _db.engine.begin() as connection:
            request_id, old_lines = connection.execute(
                text(
                    "SELECT request_id, count(*) FROM authority_request_changes "
                    "GROUP BY request_id ORDER BY request_id LIMIT 1"
                )
            ).one()
            assert old_lines >= 1  # the demo's, put back by the downgrade
            connection.execute(
                text(
                    "INSERT INTO authority_request_changes "
                    "(request_id, at, by_id, by_name, what, status, text) VALUES "
                    "(:r, '2016-02-01 09:00:00', :s, 'Old Staff', 'note', NULL, 'Ask for the CVs'),"
                    "(:r, '2016-02-02 09:00:00', :s, 'Old Staff', 'status', 'declined', 'No slot'),"
                    "(:r, '2016-02-02 09:00:01', NULL, 'The contact', 'email', NULL, "
                    "'Your request: Declined → contact@example.org')"
                ),
                {"r": request_id, "s": staff_id},
            )
        upgrade()
        assert "authority_request_changes" not in inspect(_db.engine).get_table_names()
        lines = list(
            _db.session.scalars(
                select(LoggedAction)
                .where(LoggedAction.object_type == "request", LoggedAction.object_id == request_id)
                .order_by(LoggedAction.at, LoggedAction.id)
            )
        )
        assert [(line.action, line.who) for line in lines[-3:]] == [
            ("request.note_added", "Old Staff"),
            ("request.status_changed", "Old Staff"),
            ("request.emailed", "The site"),
        ]
        assert len(lines) == old_lines + 3
        client = app.test_client()
        login(client, _db.session.get(User, staff_id))
        page = client.get(f"/manage/requests/{request_id}").text
        assert "Old Staff" in page and "Ask for the CVs" in page
        assert "to “Declined”" in page and "No slot" in page
        assert "Emailed contact@example.org: “Your request: Declined”" in page
        _db.session.remove()
        _db.engine.dispose()
