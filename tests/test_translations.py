"""English, Spanish and French: every string translatable and translated, the visitor's language
chosen (switcher, then Accept-Language), and pages, emails, feeds and exports written in it.

The tests that read Spanish or French text need the catalogues of eventsapp/translations compiled
(``make install``, which ``make test`` runs); they fail while a catalogue lacks a message.
"""

import csv
import io
import logging
import os
import re
from datetime import date, datetime
from pathlib import Path

import icalendar
import jinja2
import pytest
from babel.dates import format_date
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from babel.support import Translations
from flask import current_app, render_template_string
from flask_babel import refresh
from jinja2 import nodes
from sqlalchemy import select

from eventsapp import create_app
from eventsapp.accounts.models import Role, User
from eventsapp.accounts.services import create_user
from eventsapp.catalogue.services import set_region_override
from eventsapp.core.clock import utcnow
from eventsapp.costs.settings import set_air_fare, set_reporting_currency
from eventsapp.registration.models import Registration
from tests.conftest import login
from tests.test_registration_http import link_path, post_registration

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
TRANSLATED = ("es", "fr")  # English is the language of the code

# ---------------------------------------------------------------- templates hold no bare words

# What is not text: Jinja's expressions, statements and comments (kept as a mark, and their line
# breaks so that lines stay counted), scripts, styles and HTML comments, then tags and entities.
JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
NOT_SHOWN = re.compile(r"<script\b.*?</script>|<style\b.*?</style>|<!--.*?-->", re.S | re.I)
TAG = re.compile(r"<[^>]*>")
ENTITY = re.compile(r"&(#\d+|#x[0-9a-f]+|\w+);", re.I)
WORD = re.compile(r"[^\W\d_]+")
JINJA_ENV = jinja2.Environment(extensions=["jinja2.ext.i18n"])
# Attributes that people read or hear: tooltips, placeholders, accessible names, alternatives;
# the value of a button-like input.
SEEN_ATTRIBUTE = re.compile(
    r"""\b(placeholder|title|aria-label|aria-description|alt|label)\s*=\s*("[^"]*"|'[^']*')""", re.I
)
BUTTON_VALUE = re.compile(r"""\bvalue\s*=\s*("[^"]*"|'[^']*')""", re.I)
BUTTON_INPUT = re.compile(r"""\btype\s*=\s*["']?(submit|button|reset)\b""", re.I)
# Words that are the same in every language: names of file formats, standards and products, which
# links offer under those names ("CSV", "XLSX", "Excel (.xlsx)"), and the Q of quarters written as
# the forms read them ("2016-Q1").
SAME_IN_EVERY_LANGUAGE = {"CSV", "XLSX", "PDF", "ICAL", "ICS", "JSON", "API", "QR", "EXCEL", "Q"}
# Arguments of macros and functions that people read (``field(form.q, placeholder='...')``).
SEEN_ARGUMENTS = {"placeholder", "title", "aria_label", "alt", "label", "text", "message"}


# Printf conversions in format strings ("%.2f", "%(name)s").
CONVERSION = re.compile(r"%(\(\w+\))?[-#0 +]*\d*(\.\d+)?[a-zA-Z]")
# The site's language codes ('en' in ``lang="{{ ... else 'en' }}"``): codes, not words.
LANGUAGE_CODES = {"en", "es", "fr"}


def _words(text: str) -> list[str]:
    if text in LANGUAGE_CODES:
        return []
    text = CONVERSION.sub(" ", text)
    return [w for w in WORD.findall(text) if w.upper() not in SAME_IN_EVERY_LANGUAGE]


def _blank(match: re.Match, mark: str = "") -> str:
    """A match replaced by ``mark`` and its line breaks (so that line numbers stay right)."""
    return mark + "\n" * match.group().count("\n")


def bare_words(source: str) -> list[tuple[int, str]]:
    """(line, text) of each place where a template shows words outside gettext."""
    text = JINJA.sub(lambda m: _blank(m, "\x00"), source)
    text = NOT_SHOWN.sub(_blank, text)
    found = []

    def tag(match: re.Match) -> str:
        line = text.count("\n", 0, match.start()) + 1
        values = [m.group(2) for m in SEEN_ATTRIBUTE.finditer(match.group())]
        if match.group().lower().startswith("<input") and BUTTON_INPUT.search(match.group()):
            values += [m.group(1) for m in BUTTON_VALUE.finditer(match.group())]
        for value in values:
            if _words(value):
                found.append((line, value))
        return _blank(match, " ")

    text = TAG.sub(tag, text)
    text = ENTITY.sub(" ", text)
    for number, line in enumerate(text.split("\n"), start=1):
        if _words(line):
            found.append((number, " ".join(line.replace("\x00", "…").split())))
    return sorted(found + bare_words_in_expressions(source))


