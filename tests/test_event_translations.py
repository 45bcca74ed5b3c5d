"""Event content in other languages: staff write an event's title, purpose and description in
Spanish or French; visitors see their language, else the original, marked with its ``lang``."""

from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from eventsapp.catalogue.models import EventTranslation
from eventsapp.catalogue.rows import event_rows
from eventsapp.catalogue.translations import attach_translations, localized
from tests.conftest import login

TITLE = "Workshop on electoral justice"
SPANISH = "Taller sobre justicia electoral"


def visit(app, event, language):
    """The public event page as an anonymous visitor whose browser asks for `language`."""
    response = app.test_client().get(f"/events/{event.id}", headers={"Accept-Language": language})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def translate(client, event, language="es", **fields):
    data = {f"{language}-{name}": value for name, value in fields.items()}
    return client.post(f"/manage/events/{event.id}/translations/{language}", data=data)


def saved(db):
    return db.session.scalars(select(EventTranslation)).all()


@pytest.fixture
def event(make):
    return make.event(title=TITLE, purpose=["Share the practices of electoral courts"])


def test_staff_add_a_spanish_title_that_spanish_visitors_see(app, staff_client, event):
    before = event.updated_at
    response = translate(
        staff_client,
        event,
        title=SPANISH,
        description="Tres días de trabajo con los tribunales de la región.",
    )
    assert response.status_code == 302
    page = staff_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Saved the Spanish version." in page
    assert f'value="{SPANISH}"' in page  # the form shows what was saved

    spanish = visit(app, event, "es-MX,es;q=0.9")
    assert '<html lang="es">' in spanish
    assert f"<h1>{SPANISH}</h1>" in spanish  # in the page's language: no lang of its own
    assert "<title>" + SPANISH in spanish
    assert '<p class="notes">Tres días de trabajo' in spanish
    # The purpose was not translated: the original's, marked as English.
    assert '<ul lang="en"><li>Share the practices of electoral courts</li></ul>' in spanish

    # The year's calendar, kept per version of its events, is written again.
    assert event.updated_at > before

    english = visit(app, event, "en")
    assert f"<h1>{TITLE}</h1>" in english and SPANISH not in english
    assert "Tres días" not in english  # the original has no description


def test_a_french_visitor_without_a_french_version_sees_the_original_marked_english(
    app, staff_client, event
):
    translate(staff_client, event, title=SPANISH)
    french = visit(app, event, "fr-CA, en;q=0.8")
    assert '<html lang="fr">' in french
    assert f'<h1 lang="en">{TITLE}</h1>' in french
    assert '<ul lang="en"><li>Share the practices' in french
    assert SPANISH not in french
    # The dates as French writes them (the event's phrase is "18-19 January 2016").
    assert '<span class="date-text">18–19 janvier 2016</span>' in french


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"title": "T" * 301}, "title", "Field cannot be longer than 300 characters."),
        ({"title": "Taller\tsobre"}, "title", "Write this on one line"),
        ({"description": "d" * 10_001}, "description", "Field cannot be longer than 10000"),
    ],
)
def test_bad_input_is_refused_beside_its_field(db, staff_client, event, fields, field, message):
    response = translate(staff_client, event, **fields)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert f'<small class="error" id="es-{field}-error-1">{message}' in page
    assert 'aria-invalid="true"' in page
    assert saved(db) == []


def test_a_nul_character_is_refused_and_nothing_is_written(db, staff_client, event):
    response = translate(staff_client, event, title="Taller\x00")
    assert response.status_code == 400
    assert "control characters" in response.get_data(as_text=True)
    assert saved(db) == []


def test_emptying_every_field_removes_the_version(app, db, staff_client, event):
    translate(staff_client, event, title=SPANISH)
    response = translate(staff_client, event, title=" ", purpose="", description="")
    assert response.status_code == 302
    assert saved(db) == []
    assert f'<h1 lang="en">{TITLE}</h1>' in visit(app, event, "es")


def test_only_the_other_languages_of_the_site_are_offered(staff_client, event):
    page = staff_client.get(f"/manage/events/{event.id}/translations").get_data(as_text=True)
    assert 'id="es-title"' in page and 'id="fr-title"' in page and 'id="en-title"' not in page
    assert 'lang="es"' in page  # the fields say the language they are written in
    assert translate(staff_client, event, "en", title="Workshop").status_code == 404
    assert translate(staff_client, event, "de", title="Werkstatt").status_code == 404
    assert staff_client.get("/manage/events/999999/translations").status_code == 404


def test_the_translations_page_is_for_staff_only(app, client, delegate_user, event):
    url = f"/manage/events/{event.id}/translations"
    assert "/login" in client.get(url).headers["Location"]
    assert "/login" in translate(client, event, title=SPANISH).headers["Location"]
    login(client, delegate_user)
    assert client.get(url).status_code == 403
    assert translate(client, event, title=SPANISH).status_code == 403


