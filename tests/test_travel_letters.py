"""Letters that verify (issue 27): a letter of acceptance and a visa support letter made by the
document engine, issued once a participant is approved (the visa letter once their passport
data is complete), emailed with their PDFs, checked by anyone at the address of their QR code;
revoked when the participant withdraws or is substituted, and issued again when the passport
data changes. Read as a consulate, the participant and staff read them: the public page, the
PDF's text and QR code, the email, the staff's page and the API."""

import itertools
import re
from datetime import date, datetime
from html import unescape

import pytest
from sqlalchemy import func, select

import eventsapp.travel.hooks  # noqa: F401  (the app factory imports it; for the tests before)
from eventsapp.core.actions import LoggedAction
from eventsapp.core.clock import utcnow
from eventsapp.documents.models import Document, DocumentKind
from eventsapp.documents.services import issue
from eventsapp.registration.models import Registration
from eventsapp.registration.statuses import change_status, withdraw
from eventsapp.travel.letters import reissue_letters
from eventsapp.travel.models import LogisticsPermission, TravelFile
from tests.conftest import login
from tests.documents_helpers import pdf_text, qr_codes, words

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

NUMBERS = itertools.count(1)
VISA, ACCEPTANCE = DocumentKind.VISA_LETTER.value, DocumentKind.ACCEPTANCE_LETTER.value


@pytest.fixture
def course(make):
    """A course of a programme with an acronym, in Mexico City, on confirmed days."""
    programme = make.programme(name="Centre for Electoral Training", acronym="CICIE")
    return make.event(
        title="Specialization course on electoral justice",
        date_text="16-18 March 2027",
        programme_id=programme.id,
        kind="specialization_course",
    )


def participant(
    db,
    event,
    name="Ana Lucía Pérez",
    status="approved",
    visa=True,
    user=None,
    organisation=None,
    locale=None,
):
    registration = Registration(
        event_id=event.id,
        user_id=user.id if user else None,
        name=name,
        gender="female",
        email=user.email if user else f"participant{next(NUMBERS)}@example.org",
        country_code="PE",
        position="Head of electoral training",
        organisation_id=organisation.id if organisation else None,
        status=status,
        visa_letter=visa,
        locale=locale,
        consent_at=utcnow(),
    )
    db.session.add(registration)
    db.session.commit()
    return registration


def passport(db, registration, **changes):
    """The participant's travel file with their passport data (and their flights)."""
    values = {
        "passport_name": "ANA LUCIA PEREZ QUISPE",
        "nationality": "PE",
        "passport_number": "PE1234567",
        "passport_expiry": date(2031, 6, 30),
        "arrival_at": datetime(2027, 3, 15, 18, 40),
        "departure_at": datetime(2027, 3, 19, 9, 15),
        **changes,
    }
    travel = db.session.get(TravelFile, registration.id)
    if travel is None:
        travel = TravelFile(registration_id=registration.id)
        db.session.add(travel)
    for name, value in values.items():
        setattr(travel, name, value)
    db.session.commit()
    return travel


def letters_url(event) -> str:
    return f"/manage/events/{event.id}/letters"


def held(db, registration) -> dict[str, Document]:
    """The registration's letters not revoked, by kind."""
    rows = db.session.scalars(
        select(Document).where(
            Document.registration_id == registration.id, Document.revoked_at.is_(None)
        )
    )
    return {d.kind: d for d in rows}


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


# ---------------------------------------------------------------- a letter that verifies


