"""Personal API tokens: made on a page or by a command, shown once, kept hashed, refused with a
reason, revoked at once on every worker, limited per token, scoped per route."""

import hashlib
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from eventsapp import create_app
from eventsapp.accounts.models import Role
from eventsapp.accounts.services import create_user
from eventsapp.api.models import ApiToken
from eventsapp.api.scopes import ADMIN, DECIDE, READ, SCOPES, WRITE, scope_of
from eventsapp.api.tokens import create_token
from eventsapp.core.actions import LoggedAction
from eventsapp.core.clock import utcnow
from eventsapp.extensions import db as _db
from tests.conftest import RequestIsolatingClient, login
from tests.test_access import PUBLIC_API, api_urls

RESULTS = "/api/v1/reports/results?from=2016&to=2016"


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def token_count(db) -> int:
    return db.session.scalar(select(func.count(ApiToken.id)))


@pytest.fixture
def admin_user(db):
    user = create_user("admin@example.org", Role.ADMIN, "tall-lighthouse-keeper", name="Ada Admin")
    db.session.commit()
    return user


def make_token(db, owner, scopes=(READ,), name="script", days=None):
    token, plain = create_token(owner, name, scopes, days, owner)
    db.session.commit()
    return token, plain


def make_on_the_page(client, name="Finance export", scopes=(READ,), days="90"):
    response = client.post(
        "/account/tokens", data={"name": name, "scopes": list(scopes), "days": days}
    )
    found = re.search(r'id="new-token"[^>]*value="(ea_[^"]+)"', response.get_data(as_text=True))
    return response, found and found.group(1)


# ---------------------------------------------------------------- made, shown once, kept hashed


def test_a_token_made_on_the_page_opens_the_staff_api_and_is_shown_once(
    app, staff_client, db, staff_user
):
    response, plain = make_on_the_page(staff_client)
    assert response.status_code == 200 and plain
    assert "shown only this once" in response.get_data(as_text=True)
    token = db.session.scalars(select(ApiToken)).one()
    assert plain.startswith(f"ea_{token.prefix}") and len(token.prefix) == 8
    assert token.scopes == [READ] and token.user_id == staff_user.id
    assert token.expires_at - token.created_at == timedelta(days=90)

    # Shown once: the list afterwards shows its prefix, never the token.
    listed = staff_client.get("/account/tokens").get_data(as_text=True)
    assert f"ea_{token.prefix}…" in listed and plain not in listed
    assert "Finance export" in listed

    # The database keeps a hash, nowhere the token.
    assert token.secret_hash == hashlib.sha256(plain.encode()).hexdigest()
    with db.engine.connect() as connection:
        for table in ("api_tokens", "action_log"):
            rows = connection.execute(text(f"SELECT * FROM {table}")).all()
            assert rows and not any(plain[3:] in str(value) for row in rows for value in row)

    # It works from a script: no session, no cookie given back.
    script = app.test_client()
    answer = script.get(RESULTS, headers=bearer(plain))
    assert answer.status_code == 200, answer.get_json()
    assert "Set-Cookie" not in answer.headers
    assert db.session.get(ApiToken, token.id).last_used_at is not None


def test_the_page_never_shows_the_token_again_nor_to_others(staff_client, db, staff_user):
    _response, plain = make_on_the_page(staff_client)
    other = create_user("other@example.org", Role.STAFF, "violet-harbour-window")
    db.session.commit()
    login(staff_client, other)
    page = staff_client.get("/account/tokens").get_data(as_text=True)
    assert "Finance export" not in page and plain not in page


def test_last_use_is_written_at_most_once_a_minute(app, db, staff_user):
    token, plain = make_token(db, staff_user)
    script = app.test_client()
    script.get(RESULTS, headers=bearer(plain))
    first = db.session.get(ApiToken, token.id).last_used_at
    script.get(RESULTS, headers=bearer(plain))
    assert db.session.get(ApiToken, token.id).last_used_at == first
    token.last_used_at = first - timedelta(minutes=2)
    db.session.commit()
    script.get(RESULTS, headers=bearer(plain))
    assert db.session.get(ApiToken, token.id).last_used_at > first


# ---------------------------------------------------------------- refused, with the reason


