"""A delegate downloads her data, then asks to be forgotten: the reports read the same after."""

import base64
import io
import json
import re
import zipfile
from datetime import date, datetime

import pytest
from flask_babel import force_locale
from openpyxl import load_workbook
from sqlalchemy import select, update

from eventsapp.accounts.models import Role, User
from eventsapp.accounts.services import create_user
from eventsapp.agenda.models import AgendaSession, Speaker
from eventsapp.attendance.models import CheckIn
from eventsapp.authority_requests.models import AuthorityRequest
from eventsapp.catalogue.models import Event, EventTranslation
from eventsapp.core.actions import LoggedAction
from eventsapp.core.errors import InvalidInput
from eventsapp.documents.services import issue
from eventsapp.people.merging import merge_persons, undo_merge
from eventsapp.people.models import Person, PersonEmail, PersonMerge
from eventsapp.people.persons import person_for_address
from eventsapp.plans.importing import apply_plan, read_document
from eventsapp.plans.models import Plan
from eventsapp.privacy.erasure import ERASED_NAME, erase_person
from eventsapp.privacy.models import ErasureRequest
from eventsapp.registration.models import Registration
from tests.conftest import login
from tests.test_authority_requests import FORM as REQUEST_FORM
from tests.test_plans import GRID_ROWS, _xlsx
from tests.test_registration_http import post_registration
from tests.test_registration_questions import PDF, add_question

YEAR = 2025
OTHERS = (("Jorge Quispe", "PE", "male"), ("Marie Dubois", "FR", "female"))