def test_a_delegate_from_peru_downloads_a_visa_letter_a_consulate_verifies(
    app, staff_client, db, course, delegate_user, mailbox
):
    """The issue's "done when": staff issue the letters; the delegate gets them by email and in
    her registrations; the visa letter names her as in her passport, with its number, the stay
    and the event; its QR code leads to a page that says it is valid, for whom, for what."""
    ana = participant(db, course, user=delegate_user, locale="es")
    passport(db, ana)
    issued = staff_client.post(letters_url(course), data={"organisation": ""})
    assert issued.status_code == 302
    page = unescape(staff_client.get(letters_url(course)).text)
    assert "Issued 2 letters" in page
    letters = held(db, ana)
    assert set(letters) == {VISA, ACCEPTANCE}
    assert letters[ACCEPTANCE].serial == "CICIE-2027-0001"
    assert letters[VISA].serial == "CICIE-2027-0002"

    # The email carries both PDFs, made by the worker as it leaves.
    (message,) = mailbox.to(delegate_user.email)
    files = {part.get_filename() for part in message.iter_attachments()}
    assert files == {"acceptance-letter-CICIE-2027-0001.pdf", "visa-letter-CICIE-2027-0002.pdf"}
    body = message.get_body(("plain",)).get_content()
    assert "CICIE-2027-0002" in body and "/documents/" in body

    # Her registrations offer both; the visa letter is in her language (Spanish).
    holder = app.test_client()
    login(holder, delegate_user)
    mine = holder.get("/me/registrations").text
    assert "Letter of acceptance (PDF)" in mine or "(PDF)" in mine
    link = f"/documents/{letters[VISA].code}.pdf"
    assert link in mine
    pdf = holder.get(link)
    text = words(pdf_text(pdf))
    assert "Carta de apoyo para la solicitud de visa" in text
    assert "ANA LUCIA PEREZ QUISPE" in text and "PE1234567" in text
    assert "Perú" in text and "30 de junio de 2031" in text
    assert "Specialization course on electoral justice" in text and "Mexico City" in text
    assert "15 de marzo de 2027" in text and "19 de marzo de 2027" in text  # the stay
    assert "CICIE-2027-0002" in text

    # A consulate scans the QR code.
    (url,) = qr_codes(pdf.data)
    consulate = app.test_client()
    checked = consulate.get(path_of(url))
    assert checked.status_code == 200
    shown = unescape(checked.text)
    assert "This visa support letter is valid." in shown
    assert "ANA LUCIA PEREZ QUISPE" in shown and "Ana Lucía Pérez" in shown
    assert "ending in •••• 4567" in shown and "PE1234567" not in shown  # not the whole number
    assert "Peru" in shown and "from 15 March 2027 to 19 March 2027" in shown
    assert "supports their application for a visa" in shown
    assert "Specialization course on electoral justice" in shown

    acceptance = unescape(consulate.get(f"/documents/{letters[ACCEPTANCE].code}").text)
    assert "This letter of acceptance is valid." in acceptance
    assert "accepted its holder to take part in the event" in acceptance
    assert "PE1234567" not in acceptance and "4567" not in acceptance

    # The action log says they were issued, never the passport's number.
    logged = db.session.scalars(select(LoggedAction.data)).all()
    assert not [data for data in logged if "PE1234567" in str(data)]


def test_an_acceptance_letter_in_english_says_who_pays_nothing_it_does_not_know(
    app, staff_client, db, course
):
    ben = participant(db, course, name="Ben Okafor", visa=False)
    staff_client.post(f"/manage/events/{course.id}/letters/participants/{ben.id}")
    letter = held(db, ben)[ACCEPTANCE]
    pdf = staff_client.get(f"/manage/events/{course.id}/letters/{letter.id}.pdf")
    text = words(pdf_text(pdf))
    assert "Letter of acceptance" in text and "Ben Okafor" in text
    assert "has been accepted to take part as Delegate" in text
    assert "cover" not in text  # no cost rules: no sentence on who pays
    assert len(qr_codes(pdf.data)) == 1


def test_the_visa_letter_says_who_pays_what_as_the_cost_rules_give(
    staff_client, staff_user, db, make
):
    """CICIE's rules (the demo's): the founders pay lodging, meals and local transport, the
    visiting authority the air ticket; the letter says so, naming the authority."""
    from eventsapp.catalogue.models import Programme
    from eventsapp.demo.services import load_demo

    load_demo()
    db.session.commit()
    cicie = db.session.scalar(select(Programme).where(Programme.key == "cicie"))
    jne = make.organisation("Jurado Nacional de Elecciones", acronym="JNE", country="PE")
    course = make.event(title="Course", date_text="16-18 March 2027", programme_id=cicie.id)
    ana = participant(db, course, organisation=jne)
    passport(db, ana)
    db.session.add(LogisticsPermission(user_id=staff_user.id))
    db.session.commit()
    staff_client.post(letters_url(course), data={"organisation": ""})
    letter = held(db, ana)[VISA]
    pdf = staff_client.get(f"/manage/events/{course.id}/letters/{letter.id}.pdf")
    text = words(pdf_text(pdf))
    assert "The organisers cover: lodging, meals, local transport" in text, text
    assert "Jurado Nacional de Elecciones (JNE) covers: air ticket." in text