def refusal(app, plain: str) -> tuple[int, dict]:
    response = app.test_client().get(RESULTS, headers=bearer(plain))
    return response.status_code, response.get_json()


def test_an_unknown_token_is_refused_saying_so(app, db, staff_user):
    _token, plain = make_token(db, staff_user)
    for wrong in (plain[:-1] + ("A" if plain[-1] != "A" else "B"), "ea_", "", "x" * 5000):
        status, body = refusal(app, wrong)
        assert status == 401 and body["reason"] == "unknown", wrong[:20]
        assert "not known" in body["error"]


def test_an_expired_token_is_refused_saying_so(app, db, staff_user):
    token, plain = make_token(db, staff_user, days=30)
    token.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    status, body = refusal(app, plain)
    assert status == 401 and body["reason"] == "expired" and "expired" in body["error"]


def test_a_token_whose_owner_is_no_longer_staff_or_active_is_refused(app, db, staff_user):
    _token, plain = make_token(db, staff_user)
    staff_user.role = Role.DELEGATE
    db.session.commit()
    status, body = refusal(app, plain)
    assert status == 401 and body["reason"] == "owner_not_staff"
    staff_user.role, staff_user.active = Role.STAFF, False
    db.session.commit()
    status, body = refusal(app, plain)
    assert status == 401 and body["reason"] == "owner_inactive"


def test_a_revoked_token_is_refused_at_once_by_every_worker(app, settings, staff_client, db):
    _response, plain = make_on_the_page(staff_client)
    other_worker = create_app(settings)  # a second process's app, on the same database
    other_worker.test_client_class = RequestIsolatingClient
    second = other_worker.test_client()
    assert second.get(RESULTS, headers=bearer(plain)).status_code == 200

    token = db.session.scalars(select(ApiToken)).one()
    assert staff_client.post(f"/account/tokens/{token.id}/revoke").status_code == 302
    response = second.get(RESULTS, headers=bearer(plain))
    assert response.status_code == 401 and response.get_json()["reason"] == "revoked"
    assert app.test_client().get(RESULTS, headers=bearer(plain)).status_code == 401
    with other_worker.app_context():
        _db.session.remove()
        _db.engine.dispose()


def test_a_bearer_call_with_a_bad_token_is_refused_even_with_a_session(
    staff_client, db, staff_user
):
    """The token is the call's only credential: a browser's session does not rescue it."""
    response = staff_client.get(RESULTS, headers=bearer("ea_nothing"))
    assert response.status_code == 401 and response.get_json()["reason"] == "unknown"
    _token, plain = make_token(db, staff_user)
    assert "Set-Cookie" not in staff_client.get(RESULTS, headers=bearer(plain)).headers
    assert staff_client.get(RESULTS).status_code == 200


# ---------------------------------------------------------------- scopes, route by route


def staff_routes(app):
    return [
        (endpoint, method, url, scope_of(app.view_functions[endpoint]))
        for endpoint, method, url in api_urls(app)
        if endpoint not in PUBLIC_API
    ]


def test_every_api_route_refuses_a_token_without_its_scope_and_takes_one_with_it(
    app, db, make, admin_user
):
    make.event()  # event 1 exists
    routes = staff_routes(app)
    assert routes
    tokens = {}
    for scope in SCOPES:
        tokens[scope] = make_token(db, admin_user, [scope], name=f"only {scope}")[1]
        others = [s for s in SCOPES if s != scope]
        tokens["all but " + scope] = make_token(db, admin_user, others, name=f"no {scope}")[1]
    script = app.test_client()
    for _endpoint, method, url, scope in routes:
        refused = script.open(url, method=method, headers=bearer(tokens["all but " + scope]))
        assert refused.status_code == 403, (method, url)
        assert f"scope {scope}" in refused.get_json()["error"], (method, url)
        taken = script.open(url, method=method, headers=bearer(tokens[scope]))
        assert taken.status_code not in (401, 403), (method, url, taken.get_json())


def test_a_token_holds_no_more_than_its_owners_role_at_the_call(app, db, admin_user):
    """An administrator's ``admin`` token stops administering when its owner is no longer one."""
    _token, plain = make_token(db, admin_user, [READ, ADMIN])
    admin_user.role = Role.COORDINATOR
    db.session.commit()
    assert app.test_client().get(RESULTS, headers=bearer(plain)).status_code == 200
    from eventsapp.api.scopes import granted, role_scopes

    assert ADMIN not in role_scopes(admin_user)
    with app.test_request_context():
        from flask import g

        g.api_token_scopes = [READ, ADMIN]
        assert granted(admin_user) == {READ}


