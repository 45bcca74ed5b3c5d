"""Per-event navigation drawn from the registry (core/navigation.py): the event's hub, one tab bar
on every staff page of an event (each of its sub-pages too), holding every one of them, the
current one marked, so that each is one click from every other; the list of events and the public
event page show the few used most; a new tab needs no template."""

import re
from datetime import date

import pytest

from eventsapp.accounts.models import Role
from eventsapp.accounts.services import create_user
from eventsapp.attendance.models import EvaluationQuestion
from eventsapp.core.clock import utcnow
from eventsapp.core.navigation import (
    BAR,
    EVENT_TABS,
    LIST,
    PAGE,
    PLACES,
    event_tab,
    tabs_of,
)
from eventsapp.delegations.models import Delegation
from eventsapp.knowledge.models import KnowledgeTest, TestQuestion
from eventsapp.logistics.models import Task
from eventsapp.registration.models import Registration
from eventsapp.registration.questions import RegistrationQuestion
from eventsapp.travel.models import Hotel
from tests.calendar_helpers import add_session
from tests.conftest import login

LINK = re.compile(r"<a\b([^>]*)>(.*?)</a>", re.S)

# What each place shows, by place: (label, path after /manage/events/N). The hub's bar: the event
# and what staff prepare (agenda, tasks, budget), then registration, the days themselves and what
# follows, and the event's History last. Before it, Budget was linked from the edit form only and
# Tasks from the agenda only; the edit, agenda, tasks, budget and translations pages had no bar.
SHOWN = {
    BAR: [
        ("Edit", "edit"),
        ("Translations", "translations"),
        ("Agenda", "agenda/"),
        ("Tasks", "tasks/"),
        ("Budget", "budget"),
        ("Participants", "participants"),
        ("Registration settings", "registration"),
        ("Travel files", "travel/"),
        ("Hotels and lists", "hotels/"),
        ("Per diem", "per-diem"),
        ("Invitations", "invitations"),
        ("Delegations", "delegations/"),
        ("Questions", "questions/"),
        ("Messages", "messages/"),
        ("Check-in", "check-in"),
        ("Attendance and certificates", "attendance"),
        ("Documents", "documents"),
        ("Letters", "letters"),
        ("Evaluation", "evaluation"),
        ("Tests", "tests/"),
        ("Follow-up", "follow-up"),
        ("Outcomes", "outcomes"),
        ("History", "history"),
    ],
    LIST: [
        ("Edit", "edit"),
        ("Agenda", "agenda/"),
        ("Tasks", "tasks/"),
        ("Participants", "participants"),
    ],
    PAGE: [
        ("Edit", "edit"),
        ("Translations", "translations"),
        ("Agenda", "agenda/"),
        ("Participants", "participants"),
        ("Registration settings", "registration"),
    ],
}
# What a staff page of an event may be without the hub: downloads, JSON and the hub's own address.
NOT_PAGES = {
    "registration_manage.answer_file",
    "attendance.check_in_people",
    "catalogue_manage.event_hub",
}


def links(html: str) -> list[tuple[str, str, bool]]:
    """(label, href, whether aria-current) of each link in a piece of a page."""
    found = []
    for attributes, label in LINK.findall(html):
        href = re.search(r'href="([^"]*)"', attributes).group(1)
        found.append((label.strip(), href, 'aria-current="page"' in attributes))
    return found


def between(html: str, start: str, end: str) -> str:
    """The part of a page from the first ``start`` to the ``end`` after it."""
    begin = html.index(start)
    return html[begin : html.index(end, begin)]


def place_links(client, event, place: str) -> list[tuple[str, str, bool]]:
    """The links of an event's navigation as its page draws them in a place."""
    if place == BAR:
        page = client.get(f"/manage/events/{event.id}/participants").get_data(as_text=True)
        return bar_links(page)
    if place == LIST:
        page = client.get("/manage/events/?past=1").get_data(as_text=True)
        row = between(page, f'<a href="/events/{event.id}">', "</tr>")
        return links(row[row.rindex("<td>") :])  # the row's last cell
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    actions = links(between(page, '<p class="actions">', "</p>"))
    return actions[[label for label, *_ in actions].index("Add to my calendar (.ics)") + 1 :]


