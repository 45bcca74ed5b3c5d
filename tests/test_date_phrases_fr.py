"""The date reader in French (as in Spanish), what authorities write ("second half of 2027",
"before the May 2028 elections") in the three languages, and the reading written back in the
visitor's language."""

import dataclasses
from datetime import date

import pytest
from flask_babel import force_locale
from hypothesis import given
from sqlalchemy import func, select

from eventsapp.authority_requests.services import read_window
from eventsapp.catalogue.models import Event
from eventsapp.core.dates import (
    DatePhraseError,
    DateWindow,
    describe_window,
    format_window,
    read_date_phrase,
)
from eventsapp.core.dates import writing as writing_module
from eventsapp.core.dates.words import FRENCH, SPANISH, merge
from eventsapp.core.errors import InvalidInput
from tests.test_date_phrases import FAST, day_ranges
from tests.test_events import post_event

D, W, P, M, S, Y = "day", "week", "part_of_month", "month", "season", "year"
TODAY = date(2026, 11, 29)


def d(text):
    return date.fromisoformat(text)


# phrase, context year, first day, last day, precision, tentative
FRENCH_PHRASES = [
    ("début mars 2027 (à confirmer)", None, "2027-03-01", "2027-03-10", P, True),
    ("mi-avril", 2012, "2012-04-11", "2012-04-20", P, False),
    ("Mi-avril 2012", None, "2012-04-11", "2012-04-20", P, False),
    ("à la mi-mars 2027", None, "2027-03-11", "2027-03-20", P, False),
    ("fin octobre-début novembre 2012", None, "2012-10-21", "2012-11-10", P, False),
    ("fin de mars 2012", None, "2012-03-21", "2012-03-31", P, False),
    ("au début d'avril 2012", None, "2012-04-01", "2012-04-10", P, False),
    ("à la fin d’août 2012", None, "2012-08-21", "2012-08-31", P, False),
    ("automne 2016", None, "2016-09-01", "2016-11-30", S, False),
    ("l'automne 2016", None, "2016-09-01", "2016-11-30", S, False),
    ("au printemps 2017", None, "2017-03-01", "2017-05-31", S, False),
    ("été 2014", None, "2014-06-01", "2014-08-31", S, False),
    ("hiver 2013", None, "2013-12-01", "2014-02-28", S, False),
    ("printemps", 2017, "2017-03-01", "2017-05-31", S, False),
    ("du 18 au 22 janvier 2016", None, "2016-01-18", "2016-01-22", D, False),
    ("18-22 janvier 2016", None, "2016-01-18", "2016-01-22", D, False),
    ("entre le 18 et le 22 janvier 2016", None, "2016-01-18", "2016-01-22", D, False),
    ("du 28 novembre au 9 décembre 2011", None, "2011-11-28", "2011-12-09", D, False),
    ("1er mars 2027", None, "2027-03-01", "2027-03-01", D, False),
    ("le 2 février 2027", None, "2027-02-02", "2027-02-02", D, False),
    ("18 févr. 2016", None, "2016-02-18", "2016-02-18", D, False),
    ("courant mai", 2027, "2027-05-01", "2027-05-31", M, False),
    ("en juillet 2027", None, "2027-07-01", "2027-07-31", M, False),
    ("de mars à mai 2027", None, "2027-03-01", "2027-05-31", M, False),
    ("mai ou juin 2012", None, "2012-05-01", "2012-06-30", M, True),
    ("septembre 2016 (provisoire)", None, "2016-09-01", "2016-09-30", M, True),
    ("octobre 2016 (dates exactes à préciser)", None, "2016-10-01", "2016-10-31", M, True),
    ("2e semestre 2027", None, "2027-07-01", "2027-12-31", M, False),
    ("second semestre 2027", None, "2027-07-01", "2027-12-31", M, False),
    ("premier semestre 2028", None, "2028-01-01", "2028-06-30", M, False),
    ("1re semaine de mai 2012", None, "2012-05-01", "2012-05-07", W, False),
    ("la troisième semaine de septembre 2012", None, "2012-09-15", "2012-09-21", W, False),
    ("la dernière semaine d'octobre 2012", None, "2012-10-25", "2012-10-31", W, False),
    ("2017-2018", None, "2017-01-01", "2018-12-31", Y, False),
    # what authorities write, in the three languages
    ("second half of 2027", None, "2027-07-01", "2027-12-31", M, False),
    ("the first half of 2028", None, "2028-01-01", "2028-06-30", M, False),
    ("segundo semestre de 2027", None, "2027-07-01", "2027-12-31", M, False),
    ("primer semestre del 2028", None, "2028-01-01", "2028-06-30", M, False),
    ("before the May 2028 elections", None, "2026-11-30", "2028-04-30", M, True),
    ("before the general elections of May 2028", None, "2026-11-30", "2028-04-30", M, True),
    ("antes de las elecciones de mayo de 2028", None, "2026-11-30", "2028-04-30", M, True),
    ("avant les élections de mai 2028", None, "2026-11-30", "2028-04-30", M, True),
    ("avant le référendum du 15 mars 2027", None, "2026-11-30", "2027-03-14", D, True),
    # Spanish, as French reads
    ("en otoño de 2016", None, "2016-09-01", "2016-11-30", S, False),
    ("el 1º de marzo de 2027", None, "2027-03-01", "2027-03-01", D, False),
]


