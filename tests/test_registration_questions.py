"""Questions staff add to an event's registration form: asked, answered, listed and exported."""

import io

from openpyxl import load_workbook
from sqlalchemy import select

from eventsapp.core.clock import utcnow
from eventsapp.registration.models import Registration
from eventsapp.registration.questions import RegistrationQuestion
from tests.test_registration_http import FORM, post_registration


def add_questions(client, event):
    first = client.post(
        f"/manage/events/{event.id}/questions/",
        data={"label": "Years in electoral administration", "kind": "number", "required": "y"},
    )
    second = client.post(
        f"/manage/events/{event.id}/questions/",
        data={"label": "Module", "kind": "one_choice", "choices": "Voter registration\n=Audit"},
    )
    assert first.status_code == second.status_code == 302
    return [q.id for q in RegistrationQuestion.query.order_by(RegistrationQuestion.id)]


def test_a_delegate_answers_the_questions_and_staff_see_them(staff_client, make, db):
    event = make.open_event(approval_required=False)
    years, module = add_questions(staff_client, event)
    form = staff_client.get(f"/events/{event.id}/register").get_data(as_text=True)
    assert "Years in electoral administration" in form and "Voter registration" in form

    missing = staff_client.post(f"/events/{event.id}/register", data=FORM)
    assert missing.status_code == 200 and "Please answer this question." in missing.text
    assert db.session.scalar(select(Registration)) is None

    post_registration(
        staff_client, event, **{f"question_{years}": "12", f"question_{module}": "=Audit"}
    )
    registration = db.session.scalar(select(Registration))
    assert registration.answers == {str(years): "12", str(module): "=Audit"}

    page = staff_client.get(f"/manage/events/{event.id}/participants").get_data(as_text=True)
    assert "Years in electoral administration" in page and "=Audit" in page
    csv_text = staff_client.get(f"/manage/events/{event.id}/participants.csv").data.decode()
    assert "Years in electoral administration" in csv_text and "'=Audit" in csv_text
    xlsx = staff_client.get(f"/manage/events/{event.id}/participants.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    assert list(sheet.iter_rows(values_only=True))[1][-2:] == ("12", "=Audit")


def test_a_choice_not_offered_is_refused(staff_client, make, db):
    event = make.open_event(approval_required=False)
    _years, module = add_questions(staff_client, event)
    response = staff_client.post(
        f"/events/{event.id}/register",
        data={**FORM, f"question_{_years}": "3", f"question_{module}": "Something else"},
    )
    assert response.status_code == 200 and "Not a valid choice" in response.text
    assert db.session.scalar(select(Registration)) is None


def test_a_one_choice_question_needs_two_choices(staff_client, make):
    event = make.open_event()
    response = staff_client.post(
        f"/manage/events/{event.id}/questions/",
        data={"label": "Module", "kind": "one_choice", "choices": "Only one"},
    )
    assert response.status_code == 200 and "at least two choices" in response.text
    assert RegistrationQuestion.query.count() == 0


def test_the_participants_list_with_answers_runs_a_fixed_number_of_queries(
    staff_client, make, db, count_queries
):
    event = make.open_event(capacity=None)
    years, _module = add_questions(staff_client, event)
    counts = []
    for total in (10, 500):
        db.session.add_all(
            Registration(
                event_id=event.id,
                name=f"Officer {total}-{n}",
                gender="female",
                email=f"o{total}-{n}@example.org",
                country_code="MX",
                status="approved",
                consent_at=utcnow(),
                answers={str(years): str(n)},
            )
            for n in range(total - (10 if total == 500 else 0))
        )
        db.session.commit()
        with count_queries() as queries:
            assert staff_client.get(f"/manage/events/{event.id}/participants").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