def bar_links(page: str) -> list[tuple[str, str, bool]]:
    return links(between(page, '<nav class="tabs"', "</nav>"))


@pytest.mark.parametrize("place", PLACES)
def test_each_place_shows_its_tabs_in_order(staff_client, make, place):
    event = make.event(title="Regional workshop")
    shown = [(label, href) for label, href, _current in place_links(staff_client, event, place)]
    assert shown == [(label, f"/manage/events/{event.id}/{path}") for label, path in SHOWN[place]]


@pytest.fixture
def event_with_everything(db, make):
    """An event with a session (and its speaker), a task, a question of each kind, a delegation,
    a hotel and an approved participant, so that every page of the event, each sub-page too,
    can be opened."""
    event = make.event(title="Regional workshop", date_text="18-19 January 2016")
    session = add_session(db, event, date(2016, 1, 18), speakers="Ana Pérez, INE")
    task = Task(event_id=event.id, title="Book the interpreters", due_on=date(2016, 1, 4))
    question = RegistrationQuestion(event_id=event.id, label="Your role", kind="short_text")
    evaluation = EvaluationQuestion(event_id=event.id, label="Overall", kind="scale", position=0)
    body = make.organisation("Jurado Nacional de Elecciones", country="PE")
    delegation = Delegation(
        event_id=event.id,
        organisation_id=body.id,
        focal_name="Rosa Quispe",
        focal_email="rosa@jne.gob.pe",
        deadline=date(2016, 1, 4),
    )
    hotel = Hotel(event_id=event.id, name="Hotel Geneve")
    approved = Registration(
        event_id=event.id,
        name="Ana Torres",
        gender="female",
        email="ana@jne.gob.pe",
        country_code="PE",
        status="approved",
        consent_at=utcnow(),
    )
    db.session.add_all([task, question, evaluation, delegation, hotel, approved])
    pre_test = KnowledgeTest(event_id=event.id, kind="pre")
    db.session.add(pre_test)
    db.session.flush()
    test_question = TestQuestion(
        test_id=pre_test.id, label="Seats", kind="number", correct=[500], points=1
    )
    db.session.add(test_question)
    db.session.commit()
    ids = {
        "session_id": session.id,
        "speaker_id": session.people[0].id,
        "task_id": task.id,
        "delegation_id": delegation.id,
        "hotel_id": hotel.id,
        "registration_id": approved.id,
        "kind": "pre",
        "test_question_id": test_question.id,
    }
    return event, ids, question.id, evaluation.id


def event_pages(app) -> list:
    """Every page of an event's staff area: the GET routes under /manage/events/<event_id>/ but
    for downloads, JSON and the hub's own address."""
    return [
        rule
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/manage/events/<int:event_id>")
        and "GET" in rule.methods
        and not rule.rule.endswith((".csv", ".xlsx", ".pdf"))
        and rule.endpoint not in NOT_PAGES
    ]


