"""What an attack on main (4a4659a) found, each written as a test that failed there: text a
stranger wrote in our emails, organisations anyone could publish, values of spaces and Unicode
digits that reached the database, formulas in spreadsheet headers, double clicks that acted
twice, file names with control characters, forged API cursors.
"""

import base64
import html
import importlib
import io
import json
import pkgutil
from datetime import timedelta

import pytest
from flask_wtf import FlaskForm
from openpyxl import load_workbook
from sqlalchemy import func, select

import eventsapp
from eventsapp.agenda.models import AgendaSession, Speaker
from eventsapp.authority_requests.models import AuthorityRequest
from eventsapp.authority_requests.services import confirm_request
from eventsapp.core.clock import utcnow
from eventsapp.core.exports import xlsx_bytes
from eventsapp.core.forms import Form
from eventsapp.core.jobs import PERIODIC_JOBS
from eventsapp.core.uploads import UploadStore, shown_name
from eventsapp.costs.models import CostRule
from eventsapp.extensions import db as the_db
from eventsapp.mail.models import OutboxEmail
from eventsapp.people.models import Organisation
from eventsapp.plans.models import PlanItem
from eventsapp.registration.invitations import invitation_token, invite
from eventsapp.registration.models import Registration
from eventsapp.registration.questions import QuestionInput, add_question
from tests.conftest import login
from tests.test_agenda import VALID as SESSION
from tests.test_agenda import agenda_url
from tests.test_authority_requests import FORM as REQUEST
from tests.test_authority_requests import ask
from tests.test_registration_concurrency import at_once, needs_postgresql
from tests.test_registration_http import FORM as REGISTRATION
from tests.test_registration_http import post_registration

INJECTED = (
    "X\r\n\r\nSECURITY NOTICE: your registration is suspended. "
    "Pay the fee at http://evil.example/pay"
)
ONE_LINE = "Write this on one line, without line breaks, tabs or invisible control characters."


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# ---------------------------------------------------------------- text in emails


def test_every_form_of_the_site_is_a_core_form():
    """The one place that refuses line breaks in one-line fields is ``core.forms.Form``."""
    for module in pkgutil.walk_packages(eventsapp.__path__, "eventsapp."):
        importlib.import_module(module.name)
    forms = set()
    pending = [FlaskForm]
    while pending:
        for subclass in pending.pop().__subclasses__():
            forms.add(subclass)
            pending.append(subclass)
    ours = {f for f in forms if f.__module__.startswith("eventsapp.") and f is not Form}
    assert len(ours) > 30
    assert [f.__qualname__ for f in ours if not issubclass(f, Form)] == []


@pytest.mark.parametrize(
    "name",
    [INJECTED, "Amina\u2028Dear colleague, pay here", "A\tB", "Amina \u202eimanimreT\u202c"],
)
def test_a_name_on_several_lines_is_refused_and_nobody_is_emailed(client, db, make, name):
    event = make.open_event()
    response = client.post(f"/events/{event.id}/register", data={**REGISTRATION, "name": name})
    assert response.status_code == 200
    assert ONE_LINE in html.unescape(response.data.decode())
    assert _count(db, Registration) == 0
    assert _count(db, OutboxEmail) == 0


@pytest.mark.parametrize("field", ["contact_name", "authority_name"])
def test_a_request_signed_on_several_lines_is_refused(client, db, field):
    response = client.post("/requests/new", data={**REQUEST, field: INJECTED})
    assert ONE_LINE in html.unescape(response.data.decode())
    assert _count(db, AuthorityRequest) == 0
    assert _count(db, OutboxEmail) == 0


@pytest.mark.parametrize("text", ["May\u20282027", "May \u20662027\u2069"])
def test_the_api_refuses_a_line_separator_or_direction_control_in_a_parameter(client, db, text):
    response = client.get("/api/v1/dates/parse", query_string={"text": text})
    assert response.status_code == 400
    assert "control characters" in response.get_json()["error"]


