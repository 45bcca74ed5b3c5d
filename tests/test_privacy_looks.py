"""Who downloaded others' personal data is in the action log: the participants' exports, the
files they sent, the badges."""

import io

from sqlalchemy import select

from eventsapp.core.actions import LoggedAction
from eventsapp.registration.models import Registration
from tests.test_registration_http import post_registration
from tests.test_registration_questions import PDF, add_question, upload_folder  # noqa: F401


def test_exports_files_and_badges_downloaded_are_in_the_events_history(
    staff_client,
    make,
    db,
    upload_folder,  # noqa: F811
):
    event = make.open_event(approval_required=False)
    letter = add_question(staff_client, event, "Nomination letter", "file")
    post_registration(
        staff_client.application.test_client(),
        event,
        **{f"question_{letter}": (io.BytesIO(PDF), "Carta.pdf")},
    )
    registration = db.session.scalar(select(Registration))

    assert staff_client.get(f"/manage/events/{event.id}/participants.csv").status_code == 200
    assert staff_client.get(f"/manage/events/{event.id}/participants.xlsx").status_code == 200
    path = f"/manage/events/{event.id}/participants/{registration.id}/files/{letter}"
    assert staff_client.get(path).data == PDF
    badges = staff_client.get(f"/manage/events/{event.id}/badges.pdf")

    lines = db.session.scalars(
        select(LoggedAction).where(LoggedAction.event_id == event.id).order_by(LoggedAction.id)
    ).all()
    said = [line.sentence for line in lines if line.actor_name == "Staff Member"]
    assert f"Downloaded the participants of {event.title} (CSV; rows: 1)" in said
    assert f"Downloaded the participants of {event.title} (XLSX; rows: 1)" in said
    assert "Downloaded the file Carta.pdf sent by Amina Odhiambo" in said
    if badges.status_code == 200:  # where the server can make PDFs
        assert f"Printed the badges of {event.title} (badges: 1)" in said
    history = staff_client.get(f"/manage/events/{event.id}/history").text
    assert "Downloaded the file Carta.pdf sent by Amina Odhiambo" in history
