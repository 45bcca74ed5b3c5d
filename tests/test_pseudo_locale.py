"""Every page of the URL map and every email, rendered in a pseudo-language
(tests/pseudo_locale.py), shows no English word of the interface: every string goes through
gettext, every choice by its label, every country and region by its name in the reader's
language, every email in its recipient's.

The world is the demo (programmes, plans, requests, events open for registration with delegates,
agendas, tasks) with one of everything the demo lacks (questions, a message, a certificate, an
evaluation, accounts and links), read by an administrator whose language is the pseudo-language.
"""

from datetime import date, datetime, time, timedelta

import pytest
from flask import template_rendered
from sqlalchemy import func, select

from eventsapp import create_app
from eventsapp.accounts.models import Role
from eventsapp.accounts.services import (
    account_setup_token,
    ask_for_login_link,
    create_user,
    invite_colleague,
    login_link_token,
    send_login_links,
)
from eventsapp.agenda.models import AgendaSession, Speaker
from eventsapp.api.scopes import SCOPES
from eventsapp.attendance.evaluations import add_question as add_evaluation_question
from eventsapp.attendance.evaluations import evaluation_token
from eventsapp.authority_requests.models import AuthorityRequest
from eventsapp.authority_requests.services import (
    RequestInput,
    change_status,
    confirm_request,
    receive_request,
    remind_final_reports,
    request_token,
)
from eventsapp.calendars.services import feed_token
from eventsapp.catalogue.models import Event, EventCountry, Programme
from eventsapp.core.clock import utcnow
from eventsapp.core.question_columns import QuestionInput
from eventsapp.delegations.access import send_fresh_link
from eventsapp.delegations.cron import Rules as DelegationRules
from eventsapp.delegations.cron import flag_incomplete, remind_focal_points
from eventsapp.delegations.decisions import decide
from eventsapp.delegations.emails import focal_point_link, nominee_link
from eventsapp.delegations.models import Delegation
from eventsapp.delegations.services import InvitationInput, NomineeInput, nominate
from eventsapp.delegations.services import invite as invite_authority
from eventsapp.demo.services import load_demo
from eventsapp.documents.models import DocumentKind
from eventsapp.documents.services import issue
from eventsapp.documents.settings import SignatoryInput, add_signatory
from eventsapp.extensions import babel
from eventsapp.followup.models import FollowUpQuestion, FollowUpSurvey
from eventsapp.followup.services import survey_token
from eventsapp.knowledge.models import PRE
from eventsapp.knowledge.questions import ScoredInput, add_to_bank
from eventsapp.knowledge.questions import add_question as add_test_question
from eventsapp.knowledge.questions import test_of as knowledge_test_of
from eventsapp.knowledge.taking import test_url as knowledge_test_url
from eventsapp.logistics.models import Task
from eventsapp.logistics.services import send_weekly_reminders
from eventsapp.mail.models import OutboxEmail
from eventsapp.messages.models import Message
from eventsapp.messages.services import hand_over_due, send_message, word_message
from eventsapp.people.countries import country_rows
from eventsapp.people.merging import merge_persons
from eventsapp.people.models import Organisation, Person
from eventsapp.people.persons import new_person
from eventsapp.plans.models import Plan
from eventsapp.privacy.services import (
    ask_erasure,
    confirm_erasure,
    paragraphs,
    refuse_erasure,
    shipped_notice,
)
from eventsapp.registration.invitations import invite
from eventsapp.registration.links import confirmation_token, page_token
from eventsapp.registration.models import Registration, Status
from eventsapp.registration.notifications import PARTICIPANT_EMAILS, notify
from eventsapp.registration.questions import add_question
from eventsapp.registration.seats import get_settings
from eventsapp.registration.waiting_list import offer_url
from eventsapp.travel.models import Hotel
from eventsapp.webhooks.delivery import MAX_FAILURES
from eventsapp.webhooks.delivery import _gave_up as give_up_on
from eventsapp.webhooks.events import TYPES as WEBHOOK_TYPES
from eventsapp.webhooks.models import WebhookSubscription
from eventsapp.webhooks.services import SubscriptionInput, save_subscription
from tests.conftest import RequestIsolatingClient, login
from tests.pseudo_locale import (
    PSEUDO,
    ROOT,
    WORD,
    cldr_words,
    data_strings,
    english_left,
    pseudo,
    shown_text,
    write_pseudo_catalogue,
)

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

