"""A returning delegate is known (issue 24): following her own confirmation link signs her in (a
delegate's account only, from the page's button, once); her next registration form starts from
her latest details; the event's page shows her registration instead of the registration button,
in a fixed number of queries.
"""

from datetime import timedelta
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from eventsapp.accounts.models import LoginLinkRequest
from eventsapp.accounts.services import find_user_by_email
from eventsapp.core.actions import LoggedAction
from eventsapp.core.clock import utcnow
from eventsapp.registration.invitations import invitation_token, invite
from eventsapp.registration.links import confirmation_token
from eventsapp.registration.models import Registration, Status
from eventsapp.registration.returning import last_details
from eventsapp.registration.services import RegistrationInput, receive_registration, register
from eventsapp.registration.statuses import apply_staff_action
from tests.conftest import login
from tests.test_registration_http import FORM, confirmation_link, post_registration

EMAIL = FORM["email"]


class FormValues(HTMLParser):
    """What a page's form fields hold as the browser shows them: text inputs and textareas by
    name, the selected option of each select, the ticked boxes (``name=value``)."""

    def __init__(self, page: str):
        super().__init__()
        self.values: dict[str, str] = {}
        self.ticked: set[str] = set()
        self._select = self._textarea = None
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and attrs.get("type") == "checkbox":
            if "checked" in attrs:
                self.ticked.add(f"{name}={attrs.get('value')}")
        elif tag == "input" and name:
            self.values[name] = attrs.get("value") or ""
        elif tag == "select":
            self._select = name
            self.values.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self.values[self._select] = attrs.get("value") or ""
        elif tag == "textarea":
            self._textarea = name
            self.values[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data.strip()


def person(email=EMAIL, **changes) -> RegistrationInput:
    return RegistrationInput(
        **{
            "name": "Ana Lucía Pérez",
            "gender": "female",
            "email": email,
            "country_code": "PE",
            "consent": True,
            **changes,
        }
    )


def signed_in(client) -> bool:
    """Whether the browser is signed in: its registrations, rather than a way to sign in."""
    return client.get("/me/registrations").status_code == 200


def actions(db, action: str) -> list[LoggedAction]:
    return db.session.scalars(
        select(LoggedAction).where(LoggedAction.action == action).order_by(LoggedAction.id)
    ).all()


# ---------------------------------------------------------------- the confirmation link


def test_following_her_confirmation_link_signs_a_delegate_in(app, client, db, make):
    event = make.open_event()
    post_registration(client, event, confirm=False)
    link = confirmation_link(EMAIL)

    page = client.get(link).text  # what a mail scanner opening the link does: nothing
    assert f"Confirming also signs you in on this device, as {EMAIL}." in page
    assert not signed_in(client)

    response = client.post(link)
    assert response.status_code == 302 and "/registrations/" in response.location
    assert "known_device=" in " ".join(response.headers.getlist("Set-Cookie"))
    page = client.get(response.location).text
    assert "Your email address is confirmed." in page
    assert "You are signed in on this device" in page
    assert "To see or change your registration:" in page
    mine = client.get("/me/registrations")  # at once: no second email to ask for
    assert mine.status_code == 200 and event.title in mine.text
    assert db.session.scalars(select(LoginLinkRequest)).all() == []

    account = find_user_by_email(EMAIL)
    assert account.email_confirmed_at and account.last_login_at
    (line,) = actions(db, "account.signed_in_by_link")
    assert (line.actor_id, line.object_id) == (account.id, account.id)
    assert len(actions(db, "registration.confirmed")) == 1

    # Used: in another browser it confirms nothing more and signs nobody in.
    elsewhere = app.test_client()
    again = elsewhere.post(link)
    assert "Your registration is confirmed already" in again.text
    assert not signed_in(elsewhere)
    assert len(actions(db, "account.signed_in_by_link")) == 1


def test_an_existing_delegate_account_is_signed_in_by_its_confirmation(app, client, db, make):
    """A delegate signed out on this device registers again from the form."""
    first, second = make.open_event(), make.open_event()
    register(first, person("ana@example.org"), utcnow())
    db.session.commit()
    post_registration(client, second, confirm=False, email="ana@example.org")
    assert not signed_in(client)
    client.post(confirmation_link("ana@example.org"))
    assert signed_in(client)
    mine = client.get("/me/registrations").text
    assert first.title in mine and second.title in mine


def test_a_staff_address_is_confirmed_but_never_signed_in(client, db, make, staff_user):
    event = make.open_event()
    post_registration(client, event, confirm=False, email=staff_user.email)
    link = confirmation_link(staff_user.email)
    assert "Confirming also signs you in" not in client.get(link).text
    page = client.post(link, follow_redirects=True).text
    assert "Your email address is confirmed." in page and "You are signed in" not in page
    assert client.get("/manage/").status_code == 302  # to the sign-in form: staff use passwords
    assert actions(db, "account.signed_in_by_link") == []
    assert db.session.get(type(staff_user), staff_user.id).last_login_at is None


def test_a_browser_signed_in_stays_as_it_is(staff_client, db, make):
    """Someone else signed in on the browser (a colleague's computer): the registration is
    confirmed, the browser stays signed in as it was, and its owner is not signed in."""
    event = make.open_event()
    post_registration(staff_client, event, confirm=False)
    link = confirmation_link(EMAIL)
    assert "Confirming also signs you in" not in staff_client.get(link).text
    staff_client.post(link)
    assert db.session.scalar(select(Registration.status)) == Status.PENDING
    assert staff_client.get("/manage/").status_code == 200  # still the colleague's
    assert actions(db, "account.signed_in_by_link") == []


def test_an_expired_link_signs_nobody_in(client, db, make):
    event = make.open_event()
    sent = utcnow() - timedelta(hours=49)
    assert receive_registration(event, person(), sent) is None
    db.session.commit()
    registration = db.session.scalar(select(Registration))
    response = client.post(f"/registrations/{confirmation_token(registration, sent)}")
    assert response.status_code == 410 and "expired" in response.text
    assert not signed_in(client)
    assert find_user_by_email(EMAIL) is None


# ---------------------------------------------------------------- her details, prefilled


def register_twice(db, make, user):
    """An older registration, then her latest (with travel, needs and a visa letter)."""
    older = make.organisation("Jurado Nacional de Elecciones", country="PE")
    latest = make.organisation("Oficina Nacional de Procesos Electorales", country="PE")
    register(
        make.open_event(days_ahead=20),
        person(user.email, organisation_id=older.id, position="Analyst", gender="undisclosed"),
        utcnow() - timedelta(days=30),
    )
    event = make.open_event(days_ahead=25)
    register(
        event,
        person(
            user.email,
            organisation_id=latest.id,
            position="Directora de Capacitación",
            interpretation_languages=["es", "fr"],
            arrival_on=event.starts_on - timedelta(days=1),
            departure_on=event.starts_on + timedelta(days=1),
            accessibility_needs="Wheelchair access",
            dietary_needs="Vegetarian",
            visa_letter=True,
        ),
        utcnow(),
    )
    db.session.commit()
    return latest


def test_her_next_form_starts_from_her_latest_details(client, db, make, delegate_user):
    organisation = register_twice(db, make, delegate_user)
    login(client, delegate_user)
    page = client.get(f"/events/{make.open_event().id}/register").text
    assert "Your details are filled in from your last registration: check them." in page
    form = FormValues(page)
    assert {
        name: form.values[name]
        for name in ("name", "email", "gender", "country_code", "organisation_id", "position")
    } == {
        "name": "Ana Lucía Pérez",
        "email": delegate_user.email,
        "gender": "female",
        "country_code": "PE",
        "organisation_id": str(organisation.id),
        "position": "Directora de Capacitación",
    }
    # Never what belongs to one event, nor her consent.
    assert form.ticked == {"interpretation_languages=es", "interpretation_languages=fr"}
    assert form.values["arrival_on"] == form.values["departure_on"] == ""
    assert form.values["accessibility_needs"] == form.values["dietary_needs"] == ""


def test_her_details_are_read_in_one_query(db, make, delegate_user, count_queries):
    assert last_details(delegate_user) == {}
    register_twice(db, make, delegate_user)
    db.session.refresh(delegate_user)
    with count_queries() as queries:
        details = last_details(delegate_user)
    assert len(queries) == 1
    assert details["position"] == "Directora de Capacitación"


def test_nothing_is_prefilled_for_a_visitor_or_for_another_address(
    app, client, db, make, delegate_user, staff_user
):
    register_twice(db, make, delegate_user)
    event = make.open_event()
    page = client.get(f"/events/{event.id}/register").text  # not signed in
    assert "filled in from your last registration" not in page
    form = FormValues(page)
    assert (form.values["name"], form.values["position"], form.values["country_code"]) == (
        "",
        "",
        "",
    )
    # Signed in, with an invitation for someone else's address: that address, none of hers.
    by_invitation = make.open_event(access="invitation")
    authority = make.organisation("Junta Central Electoral", country="DO")
    colleague = ["colleague@jce.example"]
    (invitation,) = invite(by_invitation, authority, colleague, staff_user, utcnow())
    db.session.commit()
    login(client, delegate_user)
    url = f"/events/{by_invitation.id}/register?invitation={invitation_token(invitation)}"
    page = client.get(url).text
    assert "filled in from your last registration" not in page
    form = FormValues(page)
    assert form.values["email"] == "colleague@jce.example"
    assert form.values["organisation_id"] == str(authority.id)
    assert (form.values["name"], form.values["position"], form.values["country_code"]) == (
        "",
        "",
        "",
    )


# ---------------------------------------------------------------- the event's page


def test_the_event_page_shows_her_registration_instead_of_the_button(
    app, client, db, make, delegate_user
):
    event = make.open_event()
    registration = register(event, person(delegate_user.email), utcnow())
    apply_staff_action(event, "approve", [registration.id], utcnow(), None)
    db.session.commit()
    register_link = f'href="/events/{event.id}/register"'
    anonymous = app.test_client().get(f"/events/{event.id}").text
    assert register_link in anonymous and "You are registered" not in anonymous

    login(client, delegate_user)
    page = client.get(f"/events/{event.id}").text
    assert "You are registered" in page and "Your place is confirmed." in page
    assert 'class="badge badge-approved"' in page
    assert "No cost sharing is set for this event yet" in page  # her funding statement
    assert 'href="/me/registrations"' in page
    assert f'action="/me/registrations/{registration.id}/withdraw"' in page
    assert f'href="/me/registrations/{registration.id}/travel"' in page
    assert register_link not in page
    # The form sends her back to it.
    response = client.get(f"/events/{event.id}/register", follow_redirects=True)
    assert response.request.path == f"/events/{event.id}"
    assert "You are registered for this event already." in response.text


@pytest.mark.parametrize(
    "status, says, may_register",
    [
        ("waitlisted", "You are number 1 on the waiting list.", False),
        ("pending", "holds a seat while the staff review it", False),
        ("declined", "Your registration", False),
        ("withdrawn", "You withdrew from this event. You may register again.", True),
    ],
)
def test_the_event_page_says_where_she_stands(
    client, db, make, delegate_user, status, says, may_register
):
    event = make.open_event()
    registration = register(event, person(delegate_user.email), utcnow())
    registration.status = status
    registration.waitlisted_at = utcnow() if status == "waitlisted" else None
    db.session.commit()
    login(client, delegate_user)
    page = client.get(f"/events/{event.id}").text
    assert says in page and f'class="badge badge-{status}"' in page
    assert (f'href="/events/{event.id}/register"' in page) == may_register
    assert (client.get(f"/events/{event.id}/register").status_code == 200) == may_register
    assert ("/withdraw" in page) == (status in ("waitlisted", "pending"))


def test_an_unconfirmed_registration_of_her_address_asks_her_to_confirm(
    client, db, make, delegate_user
):
    """Sent from the form while signed out: she may confirm it, or register again signed in."""
    event = make.open_event()
    assert receive_registration(event, person(delegate_user.email), utcnow()) is None
    db.session.commit()
    login(client, delegate_user)
    page = client.get(f"/events/{event.id}").text
    assert f"Confirm your address by the link we emailed to {delegate_user.email}" in page
    assert f'href="/events/{event.id}/register"' in page and "/withdraw" not in page


def test_the_event_page_reads_her_registration_in_a_fixed_number_of_queries(
    app, client, db, make, delegate_user, count_queries
):
    event = make.open_event(capacity=200)
    registration = register(event, person(delegate_user.email), utcnow())
    apply_staff_action(event, "approve", [registration.id], utcnow(), None)
    db.session.commit()

    def queries(browser) -> int:
        with count_queries() as statements:
            assert browser.get(f"/events/{event.id}").status_code == 200
        return len(statements)

    def others(first, count):
        for number in range(first, first + count):
            register(event, person(f"delegate{number}@example.org"), utcnow())
        db.session.commit()

    login(client, delegate_user)
    anonymous = app.test_client()
    others(0, 5)
    few, few_anonymous = queries(client), queries(anonymous)
    others(5, 40)
    assert (queries(client), queries(anonymous)) == (few, few_anonymous)
    # Her account, her registration, its funding statement (the programme's cost rules).
    assert few - few_anonymous <= 4, (few, few_anonymous)
