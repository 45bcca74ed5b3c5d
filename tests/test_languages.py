"""Languages to the last word (issue 24): country and region names in the reader's language and
sorted as that language sorts (the year calendar, its spreadsheets, the annual report, results,
charts), messages to participants written per language, the emails of people who have no account
yet in the language staff chose, and the demo's events in Spanish and French."""

import base64
import csv
import io
import re

from flask_babel import refresh
from openpyxl import load_workbook
from sqlalchemy import select

from eventsapp.catalogue.models import Event
from eventsapp.core.i18n import sort_key, sorted_by_name
from eventsapp.demo.services import load_demo
from eventsapp.messages.models import Message
from eventsapp.registration.models import Registration
from tests.conftest import login
from tests.test_participant_emails import spanish

FRENCH = {"Accept-Language": "fr"}
SPANISH = {"Accept-Language": "es"}
# Candidates of a CICIE course, in English as people/data/countries.csv names them.
CANDIDATES = ["PE", "DE", "CZ", "CR", "EG", "ZM"]
IN_FRENCH_ORDER = "Allemagne, Costa Rica, Égypte, Pérou, Tchéquie, Zambie"


def sorted_in(app, language: str, names: list[str]) -> list[str]:
    with app.test_request_context("/", headers={"Accept-Language": language}):
        refresh()
        return sorted_by_name(names)


def test_names_are_sorted_as_each_language_sorts_them(app):
    names = ["Zambie", "Égypte", "Eswatini", "Éthiopie", "Allemagne"]
    # Accents weigh only between names otherwise equal: "Égypte" among the E, not after Z.
    assert sorted_in(app, "fr", names) == ["Allemagne", "Égypte", "Eswatini", "Éthiopie", "Zambie"]
    # Spanish puts ñ after n; numbers are read as numbers.
    spanish_names = ["Ñandú", "Nutria", "Oso", "Sesión 10", "Sesión 2"]
    assert sorted_in(app, "es", spanish_names) == [
        "Nutria",
        "Ñandú",
        "Oso",
        "Sesión 2",
        "Sesión 10",
    ]
    with app.test_request_context("/", headers=FRENCH):
        refresh()
        assert sort_key("égypte") < sort_key("Égypte") < sort_key("Eswatini")