def test_the_document_declares_the_bearer_scheme_and_each_operations_scope(app, client, db):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": document["components"]["securitySchemes"]["bearerAuth"]["description"],
    }
    operations = {
        (path, method): operation
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    }
    assert operations[("/api/v1/events", "get")]["security"] == []
    results = operations[("/api/v1/reports/results", "get")]
    assert results["security"] == [{"bearerAuth": [READ]}] and results["x-scope"] == READ
    assert "scope `read`" in results["description"]
    for endpoint, method, url, scope in staff_routes(app):
        rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        if (path, method.lower()) in operations:
            assert operations[(path, method.lower())]["x-scope"] == scope, (method, url)


# ---------------------------------------------------------------- revoking


def test_an_administrator_revokes_a_colleagues_token_and_a_colleague_cannot(
    app, client, db, staff_user, admin_user
):
    token, plain = make_token(db, admin_user, name="admin's")
    theirs, their_plain = make_token(db, staff_user, name="staff's")
    login(client, staff_user)
    assert client.post(f"/account/tokens/{token.id}/revoke").status_code == 404
    assert client.get("/manage/tokens/").status_code == 403
    assert client.post(f"/manage/tokens/{token.id}/revoke").status_code == 403
    assert db.session.get(ApiToken, token.id).revoked_at is None

    login(client, admin_user)
    listed = client.get("/manage/tokens/").get_data(as_text=True)
    assert "staff&#39;s" in listed and "staff@example.org" in listed and their_plain not in listed
    assert client.post(f"/manage/tokens/{theirs.id}/revoke").status_code == 302
    revoked = db.session.get(ApiToken, theirs.id)
    assert revoked.revoked_at is not None and revoked.revoked_by_id == admin_user.id
    assert app.test_client().get(RESULTS, headers=bearer(their_plain)).status_code == 401
    assert app.test_client().get(RESULTS, headers=bearer(plain)).status_code == 200


def test_delegates_have_no_token_page(client, db, delegate_user):
    login(client, delegate_user)
    assert client.get("/account/tokens").status_code == 403
    assert client.post("/account/tokens", data={"name": "x", "scopes": [READ]}).status_code == 403
    anonymous = client.application.test_client()
    assert anonymous.get("/account/tokens").status_code == 302


def test_making_and_revoking_are_in_the_action_log(staff_client, db, staff_user):
    make_on_the_page(staff_client, scopes=(READ, WRITE))
    token = db.session.scalars(select(ApiToken)).one()
    staff_client.post(f"/account/tokens/{token.id}/revoke")
    lines = db.session.scalars(select(LoggedAction).order_by(LoggedAction.id)).all()
    assert [(line.action, line.actor_id, line.account_id) for line in lines] == [
        ("api_token.created", staff_user.id, staff_user.id),
        ("api_token.revoked", staff_user.id, staff_user.id),
    ]
    assert lines[0].sentence == "Created the API token Finance export (scopes: read, write)"
    assert lines[1].sentence == "Revoked the API token Finance export"


# ---------------------------------------------------------------- the rate limit


def test_a_token_is_limited_on_its_own_with_retry_after(app, db, staff_user, monkeypatch):
    monkeypatch.setitem(app.config, "API_TOKEN_RATE_LIMIT", "3 per minute")
    _token, plain = make_token(db, staff_user, name="busy")
    _other, other_plain = make_token(db, staff_user, name="quiet")
    script = app.test_client()
    assert [script.get(RESULTS, headers=bearer(plain)).status_code for _ in range(3)] == [200] * 3
    refused = script.get(RESULTS, headers=bearer(plain))
    assert refused.status_code == 429
    assert "API token" in refused.get_json()["error"]
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert script.get(RESULTS, headers=bearer(other_plain)).status_code == 200


# ---------------------------------------------------------------- the command line


def cli(app, *arguments):
    return app.test_cli_runner().invoke(args=["tokens", *arguments])