def test_a_file_name_shows_its_letters_in_the_order_they_are_stored():
    """An override would show "report\u202efdp.exe" as "reportexe.pdf"."""
    assert shown_name("report\u202efdp.exe") == "reportfdp.exe"
    assert shown_name("نتائج الانتخابات.pdf") == "نتائج الانتخابات.pdf"  # no control needed


# ---------------------------------------------------------------- values of spaces, odd digits


def test_a_day_of_spaces_is_a_missing_day(staff_client, db, make):
    course = make.event("Course", "18-22 April 2016")
    response = staff_client.post(agenda_url(course), data={**SESSION, "day": "   "})
    assert response.status_code == 400
    assert "This field is required." in response.data.decode()
    assert _count(db, AgendaSession) == 0


def test_a_country_of_spaces_is_no_country(staff_client, db, make):
    course = make.event("Course", "18-22 April 2016")
    staff_client.post(agenda_url(course), data=SESSION)
    speaker = db.session.scalar(select(Speaker).order_by(Speaker.id))
    response = staff_client.post(
        f"{agenda_url(course)}speakers/{speaker.id}",
        data={
            "name": "  Lorenzo Córdova ",
            "role": " ",
            "organisation_id": "",
            "country_code": "  ",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert (speaker.name, speaker.country_code) == ("Lorenzo Córdova", None)


def test_a_share_named_with_a_unicode_digit_is_ignored(staff_client, db, make):
    """``str.isdigit`` says yes to "²", ``int()`` no: such a field names no founder, and the
    rule is saved without a split."""
    programme = make.programme()
    response = staff_client.post(
        f"/manage/programmes/{programme.id}/costs/rule",
        data={
            "rule-category": "lodging",
            "rule-payer_role": "founder",
            "rule-basis": "per_delegate_night",
            "rule-payer_organisation_id": "",
            "rule-note": "",
            "share-²": "50",
            "share-١": "50",
        },
    )
    assert response.status_code == 302
    rule = db.session.scalar(select(CostRule).where(CostRule.programme_id == programme.id))
    assert (rule.category, rule.payer_role, rule.shares) == ("lodging", "founder", [])


# ---------------------------------------------------------------- forged API cursors


def _cursor(key) -> str:
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "key",
    [
        ["2016-01-01", "2016-01-02", "\ud800", 1],  # a lone surrogate: no text of any database
        ["2016-01-01", "2016-01-02", "Title", 1],  # well formed, but not one the API gave
    ],
)
def test_a_cursor_the_api_did_not_give_is_refused(client, db, make, key):
    make.event()
    response = client.get("/api/v1/events", query_string={"cursor": _cursor(key)})
    assert response.status_code == 400
    assert response.get_json()["field"] == "cursor"


def test_the_cursors_the_api_gives_lead_through_every_page(client, db, make):
    for n in range(5):
        make.event(f"Event {n}")
    titles, url = [], "/api/v1/events?limit=2"
    while url:
        response = client.get(url)
        titles += [event["title"] for event in response.get_json()]
        url = response.headers.get("Link", "").partition("<")[2].partition(">")[0]
        url = url.removeprefix("http://localhost")
    assert sorted(titles) == [f"Event {n}" for n in range(5)]


# ---------------------------------------------------------------- file names, files kept


def _internship_awaiting_its_report(client, db, staff_user) -> str:
    """A request scheduled as an internship that is over: the path of its page."""
    path = ask(client, db, date_text="September-October 2025")
    req = db.session.scalar(select(AuthorityRequest))
    login(client, staff_user)
    for status in ("accepted", "scheduled"):
        client.post(f"/manage/requests/{req.id}/status", data={"status": status})
    client.get("/logout")
    return path


@pytest.mark.parametrize("name", ["Informe\x1b[2J\x07 final.pdf", "Informe\x00 final.pdf"])
def test_a_report_named_with_control_characters_is_kept_and_downloaded(
    app, client, db, staff_user, name
):
    path = _internship_awaiting_its_report(client, db, staff_user)
    pdf = b"%PDF-1.4\n% the final report\n"
    response = client.post(
        f"{path}/report",
        data={"file": (io.BytesIO(pdf), name)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    req = db.session.scalar(select(AuthorityRequest))
    assert req.report_filename.isprintable() and req.report_filename.endswith(" final.pdf")
    login(client, staff_user)
    download = client.get(f"/manage/requests/{req.id}/report")
    assert download.status_code == 200 and download.data == pdf
    disposition = download.headers["Content-Disposition"]
    assert disposition.isprintable() and "final.pdf" in disposition


def test_a_file_stored_in_a_transaction_that_rolls_back_is_removed(app, db):
    store = UploadStore("requests")
    stored = store.keep(b"%PDF-1.4\n", ".pdf")
    assert store.path(stored) is not None
    db.session.rollback()
    assert store.path(stored) is None
    kept = store.keep(b"%PDF-1.4\n", ".pdf")
    db.session.commit()
    assert store.path(kept).read_bytes() == b"%PDF-1.4\n"


# ---------------------------------------------------------------- formulas in spreadsheets

FORMULA = '=HYPERLINK("http://evil.example/hdr","click")'


def test_a_question_named_like_a_formula_is_text_in_the_participants_spreadsheet(
    staff_client, db, make
):
    event = make.open_event()
    add_question(event, QuestionInput(FORMULA, "short_text"))
    db.session.commit()
    response = staff_client.get(f"/manage/events/{event.id}/participants.xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).active
    [cell] = [c for c in sheet[1] if c.value == FORMULA]
    assert cell.data_type == "s"


def test_no_header_or_cell_of_a_spreadsheet_is_a_formula():
    book = load_workbook(io.BytesIO(xlsx_bytes("T", [FORMULA, "Name"], [[FORMULA, "=1+1"]])))
    cells = [cell for row in book.active.iter_rows() for cell in row]
    assert [c.value for c in cells] == [FORMULA, "Name", FORMULA, "=1+1"]
    assert {c.data_type for c in cells} == {"s"}


# ---------------------------------------------------------------- organisations typed in

NEW_BODY = "Comisión Electoral de Nadie"


def _listed(client, event) -> bool:
    return NEW_BODY in html.unescape(client.get(f"/events/{event.id}/register").data.decode())


def test_an_organisation_typed_in_is_listed_only_once_the_address_is_confirmed(
    app, client, db, make
):
    event = make.open_event()
    post_registration(client, event, confirm=False, new_organisation=NEW_BODY)
    registration = db.session.scalar(select(Registration))
    assert (registration.organisation_id, registration.new_organisation) == (None, NEW_BODY)
    assert not _listed(client, event)
    assert _count(db, Organisation) == 0
    post_registration(client, event, new_organisation=NEW_BODY)  # the owner confirms
    db.session.expire_all()
    assert registration.organisation.name == NEW_BODY and registration.new_organisation is None
    assert _listed(client, event)


def test_an_organisation_typed_in_is_forgotten_with_its_unconfirmed_registration(
    app, client, db, make
):
    event = make.open_event()
    post_registration(client, event, confirm=False, new_organisation=NEW_BODY)
    PERIODIC_JOBS["registration"].run(utcnow() + timedelta(days=3))
    db.session.commit()
    assert _count(db, Registration) == 0 and _count(db, Organisation) == 0
    assert not _listed(client, event)


def test_a_formula_behind_a_control_character_is_text_too():
    """XLSX cannot hold "\x01": taken out, what follows must not become a formula."""
    hidden = "\x01" + FORMULA
    book = load_workbook(io.BytesIO(xlsx_bytes("T", ["Title"], [[hidden]])))
    cell = book.active["A2"]
    assert (cell.value, cell.data_type) == (FORMULA, "s")


def test_an_imported_title_keeps_no_control_character(staff_client, db, make):
    """A NUL past the first 8 KB (PostgreSQL refuses it) and an ESC before "=" are taken out
    of what a plan import reads: its titles become events' titles, subjects and cells."""
    programme = make.programme()
    text = (
        "I. CAPACITY\n" + "\n" * 9000 + "GOALS AND PRIORITIES\tACTION ITEMS\tRESPONSIBILITY\t"
        "TIME LINE\n1.1 A goal\t1.1.1 Hold a\x00 meeting of the board\tIWG\tFall 2016\n"
        "\t1.1.2 \x1b" + FORMULA + "\tSecretariat\t\n"
    )
    upload = (io.BytesIO(text.encode()), "items.txt")  # files are not form fields: no guard
    response = staff_client.post(
        "/manage/import",
        data={"programme_id": programme.id, "shape": "items", "document": upload, "confirm": "1"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.text
    titles = set(db.session.scalars(select(PlanItem.title)))
    assert titles == {"Hold a meeting of the board", FORMULA}


# ---------------------------------------------------------------- invitations


def test_a_forwarded_invitation_vouches_for_no_other_address(client, db, make, staff_user):
    """The link proves the address it was emailed to: typed with another, the registration
    waits for that address's confirmation, and its new organisation is listed for nobody."""
    event = make.open_event()
    authority = make.organisation("Electoral Commission of Zambia", country="ZM")
    (invitation,) = invite(event, authority, ["officer@ecz.example"], staff_user, utcnow())
    db.session.commit()
    response = client.post(
        f"/events/{event.id}/register?invitation={invitation_token(invitation)}",
        data={**REGISTRATION, "email": "victim@example.org", "new_organisation": NEW_BODY},
    )
    assert response.status_code == 302 and response.location.endswith("/register/sent")
    registration = db.session.scalar(select(Registration))
    assert registration.status == "unconfirmed" and registration.organisation_id is None
    assert not _listed(client, event)
    assert invitation.used_at is None
    subjects = db.session.scalars(
        select(OutboxEmail.subject).where(OutboxEmail.to == "victim@example.org")
    ).all()
    assert [s.split(":")[0] for s in subjects] == ["Confirm your registration"]


def test_a_forwarded_invitation_to_an_event_by_invitation_names_the_address_invited(
    client, db, make, staff_user
):
    event = make.open_event(access="invitation")
    authority = make.organisation("Electoral Commission of Zambia", country="ZM")
    (invitation,) = invite(event, authority, ["officer@ecz.example"], staff_user, utcnow())
    db.session.commit()
    response = client.post(
        f"/events/{event.id}/register?invitation={invitation_token(invitation)}",
        data={**REGISTRATION, "email": "victim@example.org"},
    )
    assert "This invitation is for officer@ecz.example" in html.unescape(response.text)
    assert _count(db, Registration) == 0


# ---------------------------------------------------------------- double clicks


@pytest.mark.postgres
def test_a_request_confirmed_three_times_at_once_is_sent_once(settings, client, db):
    """The contact's link clicked three times at once: one line in the log, one email."""
    needs_postgresql(settings)
    client.post("/requests/new", data=REQUEST)
    request_id = db.session.scalar(select(AuthorityRequest.id))
    sent_before = db.session.scalar(select(func.max(OutboxEmail.id)))

    def confirming():
        req = the_db.session.get(AuthorityRequest, request_id)
        confirm_request(req, utcnow())
        return req

    outcomes, errors = at_once(settings, [confirming] * 3)
    assert errors == [] and len(outcomes) == 3
    told = db.session.scalars(select(OutboxEmail.subject).where(OutboxEmail.id > sent_before))
    assert list(told) == ["We received your request"]
