"""A registration from the public form counts once its address is confirmed by the emailed link
(issue 9, finding 10), and one registration costs a bounded number of SQL statements (issue 17).
"""

import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, insert, select

from eventsapp.core.clock import utcnow
from eventsapp.mail.models import OutboxEmail
from eventsapp.people.models import Organisation
from eventsapp.registration.models import Registration, Status
from eventsapp.registration.services import RegistrationInput, receive_registration
from tests.conftest import login
from tests.test_registration_http import FORM, confirmation_link, link_path, post_registration


def person(email: str) -> RegistrationInput:
    return RegistrationInput(
        name="Amina Odhiambo",
        gender="female",
        email=email,
        country_code="KE",
        consent=True,
        locale="en",
    )


def registration_of(db, email: str) -> Registration | None:
    return db.session.scalar(select(Registration).where(Registration.email == email))


def add_registrations(db, event, count: int, waiting: int = 0) -> list[int]:
    """``count`` confirmed registrations of as many new organisations, written directly: the
    last ``waiting`` of them on the waiting list. Returns the organisations' ids."""
    now = utcnow()
    ids = db.session.scalars(
        insert(Organisation).returning(Organisation.id),
        [
            {"name": f"Body {event.id}-{n}", "kind": "electoral_management_body"}
            for n in range(count)
        ],
    ).all()
    db.session.execute(
        insert(Registration),
        [
            {
                "event_id": event.id,
                "name": f"Delegate {n}",
                "gender": "undisclosed",
                "email": f"d{n}@example.org",
                "country_code": "KE",
                "organisation_id": ids[n],
                "status": Status.WAITLISTED if n >= count - waiting else Status.APPROVED,
                "waitlisted_at": now if n >= count - waiting else None,
                "consent_at": now,
                "created_at": now,
            }
            for n in range(count)
        ],
    )
    db.session.commit()
    return ids


# ---------------------------------------------------------------- statements per registration