def bare_words_in_expressions(source: str) -> list[tuple[int, str]]:
    """Strings that ``{{ }}`` shows as they are (``{{ x or 'None' }}``, ``{{ 'yes' if y }}``), and
    strings given to arguments that people read (``placeholder='Search'``)."""
    found = []

    def shown(node: nodes.Node) -> None:
        if isinstance(node, nodes.Const) and isinstance(node.value, str):
            if _words(node.value):
                found.append((node.lineno, repr(node.value)))
        elif isinstance(node, nodes.CondExpr):
            shown(node.expr1)
            if node.expr2 is not None:
                shown(node.expr2)
        elif isinstance(node, nodes.Or | nodes.And):
            shown(node.left)
            shown(node.right)
        elif isinstance(node, nodes.Concat):
            for part in node.nodes:
                shown(part)
        elif isinstance(node, nodes.Filter) and node.node is not None:
            shown(node.node)

    tree = JINJA_ENV.parse(source)
    for output in tree.find_all(nodes.Output):
        for node in output.nodes:
            if not isinstance(node, nodes.TemplateData):
                shown(node)
    for call in tree.find_all(nodes.Call):
        for keyword in call.kwargs:
            if keyword.key in SEEN_ARGUMENTS:
                shown(keyword.value)
    return found


def template_offenders() -> list[str]:
    offenders = []
    for path in sorted(TEMPLATES.rglob("*")):
        if path.suffix in (".html", ".txt", ".xml", ".ics"):
            for line, text in bare_words(path.read_text(encoding="utf-8")):
                offenders.append(f"{path.relative_to(ROOT)}:{line}: {text}")
    return offenders


def test_the_template_scan_finds_bare_words_and_nothing_else():
    source = """{% extends "base.html" %}{# a comment with words #}
<p class="lead">{{ _('Translated') }} · 12 &amp; {{ count }}</p>
<button type="submit">Save</button>
<input type="search" placeholder="{{ _('Search') }}" aria-label="Search events">
<input type="submit" value="Send"> <input type="hidden" name="next" value="/events">
<a href="{{ url }}" title="{{ _('Open') }}">{{ _('Open') }}</a> <a href="x.csv">CSV</a>
<script src="a.js">var words = 1;</script>
{{ country or 'International' }} {{ 'yes' if x else '—' }} {{ field(f.q, placeholder='Name') }}
<button type="submit" name="direction" value="up">↑</button> {{ url_for('site.index') }}
"""
    assert bare_words(source) == [
        (3, "Save"),
        (4, '"Search events"'),
        (5, '"Send"'),
        (8, "'International'"),
        (8, "'Name'"),
        (8, "'yes'"),
    ]


def test_templates_show_no_words_outside_gettext():
    offenders = template_offenders()
    assert not offenders, "Words outside _() in templates:\n" + "\n".join(offenders)


# ---------------------------------------------------------------- catalogues hold every message


def messages_in_the_code() -> dict[str, str]:
    """Every message the code and templates use (as `make translations` extracts them, per
    babel.cfg), with where it is: msgid (a plural's singular) → "file:line"."""
    with (ROOT / "babel.cfg").open() as handle:
        method_map, options_map = parse_mapping_cfg(handle, "babel.cfg")
    keywords = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
    found = {}
    for filename, line, message, *_ in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=keywords
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        found.setdefault(msgid, f"{filename}:{line}")
    return found


def translated(language: str) -> set[str]:
    """The msgids the language's catalogue translates: neither empty nor fuzzy (which
    compiling leaves out), every plural form given."""
    path = ROOT / "eventsapp" / "translations" / language / "LC_MESSAGES" / "messages.po"
    assert path.exists(), f"There is no {language} catalogue: {path.relative_to(ROOT)}"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    done = set()
    for message in catalog:
        forms = message.string if isinstance(message.string, tuple | list) else [message.string]
        if message.id and not message.fuzzy and all(forms):
            done.add(message.id[0] if isinstance(message.id, tuple) else message.id)
    return done


def test_the_extraction_finds_python_and_template_messages():
    messages = messages_in_the_code()
    assert messages["Upcoming events"].startswith("templates")
    assert messages["There is no such page. It may have been removed."].startswith("eventsapp")
    assert "Cancelled: %(title)s" in messages  # from _l() too


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_catalogue_translates_every_message(language):
    done = translated(language)
    missing = sorted((place, msgid) for msgid, place in messages_in_the_code().items())
    missing = [f"{place}: {msgid!r}" for place, msgid in missing if msgid not in done]
    assert not missing, f"{len(missing)} messages without a {language} translation:\n" + "\n".join(
        missing
    )


