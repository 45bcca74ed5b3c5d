"""A stranger's failed sign-ins lock an account for the browsers it never signed in from, not
for its owner's: a browser keeps a signed "known device" cookie from each sign-in there, and
counts its own failures (OWASP's device cookies)."""

from datetime import timedelta
from http.cookies import SimpleCookie

import pytest
from itsdangerous import URLSafeTimedSerializer

from eventsapp.accounts.models import Role
from eventsapp.accounts.services import create_user, login_link_token
from tests.conftest import login

PASSWORD = "kettle-on-the-hob"
COOKIE = "known_device"


@pytest.fixture(autouse=True)
def three_failures(app, monkeypatch):
    monkeypatch.setitem(app.config, "ACCOUNT_FAILURE_LIMIT", "3 per 15 minutes")


def sign_in(client, password=PASSWORD, email="staff@example.org", **kwargs):
    return client.post("/login", data={"email": email, "password": password}, **kwargs)


def stranger_locks_the_account(app, email="staff@example.org"):
    """Three wrong passwords from three addresses, in a browser the account never used."""
    stranger = app.test_client()
    for address in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):
        response = sign_in(stranger, "guess", email, environ_base={"REMOTE_ADDR": address})
        assert response.status_code == 200
    return stranger


def device_cookie(client) -> str:
    return client.get_cookie(COOKIE).value


def test_a_strangers_failures_do_not_lock_out_the_owners_known_browser(app, staff_user):
    owner = app.test_client()
    assert sign_in(owner).status_code == 302  # this browser is known from now on
    owner.post("/logout")

    stranger = stranger_locks_the_account(app)

    locked = sign_in(stranger)  # even with the right password
    assert locked.status_code == 429
    assert "locked for 15 minutes on browsers it has not signed in from" in locked.text
    assert "Sign in from a browser you used before" in locked.text
    assert sign_in(app.test_client()).status_code == 429  # any new browser
    again = sign_in(owner, follow_redirects=True)
    assert "Welcome, Staff Member." in again.text
    owner.post("/logout")
    assert sign_in(owner, "a typo").status_code == 200  # its own failures, not the stranger's
    assert sign_in(owner).status_code == 302


def test_the_cookie_is_http_only_same_site_long_lived_and_secure_when_sessions_are(
    app, staff_user, monkeypatch
):
    monkeypatch.setitem(app.config, "SESSION_COOKIE_SECURE", True)
    owner = app.test_client()
    header = next(
        h for h in sign_in(owner).headers.getlist("Set-Cookie") if h.startswith(COOKIE + "=")
    )
    attributes = header.lower()
    assert "httponly" in attributes and "samesite=lax" in attributes and "secure" in attributes
    morsel = SimpleCookie(header)[COOKIE]
    assert int(morsel["max-age"]) == int(timedelta(days=180).total_seconds())


def test_a_forged_cookie_or_one_of_another_account_does_not_help(app, db, staff_user):
    create_user("colleague@example.org", Role.STAFF, "ballot paper in the wind")
    db.session.commit()
    shared = app.test_client()
    assert sign_in(shared, "ballot paper in the wind", "colleague@example.org").status_code == 302
    shared.post("/logout")
    genuine = app.test_client()
    assert sign_in(genuine).status_code == 302
    contents = URLSafeTimedSerializer("test-secret", salt="known-device").loads(
        device_cookie(genuine)
    )
    forged = URLSafeTimedSerializer("another secret", salt="known-device").dumps(contents)
    tampered = device_cookie(genuine)[:-2] + "xx"

    stranger_locks_the_account(app)

    assert sign_in(shared).status_code == 429  # known to the colleague's account only
    for value in (forged, tampered, "nonsense"):
        browser = app.test_client()
        browser.set_cookie(COOKIE, value, domain="localhost")
        assert sign_in(browser).status_code == 429, value
    assert sign_in(genuine).status_code == 302


def test_the_known_browsers_own_failures_lock_it(app, staff_user):
    owner = app.test_client()
    assert sign_in(owner).status_code == 302
    owner.post("/logout")
    for _ in range(3):
        assert sign_in(owner, "guess").status_code == 200

    locked = sign_in(owner)

    assert locked.status_code == 429
    assert "Too many failed attempts from this browser: it is locked for 15 minutes." in locked.text
    assert "ask an administrator for a link to choose a new password" in locked.text
    assert sign_in(app.test_client()).status_code == 302  # a new browser has its own budget


def test_a_new_password_turns_the_cookies_given_before_away(app, staff_user):
    other_browser = app.test_client()
    assert sign_in(other_browser).status_code == 302
    owner = app.test_client()
    assert sign_in(owner).status_code == 302
    changed = owner.post(
        "/me/password",
        data={
            "current_password": PASSWORD,
            "password": "a brand new pass phrase",
            "confirm": "a brand new pass phrase",
        },
    )
    assert changed.status_code == 302
    owner.post("/logout")

    stranger_locks_the_account(app)

    assert sign_in(other_browser, "a brand new pass phrase").status_code == 429
    assert sign_in(owner, "a brand new pass phrase").status_code == 302  # given a new one


def test_a_delegate_signed_in_by_link_is_known_there_too(app, db, delegate_user):
    browser = app.test_client()
    assert browser.post(f"/login/link/{login_link_token(delegate_user)}").status_code == 302
    browser.post("/logout")

    stranger_locks_the_account(app, "delegate@example.org")

    new_browser = sign_in(app.test_client(), "blue-river-notebook", "delegate@example.org")
    assert new_browser.status_code == 429
    assert sign_in(browser, "blue-river-notebook", "delegate@example.org").status_code == 302


def test_a_stolen_session_cannot_lock_the_owner_out_of_changing_the_password(app, staff_user):
    owner = app.test_client()
    assert sign_in(owner).status_code == 302
    thief = app.test_client()
    login(thief, staff_user)  # the session, without the device's cookie
    wrong = {
        "current_password": "guess",
        "password": "a fine pass phrase",
        "confirm": "a fine pass phrase",
    }
    answers = [thief.post("/me/password", data=wrong) for _ in range(4)]
    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]
    assert "on browsers it has not signed in from" in answers[-1].text

    right = {**wrong, "current_password": PASSWORD}
    assert owner.post("/me/password", data=right).status_code == 302