# Pages that are not the site's own text: the API (its JSON stays in English, as documented), a
# file of another format, static files, and what ends the session.
# /login/oidc only sends the browser to the identity provider and takes it back (tests/test_oidc.py
# reads the messages it brings back).
NOT_PAGES = ("/api/", "/static/", "/logout", "/healthz", "/login/oidc")
NOT_PAGE_SUFFIXES = (".ics", ".pdf", ".json")
# Files staff download from a registration's answers: the delegate's own upload.
UPLOADS = {
    "registration_manage.answer_file",
    "authority_requests_manage.download_report",
    "documents.image",
}
# Query parameters a page needs to show its content.
QUERIES = {
    "plans.plan_report": "?period={year}",
    "reports.results_page": "?from=2004&to={year}",
    "reports.results_csv": "?from=2004&to={year}",
    "reports.results_xlsx": "?from=2004&to={year}",
    "reports.annual_report": "?year=2013",
    "network.merge": "?keep={pair}&other={pair_other}",
}


@pytest.fixture(scope="module")
def pseudo_site(settings, tmp_path_factory):
    """The application speaking the pseudo-language too; the interface's English words; the
    words CLDR writes in the pseudo-language's locale."""
    directory = tmp_path_factory.mktemp("pseudo")
    vocabulary = write_pseudo_catalogue(directory)
    shipped = create_app(settings).config["BABEL_TRANSLATION_DIRECTORIES"]
    app = create_app(
        {
            **settings,
            "LANGUAGES": ("en", "es", "fr", PSEUDO),
            "BABEL_TRANSLATION_DIRECTORIES": f"{shipped};{directory}",
        }
    )
    app.test_client_class = RequestIsolatingClient
    # Flask-Babel keeps the catalogues it loaded for the process, whichever application loaded
    # them: forget any pseudo-language loaded without its catalogue.
    with app.app_context():
        babel.domain_instance.cache.clear()
    allowed = cldr_words(app.config["LANGUAGES"])
    # English names of countries are not data: a page in another language names them in it.
    english_names = {w.lower() for row in country_rows() for w in WORD.findall(row["name"])}
    return app, vocabulary | (english_names - allowed), allowed


def test_the_pseudo_language_and_its_scan():
    assert pseudo("Hello %(name)s, see {event_link} <b>now</b>") == (
        "⟦Ĥéĺĺó %(name)s, šéé {event_link} <b>ñóŵ</b>⟧"
    )
    vocabulary = {"status", "approved", "delegates", "germany", "peru"}
    text = "⟦Šţáţúš⟧: ⟦Áƥƥŕóṽéđ⟧ · Taller de Lima · Peru, Deutschland · status · 3 Delegates"
    left = english_left(text, ["Taller de Lima"], vocabulary, {"deutschland"})
    assert [line.split(" in ")[0] for line in left] == ["'Peru'", "'status'", "'Delegates'"]


# ---------------------------------------------------------------- the world


