"""Questions staff add to an event's registration form: asked (in the visitor's language),
answered (files too), listed, filtered and exported."""

import csv
import io
import zipfile
from datetime import timedelta
from pathlib import Path

import lxml.html
import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from eventsapp.core.clock import utcnow
from eventsapp.registration.models import Registration
from eventsapp.registration.questions import RegistrationQuestion
from tests.conftest import login
from tests.test_registration_http import FORM, post_registration

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(32)


def docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def odt() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return out.getvalue()


@pytest.fixture
def upload_folder(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOADS_FOLDER", str(tmp_path / "uploads"))
    return tmp_path / "uploads" / "registrations"


def add_question(client, event, label, kind, **fields):
    response = client.post(
        f"/manage/events/{event.id}/questions/", data={"label": label, "kind": kind, **fields}
    )
    assert response.status_code == 302, response.text
    return RegistrationQuestion.query.filter_by(event_id=event.id, label=label).one().id


def add_questions(client, event):
    years = add_question(client, event, "Years in electoral administration", "number", required="y")
    module = add_question(
        client, event, "Module", "one_choice", choices="Voter registration\n=Audit"
    )
    return [years, module]


def error_beside(page: str, field_name: str) -> str:
    """The error messages shown in the field (or fieldset of choices) named ``field_name``."""
    html = lxml.html.fromstring(page)
    (box,) = html.xpath(
        f'//*[contains(@class, "field")][.//*[@name="{field_name}"]][not(.//*[contains(@class, '
        f'"field")][.//*[@name="{field_name}"]])]'
    )
    return " ".join(e.text_content() for e in box.xpath('.//*[contains(@class, "error")]'))


def test_a_delegate_answers_the_questions_and_staff_see_them(staff_client, make, db):
    event = make.open_event(approval_required=False)
    years, module = add_questions(staff_client, event)
    form = staff_client.get(f"/events/{event.id}/register").get_data(as_text=True)
    assert "Years in electoral administration" in form and "Voter registration" in form

    missing = staff_client.post(f"/events/{event.id}/register", data=FORM)
    assert missing.status_code == 200
    assert error_beside(missing.text, f"question_{years}") == "Please answer this question."
    assert db.session.scalar(select(Registration)) is None

    post_registration(
        staff_client, event, **{f"question_{years}": "12", f"question_{module}": "=Audit"}
    )
    registration = db.session.scalar(select(Registration))
    assert registration.answers == {str(years): 12, str(module): "=Audit"}

    page = staff_client.get(f"/manage/events/{event.id}/participants").get_data(as_text=True)
    assert "Years in electoral administration" in page and "=Audit" in page
    csv_text = staff_client.get(f"/manage/events/{event.id}/participants.csv").data.decode()
    assert "Years in electoral administration" in csv_text and "'=Audit" in csv_text
    xlsx = staff_client.get(f"/manage/events/{event.id}/participants.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    assert list(sheet.iter_rows(values_only=True))[1][-2:] == (12, "=Audit")


def test_every_kind_of_question_is_answered_listed_and_exported(
    staff_client, make, db, upload_folder
):
    event = make.open_event(approval_required=False)
    ids = {
        "short": add_question(staff_client, event, "Your unit", "short_text"),
        "long": add_question(staff_client, event, "Why this course", "long_text"),
        "one": add_question(staff_client, event, "Module", "one_choice", choices="A\nB"),
        "several": add_question(
            staff_client,
            event,
            "Topics",
            "several_choices",
            choices="Voter lists\nElectoral disputes\nGender",
        ),
        "yes_no": add_question(staff_client, event, "First course with us", "yes_no"),
        "number": add_question(staff_client, event, "Years of service", "number"),
        "date": add_question(staff_client, event, "Passport expires on", "date"),
        "file": add_question(staff_client, event, "Nomination letter", "file"),
    }
    form = staff_client.get(f"/events/{event.id}/register").get_data(as_text=True)
    html = lxml.html.fromstring(form)
    assert html.xpath("//form[@enctype='multipart/form-data']")
    several = f'.//input[@name="question_{ids["several"]}"]'
    (legend,) = html.xpath(f"//fieldset[{several}][not(.//fieldset[{several}])]/legend")
    assert legend.text_content().strip() == "Topics"
    assert len(html.xpath(f'//input[@type="checkbox"][@name="question_{ids["several"]}"]')) == 3

    post_registration(
        staff_client,
        event,
        **{
            f"question_{ids['short']}": "Training unit",
            f"question_{ids['long']}": "To teach\nvoter registration",
            f"question_{ids['one']}": "B",
            f"question_{ids['several']}": ["Voter lists", "Gender"],
            f"question_{ids['yes_no']}": "yes",
            f"question_{ids['number']}": "7",
            f"question_{ids['date']}": "2031-02-03",
            f"question_{ids['file']}": (io.BytesIO(PDF), "Carta de nominación.pdf"),
        },
    )
    registration = db.session.scalar(select(Registration))
    answers = registration.answers
    assert answers[str(ids["several"])] == ["Voter lists", "Gender"]
    assert answers[str(ids["date"])] == "2031-02-03"
    letter = answers[str(ids["file"])]
    assert letter["name"] == "Carta de nominación.pdf"
    (stored,) = (upload_folder / str(event.id)).iterdir()
    assert stored.name == letter["stored"] and stored.read_bytes() == PDF

    page = staff_client.get(f"/manage/events/{event.id}/participants").get_data(as_text=True)
    cell = lxml.html.fromstring(page).xpath(f'//tr[@id="registration-{registration.id}"]')[0]
    text = cell.text_content()
    for shown in ("Training unit", "Voter lists; Gender", "First course with us: yes", "7"):
        assert shown in text
    (link,) = cell.xpath('.//a[text()="Carta de nominación.pdf"]')
    download = staff_client.get(link.get("href"))
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Disposition"].startswith("attachment")

    rows = list(
        csv.reader(
            io.StringIO(
                staff_client.get(f"/manage/events/{event.id}/participants.csv").data.decode(
                    "utf-8-sig"
                )
            )
        )
    )
    header, row = rows[0][-8:], rows[1][-8:]
    assert header == [
        "Your unit",
        "Why this course",
        "Module",
        "Topics",
        "First course with us",
        "Years of service",
        "Passport expires on",
        "Nomination letter",
    ]
    assert row == [
        "Training unit",
        "To teach\nvoter registration",
        "B",
        "Voter lists; Gender",
        "yes",
        "7",
        "2031-02-03",
        "Carta de nominación.pdf",
    ]


def test_required_questions_are_refused_beside_their_fields(staff_client, make, db, upload_folder):
    event = make.open_event(approval_required=False)
    topics = add_question(
        staff_client, event, "Topics", "several_choices", choices="A\nB", required="y"
    )
    letter = add_question(staff_client, event, "Nomination letter", "file", required="y")
    response = staff_client.post(f"/events/{event.id}/register", data=FORM)
    assert response.status_code == 200
    assert error_beside(response.text, f"question_{topics}") == "Tick at least one."
    assert error_beside(response.text, f"question_{letter}") == "Please send this file."
    assert db.session.scalar(select(Registration)) is None


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (PNG, "letter.pdf"),  # an image named as a PDF
        (PDF, "letter.exe"),
        (b"MZ\x90\x00 not a document", "letter.doc"),
        (b"PK\x03\x04 not a zip", "letter.docx"),
    ],
)
def test_a_file_of_another_type_is_refused(staff_client, make, db, upload_folder, content, name):
    event = make.open_event(approval_required=False)
    letter = add_question(staff_client, event, "Nomination letter", "file")
    response = staff_client.post(
        f"/events/{event.id}/register",
        data={**FORM, f"question_{letter}": (io.BytesIO(content), name)},
    )
    assert response.status_code == 200
    assert "Send a PDF, a Word document" in error_beside(response.text, f"question_{letter}")
    assert db.session.scalar(select(Registration)) is None
    assert not upload_folder.exists()