@pytest.fixture
def upload_folder(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOADS_FOLDER", str(tmp_path / "uploads"))
    return tmp_path / "uploads"


def held_event(staff_client, make, db):
    """An event that took registrations (Amina's with answers and a file, two others), then
    was held in YEAR with everyone present on its first day."""
    event = make.open_event(approval_required=False)
    unit = add_question(staff_client, event, "Your unit", "short_text")
    letter = add_question(staff_client, event, "Nomination letter", "file")
    staff_client.get(f"/manage/events/{event.id}/questions/")  # its messages read
    post_registration(
        staff_client.application.test_client(),
        event,
        **{
            f"question_{unit}": "Voter education unit",
            f"question_{letter}": (io.BytesIO(PDF), "Carta de nominación.pdf"),
        },
    )
    for name, country, gender in OTHERS:
        post_registration(
            staff_client.application.test_client(),
            event,
            name=name,
            email=f"{name.split()[0].lower()}@example.org",
            country_code=country,
            gender=gender,
            **{f"question_{unit}": "Training", f"question_{letter}": (io.BytesIO(PDF), "cv.pdf")},
        )
    db.session.execute(
        update(Event)
        .where(Event.id == event.id)
        .values(
            starts_on=date(YEAR, 3, 10),
            ends_on=date(YEAR, 3, 12),
            date_text="10-12 March 2025",
            status="held",
        )
    )
    for registration in db.session.scalars(select(Registration)):
        registration.status = "attended"
        db.session.add(CheckIn(registration_id=registration.id, day=date(YEAR, 3, 10)))
    db.session.commit()
    return event


UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
SVG = re.compile(r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)")
CSRF = re.compile(r'name="csrf_token" value="[^"]+"')


def charts_read(page: str) -> str:
    """A page with its charts (SVG images in data URIs) decoded, the random ids pygal gives
    each drawing and the forms' CSRF tokens (signed with the time) left out."""
    page = CSRF.sub("", page)
    return UUID.sub("ID", SVG.sub(lambda m: base64.b64decode(m.group(1)).decode(), page))


def a_plan(make, db) -> Plan:
    apply_plan(read_document(_xlsx(GRID_ROWS), "grid.xlsx"), make.programme(name="Reported"))
    db.session.commit()
    return db.session.scalar(select(Plan))


def reports(client, plan: int) -> dict:
    """What staff read of YEAR: the results' JSON, CSV and XLSX, the annual report (its table,
    map and charts are in its page) and its events; the plans' progress reports."""
    query = f"from={YEAR}&to={YEAR}"
    plans = client.get(f"/manage/plans/{plan}/report?period=2016-Q1").text  # (no personal data)
    book = load_workbook(io.BytesIO(client.get(f"/reports/results.xlsx?{query}").data))
    return {
        "json": client.get(f"/api/v1/reports/results?{query}").get_json(),
        "csv": client.get(f"/reports/results.csv?{query}").get_data(as_text=True),
        "xlsx": [list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets],
        "annual report": charts_read(client.get(f"/reports/annual-report?year={YEAR}").text),
        "results page": charts_read(client.get(f"/reports/results?{query}").text),
        "plan report": CSRF.sub("", plans),
    }


def test_a_delegate_downloads_her_data_then_is_forgotten_and_the_reports_stay(
    app, staff_client, make, db, upload_folder
):
    event = held_event(staff_client, make, db)
    plan = a_plan(make, db).id
    before = reports(staff_client, plan)
    assert "Conduct trainings" in before["plan report"]
    assert before["json"]["participants"]["total"] == 3
    assert "Amina" not in before["annual report"]

    amina = db.session.scalar(select(User).where(User.email == "amina@iebc.example"))
    mine = db.session.scalar(select(Registration).where(Registration.user_id == amina.id))
    (certificate,) = issue("certificate", [mine], datetime(YEAR, 3, 12, 17), None, {})
    db.session.commit()
    assert "Amina Odhiambo" in staff_client.get(f"/documents/{certificate.code}").text
    delegate = app.test_client()
    login(delegate, amina)

    download = delegate.get("/account/data")
    assert download.headers["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(download.data))
    data = json.loads(archive.read("data.json"))
    assert data["person"]["name"] == "Amina Odhiambo"
    assert [a["email"] for a in data["addresses"]] == ["amina@iebc.example"]
    assert [a["email"] for a in data["accounts"]] == ["amina@iebc.example"]
    assert "password_hash" not in data["accounts"][0]
    assert "session_version" not in data["accounts"][0] and "name_key" not in data["person"]
    assert data["person"]["country"] == "Kenya"
    summary = archive.read("summary.txt").decode()
    assert "Amina Odhiambo" in summary and f"- {event.title}" in summary
    (registration,) = data["registrations"]
    assert registration["event"]["title"] == event.title
    assert registration["dietary_needs"] == "Vegetarian"
    assert "Voter education unit" in registration["answers"].values()
    assert registration["check_ins"][0]["day"] == f"{YEAR}-03-10"
    assert {line["action"] for line in data["action_log"]} >= {"registration.confirmed"}
    (stored,) = [a["stored"] for a in registration["answers"].values() if isinstance(a, dict)]
    assert archive.read(f"files/registrations/{registration['id']}/{stored}") == PDF
    others_files = {p.name for p in (upload_folder / "registrations" / str(event.id)).iterdir()}
    assert stored in others_files and len(others_files) == 3

    page = delegate.get("/account/erase")
    assert "Forget me" in page.text
    refused = delegate.post("/account/erase", data={})
    assert refused.status_code == 400 and "Tick the box to confirm." in refused.text
    erased = delegate.post("/account/erase", data={"understood": "y"})
    assert "Your data was erased" in erased.text

    db.session.expire_all()
    person = db.session.get(Person, registration["person_id"])
    assert person.erased_at is not None and person.name == ERASED_NAME
    assert db.session.scalar(select(PersonEmail).where(PersonEmail.person_id == person.id)) is None
    kept = db.session.get(Registration, registration["id"])
    assert (kept.name, kept.position, kept.dietary_needs, kept.answers) == (ERASED_NAME, "", "", {})
    assert kept.email.endswith("@erased.invalid")
    assert (kept.gender, kept.country_code, kept.role, kept.status) == (
        "female",
        "KE",
        "delegate",
        "attended",
    )
    assert db.session.scalar(select(CheckIn).where(CheckIn.registration_id == kept.id))
    files = {p.name for p in (upload_folder / "registrations" / str(event.id)).iterdir()}
    assert stored not in files and len(files) == 2  # hers gone, the others' kept
    account = db.session.get(User, amina.id)
    assert not account.active and account.email.endswith("@erased.invalid")
    assert delegate.get("/account/data").status_code in (302, 401)  # signed out
    assert db.session.scalar(select(ErasureRequest)).status == "erased"
    for line in db.session.scalars(select(LoggedAction)):
        assert "Amina" not in f"{line.label} {line.actor_name} {line.data}"
    assert (
        db.session.scalar(select(LoggedAction).where(LoggedAction.action == "person.erased")).data[
            "registrations"
        ]
        == 1
    )

    verified = staff_client.get(f"/documents/{certificate.code}")
    assert verified.status_code == 200 and "This certificate is valid." in verified.text
    assert "<dd>A participant</dd>" in verified.text and "Amina" not in verified.text
    spanish = staff_client.get(f"/documents/{certificate.code}", headers={"Accept-Language": "es"})
    assert "Un participante" in spanish.text

    participants = staff_client.get(f"/manage/events/{event.id}/participants").text
    assert "address erased" in participants and "@erased.invalid" not in participants

    after = reports(staff_client, plan)
    for name in before:
        assert after[name] == before[name], name


def test_an_erasure_waits_for_staff_while_a_place_is_held(app, staff_client, make, db, mailbox):
    event = make.open_event(approval_required=False)
    post_registration(staff_client.application.test_client(), event)
    amina = db.session.scalar(select(User).where(User.email == "amina@iebc.example"))
    delegate = app.test_client()
    login(delegate, amina)

    delegate.post("/account/erase", data={"understood": "y"})
    page = delegate.get("/account/erase").text
    assert "Our staff erase your data once they confirm it" in page and event.title in page
    registration = db.session.scalar(select(Registration))
    assert registration.name == "Amina Odhiambo"  # nothing erased yet

    home = staff_client.get("/manage/").text
    assert "1 person asked to be forgotten while something was still open: decide." in home
    waiting = staff_client.get("/manage/erasures/").text
    assert "Amina Odhiambo" in waiting and event.title in waiting
    asked = db.session.scalar(select(ErasureRequest))
    refused = staff_client.post(f"/manage/erasures/{asked.id}/refuse", data={"reason": ""})
    assert refused.status_code == 400
    assert delegate.get("/manage/erasures/").status_code == 403

    staff_client.post(f"/manage/erasures/{asked.id}/confirm")
    db.session.expire_all()
    assert db.session.get(Registration, registration.id).name == ERASED_NAME
    (told,) = mailbox.to("amina@iebc.example")[-1:]
    assert told["Subject"] == "Your data was erased"
    assert "This is the last email we send to this address." in told.get_content()
    assert "No request is waiting." in staff_client.get("/manage/erasures/").text
    again = staff_client.post(f"/manage/erasures/{asked.id}/confirm", follow_redirects=True)
    assert "This request was already decided." in again.text


def test_my_data_holds_her_requests_and_speaker_entries_and_erasure_forgets_them(
    app, client, db, delegate_user
):
    login(client, delegate_user)
    assert client.post("/requests/new", data={**REQUEST_FORM}).status_code == 302
    request = db.session.scalar(select(AuthorityRequest))
    person = request.contact_person
    assert person is not None, "no person"
    speaker = Speaker(name="Rosa Quispe", name_key="quispe rosa", role="Judge", person=person)
    db.session.add(speaker)
    db.session.commit()

    data = json.loads(
        zipfile.ZipFile(io.BytesIO(client.get("/account/data").data)).read("data.json")
    )
    (sent,) = data["requests"]
    assert sent["authority_name"] == REQUEST_FORM["authority_name"]
    assert sent["contact_email"] == "delegate@example.org"
    assert [s["name"] for s in data["speaker_entries"]] == ["Rosa Quispe"]
    assert any(line["object_type"] == "request" for line in data["action_log"])

    # The request is open: staff confirm first.
    client.post("/account/erase", data={"understood": "y"})
    assert "still open" in client.get("/account/erase").text
    request.status = "scheduled"
    db.session.commit()
    staff = app.test_client()
    boss = create_user("boss@example.org", Role.STAFF, "kettle-on-the-hob-3")
    db.session.commit()
    login(staff, boss)
    asked = db.session.scalar(select(ErasureRequest))
    confirmed = staff.post(f"/manage/erasures/{asked.id}/confirm", follow_redirects=True)
    assert "Erased the personal data of a participant." in confirmed.text, confirmed.text[-3000:]
    db.session.expire_all()
    request = db.session.get(AuthorityRequest, request.id)
    assert request.contact_name == ERASED_NAME and request.contact_email.endswith(".invalid")
    assert request.authority_name == REQUEST_FORM["authority_name"]  # the authority's, kept
    speaker = db.session.get(Speaker, speaker.id)
    assert (speaker.name, speaker.role) == (ERASED_NAME, "")


def test_erasing_a_person_forgets_the_records_merged_into_them(db):
    """A person merged from two records is forgotten whole: the empty record kept for an undo
    loses its name, and the merge's record the details it kept (it cannot be undone)."""
    now = datetime(2026, 1, 5, 9, 0)
    keep = person_for_address("maria.quispe@jne.gob.pe", now, name="María José Quispe Mamani")
    other = person_for_address("mjquispe@example.org", now, name="Maria Jose Quispe")
    other.notes = "Spoke well in 2014."
    db.session.flush()
    merge = merge_persons(keep, other, ("name",), now, "Staff")
    # Then the kept record itself merged into a third: erasing the last forgets all three.
    last = person_for_address("m.quispe@onpe.example", now, name="M. J. Quispe")
    db.session.flush()
    merge_persons(last, db.session.get(Person, keep.id), (), now, "Staff")
    erase_person(db.session.get(Person, last.id), "Staff", now)
    db.session.commit()
    names = set(db.session.scalars(select(Person.name)))
    assert names == {ERASED_NAME}
    assert db.session.scalars(select(PersonEmail)).all() == []
    assert db.session.get(PersonMerge, merge.id).kept_before == {}
    with pytest.raises(InvalidInput):
        undo_merge(db.session.get(PersonMerge, merge.id), now, "Staff")


def test_a_refused_erasure_is_told_by_email_and_each_reader_reads_it_in_their_language(
    app, staff_client, make, db, mailbox
):
    """A delegate registered in Spanish asks, an English-speaking officer refuses: the officer
    reads what keeps it waiting in English, the delegate in Spanish (with the event's Spanish
    title), and an email in Spanish tells her why."""
    event = make.open_event(approval_required=False)
    make.db.session.add(EventTranslation(event_id=event.id, locale="es", title="Taller de prueba"))
    make.db.session.commit()
    post_registration(staff_client.application.test_client(), event, locale="es")
    amina = db.session.scalar(select(User).where(User.email == "amina@iebc.example"))
    amina.locale = "es"
    db.session.commit()
    delegate = app.test_client()
    login(delegate, amina)
    delegate.post("/language", data={"language": "es"})
    delegate.post("/account/erase", data={"understood": "y"})
    assert "Una inscripción en Taller de prueba" in delegate.get("/account/erase").text

    waiting = staff_client.get("/manage/erasures/").text
    assert f"A registration to {event.title}, which is not over yet." in waiting
    asked = db.session.scalar(select(ErasureRequest))
    staff_client.post(
        f"/manage/erasures/{asked.id}/refuse", data={"reason": "Your place is booked."}
    )
    told = mailbox.to("amina@iebc.example")[-1]
    body = told.get_content()
    assert told["Subject"] == "Su solicitud de borrado de datos" and "Your place is booked." in body


def test_the_history_names_a_forgotten_person_in_the_readers_language(app, db):
    now = datetime(2026, 1, 5, 9, 0)
    person = person_for_address("amina@iebc.example", now, name="Amina Odhiambo")
    db.session.flush()
    erase_person(person, None, now)
    line = db.session.scalar(select(LoggedAction).where(LoggedAction.action == "person.erased"))
    with app.test_request_context(), force_locale("es"):
        assert line.sentence == "Borró los datos personales de un participante"
    with app.test_request_context(), force_locale("en"):
        assert line.sentence == "Erased the personal data of a participant"


def test_an_erased_speaker_leaves_the_agendas_speakers_text(db, make):
    """The agenda, its booklet and calendars show a session's speakers as written: an erased
    speaker's line goes from it (the others stay), and the session's version goes up."""
    now = datetime(2026, 1, 5, 9, 0)
    event = make.event("Workshop 2026", "10-12 March 2026")
    rosa = person_for_address("rosa@jne.example", now, name="Rosa Quispe")
    speaker = Speaker(name="Rosa Quispe", name_key="rosa quispe", role="Judge", person=rosa)
    session = AgendaSession(
        event_id=event.id,
        day=date(2026, 3, 10),
        starts_at=datetime(2026, 3, 10, 15),
        ends_at=datetime(2026, 3, 10, 16),
        timezone="UTC",
        title="Electoral justice",
        kind="presentation",
        speakers="Rosa Quispe, Judge\nAna Silva, Expert",
        people=[speaker],
    )
    db.session.add(session)
    db.session.flush()
    erase_person(rosa, None, now)
    db.session.commit()
    db.session.expire_all()
    session = db.session.get(AgendaSession, session.id)
    assert session.speakers == "Ana Silva, Expert" and session.sequence == 1


def test_erasure_forgets_a_focal_point_and_a_nominee(db, make, staff_user):
    """A focal point who opened her authority's link, and the official she nominated (whose
    place was declined): both forgotten; the delegation and its counts stay."""
    from datetime import timedelta

    from eventsapp.core.clock import utcnow
    from eventsapp.delegations.access import open_page
    from eventsapp.delegations.decisions import decide
    from eventsapp.delegations.models import Delegation, Nomination
    from eventsapp.delegations.services import InvitationInput, NomineeInput, invite, nominate

    now = utcnow()
    event = make.open_event(capacity=10, days_ahead=40, access="nomination")
    body = make.organisation("Jurado Nacional de Elecciones", country="PE")
    delegation = invite(
        event,
        InvitationInput(
            body.id, "Rosa Quispe", "rosa@jne.gob.pe", "es", 1, 0, now.date() + timedelta(5)
        ),
        now,
        staff_user,
    )
    open_page(delegation, now)
    nomination = nominate(delegation, NomineeInput("Ana Torres", "ana@jne.gob.pe", "female"), now)
    decide(nomination, "decline", "profile", "", now, staff_user)
    nominee = person_for_address("ana@jne.gob.pe", now, name="Ana Torres")
    db.session.flush()
    erase_person(delegation.focal_person, staff_user, now)
    erase_person(nominee, staff_user, now)
    db.session.commit()
    delegation = db.session.get(Delegation, delegation.id)
    nomination = db.session.get(Nomination, nomination.id)
    assert (delegation.focal_name, nomination.name) == (ERASED_NAME, ERASED_NAME)
    assert "rosa" not in delegation.focal_email and "ana" not in nomination.email
    assert (nomination.gender, delegation.funded_places) == ("female", 1)
    assert nomination.registration.name == ERASED_NAME  # never completed: found by her address


def test_erasure_forgets_what_she_wrote_in_a_follow_up_and_keeps_her_scores(db, make, staff_user):
    """Her follow-up's written answer goes, its scale and the fact that she answered stay (the
    response rate and the means count the same); her post-test score stays; her data download
    held them all before."""
    from eventsapp.followup.models import FollowUpSurvey
    from eventsapp.followup.questions import survey_questions
    from eventsapp.followup.services import response_counts, submit_answers
    from eventsapp.knowledge.models import KnowledgeTest, TestAttempt
    from eventsapp.privacy.export import person_data

    now = datetime(2026, 5, 1, 9, 0)
    event = make.event(date_text="2-6 February 2026", status="held")
    registration = Registration(
        event_id=event.id,
        name="Ana Torres",
        gender="female",
        email="ana@jne.gob.pe",
        country_code="PE",
        status="attended",
        consent_at=now,
    )
    db.session.add(registration)
    db.session.flush()
    test = KnowledgeTest(event_id=event.id, kind="post", opened_at=now)
    db.session.add(test)
    db.session.flush()
    db.session.add(
        TestAttempt(
            test_id=test.id,
            registration_id=registration.id,
            answers={},
            score=7,
            max_score=10,
            submitted_at=now,
        )
    )
    survey = FollowUpSurvey(registration_id=registration.id, months=3, sent_at=now)
    db.session.add(survey)
    db.session.flush()
    applied, useful, shared = survey_questions(event.programme_id)
    given = {applied.field_name: "I trained my colleagues in Cusco.", useful.field_name: 4}
    submit_answers(survey, {**given, shared.field_name: "yes"}, now)
    person = person_for_address("ana@jne.gob.pe", now, name="Ana Torres")
    registration.person_id = person.id
    db.session.flush()
    data, _files, _summary = person_data(person)
    (held,) = data["registrations"]
    assert held["follow_up_surveys"][0]["answers"][applied.key].startswith("I trained")
    assert held["knowledge_tests"][0]["score"] == 7

    erase_person(person, staff_user, now)
    db.session.commit()
    survey = db.session.get(FollowUpSurvey, survey.id)
    assert survey.answers == {useful.key: 4, shared.key: "yes"}
    assert survey.answered_at is not None
    assert [(c.sent, c.answered) for c in response_counts([event.id])[event.id]] == [(1, 1)]
    assert db.session.scalar(select(TestAttempt.score)) == 7