def test_the_database_refuses_a_second_version_or_another_language(db, event):
    db.session.add(EventTranslation(event_id=event.id, locale="de", title="Werkstatt"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    db.session.add(EventTranslation(event_id=event.id, locale="es", title="Uno"))
    db.session.add(EventTranslation(event_id=event.id, locale="es", title="Dos"))
    with pytest.raises(IntegrityError):
        db.session.flush()


@pytest.mark.parametrize("count", [10, 500])
def test_lists_load_the_titles_in_one_query(db, make, count_queries, count):
    events = [make.event(title=f"Event {n}", commit=False) for n in range(count)]
    db.session.flush()
    db.session.add_all(
        EventTranslation(event_id=e.id, locale="es", title=f"Evento {n}")
        for n, e in enumerate(events)
        if n % 2
    )
    db.session.commit()
    rows = event_rows([e.id for e in events])
    with force_locale("es"):
        with count_queries() as queries:
            attach_translations(rows)
            titles = {str(localized(row, "title")) for row in rows}
        assert len(queries) == 1
    assert "Evento 1" in titles and "Event 0" in titles and "Event 1" not in titles


def test_spanish_visitors_see_the_spanish_title_on_the_calendars(app, staff_client, make, today):
    year = today.year + 1
    event = make.event(title=TITLE, date_text=f"18-19 January {year}")
    visitor = app.test_client()
    english = visitor.get(f"/calendar/{year}").text  # kept for the event's version
    assert TITLE in english
    translate(staff_client, event, title=SPANISH)
    for path in ("/", f"/calendar/{year}"):
        spanish = visitor.get(path, headers={"Accept-Language": "es"}).text
        assert f">{SPANISH}</a>" in spanish and TITLE not in spanish, path
        english = visitor.get(path).text
        assert f">{TITLE}</a>" in english and SPANISH not in english, path


def add_translated_events(db, make, today, first, count):
    """`count` upcoming events, every other one with a Spanish title."""
    events = [
        make.event(
            title=f"Event {n}",
            date_text=(today + timedelta(days=10 + n)).isoformat(),
            commit=False,
        )
        for n in range(first, first + count)
    ]
    db.session.flush()
    db.session.add_all(
        EventTranslation(event_id=e.id, locale="es", title=f"Evento {e.title.split()[1]}")
        for e in events
        if int(e.title.split()[1]) % 2
    )
    db.session.commit()


def test_the_home_page_in_spanish_runs_as_many_queries_for_5_and_25_events(
    app, db, make, count_queries, today
):
    visitor = app.test_client()
    counts = []
    for first, count in ((0, 5), (5, 20)):
        add_translated_events(db, make, today, first, count)
        with count_queries() as queries:
            page = visitor.get("/", headers={"Accept-Language": "es"}).text
        counts.append(len(queries))
        last = first + count - 1  # even: not translated
        assert f">Evento {last - 1}</a>" in page and f">Event {last}</a>" in page
        assert "Event 1<" not in page and "Evento 0<" not in page
    assert counts[0] == counts[1], counts


def test_the_events_calendar_file_reads_in_the_visitors_language(app, staff_client, make, db):
    """The .ics a Spanish delegate downloads (and is emailed): the title staff translated, the
    dates as Spanish reads them, the purpose not translated left as written; in English, as
    written."""
    event = make.event(
        title=TITLE, date_text="October 5th-7th 2027", purpose=["Share the practices"]
    )
    assert translate(staff_client, event, title=SPANISH).status_code == 302

    def calendar(language: str) -> str:
        answer = app.test_client().get(
            f"/events/{event.id}.ics", headers={"Accept-Language": language}
        )
        assert answer.status_code == 200
        return answer.get_data(as_text=True).replace("\r\n ", "")  # lines unfolded

    spanish = calendar("es")
    assert f"SUMMARY:{SPANISH}" in spanish
    assert "Fechas: 5–7 de octubre de 2027" in spanish and "October 5th" not in spanish
    assert "- Share the practices" in spanish
    english = calendar("en")
    assert f"SUMMARY:{TITLE}" in english and "Dates: October 5th-7th 2027" in english

    event = make.event(title="Seminar", date_text="2028")  # a year: its first day, marked
    assert "SUMMARY:Seminar (≈ 2028)" in calendar("en")
    assert "SUMMARY:Seminar (≈ 2028)" in calendar("es")
    event = make.event(title="Forum", date_text="spring 2028")
    assert "SUMMARY:Forum (≈ spring 2028)" in calendar("en")
    assert "SUMMARY:Forum (≈ primavera de 2028)" in calendar("es")