@pytest.mark.parametrize(
    "phrase, year, first, last, precision, tentative",
    FRENCH_PHRASES,
    ids=[row[0] for row in FRENCH_PHRASES],
)
def test_reads_phrase(phrase, year, first, last, precision, tentative):
    window = read_date_phrase(phrase, year, today=TODAY)
    assert window == DateWindow(d(first), d(last), precision, tentative)


@pytest.mark.parametrize(
    "phrase, part",
    [
        ("mi-2027", '"mi-"'),  # "mid" is a part of a month: a year has none, nothing is guessed
        ("fin 2027", '"fin"'),
        ("5e semaine de mai 2012", '"5e semaine de"'),
        ("3e semestre 2027", '"3e semestre"'),
        ("dernier semestre 2027", "a year has two halves"),
        ("bientôt", '"bientôt"'),
        ("mars-2012", '"2012" is a whole year'),
        ("avant les élections", "Expected a date"),
        ("avant le 30 novembre 2026", '"30 novembre 2026" is not after tomorrow'),
        ("before the May 2020 elections", '"May 2020" is not after tomorrow'),
    ],
)
def test_refuses_naming_the_part(phrase, part):
    with pytest.raises(DatePhraseError) as refused:
        read_date_phrase(phrase, 2012, today=TODAY)
    assert part in str(refused.value)


def test_authorities_preferred_dates_are_read_by_the_reader():
    window = read_window("antes de las elecciones de mayo de 2028", TODAY)
    assert (window.starts_on, window.ends_on, window.tentative) == (
        d("2026-11-30"),
        d("2028-04-30"),
        True,
    )
    with pytest.raises(InvalidInput) as refused:
        read_window("avant les élections de mai 2020", TODAY)
    assert refused.value.field == "date_text" and "not after tomorrow" in refused.value.message


BEFORE = "before the May 2028 elections"
NOT_THE_DATES = "does not say the dates, only what they are before"


def test_before_is_read_only_counting_from_a_given_day():
    """Read on another day, "before ..." would start on another day: only a request, read once as
    it arrives, gives the day it counts from (``today``)."""
    for phrase in (BEFORE, "antes de las elecciones de mayo de 2028", "avant le 15 mars 2027"):
        with pytest.raises(DatePhraseError, match=NOT_THE_DATES):
            read_date_phrase(phrase)
    with pytest.raises(DatePhraseError, match=NOT_THE_DATES):
        read_date_phrase("before May", 2027)  # said before the year is asked for


def test_events_plans_and_the_api_refuse_before(staff_client, db, make):
    response = post_event(staff_client, date_text=BEFORE)
    assert "Nothing was saved" in response.text and NOT_THE_DATES in response.text
    assert 'id="date_text-error-1"' in response.text  # beside the field

    answer = staff_client.get("/api/v1/dates/parse", query_string={"text": BEFORE})
    assert answer.status_code == 400 and NOT_THE_DATES in answer.json["error"]

    programme = make.programme("Plan with elections")
    plan = f"My programme\nSection A: Meetings\nKick-off workshop\nDates: {BEFORE}\n"
    form = {"programme_id": programme.id, "shape": "auto", "text": plan}
    preview = staff_client.post("/manage/import", data=form)
    assert f"Dates: {BEFORE}</li>" in preview.text  # among the lines not understood
    staff_client.post("/manage/import", data={**form, "confirm": "1"})
    assert db.session.scalar(select(func.count(Event.id))) == 0


def test_a_word_means_the_same_in_every_language():
    confused = dataclasses.replace(FRENCH, parts={**FRENCH.parts, "fin de": "early"})
    with pytest.raises(ValueError, match="'fin de' means both"):
        merge([SPANISH, confused])


