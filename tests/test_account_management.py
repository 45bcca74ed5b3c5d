"""Administrators invite colleagues, who choose their own password by an emailed link."""

import re

import pytest
from sqlalchemy import select

from eventsapp.accounts.models import Role, User
from eventsapp.accounts.services import create_user
from tests.conftest import login


@pytest.fixture
def admin(db):
    user = create_user("admin@centre.example", Role.ADMIN, "ballots and boxes", name="Ana Admin")
    db.session.commit()
    return user


def link_in(message) -> str:
    body = message.get_body(("plain",)).get_content()
    return re.search(r"http://\S+/account/setup/\S+", body).group(0)


def test_an_invited_colleague_chooses_a_password_and_signs_in(app, client, admin, db, mailbox):
    login(client, admin)
    response = client.post(
        "/manage/accounts/new",
        data={"email": "Coord@Centre.example", "name": "Carlos Coordinator", "role": "coordinator"},
        follow_redirects=True,
    )
    assert "Invited coord@centre.example" in response.data.decode()
    [email] = mailbox.to("coord@centre.example")
    assert "Ana Admin gave you an account" in email.get_body(("plain",)).get_content()
    link = link_in(email)

    newcomer = app.test_client()
    path = link.split("http://127.0.0.1:5000", 1)[1]  # SITE_URL, whatever host was asked
    page = newcomer.get(path).data.decode()
    assert "Choose your password" in page
    short = newcomer.post(path, data={"password": "short", "confirm": "short"}).data.decode()
    assert "Use at least 12 characters" in short
    response = newcomer.post(
        path, data={"password": "a-good-password", "confirm": "a-good-password"}
    )
    assert response.headers["Location"].endswith("/manage/")  # staff land on their home
    assert newcomer.get("/manage/events/").status_code == 200
    # The link worked once.
    again = app.test_client().get(path, follow_redirects=True).data.decode()
    assert "This link has expired or was used already" in again
    other = app.test_client()
    response = other.post(
        "/login", data={"email": "coord@centre.example", "password": "a-good-password"}
    )
    assert response.status_code == 302


def test_only_administrators_manage_accounts(client, staff_user):
    login(client, staff_user)
    response = client.get("/manage/accounts/")
    assert response.status_code == 403
    assert b"Only administrators manage accounts." in response.data
    assert b'href="/manage/accounts/"' not in client.get("/manage/events/").data


def test_a_tampered_setup_link_is_refused(client, db):
    response = client.get("/account/setup/not-a-token", follow_redirects=True)
    assert "This link has expired or was used already" in response.data.decode()


def test_a_duplicate_address_is_refused_beside_the_field(client, admin, staff_user, db):
    login(client, admin)
    page = client.post(
        "/manage/accounts/new",
        data={"email": "staff@example.org", "name": "Again", "role": "staff"},
    ).data.decode()
    assert "There is already an account for staff@example.org." in page
    assert db.session.scalar(select(User).where(User.name == "Again")) is None


def test_administrators_cannot_lock_themselves_or_the_site_out(client, admin, db):
    login(client, admin)
    page = client.post(
        f"/manage/accounts/{admin.id}", data={"name": "Ana", "role": "staff", "active": "y"}
    ).data.decode()
    assert "You cannot remove your own administrator role or account." in page
    second = create_user(
        "second@centre.example", Role.ADMIN, "long pass phrase here", name="Second"
    )
    db.session.commit()
    response = client.post(
        f"/manage/accounts/{second.id}",
        data={"name": "Second", "role": "coordinator"},
        follow_redirects=True,
    )
    assert "Saved the account of second@centre.example." in response.data.decode()
    db.session.refresh(second)
    assert (second.role, second.active) == ("coordinator", False)


def test_a_deactivated_account_cannot_sign_in(app, client, admin, staff_user, db):
    login(client, admin)
    client.post(f"/manage/accounts/{staff_user.id}", data={"name": "Staff", "role": "staff"})
    response = app.test_client().post(
        "/login", data={"email": "staff@example.org", "password": "kettle-on-the-hob"}
    )
    assert "Email or password is not right." in response.data.decode()


def test_the_account_list_finds_people_by_name_or_email(client, admin, staff_user, db):
    login(client, admin)

    def listed(url):
        page = client.get(url).data.decode()
        return re.findall(r"<td>([^<]+@[^<]+)</td>", page.split("<tbody>")[1])

    assert listed("/manage/accounts/?q=staff") == ["staff@example.org"]
    assert listed("/manage/accounts/?role=admin") == ["admin@centre.example"]