@pytest.mark.parametrize(("content", "name"), [(docx(), "CV.docx"), (odt(), "cv.odt")])
def test_word_and_opendocument_files_are_taken(
    staff_client, make, db, upload_folder, content, name
):
    event = make.open_event(approval_required=False)
    cv = add_question(staff_client, event, "CV", "file")
    post_registration(staff_client, event, **{f"question_{cv}": (io.BytesIO(content), name)})
    assert db.session.scalar(select(Registration)).answers[str(cv)]["name"] == name


def test_a_file_too_large_is_refused_beside_its_field(
    app, staff_client, make, db, upload_folder, monkeypatch
):
    monkeypatch.setitem(app.config, "QUESTION_UPLOAD_MAX_BYTES", 1024 * 1024)
    event = make.open_event(approval_required=False)
    letter = add_question(staff_client, event, "Nomination letter", "file")
    response = staff_client.post(
        f"/events/{event.id}/register",
        data={**FORM, f"question_{letter}": (io.BytesIO(PDF + bytes(1024 * 1024)), "letter.pdf")},
    )
    assert response.status_code == 200
    assert error_beside(response.text, f"question_{letter}") == (
        "This file is larger than 1 MB: send a smaller one."
    )
    assert db.session.scalar(select(Registration)) is None

    # Beyond MAX_CONTENT_LENGTH the form is not read: the form says so, not a bare error page.
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 2 * 1024 * 1024)
    response = staff_client.post(
        f"/events/{event.id}/register",
        data={
            **FORM,
            f"question_{letter}": (io.BytesIO(PDF + bytes(3 * 1024 * 1024)), "letter.pdf"),
        },
    )
    assert response.status_code == 413
    assert "The files sent were too large" in error_beside(response.text, f"question_{letter}")
    assert "Register for" in response.text
    assert db.session.scalar(select(Registration)) is None
    assert not upload_folder.exists()