# ---------------------------------------------------------------- only when due


def test_no_letter_before_approval_nor_a_visa_letter_with_an_incomplete_passport(
    staff_client, db, course
):
    pending = participant(db, course, name="Pending Person", status="pending")
    passport(db, pending)
    missing = participant(db, course, name="Missing Number")
    passport(db, missing, passport_number="")
    expiring = participant(db, course, name="Expiring Passport")
    passport(db, expiring, passport_expiry=date(2027, 3, 17))  # before the departure
    no_visa = participant(db, course, name="No Visa Needed", visa=False)

    page = unescape(staff_client.get(letters_url(course)).text)
    assert "Pending Person" not in page  # only approved participants are listed
    assert "Their travel file lacks: passport number." in page
    assert "Their passport expires before their stay ends." in page
    assert "Not asked for: the participant needs no visa letter." in page
    assert "Letter of acceptance: 3 due" in page and "Visa support letter: 0 due" in page

    refused = staff_client.post(
        f"/manage/events/{course.id}/letters/participants/{pending.id}", follow_redirects=True
    )
    assert "No letter was issued to Pending Person" in unescape(refused.text)
    assert "Letters are issued once a participant is approved." in unescape(refused.text)

    staff_client.post(letters_url(course), data={"organisation": ""})
    assert held(db, pending) == {}
    for registration in (missing, expiring, no_visa):
        assert set(held(db, registration)) == {ACCEPTANCE}

    # Once the number is written, the visa letter is due, and issued.
    passport(db, missing, passport_number="PE7654321")
    staff_client.post(f"/manage/events/{course.id}/letters/participants/{missing.id}")
    assert set(held(db, missing)) == {ACCEPTANCE, VISA}


def test_no_letter_for_dates_not_confirmed(staff_client, db, make):
    tentative = make.event(title="Seminar", date_text="November 2027 (tbc)")
    ana = participant(db, tentative)
    passport(db, ana)
    page = unescape(staff_client.get(letters_url(tentative)).text)
    assert "The event's dates are not confirmed yet" in page
    staff_client.post(letters_url(tentative), data={"organisation": ""})
    assert held(db, ana) == {}


def test_issuing_to_one_organisation_is_a_delegation(staff_client, db, course, make):
    jne = make.organisation("Jurado Nacional de Elecciones", acronym="JNE", country="PE")
    ine = make.organisation("Instituto Nacional Electoral", acronym="INE", country="MX")
    peruvians = [participant(db, course, name=f"JNE {n}", organisation=jne) for n in range(2)]
    mexican = participant(db, course, name="INE 1", organisation=ine, visa=False)
    shown = staff_client.get(letters_url(course), query_string={"organisation": jne.id}).text
    assert "JNE 0" in shown and "INE 1</td>" not in shown
    staff_client.post(letters_url(course), data={"organisation": str(jne.id)})
    assert all(set(held(db, p)) == {ACCEPTANCE} for p in peruvians)
    assert held(db, mexican) == {}
    # Twice: nothing new.
    staff_client.post(letters_url(course), data={"organisation": str(jne.id)})
    assert db.session.scalar(select(func.count(Document.id))) == 2


@pytest.mark.parametrize("organisation", ["abc", "99999999999999999999", "1\x00", "0" * 5000])
def test_a_bad_choice_is_refused_beside_the_field_and_issues_nothing(
    staff_client, db, course, organisation
):
    participant(db, course)
    response = staff_client.post(letters_url(course), data={"organisation": organisation})
    assert response.status_code == 400
    if "\x00" not in organisation:  # NUL bytes are refused before any form sees them
        assert "Choose one of the organisations offered." in response.text
    assert db.session.scalar(select(func.count(Document.id))) == 0


# ---------------------------------------------------------------- revoked, issued again