def world(db) -> dict:
    """The demo and one of everything it lacks; returns the values URLs are filled with."""
    load_demo()
    db.session.commit()
    now = utcnow()
    admin = create_user(
        "ada@example.org", Role.ADMIN, "one key to rule them", name="Ada Lovelace", locale=PSEUDO
    )
    admin.email_confirmed_at = now
    event = db.session.scalar(
        select(Event)
        .join(AgendaSession, AgendaSession.event_id == Event.id)
        .join(Registration, Registration.event_id == Event.id)
        .where(Registration.status == Status.APPROVED)
        .group_by(Event.id)
        .order_by(func.count(Registration.id).desc(), Event.id)
    )
    registrations = list(
        db.session.scalars(select(Registration).where(Registration.event_id == event.id))
    )
    for registration in registrations:
        registration.locale = PSEUDO
    for role, codes in (
        ("requesting", ["MX"]),
        ("candidate", ["CZ", "DE"]),
        ("participant", ["EG"]),
    ):
        event.countries.extend(EventCountry(country_code=c, role=role) for c in codes)
    approved = next(r for r in registrations if r.status == Status.APPROVED)
    waitlisted = next(r for r in registrations if r.status == Status.WAITLISTED)
    waitlisted.offer_expires_at = now + timedelta(days=2)
    add_question(event, QuestionInput("Carta de nominación", "file"))
    question = add_question(
        event, QuestionInput("Comida", "one_choice", choices="Vegetariana\nSin gluten")
    )
    evaluation_question = add_evaluation_question(event, QuestionInput("Utilidad", "scale"))
    # Issued after the event began, so that its page says it is valid.
    issued = max(now, datetime.combine(event.starts_on, time(18)))
    (certificate,) = issue(DocumentKind.CERTIFICATE, [approved], issued, admin, {approved.id: {}})
    message = Message(event_id=event.id, audience="Aprobados", sent_by_id=admin.id)
    word_message(message, "es", "Hola {name}", "Nos vemos el {dates}.", {})
    send_message(message, [approved], now)
    approved.user = admin  # "My registrations" and their pages, read by the administrator
    other = next(r for r in registrations if r.status == Status.APPROVED and r is not approved)
    delegate = other.user or create_user(other.email, Role.DELEGATE)
    delegate.locale = PSEUDO
    delegate.email_confirmed_at = now
    other.user = delegate
    speaker = Speaker(name="Rosa Quispe", name_key="rosa quispe", role="Jefa", country_code="PE")
    db.session.add(speaker)
    db.session.flush()
    # One person entered twice, merged; and a pair to compare.
    twice = [new_person(n, country_code="PE") for n in ("Rosa Quispe Mamani", "Rosa Quispe")]
    speaker.person = twice[1]
    db.session.flush()
    merge = merge_persons(*twice, [], now, admin)
    pair = [new_person(n, country_code="PE") for n in ("Ana Mamani", "Ana Mamani Choque")]
    db.session.flush()
    programme = event.programme or db.session.scalar(select(Programme))
    # Written as the page would before anyone answered (the demo's course has answers now).
    follow_up_question = FollowUpQuestion(
        programme_id=programme.id, label="Aplicado", kind="long_text", position=99
    )
    db.session.add(follow_up_question)
    db.session.flush()
    webhook = WebhookSubscription()
    save_subscription(
        webhook,
        SubscriptionInput(
            url="https://socio.example.org/avisos",
            events=["registration.approved"],
            secret="un-secreto-del-socio-0123456789",
        ),
        admin,
        allow_private=True,
        owner=admin,
    )
    survey = FollowUpSurvey(registration_id=approved.id, months=3, sent_at=now)
    db.session.add(survey)
    pre_test = knowledge_test_of(event, PRE, create=True)
    db.session.flush()
    test_question = add_test_question(
        pre_test, ScoredInput("Escaños", "number", correct="500", points=1)
    )
    bank_question = add_to_bank(
        programme.id, ScoredInput("Escaños", "number", correct="500", points=1)
    )
    pre_test.opened_at = now
    signatory = add_signatory(programme, SignatoryInput("Rosa Quispe", {"en": "Director"}))
    plan = db.session.scalar(select(Plan).order_by(Plan.id))
    request = db.session.scalar(select(AuthorityRequest).order_by(AuthorityRequest.id))
    task = db.session.scalar(select(Task).where(Task.event_id == event.id))
    colleague = invite_colleague("bo@example.org", "Bo Kowalski", Role.COORDINATOR, admin, PSEUDO)
    delegation, nomination = delegation_of(db, event, admin, now)
    hotel = db.session.scalar(select(Hotel).where(Hotel.event_id == event.id)) or Hotel(
        event_id=event.id, name="Hotel Geneve"
    )
    db.session.add(hotel)
    db.session.commit()
    return {
        "admin": admin,
        "event_id": event.id,
        "programme_id": programme.id,
        "year": event.starts_on.year,
        "user_id": colleague.id,
        "session_id": db.session.scalar(
            select(AgendaSession.id).where(AgendaSession.event_id == event.id)
        ),
        "speaker_id": speaker.id,
        "merge_id": merge.id,
        "pair": pair[0].id,
        "pair_other": pair[1].id,
        "person_id": approved.person_id or db.session.scalar(select(Person.id).order_by(Person.id)),
        "task_id": task.id,
        "message_id": message.id,
        "organisation_id": db.session.scalar(select(Organisation.id).order_by(Organisation.id)),
        "plan_id": plan.id,
        "request_id": request.id,
        "registration_id": approved.id,
        "delegate_registration_id": other.id,
        "question_id": {
            "attendance": evaluation_question.id,
            "registration": question.id,
            "followup": follow_up_question.id,
            "knowledge.bank_question": bank_question.id,
            "knowledge": test_question.id,
        },
        "code": certificate.code,
        "kind": {"documents": DocumentKind.CERTIFICATE.value, "knowledge": PRE},
        "language": "es",
        "signatory_id": signatory.id,
        "token": {
            "accounts.setup_account": account_setup_token(colleague),
            "calendars.personal_feed": feed_token(admin),
            "attendance.evaluation_page": evaluation_token(approved),
            "followup.survey_page": survey_token(survey),
            "knowledge.take_test": knowledge_test_url(pre_test, approved.id).rsplit("/", 1)[1],
            "accounts.login_with_link": login_link_token(delegate),
            "registration.accept_offer": offer_url(waitlisted).rsplit("/", 1)[1],
            "registration.registration_page": page_token(approved),
            "registration.confirmation": confirmation_token(approved),
            "authority_requests.follow": request_token(request),
            "delegations.focal_point": focal_point_link(delegation).rsplit("/", 1)[1],
            "delegations.nominee": nominee_link(nomination.registration).rsplit("/", 1)[1],
        },
        "delegation_id": delegation.id,
        "subscription_id": webhook.id,
        "hotel_id": hotel.id,
    }


