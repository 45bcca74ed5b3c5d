"""Evaluation questions on the question engine: every kind a registration form has but a file,
translated by staff and asked in the attendee's language (the answer kept in the original),
summarised and exported; and the migration that brought existing questions and answers to it."""

import csv
import io
import json
from datetime import date

import lxml.html
import pytest
from flask_migrate import downgrade, upgrade
from openpyxl import load_workbook
from sqlalchemy import insert, select, text

from eventsapp import create_app
from eventsapp.attendance.models import AttendanceSettings, EvaluationQuestion, EvaluationResponse
from eventsapp.core.clock import utcnow
from eventsapp.demo.services import load_demo
from eventsapp.extensions import db as _db
from eventsapp.registration.models import Registration
from tests.test_attendance import add_questions, attend, evaluation_links, participants

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture
def course(make):
    return make.event(
        title="Specialization course", kind="specialization_course", date_text="18-19 January 2016"
    )


def attendee(db, event, name, locale=None):
    person = Registration(
        event_id=event.id,
        name=name,
        gender="female",
        email=f"{name.split()[0].lower()}@example.org",
        country_code="MX",
        status="approved",
        consent_at=utcnow(),
        locale=locale,
    )
    db.session.add(person)
    db.session.commit()
    return person


def add(staff_client, event, **question) -> int:
    url = f"/manage/events/{event.id}/evaluation"
    response = staff_client.post(url, data=question)
    assert response.status_code == 302, response.text
    return _db.session.scalar(
        select(EvaluationQuestion.id).where(
            EvaluationQuestion.event_id == event.id, EvaluationQuestion.label == question["label"]
        )
    )


def field_of(page: str, name: str):
    """The legend (or label) of the field ``name`` and the labels of its options."""
    html = lxml.html.fromstring(page)
    (box,) = html.xpath(
        f'//*[contains(@class, "field")][.//*[@name="{name}"]]'
        f'[not(.//*[contains(@class, "field")][.//*[@name="{name}"]])]'
    )
    title = box.xpath(".//legend|.//label[@for]")[0].text_content().strip()
    options = [label.text_content().strip() for label in box.xpath(".//label[input]")]
    return title, options


def test_a_spanish_delegates_evaluation_is_in_spanish(staff_client, app, db, course):
    module = add(
        staff_client,
        course,
        label="Which module helped most?",
        kind="one_choice",
        choices="Voter registration\nAudit",
        required="y",
        label_es="¿Qué módulo le ayudó más?",
        choices_es="Registro de electores\nAuditoría",
    )
    useful = add(
        staff_client,
        course,
        label="How useful was the course?",
        kind="scale",
        required="y",
        label_es="¿Qué tan útil fue el curso?",
        label_fr="Le cours a-t-il été utile ?",
    )
    spanish = attendee(db, course, "Lucía Fernández", locale="es")
    english = attendee(db, course, "Ann Smith", locale="en_GB")
    attend(staff_client, course, [spanish, english])
    staff_client.post(f"/manage/events/{course.id}/evaluation/open")
    link, english_link = evaluation_links(db, [spanish, english])
    browser = app.test_client()
    english_browser = {"Accept-Language": "en-GB,en;q=0.9"}

    page = browser.get(link, headers=english_browser).text  # in the language she registered in
    assert '<html lang="es">' in page and "Evaluar Specialization course" in page
    assert field_of(page, f"question_{module}") == (
        "¿Qué módulo le ayudó más?",
        ["Registro de electores", "Auditoría"],
    )
    assert field_of(page, f"question_{useful}")[0] == "¿Qué tan útil fue el curso?"
    assert "¿Hay algo más que quiera comentar a los organizadores?" in page
    refused = browser.post(link, data={f"question_{useful}": "4"}, headers=english_browser)
    assert refused.status_code == 400 and "Responda esta pregunta." in refused.text

    # The delegate ticks "Auditoría": the answer is kept as staff wrote the choice.
    given = {f"question_{module}": "Audit", f"question_{useful}": "4", "comment": "¡Gracias!"}
    assert browser.post(link, data=given, headers=english_browser).status_code == 302
    (response,) = db.session.scalars(select(EvaluationResponse))
    assert response.answers == {str(module): "Audit", str(useful): 4}
    assert response.satisfaction == 4
    results = staff_client.get(f"/manage/events/{course.id}/evaluation").text
    assert "Audit" in results and "Auditoría" not in results.split("Results")[-1]

    # Who registered in English reads it as written; the switcher's choice wins over both.
    other = app.test_client()
    assert field_of(other.get(english_link).text, f"question_{module}") == (
        "Which module helped most?",
        ["Voter registration", "Audit"],
    )
    other.set_cookie("language", "es")
    assert '<html lang="es">' in other.get(english_link).text