def test_a_withdrawal_revokes_the_letters(app, staff_client, db, course, delegate_user):
    ana = participant(db, course, user=delegate_user)
    passport(db, ana)
    staff_client.post(letters_url(course), data={"organisation": ""})
    codes = {kind: d.code for kind, d in held(db, ana).items()}

    withdraw(ana, utcnow(), delegate_user)
    db.session.commit()
    visitor = app.test_client()
    for code in codes.values():
        page = visitor.get(f"/documents/{code}")
        assert page.status_code == 410
        assert "It was revoked on" in page.text and "is valid." not in page.text
    assert held(db, ana) == {}
    page = unescape(staff_client.get(letters_url(course)).text)
    assert "Ana Lucía Pérez" not in page  # no longer approved


def test_a_substitution_revokes_the_replaced_nominees_letters(
    app, staff_client, staff_user, db, make, mailbox
):
    """A focal point replaces a nominee (delegations): her registration is withdrawn, her
    letters say revoked; the substitute, once approved, gets letters of their own."""
    from eventsapp.delegations.models import Nomination
    from eventsapp.delegations.services import (
        InvitationInput,
        NomineeInput,
        invite,
        nominate,
        substitute,
    )

    event = make.open_event(capacity=10, days_ahead=40, access="nomination")
    jne = make.organisation("Jurado Nacional de Elecciones", acronym="JNE", country="PE")
    now = utcnow()
    delegation = invite(
        event,
        InvitationInput(jne.id, "Rosa", "rosa@jne.gob.pe", "es", 2, 0, date.today()),
        now,
        staff_user,
    )
    nomination = nominate(delegation, NomineeInput("Ana Torres", "ana@jne.gob.pe", "female"), now)
    db.session.commit()
    ana = nomination.registration
    change_status(ana, "approve", now, staff_user)
    db.session.commit()
    staff_client.post(letters_url(event), data={"organisation": ""})
    (letter,) = held(db, ana).values()
    assert letter.kind == ACCEPTANCE

    replacement = substitute(
        nomination, NomineeInput("Luis Paredes", "luis@jne.gob.pe", "male"), utcnow(), staff_user
    )
    db.session.commit()
    page = app.test_client().get(f"/documents/{letter.code}")
    assert page.status_code == 410 and "It was revoked on" in page.text
    assert db.session.get(Registration, ana.id).status == "withdrawn"

    luis = db.session.get(Nomination, replacement.id).registration
    change_status(luis, "approve", utcnow(), staff_user)
    db.session.commit()
    staff_client.post(letters_url(event), data={"organisation": str(jne.id)})
    assert set(held(db, luis)) == {ACCEPTANCE}
    assert app.test_client().get(f"/documents/{held(db, luis)[ACCEPTANCE].code}").status_code == 200


def test_new_passport_data_revokes_the_visa_letter_and_issues_another(
    app, staff_client, staff_user, db, course, mailbox
):
    ana = participant(db, course)
    passport(db, ana)
    staff_client.post(letters_url(course), data={"organisation": ""})
    before = held(db, ana)
    mailbox.to(ana.email)  # the first email, sent
    sent_before = len(mailbox.received)

    # Nothing the letters state changed: nothing happens.
    assert reissue_letters(ana, utcnow(), staff_user) == []
    db.session.commit()

    passport(db, ana, passport_number="PE9999999", passport_expiry=date(2033, 1, 31))
    (again,) = reissue_letters(ana, utcnow(), staff_user)
    db.session.commit()
    after = held(db, ana)
    assert again.kind == VISA and after[VISA].id == again.id
    assert after[ACCEPTANCE].id == before[ACCEPTANCE].id  # it states nothing that changed

    visitor = app.test_client()
    old = visitor.get(f"/documents/{before[VISA].code}")
    assert old.status_code == 410 and "It was revoked on" in old.text
    new = unescape(visitor.get(f"/documents/{again.code}").text)
    assert "This visa support letter is valid." in new and "•••• 9999" in new

    messages = mailbox.to(ana.email)
    assert len(mailbox.received) == sent_before + 1
    (files,) = [{p.get_filename() for p in m.iter_attachments()} for m in messages[-1:]]
    assert files == {f"visa-letter-{again.serial}.pdf"}
    assert "issued again" in messages[-1].get_body(("plain",)).get_content()
    assert staff_client.get(f"/documents/{again.code}.pdf").status_code == 403  # passport data
    db.session.add(LogisticsPermission(user_id=staff_user.id))
    db.session.commit()
    pdf = staff_client.get(f"/manage/events/{course.id}/letters/{again.id}.pdf")
    assert "PE9999999" in words(pdf_text(pdf))

    # The passport no longer valid for the stay: revoked, not issued again.
    passport(db, ana, passport_expiry=date(2027, 3, 1))
    assert reissue_letters(ana, utcnow(), staff_user) == []
    db.session.commit()
    assert set(held(db, ana)) == {ACCEPTANCE}


