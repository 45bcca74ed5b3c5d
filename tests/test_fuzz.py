"""Hostile input on every form and parameter, through the real app on the real database.

Hypothesis picks a URL of the app's URL map (public, staff and administrators' pages, the API,
feeds), fills its path, its query parameters and, for a POST, the fields its form shows, with
hostile values: NUL and other control characters, invalid UTF-8, huge strings and numbers, far
dates, markup and spreadsheet formulas. Whatever comes, no answer is a server error, and a
refused request (a 4xx, or a form shown again) writes nothing. The seed and the number of
examples are fixed, so that CI runs the same requests every time.
"""

import base64
import io
import json
import re
from html.parser import HTMLParser
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from eventsapp.accounts.models import Role
from eventsapp.accounts.services import create_user
from eventsapp.registration.questions import QuestionInput, add_question
from tests.conftest import login
from tests.test_registration_pages import sign_up

HOSTILE = [
    "",
    "\x00",
    "a\x00b",
    "\x1b[31mred",
    "\x7f",
    "\u0085",
    "\u202eevil",
    "x" * 70_000,
    "9" * 40,
    "-1",
    "0",
    "2147483648",
    "1e308",
    "NaN",
    "9999-12-31",
    "0001-01-01",
    "late December 9999",
    "31 February 2016",
    "<script>alert(1)</script>",
    '=HYPERLINK("http://evil.example")',
    "' OR 1=1 --",
    "%",
    "../../etc/passwd",
    "javascript:alert(1)",
    "😀" * 300,
    "   ",  # spaces only: "required" must still mean something
    "\t \n",
    "²",  # Unicode digits: str.isdigit says yes, int() says no
    "١٢",
    "Name\r\n\r\nSECURITY NOTICE: pay at http://evil.example",
    "line\u2028separator",
    # API cursors the API never gave: a lone surrogate in the title, a bare key, not base64.
    base64.urlsafe_b64encode(json.dumps(["2016-01-01", "2016-01-02", "\ud800", 1]).encode())
    .decode()
    .rstrip("="),
    base64.urlsafe_b64encode(json.dumps(["2016-01-01", "2016-01-02", "T", 1]).encode()).decode(),
    "!!!",
]
# File names sent with uploads (a PDF's bytes, under a hostile name).
FILE_NAMES = [
    "report\x1b[2J\x07.pdf",
    "report\x00.pdf",
    "../../etc/passwd.pdf",
    "C:\\Windows\\report.pdf",
    "\u202efdp.exe",
    "x" * 500 + ".pdf",
    ".pdf",
    "",
    "rapport final\r\n.pdf",
]
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
# Fields no form shows, which a view may still read from the request.
EXTRA_FIELDS = ["share-²", "share-١", "share-1", "share-99999999999"]
VALUES = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40))
# Query parameters the pages read, and one nobody reads.
PARAMETERS = [
    "q", "page", "year", "month", "kind", "programme", "country", "region", "status",
    "organisation", "text", "limit", "cursor", "event_id", "next", "sort", "role", "unknown",
]  # fmt: skip
# Requests that would end the fuzzing session itself.
SKIPPED = {"/logout", "/me/sessions/end", "/static/<path:filename>"}


class FormFields(HTMLParser):
    """A page's form fields with the values it shows (what a person would send unchanged)."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, str] = {}
        self.files: set[str] = set()
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "option" and self._select:
            if self._select not in self.values or "selected" in attrs:
                self.values[self._select] = attrs.get("value") or ""
            return
        if not name or name == "csrf_token":
            return
        if tag == "select":
            self._select = name
        elif tag == "textarea":
            self._textarea = name
            self.values[name] = ""
        elif tag == "input" and attrs.get("type") == "file":
            self.files.add(name)
        elif tag == "input" and (
            attrs.get("type") not in ("checkbox", "radio") or "checked" in attrs
        ):
            self.values.setdefault(name, attrs.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data


@pytest.fixture
def world(app, db, make):
    """An administrator signed in, and one of everything for URLs to name."""
    admin = create_user("admin@example.org", Role.ADMIN, "one key to rule them", name="Admin")
    db.session.commit()
    programme = make.programme(name="CICIE")
    make.organisation(name="Instituto Nacional Electoral")
    event = make.open_event(capacity=2, approval_required=False)
    event.programme_id = programme.id
    add_question(event, QuestionInput("Nomination letter", "file"))  # a form with a file
    db.session.commit()
    sign_up(db, event, 3)
    client = app.test_client()
    login(client, admin)
    rules = sorted(
        (rule for rule in app.url_map.iter_rules() if rule.rule not in SKIPPED),
        key=lambda rule: rule.rule,
    )
    return client, rules


def path_for(rule, values) -> str:
    """The rule's URL with ids that exist (1) and hostile text in its string parts."""
    path = rule.rule
    for name, converter in rule._converters.items():
        kind = type(converter).__name__
        if kind in ("IdConverter", "IntegerConverter"):
            value = "2016" if name == "year" else "1"
        else:
            value = quote(values.draw(VALUES) or "x", safe="")
        path = re.sub(rf"<[^>]*:?{name}>", value, path)
    return path