def test_the_default_scales_are_in_the_attendees_language(staff_client, app, db, course):
    spanish = attendee(db, course, "Lucía Fernández", locale="es")
    attend(staff_client, course, [spanish])
    staff_client.post(f"/manage/events/{course.id}/evaluation/open")
    (link,) = evaluation_links(db, [spanish])
    page = app.test_client().get(link).text
    assert field_of(page, "question_overall")[0] == "En general, el evento fue útil para mi trabajo"


def test_evaluation_questions_of_every_kind_are_answered_summarised_and_exported(
    staff_client, app, db, course
):
    ids = {
        "short": add(staff_client, course, label="Best session", kind="short_text"),
        "long": add(staff_client, course, label="What should change?", kind="long_text"),
        "one": add(
            staff_client, course, label="Format", kind="one_choice", choices="Short\nRight\nLong"
        ),
        "several": add(
            staff_client,
            course,
            label="Topics to deepen",
            kind="several_choices",
            choices="Voter lists\nDisputes\nGender",
        ),
        "yes_no": add(staff_client, course, label="Would you recommend it?", kind="yes_no"),
        "number": add(staff_client, course, label="Colleagues you will train", kind="number"),
        "date": add(staff_client, course, label="When will you train them?", kind="date"),
        "scale": add(staff_client, course, label="Overall", kind="scale"),
    }
    # A file would be kept linked to nobody: evaluations do not offer it.
    url = f"/manage/events/{course.id}/evaluation"
    file = staff_client.post(url, data={"label": "Your action plan", "kind": "file"})
    assert file.status_code == 400
    assert "file" not in lxml.html.fromstring(file.text).xpath(
        "//select[@name='kind']/option/@value"
    )
    assert db.session.query(EvaluationQuestion).count() == 8

    a, b = attendee(db, course, "Ana Lima"), attendee(db, course, "Bea Ruiz")
    attend(staff_client, course, [a, b])
    staff_client.post(f"{url}/open")
    answers = [
        {
            "short": "Voter lists",
            "long": "More practice",
            "one": "Right",
            "several": ["Voter lists", "Gender"],
            "yes_no": "yes",
            "number": "12",
            "date": "5 March 2016",
            "scale": "5",
        },
        {"one": "Long", "several": ["Gender"], "yes_no": "no", "number": "3", "scale": "2"},
    ]
    for link, given in zip(evaluation_links(db, [a, b]), answers, strict=True):
        data = {f"question_{ids[k]}": v for k, v in given.items()}
        assert app.test_client().post(link, data=data).status_code == 302
    stored = [r.answers for r in db.session.scalars(select(EvaluationResponse).order_by("id"))]
    assert {str(ids["number"]): 12, str(ids["date"]): "2016-03-05"}.items() <= stored[0].items()
    assert stored[1][str(ids["several"])] == ["Gender"]

    results = lxml.html.fromstring(staff_client.get(url).text)
    sections = {s.xpath("./h3")[0].text_content(): s for s in results.xpath("//section[h3]")}

    def counts(label):
        table = sections[label].xpath(".//table")[0]
        heads = [th.text_content() for th in table.xpath(".//th")]
        return dict(
            zip(heads, (int(td.text_content()) for td in table.xpath(".//td")), strict=True)
        )

    assert counts("Topics to deepen") == {"Voter lists": 1, "Disputes": 0, "Gender": 2}
    assert counts("Format") == {"Short": 0, "Right": 1, "Long": 1}
    assert counts("Would you recommend it?") == {"Yes": 1, "No": 1}
    assert "mean 7.50" in sections["Colleagues you will train"].text_content()
    assert "mean 3.50 / 5" in sections["Overall"].text_content()
    assert "5 March 2016" in sections["When will you train them?"].text_content()
    assert "More practice" in sections["What should change?"].text_content()

    rows = list(csv.reader(io.StringIO(staff_client.get(f"{url}.csv").data.decode("utf-8-sig"))))
    assert rows[1][1:-1] == [
        "Voter lists",
        "More practice",
        "Right",
        "Voter lists; Gender",
        "yes",
        "12",
        "2016-03-05",
        "5",
    ]
    sheet = load_workbook(io.BytesIO(staff_client.get(f"{url}.xlsx").data)).active
    first = list(sheet.iter_rows(values_only=True))[1]
    assert first[6] == 12 and first[7].date() == date(2016, 3, 5)


