"""Serving in production: ``/healthz`` asks the database and the rate limits' storage, a database
outage is a 503 to retry (page, JSON, ``Retry-After``) and never stops the app from starting,
the app recovers when the database is back, and gunicorn serves with ``gunicorn.conf.py``."""

import http.client
import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine
from sqlalchemy.exc import IntegrityError

from eventsapp import create_app
from eventsapp.accounts.models import Role
from eventsapp.accounts.services import create_user
from eventsapp.extensions import db as _db
from eventsapp.extensions import limiter
from tests.conftest import free_port, login

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def app_on(app, settings):
    """``app_on(**settings)``: another app, on other settings than the tests' one."""
    made = []

    def make(**changes):
        other = create_app({**settings, **changes})
        made.append(other)
        return other

    yield make
    for other in made:
        with other.app_context():
            _db.engine.dispose()
    limiter.init_app(app)  # the limiter is shared: back to the tests' storage


def test_healthz_answers_ok_when_the_database_answers(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.data == b"ok"


def test_an_app_starts_without_its_database_answers_503_and_recovers_when_it_comes(
    app_on, tmp_path
):
    missing = tmp_path / "not-yet" / "site.sqlite3"  # SQLite cannot open it: no directory
    down = app_on(SQLALCHEMY_DATABASE_URI=f"sqlite:///{missing}")
    client = down.test_client()

    health = client.get("/healthz")
    page = client.get("/")
    api = client.get("/api/v1/events")

    assert health.status_code == 503
    assert health.mimetype == "text/plain"
    assert health.text == "Unreachable: the database.\n"
    assert page.status_code == 503
    assert page.headers["Retry-After"] == "30"
    assert "cannot reach its database" in page.text
    assert api.status_code == 503
    assert api.headers["Retry-After"] == "30"
    assert "cannot reach its database" in api.get_json()["error"]

    missing.parent.mkdir()  # the database comes
    with down.app_context():
        upgrade()
    assert client.get("/healthz").text == "ok"
    assert client.get("/").status_code == 200


def test_a_signed_in_visitor_gets_the_503_page_too(app_on, tmp_path):
    """The layout asks who is signed in (a query); the outage page must not."""
    folder = tmp_path / "database"
    folder.mkdir()
    site = app_on(SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder / 'site.sqlite3'}")
    client = site.test_client()
    with site.app_context():
        upgrade()
        delegate = create_user("delegate@example.org", Role.DELEGATE, "blue-river-notebook")
        _db.session.commit()
        login(client, delegate)
    assert client.get("/me/registrations").status_code == 200
    folder.rename(tmp_path / "gone")  # the database goes away
    with site.app_context():
        _db.engine.dispose()

    for url in ("/", "/events/1", "/me/registrations", "/calendar/2026"):
        response = client.get(url)
        assert response.status_code == 503, url
        assert "cannot reach its database" in response.text


def test_a_database_error_that_is_no_outage_stays_a_500(app_on):
    """A refused write is a bug to fix, not a reason to retry."""
    other = app_on(PROPAGATE_EXCEPTIONS=False)

    @other.get("/refused-write")
    def refused_write():
        raise IntegrityError("INSERT INTO events ...", {}, Exception("duplicate key"))

    response = other.test_client().get("/refused-write")

    assert response.status_code == 500
    assert "Retry-After" not in response.headers


def test_healthz_names_an_unreachable_redis(app_on, settings):
    down = app_on(RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{free_port()}/0")

    response = down.test_client().get("/healthz")

    assert response.status_code == 503
    assert (
        response.text == "Unreachable: the rate limits' storage (redis, RATELIMIT_STORAGE_URI).\n"
    )


def test_the_app_recovers_when_postgresql_drops_its_connections(app, app_on, settings):
    """As when PostgreSQL restarts: the pooled connections are dead; the next request checks
    its connection before use (pool_pre_ping) and opens a new one."""
    if not settings["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("needs PostgreSQL: run with DATABASE_URL=postgresql://… (CI does)")
    options = app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    restarted = app_on(
        SQLALCHEMY_ENGINE_OPTIONS={**options, "connect_args": {"application_name": "restarted"}}
    )
    client = restarted.test_client()
    assert client.get("/").status_code == 200  # a connection in the pool
    killer = create_engine(settings["SQLALCHEMY_DATABASE_URI"])
    with killer.connect() as connection:
        killed = connection.exec_driver_sql(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE application_name = 'restarted'"
        ).scalar()
    killer.dispose()
    assert killed >= 1

    assert client.get("/healthz").text == "ok"
    assert client.get("/").status_code == 200


# ---------------------------------------------------------------- gunicorn


def gunicorn_settings(**environment) -> dict:
    """The settings gunicorn.conf.py gives under this environment."""
    keys = ("BIND", "PORT", "WEB_CONCURRENCY", "FORWARDED_ALLOW_IPS", "GUNICORN_TIMEOUT")
    saved = {key: os.environ.pop(key, None) for key in keys}
    try:
        os.environ.update(environment)
        return runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    finally:
        for key in keys:
            os.environ.pop(key, None)
            if saved[key] is not None:
                os.environ[key] = saved[key]


def test_the_gunicorn_settings_come_from_the_cores_and_the_environment():
    default = gunicorn_settings()
    told = gunicorn_settings(
        PORT="9001", WEB_CONCURRENCY="3", FORWARDED_ALLOW_IPS="10.0.0.2", GUNICORN_TIMEOUT="90"
    )
    socket = gunicorn_settings(BIND="unix:/run/eventsapp.sock", PORT="9001")

    assert default["bind"] == "127.0.0.1:8000"
    assert default["workers"] == 2 * len(os.sched_getaffinity(0)) + 1
    assert default["forwarded_allow_ips"] == "127.0.0.1,::1"
    assert default["accesslog"] == "-"
    assert (told["bind"], told["workers"], told["timeout"]) == ("127.0.0.1:9001", 3, 90)
    assert told["forwarded_allow_ips"] == "10.0.0.2"
    assert socket["bind"] == "unix:/run/eventsapp.sock"


def test_gunicorn_serves_the_app_with_the_config_and_logs_each_request(app, settings):
    port = free_port()
    environment = {
        **os.environ,
        "DATABASE_URL": settings["SQLALCHEMY_DATABASE_URI"],
        "PORT": str(port),
        "WEB_CONCURRENCY": "1",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "wsgi:app"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        for line in server.stderr:  # the error log: read until a worker is up
            if "Booting worker" in line:
                break
        else:
            pytest.fail("gunicorn stopped before serving")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", "/healthz")
        response = connection.getresponse()
        assert (response.status, response.read()) == (200, b"ok")
        connection.close()
    finally:
        server.terminate()
        access_log, _ = server.communicate(timeout=60)
    assert '"GET /healthz HTTP/1.1" 200 2' in access_log


def test_a_row_written_meanwhile_is_a_409_to_try_again_page_or_json(app_on, db):
    """A unique constraint (or a primary key) refusing a row another request wrote since this
    one read (two addresses confirmed at once, say) answers a 409 asking to try again, as a page
    or, under ``/api/``, as JSON; recognised by the driver's code on either database."""
    from sqlalchemy import insert

    from eventsapp.accounts.models import User
    from eventsapp.people.models import Country

    def writes_the_same_address_twice():
        for _ in range(2):
            _db.session.add(User(email="amina@example.org", role=Role.DELEGATE))
            _db.session.flush()
        return "written"

    def writes_a_country_again():  # a primary key taken: SQLite names it otherwise
        _db.session.execute(
            insert(Country).values(code="MX", alpha3="ZZZ", numeric="999", name="X")
        )
        return "written"

    app = app_on()  # not yet serving: it takes routes of the test's own
    for path, view in (
        ("/_meanwhile", writes_the_same_address_twice),
        ("/api/v1/_meanwhile", writes_the_same_address_twice),
        ("/_key_taken", writes_a_country_again),
    ):
        app.add_url_rule(path, path, view, methods=["POST"])
    client = app.test_client()

    page = client.post("/_meanwhile")
    api = client.post("/api/v1/_meanwhile")
    key = client.post("/_key_taken")

    assert page.status_code == api.status_code == key.status_code == 409
    assert "Someone did the same at the same moment" in page.get_data(as_text=True)
    assert api.get_json() == {
        "error": "Someone did the same at the same moment. Go back and try again."
    }
