"""Sessions end: sign-out, a new password, deactivation and "sign out everywhere" turn away every
session and "keep me signed in" cookie of the account, copied or not."""

import pytest

from eventsapp import create_app
from eventsapp.accounts.models import Role
from eventsapp.accounts.services import create_user
from tests.conftest import login

PASSWORD = "kettle-on-the-hob"


def sign_in(client, remember=True, email="staff@example.org", password=PASSWORD):
    response = client.post(
        "/login", data={"email": email, "password": password, "remember": "y" if remember else ""}
    )
    assert response.status_code == 302, response.data
    return {cookie.key: cookie.value for cookie in client._cookies.values()}


def signed_in_with(app, cookies: dict) -> bool:
    """Whether a fresh browser holding only these cookies reaches the staff area."""
    browser = app.test_client()
    for name, value in cookies.items():
        browser.set_cookie(name, value, domain="localhost")
    return browser.get("/manage/events/").status_code == 200


def only(cookies: dict, name: str) -> dict:
    return {name: cookies[name]}


def test_a_copied_session_or_remember_cookie_is_worthless_after_sign_out(app, client, staff_user):
    cookies = sign_in(client)
    assert signed_in_with(app, only(cookies, "session"))
    assert signed_in_with(app, only(cookies, "remember_token"))

    assert client.post("/logout").status_code == 302

    assert not signed_in_with(app, only(cookies, "session"))
    assert not signed_in_with(app, only(cookies, "remember_token"))
    assert client.get("/manage/events/").status_code == 302


def test_each_sign_in_after_a_sign_out_gets_another_remember_token(app, client, staff_user):
    first = sign_in(client)["remember_token"]
    client.post("/logout")
    second = sign_in(client)["remember_token"]
    assert first != second
    assert signed_in_with(app, {"remember_token": second})


def test_a_new_password_ends_the_other_sessions_and_keeps_this_one(app, client, staff_user):
    elsewhere = sign_in(app.test_client())
    sign_in(client, remember=False)
    response = client.post(
        "/me/password",
        data={
            "current_password": PASSWORD,
            "password": "a brand new pass phrase",
            "confirm": "a brand new pass phrase",
        },
        follow_redirects=True,
    )
    assert b"signed out on every other device" in response.data
    assert client.get("/manage/events/").status_code == 200
    assert not signed_in_with(app, only(elsewhere, "session"))
    assert not signed_in_with(app, only(elsewhere, "remember_token"))


def test_sign_out_on_every_other_device(app, client, staff_user):
    elsewhere = sign_in(app.test_client())
    sign_in(client, remember=False)
    response = client.post("/me/sessions/end", follow_redirects=True)
    assert b"You are signed out on every other device." in response.data
    assert client.get("/manage/events/").status_code == 200
    assert not signed_in_with(app, elsewhere)


@pytest.fixture
def admin_client(app, db):
    admin = create_user("admin@example.org", Role.ADMIN, "one key to rule them")
    db.session.commit()
    browser = app.test_client()
    login(browser, admin)
    return browser


def test_deactivating_an_account_ends_its_sessions(app, client, staff_user, admin_client):
    cookies = sign_in(client)
    response = admin_client.post(
        f"/manage/accounts/{staff_user.id}",
        data={"name": "Staff Member", "role": "staff", "active": ""},
    )
    assert response.status_code == 302
    assert not signed_in_with(app, only(cookies, "session"))
    assert not signed_in_with(app, only(cookies, "remember_token"))


def test_an_administrator_signs_an_account_out_everywhere(app, client, staff_user, admin_client):
    cookies = sign_in(client)
    response = admin_client.post(
        f"/manage/accounts/{staff_user.id}/sessions/end", follow_redirects=True
    )
    assert b"staff@example.org is signed out on every device." in response.data
    assert not signed_in_with(app, cookies)
    assert sign_in(client)  # the password still works


@pytest.mark.parametrize("forged", ["1", "x.0", "1.x", "99999999999999999999.0", "1.-1", ""])
def test_forged_session_ids_sign_nobody_in(app, client, staff_user, forged):
    with client.session_transaction() as session:
        session["_user_id"] = forged.replace("1", str(staff_user.id), 1)
    assert client.get("/manage/events/").status_code == 302


def test_remember_cookie_is_secure_when_the_session_cookie_is(settings):
    secure = create_app({**settings, "SESSION_COOKIE_SECURE": True})
    assert secure.config["REMEMBER_COOKIE_SECURE"] is True
    plain = create_app(settings)
    assert plain.config["REMEMBER_COOKIE_SECURE"] is False
