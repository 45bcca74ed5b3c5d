"""The privacy notice: shown in three languages, versions published by administrators, and the
version each registration and request accepted."""

from sqlalchemy import select

from eventsapp.accounts.models import Role
from eventsapp.accounts.services import create_user
from eventsapp.authority_requests.models import AuthorityRequest
from eventsapp.registration.models import Registration
from tests.conftest import login
from tests.test_authority_requests import FORM as REQUEST_FORM
from tests.test_registration_http import post_registration


def test_the_first_notice_speaks_three_languages(client, db):
    english = client.get("/privacy").text
    assert "Version 1" in english and "<h2>For how long</h2>" in english
    assert "90 days after the event ends" in english
    spanish = client.get("/privacy", headers={"Accept-Language": "es"}).text
    assert "<h2>Por cuánto tiempo</h2>" in spanish and 'lang="es"' in spanish
    french = client.get("/privacy", headers={"Accept-Language": "fr"}).text
    assert "<h2>Combien de temps</h2>" in french
    assert client.get("/privacy?version=7").status_code == 404


def test_forms_link_to_the_notice_and_record_the_version_accepted(client, staff_client, make, db):
    event = make.open_event(approval_required=False)
    form = client.get(f"/events/{event.id}/register").text
    assert 'href="/privacy"' in form
    assert 'href="/privacy"' in client.get("/requests/new").text
    post_registration(client, event)
    assert db.session.scalar(select(Registration)).privacy_notice_version == 1

    admin = create_user("admin@example.org", Role.ADMIN, "kettle-on-the-hob-2", name="Admin")
    db.session.commit()
    assert staff_client.get("/manage/privacy-notice").status_code == 403  # staff, not admin
    login(staff_client, admin)
    page = staff_client.get("/manage/privacy-notice").text
    assert "For how long" in page  # the form starts from the notice in force
    refused = staff_client.post("/manage/privacy-notice", data={"text_en": " ", "text_es": "Hola"})
    assert refused.status_code == 400 and "Write the notice in English at least." in refused.text
    staff_client.post(
        "/manage/privacy-notice",
        data={"text_en": "# What we keep\n\nLess than before.", "text_es": "# Qué\n\nMenos."},
    )
    assert "Less than before." in client.get("/privacy").text
    assert "Menos." in client.get("/privacy", headers={"Accept-Language": "es"}).text
    french = client.get("/privacy", headers={"Accept-Language": "fr"}).text
    assert "Less than before." in french and 'lang="en"' in french  # the English one, marked
    assert "Version 2" in client.get("/privacy").text
    assert "For how long" in client.get("/privacy?version=1").text  # the first, as accepted

    post_registration(client, event, email="jorge@example.org", name="Jorge Quispe")
    versions = db.session.scalars(
        select(Registration.privacy_notice_version).order_by(Registration.id)
    )
    assert list(versions) == [1, 2]
    client.post("/requests/new", data=REQUEST_FORM)
    assert db.session.scalar(select(AuthorityRequest)).privacy_notice_version == 2