# ---------------------------------------------------------------- the visitor's language


def in_catalogue(language: str, msgid: str) -> str:
    """A message as the compiled catalogue translates it (a test of pages, not of the
    translators: it fails if the catalogue has no translation)."""
    directory = current_app.config["BABEL_TRANSLATION_DIRECTORIES"]
    text = Translations.load(directory, [language]).gettext(msgid)
    assert text != msgid, f"The {language} catalogue does not translate {msgid!r}"
    return text


def page(client, path: str, **headers) -> str:
    response = client.get(path, headers=headers)
    assert response.status_code == 200
    return response.data.decode()


def test_pages_speak_the_browsers_language_else_english(client, db):
    assert '<html lang="es">' in page(client, "/", **{"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"})
    assert '<html lang="fr">' in page(client, "/", **{"Accept-Language": "fr-CA, en;q=0.8"})
    assert '<html lang="en">' in page(client, "/", **{"Accept-Language": "de, pt;q=0.5"})
    english = page(client, "/")
    assert '<html lang="en">' in english and "Upcoming events" in english
    # The switcher names each language in itself, marked with its language.
    assert '<option value="es" lang="es">Español</option>' in english
    assert '<option value="fr" lang="fr">Français</option>' in english
    assert '<option value="en" lang="en" selected>English</option>' in english


def test_a_spanish_speaking_visitor_reads_spanish(client, db):
    text = page(client, "/", **{"Accept-Language": "es"})
    assert "Próximos eventos" in text and "Calendario" in text and "Iniciar sesión" in text
    assert "Upcoming events" not in text