def test_a_file_sent_with_a_form_refused_is_not_kept(staff_client, make, db, upload_folder):
    event = make.open_event(approval_required=False)
    letter = add_question(staff_client, event, "Nomination letter", "file")
    response = staff_client.post(
        f"/events/{event.id}/register",
        data={
            **FORM,
            "country_code": "ZZ",  # the service refuses it
            f"question_{letter}": (io.BytesIO(PDF), "letter.pdf"),
        },
    )
    assert response.status_code == 200 and error_beside(response.text, "country_code")
    assert db.session.scalar(select(Registration)) is None
    assert list(upload_folder.rglob("*.pdf")) == []


def test_files_are_for_staff_only(app, client, make, db, upload_folder, staff_user, delegate_user):
    event = make.open_event(approval_required=False)
    login(client, staff_user)
    letter = add_question(client, event, "Nomination letter", "file")
    client.get("/logout")
    with client.session_transaction() as session:
        session.clear()
    post_registration(client, event, **{f"question_{letter}": (io.BytesIO(PDF), "letter.pdf")})
    registration = db.session.scalar(select(Registration))
    url = f"/manage/events/{event.id}/participants/{registration.id}/files/{letter}"

    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    login(client, delegate_user)
    assert client.get(url).status_code == 403
    stored = registration.answers[str(letter)]["stored"]
    assert client.get(f"/static/{stored}").status_code == 404
    assert not list(Path(app.static_folder).rglob(stored))
    login(client, staff_user)
    assert client.get(url).data == PDF
    # Another event's id, or a question without a file: nothing.
    other = make.open_event()
    assert (
        client.get(url.replace(f"/events/{event.id}/", f"/events/{other.id}/")).status_code == 404
    )


def test_files_go_with_their_question_and_their_event(staff_client, make, db, upload_folder):
    event = make.open_event(approval_required=False)
    letter = add_question(staff_client, event, "Nomination letter", "file")
    post_registration(
        staff_client, event, **{f"question_{letter}": (io.BytesIO(PDF), "letter.pdf")}
    )
    (stored,) = (upload_folder / str(event.id)).iterdir()
    staff_client.post(f"/manage/events/{event.id}/questions/{letter}/delete")
    assert not stored.exists()

    # A registration never confirmed does not hold the event back; its files go with it.
    other = make.open_event(approval_required=False)
    letter = add_question(staff_client, other, "Nomination letter", "file")
    post_registration(
        staff_client,
        other,
        confirm=False,
        **{f"question_{letter}": (io.BytesIO(PDF), "letter.pdf")},
    )
    folder = upload_folder / str(other.id)
    assert folder.is_dir()
    assert staff_client.post(f"/manage/events/{other.id}/delete").status_code == 302
    assert not folder.exists()


def test_questions_are_shown_in_the_visitors_language(staff_client, make, db):
    event = make.open_event(approval_required=False)
    module = add_question(
        staff_client,
        event,
        "Module",
        "one_choice",
        choices="Voter registration\nAudit",
        label_es="Módulo",
        choices_es="Registro de electores\nAuditoría",
        label_fr="Module choisi",
    )

    def asked(language):
        page = staff_client.get(
            f"/events/{event.id}/register", headers={"Accept-Language": language}
        ).get_data(as_text=True)
        html = lxml.html.fromstring(page)
        (group,) = html.xpath(
            f'//fieldset[input or label/input][.//input[@name="question_{module}"]]'
        )
        options = [label.text_content().strip() for label in group.xpath(".//label")]
        return group.xpath("./legend")[0].text_content().strip(), options

    assert asked("es") == ("Módulo", ["Registro de electores", "Auditoría"])
    assert asked("fr") == ("Module choisi", ["Voter registration", "Audit"])  # as written
    assert asked("en") == ("Module", ["Voter registration", "Audit"])

    # The answer keeps the original choice, whatever language it was chosen in.
    post_registration(staff_client, event, **{f"question_{module}": "Audit"})
    assert db.session.scalar(select(Registration)).answers == {str(module): "Audit"}