def test_staff_revoke_one_letter_and_issue_it_again(staff_client, db, course):
    ana = participant(db, course, visa=False)
    staff_client.post(letters_url(course), data={"organisation": ""})
    letter = held(db, ana)[ACCEPTANCE]
    staff_client.post(f"/manage/events/{course.id}/letters/{letter.id}/revoke")
    assert held(db, ana) == {}
    assert "Due: not issued yet" in staff_client.get(letters_url(course)).text
    staff_client.post(f"/manage/events/{course.id}/letters/participants/{ana.id}")
    assert held(db, ana)[ACCEPTANCE].serial == "CICIE-2027-0002"


# ---------------------------------------------------------------- passport data stays private


def test_a_visa_letters_pdf_is_for_its_holder_and_staff_who_see_passport_data(
    app, staff_client, staff_user, db, course, make
):
    ana = participant(db, course)
    passport(db, ana)
    staff_client.post(letters_url(course), data={"organisation": ""})
    visa, acceptance = held(db, ana)[VISA], held(db, ana)[ACCEPTANCE]
    page = staff_client.get(letters_url(course)).text
    assert "PE1234567" not in page and "ANA LUCIA" not in page
    assert f"/letters/{visa.id}.pdf" not in page and f"/letters/{acceptance.id}.pdf" in page

    assert staff_client.get(f"/documents/{visa.code}.pdf").status_code == 403
    refused = staff_client.get(f"/manage/events/{course.id}/letters/{visa.id}.pdf")
    assert refused.status_code == 403
    assert (
        staff_client.get(f"/manage/events/{course.id}/letters/{acceptance.id}.pdf").status_code
        == 200
    )

    db.session.add(LogisticsPermission(user_id=staff_user.id))
    db.session.commit()
    assert f"/letters/{visa.id}.pdf" in staff_client.get(letters_url(course)).text
    allowed = staff_client.get(f"/manage/events/{course.id}/letters/{visa.id}.pdf")
    assert "PE1234567" in pdf_text(allowed)
    seen = db.session.scalars(
        select(LoggedAction).where(LoggedAction.action == "travel.visa_letter_seen")
    ).all()
    assert [(line.actor_id, line.label) for line in seen] == [(staff_user.id, "Ana Lucía Pérez")]

    other_event = make.event(title="Other", date_text="16-18 March 2027")
    assert (
        staff_client.get(f"/manage/events/{other_event.id}/letters/{visa.id}.pdf").status_code
        == 404
    )


# ---------------------------------------------------------------- wording staff edit


def test_staff_edit_a_letters_wording_with_its_placeholders_and_preview_it(
    staff_client, db, course
):
    programme_id = course.programme_id
    settings = staff_client.get(f"/manage/programmes/{programme_id}/documents").text
    assert f"/documents/{VISA}/es" in settings and f"/documents/{ACCEPTANCE}/fr" in settings

    base = f"/manage/programmes/{programme_id}/documents"
    refused = staff_client.post(
        f"{base}/{ACCEPTANCE}/en",
        data={"heading": "Acceptance", "body": "{name}, passport {passport_number}"},
    )
    assert refused.status_code == 400
    assert "“{passport_number}” is not one of the placeholders listed." in unescape(refused.text)
    saved = staff_client.post(
        f"{base}/{VISA}/en",
        data={"heading": "Invitation for a visa", "body": "We invite {passport_name}.\n\n{costs}"},
    )
    assert saved.status_code == 302

    for kind in (VISA, ACCEPTANCE):
        for language in ("en", "es", "fr"):
            preview = staff_client.get(f"{base}/{kind}/{language}.pdf")
            text = words(pdf_text(preview))
            assert "/documents/sample" in text  # a sample, whose QR code leads nowhere
    text = words(pdf_text(staff_client.get(f"{base}/{VISA}/en.pdf")))
    assert "Invitation for a visa" in text and "MARÍA FERNANDA" in text

    ana = participant(db, course)
    passport(db, ana)
    staff_client.post(letters_url(course), data={"organisation": ""})
    text = words(pdf_text(staff_client.get(f"/documents/{held(db, ana)[ACCEPTANCE].code}.pdf")))
    assert "Letter of acceptance" in text