def test_choosing_french_is_remembered_by_the_browser(client, db):
    response = client.post(
        "/language", data={"language": "fr", "next": "/calendar/2027?kind=workshop"}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/calendar/2027?kind=workshop"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("language=fr;")
    assert "Max-Age=31536000" in cookie and "SameSite=Lax" in cookie and "HttpOnly" in cookie
    assert "Secure" not in cookie  # as the session cookie (SESSION_COOKIE_SECURE off in tests)
    # A browser asking for Spanish still gets the language chosen.
    assert '<html lang="fr">' in page(client, "/", **{"Accept-Language": "es"})


def test_the_language_cookie_is_secure_when_the_session_cookie_is(client, db, app, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_COOKIE_SECURE", True)
    response = client.post("/language", data={"language": "es"})
    assert "Secure" in response.headers["Set-Cookie"]
    assert response.headers["Location"] == "/"  # no next: the home page


def test_pages_are_in_french_once_chosen(client, db):
    client.post("/language", data={"language": "fr", "next": "/"})
    text = page(client, "/")
    assert "Événements à venir" in text and "Calendrier" in text and "Se connecter" in text


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "/\tevil",
        "evil.example",
    ],
)
def test_the_switcher_sends_nobody_to_another_site(client, db, target):
    response = client.post("/language", data={"language": "es", "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_an_unknown_language_is_refused_and_nothing_is_set(client, db):
    response = client.post("/language", data={"language": "xx", "next": "/"})
    assert response.status_code == 400
    assert "Choose one of the languages offered." in response.data.decode()
    assert "Set-Cookie" not in response.headers or "language=" not in response.headers["Set-Cookie"]


def test_a_signed_in_persons_choice_follows_them_to_another_device(app, client, db):
    user = create_user("ana@ine.example", Role.DELEGATE, "green-hills-under-rain")
    user.email_confirmed_at = utcnow()
    db.session.commit()
    login(client, user)
    client.post("/language", data={"language": "es", "next": "/"})
    assert db.session.get(User, user.id).locale == "es"  # its emails are in Spanish too

    other_device = app.test_client()
    response = other_device.post(
        "/login", data={"email": "ana@ine.example", "password": "green-hills-under-rain"}
    )
    assert response.status_code == 302
    assert response.headers["Set-Cookie"].startswith("language=es;")
    assert '<html lang="es">' in page(other_device, "/", **{"Accept-Language": "en"})


def test_a_language_chosen_before_signing_in_is_kept_and_becomes_the_accounts(client, db):
    user = create_user("ana@ine.example", Role.DELEGATE, "green-hills-under-rain", locale="en_GB")
    db.session.commit()
    client.post("/language", data={"language": "fr", "next": "/login"})
    response = client.post(
        "/login", data={"email": "ana@ine.example", "password": "green-hills-under-rain"}
    )
    assert response.status_code == 302
    assert not [c for c in response.headers.getlist("Set-Cookie") if c.startswith("language=")]
    assert '<html lang="fr">' in page(client, "/")
    assert db.session.get(User, user.id).locale == "fr"  # its emails and other devices too


@pytest.fixture
def protected_app(settings, app):
    """The application with CSRF protection on, as in production (the tests turn it off)."""
    return create_app({**settings, "WTF_CSRF_ENABLED": True})


def test_anonymous_pages_set_no_cookie_and_the_switcher_needs_no_token(protected_app, db, make):
    make.event(title="Voter registration workshop", date_text="18-19 January 2030")
    visitor = protected_app.test_client()
    for path in ("/", "/calendar/2030"):
        response = visitor.get(path)
        assert response.status_code == 200
        assert response.headers.getlist("Set-Cookie") == []  # no session: caches may share it
        assert 'name="csrf_token"' not in response.text
    response = visitor.post("/language", data={"language": "fr", "next": "/calendar/2030"})
    assert response.status_code == 302 and response.headers["Location"] == "/calendar/2030"
    [cookie] = response.headers.getlist("Set-Cookie")
    assert cookie.startswith("language=fr;")
    assert '<html lang="fr">' in page(visitor, "/")
    # Other forms still need their token.
    refused = visitor.post("/login", data={"email": "ana@ine.example", "password": "x" * 12})
    assert refused.status_code == 400 and "CSRF" in refused.text


def _catalogue(directory: Path, language: str, compiled: bool) -> Path:
    """A copy under `directory` of the shipped catalogue of `language`; with its .mo, older."""
    shipped = Path(current_app.config["BABEL_TRANSLATION_DIRECTORIES"], language, "LC_MESSAGES")
    folder = directory / language / "LC_MESSAGES"
    folder.mkdir(parents=True)
    po = folder / "messages.po"
    po.write_bytes((shipped / "messages.po").read_bytes())
    if compiled:
        mo = folder / "messages.mo"
        mo.write_bytes((shipped / "messages.mo").read_bytes())
        changed = po.stat().st_mtime
        os.utime(mo, (changed - 60, changed - 60))  # the .po was changed since
    return po


def test_catalogues_not_compiled_are_named_at_start_up_and_never_written(
    settings, db, tmp_path, caplog
):
    missing = _catalogue(tmp_path, "es", compiled=False)
    stale = _catalogue(tmp_path, "fr", compiled=True)
    files = {path: path.stat().st_mtime for path in tmp_path.rglob("*")}
    with caplog.at_level(logging.WARNING, logger="eventsapp.core.i18n"):
        started = create_app({**settings, "BABEL_TRANSLATION_DIRECTORIES": str(tmp_path)})
    warnings = [r.getMessage() for r in caplog.records if r.name == "eventsapp.core.i18n"]
    assert len(warnings) == 2 and all("run `make install`" in w for w in warnings)
    assert str(missing) in warnings[0] and str(stale) in warnings[1]
    # Nothing compiled, nothing left behind: the application only reads the catalogues.
    assert {path: path.stat().st_mtime for path in tmp_path.rglob("*")} == files
    # The site answers meanwhile. (In English: Flask-Babel keeps the catalogues it loaded for the
    # whole process, whichever application loaded them, and the other tests need the real ones.)
    assert started.test_client().get("/").status_code == 200


def test_regions_are_named_in_the_visitors_language(staff_client, db, make):
    programme = make.programme("CICIE")
    set_region_override(programme, "GE", "Europe")
    set_reporting_currency(programme, "USD", actor=None)
    set_air_fare(programme, 2016, "Americas", "600.00", "USD", actor=None)
    db.session.commit()
    spanish = {"Accept-Language": "es"}
    europe, americas = in_catalogue("es", "Europe"), in_catalogue("es", "Americas")

    text = page(staff_client, f"/manage/programmes/{programme.id}", **spanish)
    counted = in_catalogue("es", "%(country)s is counted in %(region)s")
    assert counted % {"country": "Georgia", "region": europe} in text
    assert f'<option value="Europe">{europe}</option>' in text  # stored in English

    text = page(staff_client, f"/manage/programmes/{programme.id}/costs", **spanish)
    assert f"<td>{americas}</td>" in text and "<td>Americas</td>" not in text
    assert "<td>Americas</td>" in page(staff_client, f"/manage/programmes/{programme.id}/costs")


def test_dates_money_countries_and_languages_in_the_visitors_language(app, db):
    template = (
        "{{ d|day }} | {{ m|moment }} | {{ amount|money('USD') }} | {{ amount|money }} | "
        "{{ 'CI'|country_name('Ivory Coast') }} | {{ 'en'|language_name }}"
    )
    values = {
        "d": date(2027, 10, 5),
        "m": datetime(2026, 11, 22, 18, 37),
        "amount": 12345.5,
    }
    expected = {
        "en": "5 October 2027 | 22 Nov 2026, 18:37 | US$12,345.50 | 12,345.50 | Ivory Coast | "
        "English",
        "es": "5 de octubre de 2027 | 22 nov 2026, 18:37 | 12.345,50\xa0US$ | 12.345,50 | "
        "Côte d’Ivoire | inglés",
        "fr": "5 octobre 2027 | 22 nov. 2026, 18:37 | 12\u202f345,50\xa0$US | 12\u202f345,50 | "
        "Côte d’Ivoire | anglais",
    }
    for language, text in expected.items():
        with app.test_request_context("/", headers={"Accept-Language": language}):
            refresh()  # the locale is kept in `g`, which this test's app context shares
            assert render_template_string(template, **values) == text


def test_the_registration_form_names_countries_in_the_visitors_language(client, db, make):
    event = make.open_event()
    english = page(client, f"/events/{event.id}/register")
    spanish = page(client, f"/events/{event.id}/register", **{"Accept-Language": "es"})
    assert '<option value="DE">Germany</option>' in english
    assert '<option value="DE">Alemania</option>' in spanish
    # In the order of the names read, accents aside: Ecuador, Egipto, El Salvador, Emiratos.
    names = re.findall(r'<option value="(EC|EG|SV|AE)">', spanish)
    assert names == ["EC", "EG", "SV", "AE"]
    # Choices of forms made at import time follow each request's language too.
    kind = 'value="electoral_management_body">Organismo electoral<'
    assert kind in spanish.replace(" selected", "")


# ---------------------------------------------------------------- a Spanish-speaking delegate


def test_a_spanish_speaking_delegate_registers_and_gets_spanish_emails(client, db, make, mailbox):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "es-419,es;q=0.9"
    event = make.open_event(capacity=10)
    spanish_day = format_date(event.starts_on, "long", locale="es")  # "18 de enero de 2027"
    english_day = format_date(event.starts_on, "long", locale="en_GB")
    assert " de " in spanish_day

    post_registration(client, event, confirm=False)
    registration = db.session.scalars(select(Registration)).one()
    assert registration.locale == "es"  # its later emails too

    (confirmation,) = mailbox.to("amina@iebc.example")
    assert confirmation["Subject"] != f"Confirm your registration: {event.title}"
    body = confirmation.get_body().get_content()
    assert spanish_day in body and english_day not in body
    client.post(link_path(confirmation, "/registrations/"))

    _confirmation, received = mailbox.to("amina@iebc.example")
    body = received.get_body().get_content()
    assert spanish_day in body and english_day not in body
    account = db.session.get(Registration, registration.id).user
    assert account.locale == "es"  # the emails of the account too
    login(client, account)
    assert "Mis inscripciones" in page(client, "/")


# ---------------------------------------------------------------- calendars and exports


def test_the_year_calendar_feed_and_spreadsheet_are_in_the_visitors_language(client, db, make):
    make.event(title="Voter registration workshop", date_text="18-19 January 2027")
    make.event(title="Cancelled forum", date_text="2-3 March 2027", status="cancelled")
    make.event(title="Tentative internship", date_text="May 2027 (tbc)")
    spanish = {"Accept-Language": "es"}

    response = client.get("/calendar/2027.ics", headers=spanish)
    events = {str(e["URL"]): e for e in icalendar.Calendar.from_ical(response.data).walk("VEVENT")}
    summaries = sorted(str(e["SUMMARY"]) for e in events.values())
    assert summaries == sorted(
        [
            "Voter registration workshop",
            in_catalogue("es", "Cancelled: %(title)s") % {"title": "Cancelled forum"},
            in_catalogue("es", "%(title)s (tentative)") % {"title": "Tentative internship"},
        ]
    )
    descriptions = "\n".join(str(e["DESCRIPTION"]) for e in events.values())
    # The dates as Spanish reads them, not as written in English ("18-19 January 2027").
    dates = in_catalogue("es", "Dates: %(dates)s") % {"dates": "18–19 de enero de 2027"}
    assert dates in descriptions and "January" not in descriptions
    assert "Status: " not in descriptions and "Dates: " not in descriptions

    table = client.get("/calendar/2027.csv", headers=spanish).data.decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(table)))
    assert header[:3] == [in_catalogue("es", m) for m in ("Month", "Starts", "Ends")]
