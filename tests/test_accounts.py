import pytest

from eventsapp.accounts.models import Role, User
from eventsapp.accounts.services import AccountError, create_user, ensure_admin
from tests.conftest import login
from tests.test_registration_http import link_path


def test_passwords_are_stored_hashed(db):
    user = create_user("Officer@Example.org", Role.STAFF, "s3cret-pass-phrase")
    db.session.commit()
    assert user.email == "officer@example.org"
    assert "s3cret-pass-phrase" not in user.password_hash
    assert user.check_password("s3cret-pass-phrase")
    assert not user.check_password("wrong")


def test_duplicate_email_is_refused(db):
    create_user("a@example.org", Role.STAFF)
    db.session.commit()
    with pytest.raises(AccountError, match="already an account"):
        create_user("A@example.org", Role.STAFF)


def test_sign_in_and_out(client, staff_user):
    response = client.post(
        "/login",
        data={"email": "staff@example.org", "password": "kettle-on-the-hob"},
        follow_redirects=True,
    )
    assert b"Welcome, Staff Member." in response.data
    assert b"What needs doing" in response.data  # staff land on their home
    response = client.post("/logout", follow_redirects=True)
    assert b"You are signed out." in response.data
    assert client.get("/manage/events/").status_code == 302


def test_wrong_password_is_refused_beside_the_field(client, staff_user):
    response = client.post("/login", data={"email": "staff@example.org", "password": "nope"})
    assert response.status_code == 200
    assert b"Email or password is not right." in response.data


def test_login_only_redirects_to_local_pages(client, staff_user):
    response = client.post(
        "/login?next=https://evil.example/",
        data={"email": "staff@example.org", "password": "kettle-on-the-hob"},
    )
    assert response.headers["Location"].endswith("/manage/")
    response = client.post(
        "/login?next=/manage/programmes/",
        data={"email": "staff@example.org", "password": "kettle-on-the-hob"},
    )
    assert response.headers["Location"].endswith("/manage/programmes/")


@pytest.mark.parametrize(
    "target", ["/%5Cevil.example", "/%09/evil.example", "/%5C%5Cevil.example", "/%2F/evil.example"]
)
def test_login_refuses_next_addresses_that_browsers_read_as_another_site(
    client, staff_user, target
):
    response = client.post(
        f"/login?next={target}",
        data={"email": "staff@example.org", "password": "kettle-on-the-hob"},
    )
    if "%09" in target:  # a control character: the whole request is refused
        assert response.status_code == 400
    else:
        assert response.headers["Location"].endswith("/manage/")


def test_a_sign_in_link_leads_back_to_the_local_page_it_was_asked_from(
    client, delegate_user, mailbox
):
    def link_asked_from(target: str) -> str:
        client.post(f"/login/link?next={target}", data={"email": delegate_user.email})
        return link_path(mailbox.to(delegate_user.email)[-1], "/login/link/")

    local = link_asked_from("/calendar/2016")
    assert client.post(local).headers["Location"].endswith("/calendar/2016")
    client.post("/logout")
    elsewhere = link_asked_from("https://evil.example/")
    assert "evil" not in elsewhere
    assert client.post(elsewhere).headers["Location"].endswith("/me/registrations")  # home


def test_session_cookie_is_httponly_and_samesite(client, staff_user):
    response = client.post(
        "/login", data={"email": "staff@example.org", "password": "kettle-on-the-hob"}
    )
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_ensure_admin_prints_a_password_once(db):
    user, password = ensure_admin()
    db.session.commit()
    assert user.role == Role.ADMIN and user.check_password(password)
    assert ensure_admin() is None


def test_forms_refuse_posts_without_csrf_token(app, client, staff_user, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    response = client.post(
        "/login", data={"email": "staff@example.org", "password": "kettle-on-the-hob"}
    )
    assert response.status_code == 400
    assert b"CSRF" in response.data


def test_public_posts_are_rate_limited(app, client, staff_user, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_POST_LIMIT", "3 per minute")
    codes = [
        client.post("/login", data={"email": "x@example.org", "password": "y"}).status_code
        for _ in range(4)
    ]
    assert codes == [200, 200, 200, 429]
    assert User.query.count() == 1


def test_a_visitor_turned_away_then_signed_in_reaches_the_staff_area(client, staff_user):
    assert client.get("/manage/events/").status_code == 302
    login(client, staff_user)
    assert client.get("/manage/events/").status_code == 200


def test_requests_for_another_host_are_refused_when_the_site_names_its_hosts(
    app, client, db, monkeypatch
):
    monkeypatch.setitem(app.config, "TRUSTED_HOSTS", ["localhost"])
    assert client.get("/login").status_code == 200
    assert client.get("/login", headers={"Host": "evil.example"}).status_code == 400


def test_a_sign_in_link_asked_from_a_spanish_page_is_written_in_spanish(
    client, delegate_user, mailbox
):
    """The account has no language of its own: the link's email follows the page it was asked
    from (an account's own language, once it has one, wins)."""
    assert delegate_user.locale is None
    client.post(
        "/login/link", data={"email": delegate_user.email}, headers={"Accept-Language": "es"}
    )
    assert mailbox.to(delegate_user.email)[-1]["Subject"] == "Su enlace para iniciar sesión"