def test_the_command_prints_the_token_and_nothing_else(app, db, staff_user):
    result = cli(app, "create", "staff@example.org", "--name", "deploy", "--scopes", "read,write")
    assert result.exit_code == 0, result.output
    plain = result.stdout.strip()
    assert re.fullmatch(r"ea_[\w-]{8}[\w-]{43}", plain)
    token = db.session.scalars(select(ApiToken)).one()
    assert token.scopes == [READ, WRITE] and token.expires_at is None
    assert app.test_client().get(RESULTS, headers=bearer(plain)).status_code == 200
    line = db.session.scalars(select(LoggedAction)).one()
    assert line.action == "api_token.created" and line.actor_id is None  # the site

    listed = cli(app, "list", "--user", "staff@example.org")
    assert f"ea_{token.prefix}…" in listed.stdout and plain not in listed.stdout
    assert cli(app, "revoke", "deploy", "--user", "staff@example.org").exit_code == 0
    assert app.test_client().get(RESULTS, headers=bearer(plain)).status_code == 401
    days = cli(
        app, "create", "staff@example.org", "--name", "d2", "--scopes", "read", "--days", "7"
    )
    assert days.exit_code == 0
    made = db.session.scalars(select(ApiToken).where(ApiToken.name == "d2")).one()
    assert made.expires_at - made.created_at == timedelta(days=7)


@pytest.mark.parametrize(
    "arguments, says",
    [
        (["create", "nobody@example.org", "--name", "x", "--scopes", "read"], "no account"),
        (["create", "staff@example.org", "--name", "x", "--scopes", "read,everything"], "Unknown"),
        (["create", "staff@example.org", "--name", "x", "--scopes", "read,admin"], "admin"),
        (["create", "staff@example.org", "--name", "taken", "--scopes", "read"], "already"),
        (["create", "staff@example.org", "--name", "a\x00b", "--scopes", "read"], "one line"),
        (["create", "staff@example.org", "--name", "n" * 10_000, "--scopes", "read"], "100"),
        (["create", "staff@example.org", "--name", "x", "--scopes", "read", "--days", "0"], "1"),
        (["create", "delegate@example.org", "--name", "x", "--scopes", "read"], "staff"),
        (["revoke", "missing", "--user", "staff@example.org"], "no token"),
    ],
)
def test_the_command_refuses_bad_input_with_status_2_writing_nothing(
    app, db, staff_user, delegate_user, arguments, says
):
    make_token(db, staff_user, name="taken")
    lines = db.session.scalar(select(func.count(LoggedAction.id)))
    result = cli(app, *arguments)
    assert result.exit_code == 2
    assert result.stdout == "" and says in result.stderr
    assert token_count(db) == 1
    assert db.session.scalar(select(func.count(LoggedAction.id))) == lines


# ---------------------------------------------------------------- hostile input on the page


@pytest.mark.parametrize(
    "data",
    [
        {"name": "a\x00b", "scopes": [READ]},
        {"name": "n" * 10_000, "scopes": [READ]},
        {"name": "two\nlines", "scopes": [READ]},
        {"name": "x", "scopes": [ADMIN]},  # a staff member is no administrator
        {"name": "x", "scopes": ["everything"]},
        {"name": "x", "scopes": []},
        {"name": "x", "scopes": [READ], "days": "99999999999999999999"},
        {"name": "x", "scopes": [READ], "days": "-1"},
    ],
)
def test_the_page_refuses_hostile_input_writing_nothing(staff_client, db, data):
    response = staff_client.post("/account/tokens", data={"days": "90", **data})
    assert response.status_code == 400
    assert "ea_" not in response.get_data(as_text=True)
    assert token_count(db) == 0


def test_a_name_is_unique_per_owner_only(staff_client, db, staff_user, admin_user):
    assert make_on_the_page(staff_client, name="export")[1]
    response, plain = make_on_the_page(staff_client, name="export")
    assert response.status_code == 400 and plain is None
    assert "already" in response.get_data(as_text=True)
    login(staff_client, admin_user)
    assert make_on_the_page(staff_client, name="export", scopes=(READ, DECIDE, ADMIN))[1]
    assert token_count(db) == 2


def test_a_token_that_never_expires(staff_client, db):
    _response, plain = make_on_the_page(staff_client, days="")
    assert plain and db.session.scalars(select(ApiToken)).one().expires_at is None