def delegation_of(db, event, admin, now):
    """An authority invited to the event, its focal point writing in the pseudo-language, with
    two nominees for one place (the second a reserve)."""
    body = db.session.scalar(
        select(Organisation)
        .where(Organisation.country_code.is_not(None))
        .where(
            ~select(Delegation.id)
            .where(Delegation.organisation_id == Organisation.id, Delegation.event_id == event.id)
            .exists()
        )
        .order_by(Organisation.id)
    )
    get_settings(event.id).access = "nomination"
    delegation = Delegation(
        event=event,
        organisation=body,
        focal_name="Rosa Quispe",
        focal_email="rosa.focal@example.org",
        focal_language=PSEUDO,
        funded_places=1,
        deadline=event.starts_on - timedelta(days=1),
        note="Enviar la nota verbal.",
        invited_at=now,
    )
    db.session.add(delegation)
    db.session.flush()
    nominations = [
        nominate(delegation, NomineeInput(name, email, "female"), now, staff=admin)
        for name, email in (("Ana Torres", "ana.t@example.org"), ("Eva Ríos", "eva.r@example.org"))
    ]
    return delegation, nominations[0]


def url_of(app, rule, values: dict) -> str | None:
    """The rule's URL with the world's values; None when it names something the world lacks."""
    filled = {}
    for name in rule.arguments:
        value = values.get(name)
        if isinstance(value, dict):
            value = value.get(rule.endpoint) or value.get(rule.endpoint.split(".")[0])
        if value is None and name == "question_id":
            value = values["question_id"]["registration"]
        if value is None:
            return None
        filled[name] = value
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **filled)