# ---------------------------------------------------------------- the API


def test_the_api_lists_the_events_letters_for_staff(app, staff_client, db, course, delegate_user):
    ana = participant(db, course)
    passport(db, ana)
    ben = participant(db, course, name="Ben Okafor", visa=False)
    staff_client.post(letters_url(course), data={"organisation": ""})
    withdraw(ben, utcnow(), None)
    db.session.commit()

    answer = staff_client.get(f"/api/v1/events/{course.id}/documents")
    assert answer.status_code == 200
    rows = answer.get_json()
    assert [(r["participant"], r["kind"], r["status"]) for r in rows] == [
        ("Ana Lucía Pérez", ACCEPTANCE, "valid"),
        ("Ana Lucía Pérez", VISA, "valid"),
        ("Ben Okafor", ACCEPTANCE, "revoked"),
    ]
    first = rows[0]
    assert set(first) >= {"serial", "kind", "participant", "status", "verify_url"}
    assert first["serial"] == "CICIE-2027-0001"
    assert path_of(first["verify_url"]).startswith("/documents/")
    assert "PE1234567" not in answer.text

    visas = staff_client.get(f"/api/v1/events/{course.id}/documents?kind=visa_letter").get_json()
    assert [r["kind"] for r in visas] == [VISA]
    bad = staff_client.get(f"/api/v1/events/{course.id}/documents?kind=badge")
    assert bad.status_code == 400 and "error" in bad.get_json()
    assert staff_client.get(f"/api/v1/events/{course.id + 1000}/documents").status_code == 404

    assert app.test_client().get(f"/api/v1/events/{course.id}/documents").status_code == 401
    delegate = app.test_client()
    login(delegate, delegate_user)
    assert delegate.get(f"/api/v1/events/{course.id}/documents").status_code == 403

    document = staff_client.get("/api/v1/openapi.json").get_json()
    assert "/api/v1/events/{event_id}/documents" in document["paths"]


# ---------------------------------------------------------------- a fixed number of queries


def _crowd(db, event, count: int, start: int) -> None:
    """``count`` approved participants more, half with their passport data, their letters
    issued to every other one (as a bulk issue does)."""
    registrations = [
        Registration(
            event_id=event.id,
            name=f"Participant {start + n:04d}",
            gender="female" if n % 2 else "male",
            email=f"crowd{start + n}@example.org",
            country_code="PE",
            status="approved",
            visa_letter=bool(n % 2),
            consent_at=utcnow(),
        )
        for n in range(count)
    ]
    db.session.add_all(registrations)
    db.session.flush()
    db.session.add_all(
        TravelFile(
            registration_id=r.id,
            passport_name=r.name.upper(),
            nationality="PE",
            passport_number=f"PE{r.id:07d}",
            passport_expiry=date(2031, 1, 1),
        )
        for r in registrations[::2]
    )
    db.session.flush()
    issue(DocumentKind.ACCEPTANCE_LETTER, registrations[::2], utcnow(), None)
    db.session.commit()


def test_the_letters_page_and_the_api_run_a_fixed_number_of_queries(
    app, staff_client, db, course, count_queries
):
    def counted(url: str) -> int:
        db.session.expire_all()
        with count_queries() as queries:
            response = staff_client.get(url)
        assert response.status_code == 200, url
        return len(queries)

    urls = (letters_url(course), f"/api/v1/events/{course.id}/documents")
    _crowd(db, course, 10, 0)
    few = [counted(url) for url in urls]
    _crowd(db, course, 490, 10)
    assert [counted(url) for url in urls] == few
    page = staff_client.get(letters_url(course)).text
    assert page.count("<tr>") == 501  # the header and 500 participants