def test_staff_translate_reorder_and_once_answered_only_translate(staff_client, app, db, course):
    url = f"/manage/events/{course.id}/evaluation"
    first = add(staff_client, course, label="Format", kind="one_choice", choices="Short\nLong")
    second = add(staff_client, course, label="Overall", kind="scale", required="y")
    staff_client.post(f"{url}/questions/{second}/move", data={"direction": "up"})
    order = db.session.scalars(select(EvaluationQuestion.id).order_by(EvaluationQuestion.position))
    assert list(order) == [second, first]

    page = lxml.html.fromstring(staff_client.get(f"{url}/questions/{first}").text)
    assert page.xpath("//input[@name='label']/@value") == ["Format"]
    assert page.xpath("//textarea[@name='choices']")[0].text_content().split() == ["Short", "Long"]
    mismatched = staff_client.post(
        f"{url}/questions/{first}",
        data={
            "label": "Format",
            "choices": "Short\nLong",
            "label_es": "Formato",
            "choices_es": "Corto",
        },
    )
    assert mismatched.status_code == 400 and "as many (2)" in mismatched.text

    a = attendee(db, course, "Ana Lima")
    attend(staff_client, course, [a])
    staff_client.post(f"{url}/open")
    (link,) = evaluation_links(db, [a])
    given = {f"question_{second}": "4", f"question_{first}": "Long"}
    assert app.test_client().post(link, data=given).status_code == 302

    # Answered: the question stays as asked, its translations may still be written.
    changed = staff_client.post(
        f"{url}/questions/{first}", data={"label": "Length", "choices": "Short\nLong"}
    )
    assert changed.status_code == 400 and "only the translations can change" in changed.text
    translated = staff_client.post(
        f"{url}/questions/{first}",
        data={
            "label": "Format",
            "choices": "Short\nLong",
            "label_es": "Formato",
            "choices_es": "Corto\nLargo",
        },
    )
    assert translated.status_code == 302
    question = db.session.get(EvaluationQuestion, first)
    assert (question.label, question.translations["es"]) == (
        "Format",
        {"label": "Formato", "choices": ["Corto", "Largo"]},
    )
    staff_client.post(f"{url}/questions/{first}/move", data={"direction": "up"})
    order = db.session.scalars(select(EvaluationQuestion.id).order_by(EvaluationQuestion.position))
    assert list(order) == [second, first]  # the overall scale stays first
    assert staff_client.get(f"{url}/questions/999999").status_code == 404


def test_staff_remove_a_question_and_only_that_one(staff_client, app, db, make, course):
    add_questions(staff_client, course)
    other = make.event(title="Other course", date_text="18-19 January 2016")
    staff_client.post(
        f"/manage/events/{other.id}/evaluation", data={"label": "Elsewhere", "kind": "scale"}
    )
    url = f"/manage/events/{course.id}/evaluation"

    def question(label):
        return db.session.scalar(
            select(EvaluationQuestion).where(EvaluationQuestion.label == label)
        )

    def labels(event):
        rows = db.session.scalars(
            select(EvaluationQuestion)
            .where(EvaluationQuestion.event_id == event.id)
            .order_by(EvaluationQuestion.position)
        )
        return [(q.label, q.position) for q in rows]

    before = labels(course)
    assert 'data-confirm="Remove this question?"' in staff_client.get(url).text
    removed = staff_client.post(
        f"{url}/questions/{question('Best session').id}/delete", follow_redirects=True
    )
    assert removed.status_code == 200 and "Removed the question." in removed.text
    assert "Best session" not in removed.text
    assert labels(course) == [q for q in before if q[0] != "Best session"]
    assert labels(other) == [("Elsewhere", 0)]
    elsewhere = f"{url}/questions/{question('Elsewhere').id}/delete"  # another event's
    assert staff_client.post(elsewhere).status_code == 404
    assert labels(other) == [("Elsewhere", 0)]
    assert db.session.get(AttendanceSettings, course.id) is None  # its settings untouched

    # Once answered, the questions stay.
    a, *_ = participants(db, course, ["approved"])
    attend(staff_client, course, [a])
    staff_client.post(f"{url}/open")
    given = {
        f"question_{question('How useful was the course?').id}": "4",
        f"question_{question('Format').id}": "Right",
        f"question_{question('Would you recommend it?').id}": "yes",
    }
    assert app.test_client().post(evaluation_links(db, [a])[0], data=given).status_code == 302
    refused = staff_client.post(
        f"{url}/questions/{question('Format').id}/delete", follow_redirects=True
    )
    assert "have answered already" in refused.text
    assert len(labels(course)) == 4