def test_every_page_is_in_the_pseudo_language(pseudo_site, db):
    app, vocabulary, allowed = pseudo_site
    with app.app_context():  # emails written meanwhile are in the pseudo-language's catalogue
        values = world(db)
        client = app.test_client()
        login(client, values.pop("admin"))
        client.set_cookie("language", PSEUDO, domain="localhost")
        data = data_strings(db, vocabulary) + notice_strings() + protocol_names()
        data = sorted(data, key=len, reverse=True)
        offenders, unreached = walk(app, client, values, data, vocabulary, allowed)
    assert not unreached, "Pages the walk did not reach:\n" + "\n".join(unreached)
    assert not offenders, f"{len(offenders)} English words outside gettext:\n" + "\n".join(
        offenders
    )


def notice_strings() -> list[str]:
    """The privacy notice's shipped text is data too (written per language, not through
    gettext): where the visitor's language has none, its English is shown, marked as such."""
    notice = shipped_notice()
    return [text for code in notice.texts for _kind, text in paragraphs(notice.texts[code])]


def protocol_names() -> list[str]:
    """Names scripts send and receive as they are, in every language: the API's scopes and the
    webhooks' types (shown as code beside their translated descriptions)."""
    return [*SCOPES, *WEBHOOK_TYPES]


def walk(app, client, values, data, vocabulary, allowed) -> tuple[list[str], list[str]]:
    """Every page of the URL map read: the English words each shows, and the pages not read."""
    offenders, unreached = [], []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in rule.methods or rule.rule.startswith(NOT_PAGES):
            continue
        if rule.rule.endswith(NOT_PAGE_SUFFIXES) or rule.endpoint in UPLOADS:
            continue
        url = url_of(app, rule, values)
        if url is None:
            unreached.append(rule.rule)
            continue
        query = QUERIES.get(rule.endpoint, "").format(**values)
        response = client.get(url + query, follow_redirects=True)
        if response.status_code != 200:
            unreached.append(f"{rule.rule}: {response.status_code}")
            continue
        for line in english_left(page_text(response), data, vocabulary, allowed):
            offenders.append(f"{url}: {line}")
    return offenders, unreached


def page_text(response) -> str:
    """What a person reads of a response: a page's shown text, a spreadsheet's cells."""
    kind = response.mimetype
    if kind == "text/html":
        return shown_text(response.get_data(as_text=True))
    if kind == "text/csv":
        return response.get_data(as_text=True)
    if "spreadsheetml" in kind:
        from io import BytesIO

        from openpyxl import load_workbook

        book = load_workbook(BytesIO(response.data), read_only=True)
        return (
            "\n".join(
                str(cell)
                for sheet in book.worksheets
                for row in sheet.iter_rows(values_only=True)
                for cell in row
                if isinstance(cell, str)
            )
            + "\n"
            + "\n".join(book.sheetnames)
        )
    return ""


# ---------------------------------------------------------------- every email


def test_every_email_is_in_its_recipients_language(pseudo_site, db):
    app, vocabulary, allowed = pseudo_site
    rendered: list[str] = []

    def record(_sender, template, context, **_extra):
        rendered.append(template.name)

    with app.app_context():
        template_rendered.connect(record, app)
        try:
            send_every_email(db)
        finally:
            template_rendered.disconnect(record, app)
        data = data_strings(db, vocabulary)
        emails = db.session.scalars(select(OutboxEmail).order_by(OutboxEmail.id)).all()
        offenders = [
            f"{email.to} «{email.subject}»: {line}"
            for email in emails
            for line in english_left(
                f"{email.subject}\n{email.text_body}", data, vocabulary, allowed
            )
        ]
    templates = {
        f"emails/{path.name}"
        for path in (ROOT / "templates" / "emails").glob("*.txt")
        if not path.name.startswith("_")
    }
    assert templates - set(rendered) == set(), "Emails this test does not write"
    assert not offenders, f"{len(offenders)} English words outside gettext:\n" + "\n".join(
        offenders
    )


