"""schemathesis over the write operations, as a staff member's session with its CSRF header (the
way the site's own pages call them) and as a script's token: no answer may be a server error or
differ from the document.
"""

import pytest
import schemathesis
from flask import session
from flask_wtf.csrf import generate_csrf
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from eventsapp.api.scopes import DECIDE, READ, WRITE
from eventsapp.api.tokens import create_token
from eventsapp.core.clock import utcnow
from eventsapp.plans.models import Plan, PlanItem
from eventsapp.registration.services import RegistrationInput, register


@pytest.fixture
def signed_in(app, staff_user):
    """A staff member's session: its cookie, and the headers with its CSRF token."""
    app.config["WTF_CSRF_ENABLED"] = True
    with app.test_request_context():
        session["_user_id"], session["_fresh"] = staff_user.get_id(), True
        token = generate_csrf()
        cookie = app.session_interface.get_signing_serializer(app).dumps(dict(session))
    yield {app.config["SESSION_COOKIE_NAME"]: cookie}, {"X-CSRFToken": token}
    app.config["WTF_CSRF_ENABLED"] = False


@pytest.fixture
def write_schema(app, db, make, signed_in):
    """The document, with events, a registration, a task and a plan item to act on."""
    programme = make.programme("Programme for Electoral Processes", acronym="PEP")
    event = make.open_event(capacity=2)
    make.event(title="Workshop", date_text="1-2 March 2011", programme_id=programme.id)
    for number in range(3):
        register(
            event,
            RegistrationInput(
                name=f"Delegate {number}",
                gender="female",
                email=f"delegate{number}@example.org",
                country_code="PE",
                consent=True,
            ),
            utcnow(),
        )
    plan = Plan(programme_id=programme.id, title="Action plan", shape="items")
    plan.items.append(PlanItem(key="1", ref="1", title="Train", indicators=[{"text": "People"}]))
    db.session.add(plan)
    db.session.commit()
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


schema = schemathesis.pytest.from_fixture("write_schema").include(method=["POST", "PATCH"])


@schema.parametrize()
@settings(
    max_examples=30,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_writes_keep_to_their_document(case, signed_in):
    case.call_and_validate(
        cookies=signed_in[0],
        headers=signed_in[1],
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ],
    )


@pytest.fixture
def a_token(db, staff_user):
    """A script's token with the scopes of every write (and no session, no CSRF header)."""
    _token, plain = create_token(staff_user, "schemathesis", [READ, WRITE, DECIDE], 1, None)
    db.session.commit()
    return {"Authorization": f"Bearer {plain}"}


@schema.parametrize()
@settings(
    max_examples=15,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_writes_keep_to_their_document_with_a_token(case, a_token):
    case.call_and_validate(
        headers=a_token,
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ],
    )