def test_a_french_coordinators_year_calendar_and_its_spreadsheets_name_countries_in_french(
    client, db, make
):
    make.event(
        title="Taller de registro electoral",
        date_text="March 2027",
        candidate_countries=CANDIDATES,
        requesting_countries=["MX"],
        venue=("PE", "Lima", None),
    )
    page = client.get("/calendar/2027", headers=FRENCH).text
    assert IN_FRENCH_ORDER in page
    assert "Czechia" not in page and "Germany" not in page
    assert "Lima, Pérou" in page and "Mexique" in page

    table = client.get("/calendar/2027.csv", headers=FRENCH).data.decode("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(table)))
    columns = dict(zip(header, row, strict=True))
    assert IN_FRENCH_ORDER in columns.values()
    assert "Lima, Pérou" in columns.values()

    book = load_workbook(io.BytesIO(client.get("/calendar/2027.xlsx", headers=FRENCH).data))
    cells = [c for row in book.active.iter_rows(values_only=True) for c in row]
    assert IN_FRENCH_ORDER in cells and "Mexique" in cells


def test_the_annual_report_and_results_name_countries_and_regions_in_french(staff_client, db, make):
    for countries in (["ZM", "EG", "DE"], ["PE"]):
        make.event(status="held", date_text="March 2026", requesting_countries=countries)
    report = staff_client.get("/reports/annual-report?year=2026", headers=FRENCH).text
    assert "Allemagne, Égypte, Zambie" in report and "Pérou" in report
    assert "Egypt" not in report and "Zambia" not in report
    assert "<td>Afrique</td>" in report or "<td>Europe</td>" in report  # the region of each

    results = staff_client.get("/reports/results?from=2026&to=2026", headers=FRENCH).text
    reached = re.findall(r'<th scope="row">(Allemagne|Égypte|Pérou|Zambie)</th>', results)
    assert reached[:4] == ["Allemagne", "Égypte", "Pérou", "Zambie"]  # as French sorts
    # The chart's legend and its text alternative name the regions in French too.
    svg = base64.b64decode(re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', results)[1])
    assert "Amériques" in svg.decode() and "Americas" not in svg.decode()
    assert "Americas" not in results  # nor the image's text alternative


def test_a_message_is_written_per_language_and_each_recipient_reads_their_own(
    staff_client, db, make, mailbox
):
    event = make.event(date_text="18-19 November 2027")
    ana = spanish(db, event)  # registered in Spanish
    marie = spanish(db, event, email="marie@example.org")
    marie.locale, marie.name = "fr", "Marie Curie"
    db.session.commit()
    form = {
        "subject": "See you on {dates}",
        "body": "Dear {name}, see you on {dates}.",
        "language": "en",
        "subject_es": "Nos vemos el {dates}",
        "body_es": "Estimada {name}: nos vemos el {dates}.",
    }
    preview = staff_client.post(f"/manage/events/{event.id}/messages/", data=form).text
    # Each reads their own wording, the placeholders filled in their language.
    assert "Estimada Ana Pérez: nos vemos el 18–19 de noviembre de 2027." in preview
    assert "Dear Marie Curie, see you on 18–19 novembre 2027." in preview
    assert db.session.scalar(select(Message)) is None

    staff_client.post(f"/manage/events/{event.id}/messages/", data={**form, "send": "1"})
    message = db.session.scalar(select(Message))
    assert message.language == "en" and [t.locale for t in message.texts] == ["es"]
    (to_ana,) = mailbox.to(ana.email)
    (to_marie,) = mailbox.to("marie@example.org")
    assert to_ana["Subject"] == "Nos vemos el 18–19 de noviembre de 2027"
    assert to_marie["Subject"] == "See you on 18–19 novembre 2027"  # no French: the default
    page = staff_client.get(f"/manage/messages/{message.id}").text
    assert "Estimada {name}: nos vemos el {dates}." in page and 'lang="es"' in page


def test_a_wording_with_its_subject_alone_or_in_the_defaults_language_is_refused(
    staff_client, db, make
):
    event = make.event()
    spanish(db, event)
    base = {"subject": "Hello", "body": "Dear {name}", "language": "en"}
    for extra, field in (
        ({"subject_es": "Hola"}, "body_es"),
        ({"subject_en": "Hello again", "body_en": "Hi"}, "subject_en"),
        ({"subject_fr": "Bonjour", "body_fr": "Cher {nom}"}, "body_fr"),
    ):
        response = staff_client.post(
            f"/manage/events/{event.id}/messages/", data={**base, **extra, "send": "1"}
        )
        assert f'id="{field}-error"' in response.text or 'aria-invalid="true"' in response.text
        assert db.session.scalar(select(Message)) is None


def test_an_invitation_and_an_account_setup_are_in_the_language_staff_choose(
    client, db, make, mailbox
):
    from eventsapp.accounts.models import Role
    from eventsapp.accounts.services import create_user

    admin = create_user("admin@example.org", Role.ADMIN, "one key to rule them", name="Ada")
    db.session.commit()
    login(client, admin)
    client.post(
        "/manage/accounts/new",
        data={
            "email": "coord@example.org",
            "name": "Claire",
            "role": "coordinator",
            "language": "fr",
        },
    )
    (setup,) = mailbox.to("coord@example.org")
    assert setup["Subject"] != "Your account on eventsapp" and "Bonjour Claire" in (
        setup.get_body().get_content()
    )

    event = make.open_event()
    organisation = make.organisation(name="Jurado Nacional de Elecciones")
    client.post(
        f"/manage/events/{event.id}/invitations",
        data={
            "organisation_id": organisation.id,
            "emails": "oficial@jne.example",
            "language": "es",
        },
    )
    (invitation,) = mailbox.to("oficial@jne.example")
    body = invitation.get_body().get_content()
    assert "Dear colleague" not in body and invitation["Subject"].startswith("Invitación")


def test_the_demos_events_read_in_spanish_and_french(client, db):
    load_demo()
    db.session.commit()
    event = db.session.scalar(select(Event).where(Event.title == "Latin American Democracy Forum"))
    spanish_page = client.get(f"/events/{event.id}", headers=SPANISH).text
    assert "Foro de la Democracia Latinoamericana" in spanish_page
    french_page = client.get(f"/events/{event.id}", headers=FRENCH).text
    assert "Forum latino-américain de la démocratie" in french_page
    assert "Ouvert aux agents électoraux, aux universitaires" in french_page  # its audience
    copies = db.session.scalars(
        select(Event).where(Event.title.like("International workshop/internship (% 2027)"))
    ).all()
    assert copies and all({t.locale for t in copy.translations} == {"es", "fr"} for copy in copies)


def test_dates_on_lists_read_in_the_visitors_language_with_the_window_only_when_it_says_more(
    client, db, make
):
    make.event(title="Taller de registro", date_text="early March 2027")
    make.event(title="Pasantía", date_text="May 2027 (tbc)")
    page = client.get("/calendar/2027", headers=FRENCH).text
    text = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert "début mars 2027 (1–10 mars 2027)" in text
    # Said once, by the badge beside the dates (it read "mai 2027 (à confirmer) à confirmer").
    assert "mai 2027 à confirmer" in text and "(mai 2027)" not in text
    assert "(à confirmer)" not in text
    assert "early March" not in text and "(tbc)" not in text
    spanish = " ".join(
        re.sub(r"<[^>]+>", " ", client.get("/calendar/2027", headers=SPANISH).text).split()
    )
    assert "mayo de 2027 por confirmar" in spanish and "(por confirmar)" not in spanish
    home = client.get("/calendar/2027", headers=SPANISH).text
    glued = " ".join(re.sub(r"<[^>]+>", "", home).split())  # tags gone, not made spaces
    assert "mayo de 2027 por confirmar" in glued  # not "mayo de 2027por confirmar"


def test_an_address_refused_says_what_to_write_in_the_visitors_language(client, db, make):
    """Not WTForms' own "Email inválido." (half English): what to write, beside the field."""
    from tests.test_registration_http import FORM

    event = make.open_event(capacity=10)
    answer = client.post(
        f"/events/{event.id}/register", data={**FORM, "email": "amina@"}, headers=SPANISH
    )
    page = answer.get_data(as_text=True)
    assert "Escriba una dirección de correo electrónico, como nombre@ejemplo.org." in page
    assert "Email inválido" not in page
    assert db.session.scalar(select(Registration.id)) is None