def test_translated_choices_match_the_original_ones(staff_client, make):
    event = make.open_event()
    response = staff_client.post(
        f"/manage/events/{event.id}/questions/",
        data={
            "label": "Module",
            "kind": "one_choice",
            "choices": "A\nB\nC",
            "label_es": "Módulo",
            "choices_es": "A\nB",
        },
    )
    assert response.status_code == 200
    assert "as many (3)" in error_beside(response.text, "choices_es")
    assert RegistrationQuestion.query.count() == 0


def test_a_choice_not_offered_is_refused(staff_client, make, db):
    event = make.open_event(approval_required=False)
    _years, module = add_questions(staff_client, event)
    response = staff_client.post(
        f"/events/{event.id}/register",
        data={**FORM, f"question_{_years}": "3", f"question_{module}": "Something else"},
    )
    assert response.status_code == 200
    assert error_beside(response.text, f"question_{module}") == "Choose one of the answers."
    assert db.session.scalar(select(Registration)) is None


def test_a_one_choice_question_needs_two_choices(staff_client, make):
    event = make.open_event()
    response = staff_client.post(
        f"/manage/events/{event.id}/questions/",
        data={"label": "Module", "kind": "one_choice", "choices": "Only one"},
    )
    assert response.status_code == 200 and "at least two choices" in response.text
    assert RegistrationQuestion.query.count() == 0


def test_staff_change_reorder_and_remove_questions(staff_client, make, db):
    event = make.open_event(approval_required=False)
    years, module = add_questions(staff_client, event)
    page = f"/manage/events/{event.id}/questions/"

    form = lxml.html.fromstring(staff_client.get(f"{page}{years}").get_data(as_text=True))
    assert form.xpath("//input[@name='label']/@value") == ["Years in electoral administration"]
    assert form.xpath("//input[@name='required']/@checked")
    response = staff_client.post(
        f"{page}{years}", data={"label": "Years of service", "choices": ""}
    )
    assert response.status_code == 302
    question = db.session.get(RegistrationQuestion, years)
    assert (question.label, question.required) == ("Years of service", False)

    staff_client.post(f"{page}{module}/move", data={"direction": "up"})
    html = lxml.html.fromstring(staff_client.get(page).get_data(as_text=True))
    rows = [row.get("id") for row in html.xpath("//table//tbody/tr")]
    assert rows == [f"question-{module}", f"question-{years}"]
    # Nobody answered yet: removing asks nothing.
    assert not html.xpath(f'//form[contains(@action, "/{module}/delete")]/@data-confirm')

    post_registration(staff_client, event, **{f"question_{module}": "Voter registration"})
    html = lxml.html.fromstring(staff_client.get(page).get_data(as_text=True))
    (confirm,) = html.xpath(f'//form[contains(@action, "/{module}/delete")]/@data-confirm')
    assert confirm.startswith("1 participant answered this question.")
    assert staff_client.post(f"{page}{module}/delete").status_code == 302
    listed = staff_client.get(f"/manage/events/{event.id}/participants").get_data(as_text=True)
    assert "Voter registration" not in listed


def registered(db, event, count, answers):
    """``count`` approved registrations whose answers ``answers(n)`` gives."""
    db.session.add_all(
        Registration(
            event_id=event.id,
            name=f"Officer {event.id}-{n}",
            gender="female",
            email=f"o{event.id}-{n}@example.org",
            country_code="MX",
            status="approved",
            consent_at=utcnow(),
            answers=answers(n),
        )
        for n in range(count)
    )
    db.session.commit()


def listed_names(client, event, **args) -> set[str]:
    page = client.get(f"/manage/events/{event.id}/participants", query_string=args)
    assert page.status_code == 200
    html = lxml.html.fromstring(page.get_data(as_text=True))
    return {
        cell.text.strip() for cell in html.xpath("//tr[starts-with(@id, 'registration-')]/td[2]")
    }