# ------------------------------------------------------------------ written back


@pytest.mark.parametrize(
    "language, first, last, text",
    [
        ("fr", "2011-01-18", "2011-01-19", "18–19 janvier 2011"),
        ("fr", "2011-11-28", "2011-12-09", "28 novembre – 9 décembre 2011"),
        ("fr", "2011-12-30", "2012-01-02", "30 décembre 2011 – 2 janvier 2012"),
        ("fr", "2027-03-01", "2027-03-10", "1–10 mars 2027"),
        ("fr", "2012-05-01", "2012-06-30", "mai – juin 2012"),
        ("fr", "2017-01-01", "2018-12-31", "2017 – 2018"),
        ("es", "2011-01-18", "2011-01-19", "18–19 de enero de 2011"),
        ("es", "2027-03-01", "2027-03-31", "marzo de 2027"),
        ("es", "2012-05-01", "2012-06-30", "mayo – junio de 2012"),
        ("es", "2012-12-01", "2013-05-31", "diciembre de 2012 – mayo de 2013"),
        ("en", "2011-01-18", "2011-01-19", "18–19 January 2011"),
    ],
)
def test_format_window_in_the_visitors_language(app, language, first, last, text):
    """Month names and the order of day, month and year are Babel's: no catalogue needed."""
    with app.test_request_context(), force_locale(language):
        assert format_window(d(first), d(last)) == text
        assert read_date_phrase(text) == read_date_phrase(format_window(d(first), d(last)))


@FAST
@given(day_ranges())
def test_what_is_written_in_french_and_spanish_reads_back(app, day_range):
    first, last = day_range
    for language in ("fr", "es"):
        with app.test_request_context(), force_locale(language):
            window = read_date_phrase(format_window(first, last))
        assert (window.starts_on, window.ends_on, window.tentative) == (first, last, False)


@pytest.mark.parametrize(
    "phrase, text",
    [
        ("early March 2027 (tbc)", "early March 2027 (tbc)"),
        ("début mars 2027 (à confirmer)", "early March 2027 (tbc)"),
        ("fin octobre-début novembre 2012", "late October – early November 2012"),
        ("end of December 2012 - mid January 2013", "late December 2012 – mid-January 2013"),
        ("mediados de abril de 2012", "mid-April 2012"),
        ("la dernière semaine de février 2012", "last week of February 2012"),
        (
            "second week of May-third week of May 2012",
            "second week of May – third week of May 2012",
        ),
        ("automne 2016", "autumn 2016"),
        ("winter 2016 - spring 2017", "winter 2016 – spring 2017"),
        ("5 March-late March 2012", "5–31 March 2012"),  # no part starts on the 5th
        ("18-19 janvier 2011", "18–19 January 2011"),
        ("2e semestre 2027", "July – December 2027"),
    ],
)
def test_describe_window_in_english(app, phrase, text):
    with app.test_request_context(), force_locale("en"):
        assert describe_window(read_date_phrase(phrase)) == text
        window = read_date_phrase(phrase)
        assert read_date_phrase(text).starts_on == window.starts_on  # read back
        assert read_date_phrase(text).ends_on == window.ends_on


def test_the_words_go_through_gettext(app, monkeypatch):
    monkeypatch.setattr(writing_module, "pgettext", lambda context, message: "[T]" + message)
    with app.test_request_context():
        text = describe_window(read_date_phrase("early March 2027 (tbc)"))
    assert text.startswith("[T]") and "[T]early" in text


@pytest.mark.parametrize(
    "language, text",
    [
        ("fr", "début mars 2027 (à confirmer)"),
        ("es", "principios de marzo de 2027 (por confirmar)"),
    ],
)
def test_describe_window_in_french_and_spanish(app, language, text):
    with app.test_request_context(), force_locale(language):
        assert describe_window(read_date_phrase("early March 2027 (tbc)")) == text


def test_the_api_reads_french_and_answers_in_the_visitors_language(client):
    answer = client.get(
        "/api/v1/dates/parse",
        query_string={"text": "début mars 2027 (à confirmer)"},
        headers={"Accept-Language": "fr"},
    )
    assert answer.status_code == 200
    assert answer.json["label"] == "1–10 mars 2027"
    assert (answer.json["precision"], answer.json["tentative"]) == ("part_of_month", True)
    answer = client.get(
        "/api/v1/dates/parse",
        query_string={"text": "mi-2027"},
        headers={"Accept-Language": "fr"},
    )
    assert answer.status_code == 400 and "« mi- »" in answer.json["error"]