def test_the_evaluation_results_run_a_fixed_number_of_queries(
    staff_client, db, course, count_queries
):
    add_questions(staff_client, course)
    questions = [q.id for q in db.session.scalars(select(EvaluationQuestion))]
    counts = []
    for total in (10, 500):
        existing = db.session.query(EvaluationResponse).count()
        db.session.execute(
            insert(EvaluationResponse),
            [
                {
                    "event_id": course.id,
                    "answers": {
                        str(questions[0]): n % 5 + 1,
                        str(questions[1]): f"Session {n}",
                        str(questions[3]): "Right",
                        str(questions[4]): "yes" if n % 2 == 0 else "no",
                    },
                    "satisfaction": n % 5 + 1,
                    "comment": f"Comment {n}",
                    "submitted_on": date(2016, 1, 20),
                }
                for n in range(existing, total)
            ],
        )
        db.session.commit()
        with count_queries() as queries:
            page = staff_client.get(f"/manage/events/{course.id}/evaluation").text
        assert f"{total} answers" in page and f"Comment {total - 1}" in page
        for table in ("evaluation_questions", "attendance_settings"):  # each read once
            assert sum(f"FROM {table}" in statement for statement in queries) == 1
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_migration_brings_evaluations_and_answers_to_the_engine(settings, tmp_path):
    """Evaluation questions get positions from 0 and translations; a yes/no answer of an
    evaluation becomes "yes"/"no" and a registration's number its integer; and back."""
    app = create_app(
        {**settings, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.sqlite3'}"}
    )
    with app.app_context():
        upgrade()
        load_demo()
        _db.session.commit()
        downgrade(revision="0020_message_calendar_file")
        with _db.engine.begin() as connection:
            event_id, registration_id = connection.execute(
                text("SELECT event_id, id FROM registrations ORDER BY id LIMIT 1")
            ).one()

            def insert(sql, **values):
                return connection.execute(text(sql), {"event": event_id, **values}).lastrowid

            columns = "(event_id, label, kind, choices, required, position)"
            scale = insert(
                f"INSERT INTO evaluation_questions {columns} "
                "VALUES (:event, 'Overall', 'scale', '[]', 1, 1)"
            )
            yes_no = insert(
                f"INSERT INTO evaluation_questions {columns} "
                "VALUES (:event, 'Recommend?', 'yes_no', '[]', 0, 2)"
            )
            years = insert(
                "INSERT INTO registration_questions "
                "(event_id, label, kind, choices, required, position, translations) "
                "VALUES (:event, 'Years', 'number', '[]', 0, 0, '{}')"
            )
            old_answers = f'{{"{scale}": 4, "{yes_no}": true}}'
            insert(
                "INSERT INTO evaluation_responses (event_id, answers, satisfaction, comment, "
                "submitted_on) VALUES (:event, :answers, 4, 'Fine', '2016-01-20')",
                answers=old_answers,
            )
            connection.execute(
                text("UPDATE registrations SET answers = :answers WHERE id = :id"),
                {"answers": f'{{"{years}": "12"}}', "id": registration_id},
            )

        def read():
            with _db.engine.connect() as connection:
                return (
                    connection.execute(
                        text("SELECT label, position FROM evaluation_questions ORDER BY id")
                    ).all(),
                    connection.execute(
                        text("SELECT answers FROM evaluation_responses WHERE comment = 'Fine'")
                    ).scalar(),
                    connection.execute(
                        text("SELECT answers FROM registrations WHERE id = :id"),
                        {"id": registration_id},
                    ).scalar(),
                )

        upgrade()
        questions, evaluation, registration = read()
        assert questions == [("Overall", 0), ("Recommend?", 1)]
        assert json_of(evaluation) == {str(scale): 4, str(yes_no): "yes"}
        assert json_of(registration) == {str(years): 12}
        translations = _db.session.scalars(select(EvaluationQuestion.translations)).all()
        assert translations == [{}, {}]
        _db.session.remove()

        downgrade(revision="0020_message_calendar_file")
        questions, evaluation, registration = read()
        assert questions == [("Overall", 1), ("Recommend?", 2)]
        assert json_of(evaluation) == {str(scale): 4, str(yes_no): True}
        assert json_of(registration) == {str(years): "12"}
        _db.session.remove()
        _db.engine.dispose()


def json_of(value):
    return json.loads(value) if isinstance(value, str) else value
