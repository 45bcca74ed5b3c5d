"""Per-event navigation drawn from the registry (core/navigation.py): every tab a capability
registers is on the event's staff pages, in its order, the current one marked; the four places
show what they showed when each template wrote its links by hand; a new tab needs no template."""

import re

import pytest

from eventsapp.accounts.models import Role
from eventsapp.accounts.services import create_user
from eventsapp.core.navigation import (
    BAR,
    EVENT_TABS,
    FORM,
    LIST,
    PAGE,
    PLACES,
    event_tab,
    tabs_of,
)
from tests.conftest import login

LINK = re.compile(r"<a\b([^>]*)>(.*?)</a>", re.S)

# What the templates showed before the registry, by place: (label, path after /manage/events/N),
# and the History tab the action log added since.
BEFORE = {
    BAR: [
        ("Participants", "participants"),
        ("Registration settings", "registration"),
        ("Invitations", "invitations"),
        ("Questions", "questions/"),
        ("Messages", "messages/"),
        ("Check-in", "check-in"),
        ("Attendance and certificates", "attendance"),
        ("Documents", "documents"),
        ("Evaluation", "evaluation"),
        ("History", "history"),
    ],
    LIST: [
        ("Edit", "edit"),
        ("Participants", "participants"),
        ("Agenda", "agenda/"),
        ("Tasks", "tasks/"),
    ],
    PAGE: [
        ("Edit", "edit"),
        ("Participants", "participants"),
        ("Registration settings", "registration"),
        ("Agenda", "agenda/"),
        ("Translations", "translations"),
    ],
    FORM: [("Budget: who pays what", "budget")],
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
        return links(between(page, '<nav class="tabs"', "</nav>"))
    if place == LIST:
        page = client.get("/manage/events/?past=1").get_data(as_text=True)
        row = between(page, f'<a href="/events/{event.id}">', "</tr>")
        return links(row[row.rindex("<td>") :])  # the row's last cell
    if place == PAGE:
        page = client.get(f"/events/{event.id}").get_data(as_text=True)
        actions = links(between(page, '<p class="actions">', "</p>"))
        return actions[[label for label, *_ in actions].index("Add to my calendar (.ics)") + 1 :]
    page = client.get(f"/manage/events/{event.id}/edit").get_data(as_text=True)
    return links(between(page, "</h1>", "<form"))


@pytest.mark.parametrize("place", PLACES)
def test_each_place_shows_what_it_showed_before(staff_client, make, place):
    event = make.event(title="Regional workshop")
    shown = [(label, href) for label, href, _current in place_links(staff_client, event, place)]
    assert shown == [(label, f"/manage/events/{event.id}/{path}") for label, path in BEFORE[place]]


def test_every_tab_of_the_bar_is_on_each_of_its_pages_the_current_one_marked(staff_client, make):
    event = make.event(title="Regional workshop")
    bar = sorted((t for t in EVENT_TABS.values() if BAR in t.places), key=lambda t: t.order)
    assert len(bar) == len(BEFORE[BAR])
    for tab in bar:
        url = f"/manage/events/{event.id}/{dict(BEFORE[BAR])[str(tab.label)]}"
        page = staff_client.get(url)
        assert page.status_code == 200, url
        shown = links(between(page.get_data(as_text=True), '<nav class="tabs"', "</nav>"))
        assert [label for label, _href, _current in shown] == [str(t.label) for t in bar]
        assert [label for label, _href, current in shown if current] == [str(tab.label)], url


def test_a_tabs_sub_page_marks_it(app, make, staff_user):
    event = make.event()
    with app.test_request_context():
        shown = tabs_of(event, BAR, staff_user, "registration_manage.question_page")
    assert [tab.label for tab in shown if tab.current] == ["Questions"]


def test_visitors_and_delegates_see_no_staff_tabs(client, make, delegate_user):
    event = make.event()
    assert place_links(client, event, PAGE) == []
    login(client, delegate_user)
    assert place_links(client, event, PAGE) == []


def test_a_new_event_has_no_tabs_yet(staff_client, db):
    page = staff_client.get("/manage/events/new").get_data(as_text=True)
    assert "/budget" not in page and links(between(page, "</h1>", "<form")) == []


@pytest.fixture
def registry(monkeypatch):
    """The registry, given back as it was after the test."""
    monkeypatch.setattr("eventsapp.core.navigation.EVENT_TABS", dict(EVENT_TABS))
    from eventsapp.core import navigation

    return navigation.EVENT_TABS


def test_a_capability_adds_a_tab_everywhere_by_registering_it_only(staff_client, make, registry):
    event = make.event()
    event_tab("calendars.event_file", "Calendar file", 45, PLACES)
    after = {BAR: 3, LIST: 2, PAGE: 3, FORM: 0}  # its place by order among the others
    for place in PLACES:
        expected = [label for label, _path in BEFORE[place]]
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