def test_every_staff_page_of_an_event_shows_the_whole_bar_its_tab_marked(
    app, staff_client, event_with_everything
):
    """Each page of an event is one click from every other: the same bar on all of them, each
    page (or sub-page: a session's form, a speaker, the booklet, a task, a question) marking its
    tab, and every one of them a tab or a tab's sub-page."""
    event, ids, question, evaluation = event_with_everything
    bar = [t for t in sorted(EVENT_TABS.values(), key=lambda t: t.order) if BAR in t.places]
    expected = [(label, f"/manage/events/{event.id}/{path}") for label, path in SHOWN[BAR]]
    pages = event_pages(app)
    assert len(pages) >= 20  # the test sees the routes
    for rule in pages:
        (tab,) = [t for t in bar if rule.endpoint in {t.endpoint, *t.also_current_on}] or [None]
        assert tab is not None, f"{rule.rule} is in no tab of the event's hub"
        question_id = evaluation if rule.endpoint.startswith("attendance.") else question
        if rule.endpoint.startswith("knowledge."):
            question_id = ids["test_question_id"]
        values = {**ids, "event_id": event.id, "question_id": question_id}
        with app.test_request_context():
            url = app.url_map.bind("localhost").build(
                rule.endpoint, {a: values[a] for a in rule.arguments}
            )
        page = staff_client.get(url)
        assert page.status_code == 200, url
        shown = bar_links(page.get_data(as_text=True))
        assert [(label, href) for label, href, _current in shown] == expected, url
        assert [label for label, _href, current in shown if current] == [str(tab.label)], url


def test_a_tabs_sub_page_marks_it(app, make, staff_user):
    event = make.event()
    with app.test_request_context():
        shown = tabs_of(event, BAR, staff_user, "registration_manage.question_page")
    assert [tab.label for tab in shown if tab.current] == ["Questions"]


def test_the_hubs_address_opens_its_first_tab(staff_client, make):
    event = make.event()
    response = staff_client.get(f"/manage/events/{event.id}")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/manage/events/{event.id}/edit"
    assert staff_client.get(f"/manage/events/{event.id + 1}").status_code == 404


def test_visitors_and_delegates_see_no_staff_tabs(client, make, delegate_user):
    event = make.event()
    assert place_links(client, event, PAGE) == []
    login(client, delegate_user)
    assert place_links(client, event, PAGE) == []


def test_a_new_event_has_no_tabs_yet(staff_client, db):
    page = staff_client.get("/manage/events/new").get_data(as_text=True)
    assert "/budget" not in page and '<nav class="tabs"' not in page


@pytest.fixture
def registry(monkeypatch):
    """The registry, given back as it was after the test."""
    monkeypatch.setattr("eventsapp.core.navigation.EVENT_TABS", dict(EVENT_TABS))
    from eventsapp.core import navigation

    return navigation.EVENT_TABS


def test_a_capability_adds_a_tab_everywhere_by_registering_it_only(staff_client, make, registry):
    event = make.event()
    event_tab("calendars.event_file", "Calendar file", 45, PLACES)
    # Its place by order among the others: in the bar, after Invitations (40).
    invitations = [label for label, _path in SHOWN[BAR]].index("Invitations")
    after = {BAR: invitations + 1, LIST: 4, PAGE: 5}
    for place in PLACES:
        expected = [label for label, _path in SHOWN[place]]
        expected.insert(after[place], "Calendar file")
        shown = place_links(staff_client, event, place)
        assert [label for label, *_ in shown] == expected, place
        assert shown[after[place]][1] == f"/events/{event.id}.ics"


def test_a_tab_is_shown_only_where_its_conditions_hold(client, db, make, registry):
    with_capacity = make.event(capacity=30)
    without = make.event()
    event_tab(
        "calendars.event_file",
        "Calendar file",
        45,
        (PAGE,),
        who=lambda user: user.is_authenticated and user.role == Role.ADMIN,
        when=lambda event: event.capacity is not None,
    )
    admin = create_user("admin@example.org", Role.ADMIN, "kettle on the hob again")
    staff = create_user("coordinator@example.org", Role.COORDINATOR, "blue river notebook too")
    db.session.commit()
    login(client, staff)
    assert "Calendar file" not in [label for label, *_ in place_links(client, with_capacity, PAGE)]
    login(client, admin)
    assert "Calendar file" in [label for label, *_ in place_links(client, with_capacity, PAGE)]
    assert "Calendar file" not in [label for label, *_ in place_links(client, without, PAGE)]


def test_an_unknown_place_is_refused():
    with pytest.raises(ValueError, match="sidebar"):
        event_tab("calendars.event_file", "Calendar file", 45, ("sidebar",))