def send_every_email(db) -> None:
    """Every email the site writes, each to a recipient whose language is the pseudo-language."""
    values = world(db)
    now = utcnow()
    admin = values["admin"]
    event = db.session.get(Event, values["event_id"])
    registration = db.session.get(Registration, values["delegate_registration_id"])
    extras = {
        "confirm": {"confirm_url": "https://example.org/c", "hours": 48},
        "certificate": {"certificate_url": "https://example.org/certificates/x"},
        "evaluation": {"evaluation_url": "https://example.org/e", "anonymous": True},
        "follow_up": {"survey_url": "https://example.org/f", "months": 3},
        "follow_up_reminder": {
            "survey_url": "https://example.org/f",
            "months": 3,
            "sent_on": date(2026, 4, 19),
        },
        "knowledge_pre_test": {"test_url": "https://example.org/t"},
        "knowledge_post_test": {"test_url": "https://example.org/t"},
        "offered": {"accept_url": "https://example.org/o"},
        "waitlisted": {"position": 2},
    }
    for template in PARTICIPANT_EMAILS:
        if template != "participant_message":
            notify(registration, template, **extras.get(template, {}))
    hand_over_due(now, per_minute=100)
    organisation = db.session.scalar(select(Organisation).order_by(Organisation.id))
    invite(event, organisation, ["oficial@example.org"], admin, now, PSEUDO)
    ask_for_login_link(registration.email, None)
    send_login_links(now)
    request = receive_request(
        RequestInput(
            authority_name="Jurado Nacional de Elecciones",
            country_code="PE",
            kind="internship",
            date_text="2020-03-02",
            contact_name="Rosa Quispe",
            contact_email="rosa@jne.example",
            topics=["aspect.legal"],
            locale=PSEUDO,
        ),
        now - timedelta(days=2000),
    )
    confirm_request(request, now)
    change_status(request, "accepted", admin, now)
    request.status = "scheduled"
    request.event.starts_on = request.event.ends_on = (now - timedelta(days=60)).date()
    remind_final_reports(now)
    task = db.session.get(Task, values["task_id"])
    task.owner_id, task.due_on, task.status = admin.id, (now - timedelta(days=3)).date(), "to_do"
    send_weekly_reminders(now)
    write_delegations_emails(db, values, admin, now)
    webhook = db.session.get(WebhookSubscription, values["subscription_id"])
    webhook.consecutive_failures = MAX_FAILURES - 1
    give_up_on(webhook)  # its owner is told it is switched off
    forget(registration, admin, now)
    db.session.commit()


def write_delegations_emails(db, values, admin, now) -> None:
    """What a focal point is sent: an invitation, a decision (the reserve moving up), a fresh
    link, a reminder and a last call, nominees late to complete."""
    for every in db.session.scalars(select(Delegation)):  # the demo's too: the jobs write to all
        every.focal_language = PSEUDO
        for nomination in every.nominations:
            if nomination.registration is not None:
                nomination.registration.locale = PSEUDO
    delegation = db.session.get(Delegation, values["delegation_id"])
    event = delegation.event
    event.starts_on = event.ends_on = (now + timedelta(days=30)).date()
    other = db.session.scalar(
        select(Organisation)
        .where(
            Organisation.country_code.is_not(None), Organisation.id != delegation.organisation_id
        )
        .order_by(Organisation.id)
    )
    invite_authority(
        event,
        InvitationInput(other.id, "Luis Paz", "luis.focal@example.org", PSEUDO, 1, 0, now.date()),
        now,
        admin,
    )
    first = delegation.nominations[0]
    decide(first, "decline", "profile", "", now, admin)
    send_fresh_link(delegation, delegation.focal_email)
    rules = DelegationRules(completion_days=0, reminder_days=0, last_call_days=0)
    remind_focal_points(now, rules)
    remind_focal_points(now + timedelta(days=1), DelegationRules(0, 0, 30))
    flag_incomplete(now, rules)


def forget(registration, admin, now) -> None:
    """The delegate asks twice to be forgotten while her place holds: refused, then erased."""
    person, account = registration.person, registration.user
    assert person is not None and account is not None, (person, account)
    account.person = person
    registration.status = "approved"
    registration.event.starts_on = registration.event.ends_on = (now + timedelta(days=30)).date()
    refuse_erasure(ask_erasure(person, account, now), admin, "Your place holds.", now)
    confirm_erasure(ask_erasure(person, account, now), admin, now)
