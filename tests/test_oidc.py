"""Sign-in with the institution's identity provider, against a real OpenID Connect provider.

The provider is npm's oidc-provider (tests/oidc/, installed by `make test` from its lock file),
started on a free loopback port with the people below; the site runs as a real HTTP server too,
and a ``requests`` session plays the browser across the two, through the provider's own sign-in
and consent pages. Without Node.js (or the installed provider) these tests skip, but in CI
(``CI`` set) they fail: CI proves the sign-in.
"""

import json
import os
import re
import select as io_select
import shutil
import subprocess
import threading
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import pytest
import requests
from sqlalchemy import func, select
from werkzeug.serving import make_server

from eventsapp import create_app
from eventsapp.accounts.models import Role, User
from eventsapp.accounts.services import create_user
from eventsapp.core.actions import LoggedAction

PROVIDER_DIR = Path(__file__).resolve().parent / "oidc"
CLIENT_ID, CLIENT_SECRET = "eventsapp", "a-secret-shared-with-the-provider"
STAFF_GROUP = "training-centre-staff"

# The people the provider knows, by their login name on its sign-in page.
PEOPLE = {
    "amina": {
        "email": "Amina.Odhiambo@Example.org",  # the account's address is in lower case
        "email_verified": True,
        "name": "Amina Odhiambo",
        "groups": [STAFF_GROUP],
    },
    "carlos": {
        "email": "carlos.rivera@example.org",
        "email_verified": True,
        "name": "Carlos Rivera",
        "groups": ["everyone", STAFF_GROUP],
    },
    "student": {
        "email": "student@example.org",
        "email_verified": True,
        "name": "A Student",
        "groups": ["students"],
    },
    "unverified": {  # claims the address of Amina's account, unverified
        "email": "amina.odhiambo@example.org",
        "email_verified": False,
        "name": "Not Amina",
        "groups": [STAFF_GROUP],
    },
    "former": {
        "email": "former@example.org",
        "email_verified": True,
        "name": "Former Colleague",
        "groups": [STAFF_GROUP],
    },
}


