"""/api/v1/events/<id>/agenda and /tasks."""

from datetime import date

from eventsapp.logistics.models import Task
from eventsapp.logistics.services import TaskInput, save_task
from tests.test_agenda import VALID, agenda_url


def test_the_agenda_is_public_but_drafts_are_for_staff(staff_client, app, make, db):
    event = make.event("Course", "18-22 April 2016", kind="specialization_course")
    staff_client.post(agenda_url(event), data=VALID)
    staff_client.post(
        agenda_url(event),
        data={
            **VALID,
            "start_time": "11:00",
            "end_time": "12:00",
            "title": "Draft",
            "published": "",
            "speakers": "",
        },
    )
    staff = staff_client.get(f"/api/v1/events/{event.id}/agenda").get_json()
    assert [s["title"] for s in staff] == [VALID["title"], "Draft"]
    first = staff[0]
    assert first["local_start"] == "09:00" and first["starts_at"] == "2016-04-18T14:00:00Z"
    assert first["speakers"] == ["Lorenzo Córdova, INE", "José Luis Vargas, TEPJF"]
    public = app.test_client().get(f"/api/v1/events/{event.id}/agenda").get_json()
    assert [s["title"] for s in public] == [VALID["title"]]


def test_tasks_are_for_staff_only(staff_client, app, make, db):
    event = make.event("Course", "May/June 2012")
    save_task(
        event,
        Task(),
        TaskInput(title="Visa letters", days=-45, anchor="start", owner_name="Logistics unit"),
    )
    db.session.commit()
    anonymous = app.test_client().get(f"/api/v1/events/{event.id}/tasks")
    assert anonymous.status_code == 401 and "staff" in anonymous.get_json()["error"]
    (task,) = staff_client.get(f"/api/v1/events/{event.id}/tasks").get_json()
    assert task == {
        "id": task["id"],
        "title": "Visa letters",
        "owner": "Logistics unit",
        "owner_email": None,
        "due_on": date(2012, 3, 17).isoformat(),
        "due_rule": "45 days before start",
        "approximate": True,
        "status": "to_do",
        "notes": "",
    }
    missing = staff_client.get("/api/v1/events/999999/tasks")
    assert missing.status_code == 404 and missing.get_json()["error"]
    assert app.test_client().get("/api/v1/events/999999/agenda").status_code == 404
