"""Passwords (NIST SP 800-63B): long, not common, not the address; guessing is limited per
account as well as per address; whether an account exists does not show."""

import pytest
import werkzeug.security
from flask_migrate import upgrade  # noqa: F401  (the app fixture migrates)

from eventsapp.accounts.models import Role, User
from eventsapp.accounts.passwords import password_problem
from eventsapp.accounts.services import AccountError, create_user
from eventsapp.cli import users_create
from tests.conftest import login


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("password", "at least 12 characters"),
        ("short-one", "at least 12 characters"),
        ("passwordpassword", "pattern"),
        ("qwerty123456", "most often"),
        ("12345678901234567", "pattern"),
        ("abcabcabcabcabc", "pattern"),
        ("zzzzzzzzzzzzzz", "pattern"),
        ("maria.lopez-2026!", "email address"),
        ("x" * 201, "at most 200"),
    ],
)
def test_weak_passwords_are_refused_with_the_reason(app, password, problem):
    with app.test_request_context():
        assert problem in password_problem(password, "maria.lopez@ine.mx")


def test_a_few_words_make_a_good_password(app):
    with app.test_request_context():
        assert password_problem("ballot boxes in the rain", "maria.lopez@ine.mx") is None


def test_the_password_form_explains_a_weak_password_beside_the_field(client, delegate_user):
    login(client, delegate_user)
    response = client.post(
        "/me/password",
        data={
            "current_password": "blue-river-notebook",
            "password": "password",
            "confirm": "password",
        },
    )
    assert response.status_code == 200
    assert b"Use at least 12 characters" in response.data
    assert User.query.one().check_password("blue-river-notebook")


def test_users_create_refuses_a_weak_password_and_a_bad_address(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(users_create, ["a@example.org", "--role", "staff", "--password", "a"])
    assert result.exit_code != 0
    assert "at least 12 characters" in result.output
    for address in ("not-an-address", "a@b", "x@@example.org", "a b@example.org"):
        result = runner.invoke(
            users_create, [address, "--role", "staff", "--password", "a fine pass phrase"]
        )
        assert result.exit_code != 0, address
        assert "is not an email address" in result.output
    assert User.query.count() == 0


def test_the_address_rules_are_the_login_forms(db):
    with pytest.raises(AccountError, match="not an email address"):
        create_user("officer@localhost", Role.STAFF)


def test_repeated_failures_lock_one_account_from_every_address(
    app, client, staff_user, monkeypatch
):
    monkeypatch.setitem(app.config, "ACCOUNT_FAILURE_LIMIT", "3 per 15 minutes")
    for address in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):
        response = client.post(
            "/login",
            data={"email": "staff@example.org", "password": "guess"},
            environ_base={"REMOTE_ADDR": address},
        )
        assert response.status_code == 200
    # Locked now, even with the right password and from yet another address.
    response = client.post(
        "/login",
        data={"email": "Staff@Example.org", "password": "kettle-on-the-hob"},
        environ_base={"REMOTE_ADDR": "10.0.0.4"},
    )
    assert response.status_code == 429
    assert (
        b"Too many failed attempts for this account: it is locked for 15 minutes on browsers it "
        b"has not signed in from." in response.data
    )
    assert b"Sign in</h1>" in response.data  # on the sign-in form itself
    # Another account is not affected.
    other = client.post(
        "/login",
        data={"email": "someone@example.org", "password": "guess"},
        environ_base={"REMOTE_ADDR": "10.0.0.4"},
    )
    assert other.status_code == 200


def test_a_successful_sign_in_does_not_count_as_a_failure(app, client, staff_user, monkeypatch):
    monkeypatch.setitem(app.config, "ACCOUNT_FAILURE_LIMIT", "2 per 15 minutes")
    for _ in range(4):
        response = client.post(
            "/login", data={"email": "staff@example.org", "password": "kettle-on-the-hob"}
        )
        assert response.status_code == 302
        client.post("/logout")


def test_guessing_the_current_password_is_limited(app, client, delegate_user, monkeypatch):
    monkeypatch.setitem(app.config, "ACCOUNT_FAILURE_LIMIT", "2 per 15 minutes")
    login(client, delegate_user)
    form = {
        "current_password": "guess",
        "password": "a fine pass phrase",
        "confirm": "a fine pass phrase",
    }
    codes = [client.post("/me/password", data=form).status_code for _ in range(3)]
    assert codes == [200, 200, 429]


@pytest.fixture
def hashes(monkeypatch):
    """How many password hashes the server computes."""
    counted = []
    original = werkzeug.security._hash_internal

    def counting(*args, **kwargs):
        counted.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(werkzeug.security, "_hash_internal", counting)
    return counted


@pytest.mark.parametrize(
    "email", ["staff@example.org", "nobody@example.org", "passwordless@example.org"]
)
def test_a_sign_in_hashes_once_whether_or_not_the_account_exists(
    client, staff_user, db, hashes, email
):
    create_user("passwordless@example.org", Role.DELEGATE, confirmed=False)
    db.session.commit()
    hashes.clear()
    response = client.post("/login", data={"email": email, "password": "a wrong pass phrase"})
    assert b"Email or password is not right." in response.data
    assert len(hashes) == 1


def test_the_address_limit_says_so_in_words(app, client, db, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_POST_LIMIT", "1 per minute")
    client.post("/login/link", data={"email": "someone@example.org"})
    response = client.post("/login/link", data={"email": "someone@example.org"})
    assert response.status_code == 429
    assert b"Too many requests from your address" in response.data
    assert b"1 per 1 minute" not in response.data