def test_staff_filter_participants_by_answer(staff_client, make, db):
    event = make.open_event(capacity=None)
    one = add_question(staff_client, event, "Module", "one_choice", choices="A\nB")
    several = add_question(
        staff_client, event, "Topics", "several_choices", choices="Lists\nDisputes\nDisputes 2"
    )
    yes_no = add_question(staff_client, event, "First course", "yes_no")
    text = add_question(staff_client, event, "Unit", "short_text")
    given = [
        {
            str(one): "A",
            str(several): ["Lists", "Disputes 2"],
            str(yes_no): "yes",
            str(text): "Voter 100% registration",
        },
        {str(one): "B", str(several): ["Disputes"], str(yes_no): "no", str(text): "Training"},
        {},
    ]
    registered(db, event, 3, lambda n: given[n])
    first, second, third = (f"Officer {event.id}-{n}" for n in range(3))

    assert listed_names(staff_client, event, answer=f"{one}=A") == {first}
    assert listed_names(staff_client, event, answer=f"{several}=Disputes") == {second}
    assert listed_names(staff_client, event, answer=f"{several}=Lists") == {first}
    assert listed_names(staff_client, event, answer=f"{yes_no}=no") == {second}
    assert listed_names(staff_client, event, answer=f"{text}+") == {first, second}
    assert listed_names(staff_client, event, answer=f"{text}-") == {third}
    assert listed_names(staff_client, event, contains="100%") == {first}
    assert listed_names(staff_client, event, contains="TRAIN") == {second}
    # Another event's question, or words: the filter finds nobody, or is ignored.
    assert listed_names(staff_client, event, answer="999999=A") == set()
    assert listed_names(staff_client, event, answer="nonsense") == {first, second, third}

    page = staff_client.get(f"/manage/events/{event.id}/participants").get_data(as_text=True)
    options = lxml.html.fromstring(page).xpath("//select[@name='answer']//option/@value")
    assert f"{several}=Disputes 2" in options and f"{yes_no}=yes" in options
    csv_text = staff_client.get(
        f"/manage/events/{event.id}/participants.csv", query_string={"answer": f"{one}=B"}
    ).data.decode("utf-8-sig")
    assert second in csv_text and first not in csv_text


def test_the_participants_list_with_answers_runs_a_fixed_number_of_queries(
    staff_client, make, db, count_queries
):
    counts = []
    for total in (10, 500):
        event = make.open_event(capacity=None)
        years, module = add_questions(staff_client, event)
        topics = add_question(staff_client, event, "Topics", "several_choices", choices="A\nB")
        letter = add_question(staff_client, event, "Letter", "file")
        registered(
            db,
            event,
            total,
            lambda n, ids=(years, module, topics, letter): {
                str(ids[0]): n,
                str(ids[1]): "=Audit",
                str(ids[2]): ["A", "B"],
                str(ids[3]): {"name": f"letter {n}.pdf", "stored": "0" * 32 + ".pdf"},
            },
        )
        with count_queries() as queries:
            assert staff_client.get(f"/manage/events/{event.id}/participants").status_code == 200
            filtered = staff_client.get(
                f"/manage/events/{event.id}/participants", query_string={"answer": f"{topics}=A"}
            )
            assert filtered.status_code == 200 and "letter 1.pdf" in filtered.text
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_files_of_a_registration_never_confirmed_are_deleted_with_it(
    client, make, db, staff_client, upload_folder
):
    from eventsapp.registration.cron import tick

    event = make.open_event(approval_required=False)
    letter = add_question(staff_client, event, "Nomination letter", "file")
    post_registration(
        client, event, confirm=False, **{f"question_{letter}": (io.BytesIO(PDF), "letter.pdf")}
    )
    (stored,) = (upload_folder / str(event.id)).iterdir()
    assert tick(utcnow() + timedelta(hours=49))["unconfirmed forgotten"] == 1
    db.session.commit()
    assert not stored.exists()


def test_a_known_address_sent_again_with_a_file_keeps_no_file(client, make, db, upload_folder):
    """The answer to a stranger is the same page; the file they sent is not kept either."""
    event = make.open_event(approval_required=False)
    letter = RegistrationQuestion(event_id=event.id, label="Letter", kind="file")
    db.session.add(letter)
    db.session.commit()
    field = f"question_{letter.id}"
    post_registration(client, event, **{field: (io.BytesIO(PDF), "letter.pdf")})
    for _ in range(3):
        post_registration(client, event, confirm=False, **{field: (io.BytesIO(PDF), "again.pdf")})
    (kept,) = (upload_folder / str(event.id)).iterdir()
    assert db.session.scalar(select(Registration)).answers[str(letter.id)]["stored"] == kept.name