def unavailable(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI must run the sign-in through a real provider)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def site(settings, app):
    """The site as a real HTTP server, with CSRF protection on as in production; its
    identity provider is set by the ``provider`` fixture once both listen."""
    live = create_app({**settings, "WTF_CSRF_ENABLED": True, "SERVER_NAME": None})
    server = make_server("127.0.0.1", 0, live, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    live.config["SITE_URL"] = f"http://127.0.0.1:{server.server_port}"
    yield live
    server.shutdown()


@pytest.fixture(scope="module")
def provider(site):
    """npm's oidc-provider on a free loopback port, knowing the site as a client."""
    node = shutil.which("node")
    if node is None:
        unavailable("Node.js is not installed: the OpenID Connect provider cannot start")
    if not (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
        unavailable("oidc-provider is not installed: `npm ci --prefix tests/oidc` (make test does)")
    setup = {
        "clients": [
            {
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "redirect_uris": [f"{site.config['SITE_URL']}/login/oidc/callback"],
            }
        ],
        "users": PEOPLE,
    }
    process = subprocess.Popen(
        [node, "provider.js"],
        cwd=PROVIDER_DIR,
        env={**os.environ, "OIDC_TEST_SETUP": json.dumps(setup)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    ready, _, _ = io_select.select([process.stdout], [], [], 30)
    line = process.stdout.readline() if ready else ""
    if not line:
        process.kill()
        unavailable(f"the OpenID Connect provider did not start: {process.stderr.read()[-2000:]}")
    issuer = json.loads(line)["issuer"]
    site.config.update(
        OIDC_ISSUER=issuer,
        OIDC_CLIENT_ID=CLIENT_ID,
        OIDC_CLIENT_SECRET=CLIENT_SECRET,
        OIDC_STAFF_GROUP=STAFF_GROUP,
        OIDC_LABEL="the Electoral Institute",
    )
    yield issuer
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def browser(site, provider, db):
    with requests.Session() as session:
        yield session


@pytest.fixture
def amina(db):
    user = create_user("amina.odhiambo@example.org", Role.STAFF, "kettle-on-the-hob", "Amina O")
    db.session.commit()
    return user


def to_the_callback(browser, site, login: str, *, cancel: bool = False, button="/login/oidc"):
    """From the site's button through the provider's sign-in (as ``login``, any password) and
    consent pages; the URL the provider sends the browser back to (not opened yet)."""
    callback = site.config["SITE_URL"] + "/login/oidc/callback"
    url, data = site.config["SITE_URL"] + button, None
    for _step in range(20):
        response = browser.request("POST" if data else "GET", url, data=data, allow_redirects=False)
        if response.is_redirect:
            url, data = urljoin(url, response.headers["Location"]), None
            if url.startswith(callback):
                return url
            continue
        assert response.status_code == 200, response.text[:500]
        if cancel:
            url, data = url.rstrip("/") + "/abort", None
        elif 'name="prompt" value="login"' in response.text:
            data = {"prompt": "login", "login": login, "password": "anything"}
        elif 'name="prompt" value="consent"' in response.text:
            data = {"prompt": "consent"}
        else:
            raise AssertionError(f"an unexpected page at {url}: {response.text[:500]}")
    raise AssertionError("the sign-in never came back to the site")


def sign_in_through_provider(browser, site, login: str, **kwargs) -> requests.Response:
    """The whole sign-in; the page the site shows at the end."""
    return browser.get(to_the_callback(browser, site, login, **kwargs))


def flash_messages(page: str) -> list[str]:
    return re.findall(r'<p class="flash[^"]*"[^>]*>(.*?)</p>', page, re.S)


def path_of(response) -> str:
    return urlsplit(response.url).path


def staff_area_opens(browser, site) -> bool:
    response = browser.get(site.config["SITE_URL"] + "/manage/", allow_redirects=False)
    return response.status_code == 200


def log_lines(db, action: str) -> list[LoggedAction]:
    db.session.expire_all()
    return db.session.scalars(
        select(LoggedAction).where(LoggedAction.action == action).order_by(LoggedAction.id)
    ).all()


def account(db, email: str) -> User | None:
    db.session.expire_all()
    return db.session.scalar(select(User).where(func.lower(User.email) == email))


def test_the_login_page_offers_the_provider(browser, site):
    page = browser.get(site.config["SITE_URL"] + "/login").text
    assert "Sign in with the Electoral Institute" in page
    assert 'href="/login/oidc"' in page
    assert 'name="password"' in page  # password sign-in stays
    assert "Email me a sign-in link" in page  # and the emailed link


def test_a_staff_member_with_an_account_signs_in_through_the_provider(browser, site, db, amina):
    page = sign_in_through_provider(browser, site, "amina")

    assert path_of(page) == "/manage/"
    assert "Welcome, Amina O." in flash_messages(page.text)
    assert staff_area_opens(browser, site)
    # The session is Amina's account (matched whatever the case of the provider's address).
    assert browser.get(site.config["SITE_URL"] + "/me/password").status_code == 200
    assert [user.email for user in db.session.scalars(select(User))] == [amina.email]
    [line] = log_lines(db, "account.signed_in_by_provider")
    assert (line.actor_id, line.object_id) == (amina.id, amina.id)
    assert account(db, amina.email).last_login_at is not None
    # This browser is known to the account from now on, as after a password sign-in.
    assert browser.cookies.get("known_device")


def test_the_sign_in_goes_back_to_the_page_asked_for(browser, site, db, amina):
    start = site.config["SITE_URL"] + "/login?" + urlencode({"next": "/manage/people/"})
    button = re.search(r'href="(/login/oidc[^"]*)"', browser.get(start).text).group(1)
    assert button == "/login/oidc?next=/manage/people/"

    page = browser.get(to_the_callback(browser, site, "amina", button=button))

    assert path_of(page) == "/manage/people/"


def test_a_member_of_the_staff_group_without_an_account_gets_a_staff_account(browser, site, db):
    page = sign_in_through_provider(browser, site, "carlos")

    assert path_of(page) == "/manage/"
    assert "Welcome, Carlos Rivera." in flash_messages(page.text)
    assert staff_area_opens(browser, site)
    user = account(db, "carlos.rivera@example.org")
    assert (user.role, user.name, user.active) == (Role.STAFF, "Carlos Rivera", True)
    assert user.password_hash is None  # no password to keep: the provider signs them in
    assert user.email_confirmed_at is not None
    assert [line.object_id for line in log_lines(db, "account.created_by_provider")] == [user.id]
    assert len(log_lines(db, "account.signed_in_by_provider")) == 1


def test_someone_outside_the_staff_group_without_an_account_is_refused(browser, site, db):
    page = sign_in_through_provider(browser, site, "student")

    assert path_of(page) == "/login"
    [message] = flash_messages(page.text)
    assert "There is no account here for student@example.org" in message
    assert "Ask an administrator for an account" in message
    assert not staff_area_opens(browser, site)
    assert db.session.scalar(select(func.count(User.id))) == 0
    assert log_lines(db, "account.signed_in_by_provider") == []


def test_an_unverified_address_never_opens_the_account_it_names(browser, site, db, amina):
    page = sign_in_through_provider(browser, site, "unverified")

    assert path_of(page) == "/login"
    [message] = flash_messages(page.text)
    assert "has not verified your address amina.odhiambo@example.org" in message
    assert not staff_area_opens(browser, site)
    assert account(db, amina.email).last_login_at is None


def test_a_disabled_account_is_refused(browser, site, db):
    former = create_user("former@example.org", Role.STAFF, name="Former Colleague")
    former.active = False
    db.session.commit()

    page = sign_in_through_provider(browser, site, "former")

    assert path_of(page) == "/login"
    assert "Your account here is switched off" in flash_messages(page.text)[0]
    assert not staff_area_opens(browser, site)
    assert account(db, "former@example.org").last_login_at is None


def test_a_wrong_state_is_refused(browser, site, db, amina):
    callback = to_the_callback(browser, site, "amina")
    parts = urlsplit(callback)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    assert query["code"] and query["state"]
    forged = parts._replace(query=urlencode({**query, "state": query["state"] + "x"})).geturl()

    page = browser.get(forged)

    assert path_of(page) == "/login"
    assert "was not started from this browser" in flash_messages(page.text)[0]
    assert not staff_area_opens(browser, site)
    # Another browser bringing the genuine answer back is refused too: its state is not theirs.
    with requests.Session() as stranger:
        page = stranger.get(callback)
        assert path_of(page) == "/login"
        assert "was not started from this browser" in flash_messages(page.text)[0]
        assert not staff_area_opens(stranger, site)
    assert account(db, amina.email).last_login_at is None


def test_a_code_caught_on_its_way_is_worth_nothing_to_another_browser(browser, site, db, amina):
    """PKCE: the code goes with the verifier kept in the session of the browser that started the
    sign-in, so that another browser with a sign-in (a state) of its own cannot use it."""
    callback = urlsplit(to_the_callback(browser, site, "amina"))
    with requests.Session() as thief:
        started = thief.get(site.config["SITE_URL"] + "/login/oidc", allow_redirects=False)
        their_state = parse_qs(urlsplit(started.headers["Location"]).query)["state"][0]
        query = {key: values[0] for key, values in parse_qs(callback.query).items()}
        page = thief.get(
            callback._replace(query=urlencode({**query, "state": their_state})).geturl()
        )

        assert path_of(page) == "/login"
        assert "did not sign you in (invalid_grant)" in flash_messages(page.text)[0]
        assert not staff_area_opens(thief, site)
    assert account(db, amina.email).last_login_at is None


def test_a_sign_in_cancelled_at_the_provider_says_so(browser, site, db, amina):
    page = sign_in_through_provider(browser, site, "amina", cancel=True)

    assert path_of(page) == "/login"
    assert flash_messages(page.text) == ["The sign-in with the Electoral Institute was cancelled."]
    assert not staff_area_opens(browser, site)


def test_a_callback_without_an_answer_is_refused_without_an_error(browser, site, db):
    for query in ("", "?code=x", "?state=nothing&code=x", "?error=server_error&state=s"):
        page = browser.get(site.config["SITE_URL"] + "/login/oidc/callback" + query)
        assert page.status_code == 200, query
        assert path_of(page) == "/login"
        assert flash_messages(page.text), query


def test_signing_out_ends_the_session(browser, site, db, amina):
    sign_in_through_provider(browser, site, "amina")
    copied = requests.utils.dict_from_cookiejar(browser.cookies)
    home = browser.get(site.config["SITE_URL"] + "/manage/").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', home).group(1)

    page = browser.post(site.config["SITE_URL"] + "/logout", data={"csrf_token": token})

    assert "You are signed out." in flash_messages(page.text)
    assert not staff_area_opens(browser, site)
    with requests.Session() as thief:  # a copy of the cookies from before is worth nothing
        thief.cookies.update(copied)
        assert not staff_area_opens(thief, site)


def test_without_the_settings_there_is_no_button_and_no_route(client):
    assert not client.application.config["OIDC_ISSUER"]
    page = client.get("/login").get_data(as_text=True)
    assert "Sign in with" not in page
    assert "/login/oidc" not in page
    assert client.get("/login/oidc").status_code == 404
    assert client.get("/login/oidc/callback?code=x&state=y").status_code == 404