def statements_of_one_registration(client, db, make, count_queries, rows: int, full: bool):
    """SQL statements of the form's POST and of the confirmation's, for an event with ``rows``
    registrations (and as many organisations), with a seat left or full; by a new delegate, in
    a browser of her own (confirming signs her in)."""
    client = client.application.test_client()
    event = make.open_event(capacity=rows // 2 if full else rows * 2, quota_per_organisation=1)
    organisations = add_registrations(db, event, rows, waiting=rows // 2 if full else 0)
    email = f"new-{event.id}@example.org"
    form = {**FORM, "email": email, "new_organisation": "", "organisation_id": organisations[1]}
    with count_queries() as sent:
        response = client.post(f"/events/{event.id}/register", data=form)
    assert response.headers["Location"].endswith(f"/events/{event.id}/register/sent")
    link = confirmation_link(email)
    with count_queries() as confirmed:
        response = client.post(link)
    assert response.status_code == 302
    registration = registration_of(db, email)
    assert registration.status == (Status.WAITLISTED if full else Status.PENDING)
    assert registration.funding == "self_funded"  # its organisation's funded place is taken
    for statements in (sent, confirmed):  # the seats counted once in each request
        assert sum(counts_seats(s) for s in statements) == 1, statements
    return len(sent), len(confirmed)


def counts_seats(statement: str) -> bool:
    return "count(" in statement.lower() and "registrations.status" in statement


@pytest.mark.parametrize("full", [False, True], ids=["a seat left", "full"])
def test_a_registration_takes_few_statements_whatever_the_data(
    client, db, make, count_queries, full
):
    """The form and the confirmation are one transaction each, the seats counted once in each,
    as many statements with 10 registrations and organisations as with 600. On PostgreSQL, with
    BEGIN and COMMIT, 7 database round trips for the form (the event with its settings and
    seats, its questions, the form's country, organisation and address, the registration, its
    email: the NOTIFY to the worker goes with it) and 8 for the confirmation (the registration
    with its event, settings, account and person, locked; the seats, the organisation's funded
    places, whether a webhook is subscribed and the new delegate's person written, in one
    statement; her account written signed in; the registration; its email; the action log's
    lines of the place and of the sign-in). On SQLite each begins with ``BEGIN IMMEDIATE`` (its
    one writer taken first: ``core.web.write_lock_on_sqlite``), the person is written in a
    savepoint (4 statements) and the lines one by one."""
    few = statements_of_one_registration(client, db, make, count_queries, 10, full)
    many = statements_of_one_registration(client, db, make, count_queries, 600, full)
    assert few == many
    on_postgresql = db.engine.dialect.name == "postgresql"
    assert many == ((5, 6) if on_postgresql else (6, 12))


def test_an_organisation_typed_in_is_found_by_the_confirmation_once_listed(
    client, db, make, count_queries
):
    """Two delegates of an organisation not listed type its name in (in their own case); the
    first to confirm adds it, and the second's confirmation finds it in the statement that reads
    her registration: as many statements as for an organisation chosen from the list (the
    person written in the same statement as the seats, on PostgreSQL), and one organisation."""
    event = make.open_event(capacity=10, quota_per_organisation=1)
    organisations = add_registrations(db, event, 3)
    name = "Caribbean Electoral Commission"  # SQLite lowers ASCII letters alone
    for email, typed in (("first@example.org", name), ("second@example.org", name.upper())):
        form = {**FORM, "email": email, "new_organisation": typed}
        client.application.test_client().post(f"/events/{event.id}/register", data=form)
    with count_queries() as added:
        client.application.test_client().post(confirmation_link("first@example.org"))
    with count_queries() as found:
        client.application.test_client().post(confirmation_link("second@example.org"))
    chosen = {**FORM, "email": "third@example.org", "new_organisation": ""}
    client.application.test_client().post(
        f"/events/{event.id}/register", data={**chosen, "organisation_id": organisations[1]}
    )
    with count_queries() as listed:
        client.application.test_client().post(confirmation_link("third@example.org"))
    assert len(found) == len(listed) < len(added)
    db.session.expire_all()
    (organisation,) = db.session.scalars(select(Organisation).where(Organisation.name == name))
    rows = db.session.scalars(
        select(Registration).where(
            Registration.email.in_(["first@example.org", "second@example.org"])
        )
    ).all()
    assert {(r.organisation_id, r.new_organisation, r.funding) for r in rows} == {
        (organisation.id, None, "funded"),
        (organisation.id, None, "self_funded"),
    }
    assert (
        db.session.scalar(
            select(func.count(Organisation.id)).where(func.lower(Organisation.name) == name.lower())
        )
        == 1
    )


# ---------------------------------------------------------------- confirmation by email


def participants_page(client, event) -> str:
    return client.get(f"/manage/events/{event.id}/participants").data.decode()


def exported_names(client, event) -> list[str]:
    response = client.get(f"/manage/events/{event.id}/participants.xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).active
    return [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]


def test_an_address_registered_by_someone_else_counts_only_once_its_owner_confirms(
    app, client, db, make, mailbox, staff_user
):
    event = make.open_event(capacity=1)
    post_registration(client, event, confirm=False, email=staff_user.email, name="Not Them")
    registration = registration_of(db, staff_user.email)
    assert (registration.status, registration.user) == (Status.UNCONFIRMED, None)

    staff = app.test_client()
    login(staff, staff_user)
    page = participants_page(staff, event)
    assert "Not Them" not in page
    assert "0 of 1 seats held" in page
    assert exported_names(staff, event) == []
    assert "1 seat left" in client.get(f"/events/{event.id}/register").data.decode()
    staff.post(
        f"/manage/events/{event.id}/participants",
        data={"row_action": f"approve:{registration.id}"},
    )
    assert registration_of(db, staff_user.email).status == Status.UNCONFIRMED  # staff cannot

    # Only the address's owner can make it count, from the email.
    (message,) = mailbox.to(staff_user.email)
    assert "If you did not register, ignore this email" in message.get_content()
    staff.post(link_path(message, "/registrations/"))
    assert "Not Them" in participants_page(staff, event)
    assert exported_names(staff, event) == ["Not Them"]
    assert registration_of(db, staff_user.email).user_id == staff_user.id


def test_seats_go_in_the_order_of_confirmation(client, db, make, mailbox):
    event = make.open_event(capacity=1)
    post_registration(client, event, confirm=False, email="early@example.org", name="Early")
    post_registration(client, event, email="prompt@example.org", name="Prompt")
    post_registration(client, event, email="early@example.org", name="Early")
    statuses = {r.name: r.status for r in db.session.scalars(select(Registration))}
    assert statuses == {"Prompt": Status.PENDING, "Early": Status.WAITLISTED}
    assert mailbox.to("early@example.org")[-1]["Subject"].startswith("You are on the waiting")


def test_one_funded_place_per_organisation_whether_typed_in_or_chosen(client, db, make, mailbox):
    """Delegates of one organisation, not listed when two of them sent the form (they typed its
    name in), the third choosing it once listed: only the first to confirm is funded."""
    event = make.open_event(capacity=10, quota_per_organisation=1)

    def funding() -> dict:
        db.session.expire_all()
        return {r.name: r.funding for r in db.session.scalars(select(Registration))}

    for name in ("First", "Second"):
        post_registration(client, event, confirm=False, email=f"{name}@example.org", name=name)
    for name in ("First", "Second"):
        client.application.test_client().post(confirmation_link(f"{name}@example.org".lower()))
    assert funding() == {"First": "funded", "Second": "self_funded"}
    listed = db.session.scalar(
        select(Organisation.id).where(Organisation.name == FORM["new_organisation"])
    )
    post_registration(
        client,
        event,
        email="third@example.org",
        name="Third",
        organisation_id=listed,
        new_organisation="",
    )
    assert funding() == {"First": "funded", "Second": "self_funded", "Third": "self_funded"}


def test_sending_the_form_again_before_confirming_keeps_the_latest_and_one_row(
    client, db, make, mailbox
):
    event = make.open_event()
    post_registration(client, event, confirm=False, name="First try")
    post_registration(client, event, confirm=False, name="Second try", position="Director")
    (registration,) = db.session.scalars(select(Registration)).all()
    assert (registration.name, registration.position) == ("Second try", "Director")
    first, second = mailbox.to(FORM["email"])
    assert "Dear Second try" in second.get_content()
    # The first email's link was for the form sent first: it confirms nothing, and says so.
    response = client.post(link_path(first, "/registrations/"))
    assert response.status_code == 410
    assert "sent for a registration form sent earlier" in response.text
    assert registration_of(db, FORM["email"]).status == Status.UNCONFIRMED
    client.post(link_path(second, "/registrations/"))
    assert registration_of(db, FORM["email"]).status == Status.PENDING


def test_a_signed_in_delegate_registering_their_own_address_needs_no_confirmation(
    client, db, make, mailbox, delegate_user
):
    event = make.open_event()
    login(client, delegate_user)
    page = post_registration(client, event, confirm=False, email=delegate_user.email)
    assert "Your registration is saved." in page.data.decode()
    registration = registration_of(db, delegate_user.email)
    assert (registration.status, registration.user_id) == (Status.PENDING, delegate_user.id)
    (message,) = mailbox.to(delegate_user.email)
    assert message["Subject"].startswith("Registration received")
    # Another address, even signed in, is confirmed by its owner.
    post_registration(client, event, confirm=False, email="colleague@example.org")
    assert registration_of(db, "colleague@example.org").status == Status.UNCONFIRMED


def test_a_registration_not_confirmed_in_time_is_forgotten(app, client, db, make, mailbox):
    from eventsapp.registration.cron import tick

    event = make.open_event()
    post_registration(client, event, email="kept@example.org")
    # Sent 49 hours ago: its link was made then.
    receive_registration(event, person(FORM["email"]), utcnow() - timedelta(hours=49))
    db.session.commit()
    (message,) = mailbox.to(FORM["email"])
    link = link_path(message, "/registrations/")

    response = client.get(link)
    assert response.status_code == 410 and "This link has expired" in response.data.decode()
    response = client.post(link)
    assert response.status_code == 410 and "Register again" in response.text
    assert registration_of(db, FORM["email"]).status == Status.UNCONFIRMED
    assert tick(utcnow())["unconfirmed forgotten"] == 1
    db.session.commit()
    assert [r.email for r in db.session.scalars(select(Registration))] == ["kept@example.org"]
    response = client.get(link)  # the registration is gone: the link says to register again
    assert response.status_code == 410 and "This link has expired" in response.text
    # The address may register again.
    assert "Check your email" in post_registration(client, event, confirm=False).data.decode()


def test_a_withdrawn_delegate_registered_again_by_someone_else_stays_withdrawn_until_confirmed(
    client, db, make, mailbox, delegate_user
):
    """The refilled row leaves the owner's account (their list and personal feed) until they
    confirm it."""
    event = make.open_event()
    login(client, delegate_user)
    post_registration(client, event, email=delegate_user.email)
    registration = registration_of(db, delegate_user.email)
    client.post(f"/me/registrations/{registration.id}/withdraw")
    client.post("/logout")
    post_registration(client, event, confirm=False, email=delegate_user.email, name="Impostor")
    assert registration_of(db, delegate_user.email).user_id is None
    login(client, delegate_user)
    assert "Impostor" not in client.get("/me/registrations").data.decode()


def test_bad_choices_are_refused_beside_their_fields_and_nothing_is_written(client, db, make):
    event = make.open_event()
    for field, value, message in [
        ("country_code", "XX", "Choose your country from the list."),
        ("country_code", "K" * 300, "Choose your country from the list."),
        ("organisation_id", "99999999999", "Choose your organisation from the list."),
        ("organisation_id", "-3", "Choose your organisation from the list."),
    ]:
        changes = {field: value}
        if field == "organisation_id":
            changes["new_organisation"] = ""
        response = post_registration(client, event, **changes)
        assert response.status_code == 200
        page = response.data.decode()
        assert message in page and "Nothing was saved" in page
    assert db.session.scalar(select(func.count(Registration.id))) == 0
    assert db.session.scalar(select(func.count(OutboxEmail.id))) == 0
    assert "Kenya</option>" in page  # the lists are shown