def row_counts(db) -> tuple:
    tables = [table.name for table in db.metadata.sorted_tables]
    query = "SELECT " + ", ".join(f"(SELECT count(*) FROM {name})" for name in tables)
    return tuple(db.session.execute(text(query)).one())


def encoded(pairs: dict[str, str], raw_bytes: bool) -> bytes:
    body = "&".join(f"{quote(name)}={quote(value)}" for name, value in pairs.items())
    return body.encode() + (b"&broken=%ff%fe%c3%28" if raw_bytes else b"")


@settings(
    max_examples=500,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(values=st.data())
def test_no_hostile_request_gets_a_server_error_or_writes_on_refusal(world, db, values):
    client, rules = world
    rule = values.draw(st.sampled_from(rules))
    path = path_for(rule, values)
    posting = "POST" in rule.methods
    # A form's own fields are the target of a POST: its query string is hostile now and then.
    names = values.draw(st.lists(st.sampled_from(PARAMETERS), max_size=3, unique=True))
    if posting and values.draw(st.integers(0, 3)):
        names = []
    query = encoded(
        {name: values.draw(VALUES) for name in names}, bool(names) and values.draw(st.booleans())
    )
    if posting:
        form, files = {}, set()
        if "GET" in rule.methods:
            parser = FormFields()
            parser.feed(client.get(path).get_data(as_text=True))
            form, files = parser.values, parser.files
        # Most often one or two fields hostile among those the page shows, so that the request
        # passes the first checks and reaches the deeper ones; sometimes every field hostile.
        # What is drawn never depends on the page (which earlier examples may have changed), so
        # that Hypothesis can replay an example.
        every = not values.draw(st.integers(0, 3))
        picks = values.draw(st.lists(st.integers(0, 999), min_size=1, max_size=2))
        pool = values.draw(st.lists(VALUES, min_size=4, max_size=4))
        fields = sorted(form) or ["unknown"]
        hostile = fields if every else [fields[pick % len(fields)] for pick in picks]
        form.update({name: pool[index % len(pool)] for index, name in enumerate(hostile)})
        if not values.draw(st.integers(0, 4)):
            form[values.draw(st.sampled_from(EXTRA_FIELDS))] = pool[0]
        file_name = values.draw(st.sampled_from(FILE_NAMES))
        db.session.expire_all()
        before = row_counts(db)
        if files:  # a multipart form: each file a PDF under a hostile name
            response = client.post(
                path,
                environ_overrides={"QUERY_STRING": query.decode("latin-1")},
                data={**form, **{name: (io.BytesIO(PDF), file_name) for name in files}},
                content_type="multipart/form-data",
            )
        else:
            response = client.post(
                path,
                environ_overrides={"QUERY_STRING": query.decode("latin-1")},  # raw bytes, as WSGI
                data=encoded(form, not values.draw(st.integers(0, 3))),
                content_type="application/x-www-form-urlencoded",
            )
        refused = response.status_code not in (302, 303)
        db.session.rollback()
        if refused:
            assert row_counts(db) == before, f"POST {path} wrote although refused"
    else:
        response = client.get(path, environ_overrides={"QUERY_STRING": query.decode("latin-1")})
    assert response.status_code < 500, f"{rule.rule}: {response.status_code}"
