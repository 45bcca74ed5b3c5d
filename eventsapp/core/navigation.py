"""Per-event navigation: each capability adds its own tabs (``event_tab``, from its views), and the
templates draw what the registry holds (``event_tabs`` in Jinja), so that a new capability edits
no template to be reached from an event.

A tab names its page's endpoint (which takes ``event_id``), its label, its order among the others,
the places it is shown in, who may see it and, if need be, the events it is for, and the endpoints
of its sub-pages (a session's form marks the Agenda tab). Places:

- ``BAR``: the event's hub, the tab bar of every staff page of an event
  (templates/_event_tabs.html), which holds every one of them, so that each is one click from
  every other: the event's form first, then its agenda, tasks and budget, then registration, the
  days themselves and what follows, and History last;
- ``LIST``: the links beside each event of the staff's list of events (the pages used most);
- ``PAGE``: the buttons for staff on the public event page.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flask import Flask, url_for
from jinja2 import pass_context
from markupsafe import Markup

BAR, LIST, PAGE = "bar", "list", "page"
PLACES = (BAR, LIST, PAGE)


def staff(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_staff)


@dataclass(frozen=True)
class EventTab:
    endpoint: str
    label: str  # lazy: translated when drawn
    order: int
    places: frozenset[str]
    who: Callable = staff  # of the signed-in user (or an anonymous one)
    when: Callable | None = None  # of the event; reads only what the event has loaded
    also_current_on: frozenset[str] = frozenset()  # endpoints of its sub-pages

    def shown(self, event, place: str, user) -> bool:
        return (
            place in self.places
            and self.who(user)
            and (self.when is None or bool(self.when(event)))
        )


@dataclass(frozen=True)
class ShownTab:
    label: str
    url: str
    current: bool  # the tab of the page being shown

    @property
    def aria_current(self) -> Markup:
        """The attribute that tells assistive technologies which tab is the page shown."""
        return Markup(' aria-current="page"' if self.current else "")


EVENT_TABS: dict[str, EventTab] = {}


def event_tab(
    endpoint: str,
    label,
    order: int,
    places: Iterable[str],
    who: Callable = staff,
    when: Callable | None = None,
    also_current_on: Iterable[str] = (),
) -> EventTab:
    """Add a tab to every event's navigation (a capability calls it from its views)."""
    unknown = set(places) - set(PLACES)
    if unknown:
        raise ValueError(f"Unknown places for {endpoint}: {sorted(unknown)}")
    tab = EventTab(endpoint, label, order, frozenset(places), who, when, frozenset(also_current_on))
    EVENT_TABS[endpoint] = tab
    return tab


def tabs_of(event, place: str, user, current_endpoint: str | None) -> list[ShownTab]:
    """The tabs shown for an event in a place to a user, in their order (none for an event not
    saved yet)."""
    if event is None or event.id is None:
        return []
    tabs = sorted(EVENT_TABS.values(), key=lambda tab: (tab.order, tab.endpoint))
    return [
        ShownTab(
            str(tab.label),
            url_for(tab.endpoint, event_id=event.id),
            current_endpoint in {tab.endpoint, *tab.also_current_on},
        )
        for tab in tabs
        if tab.shown(event, place, user)
    ]


# What a participant can do next, shown on each card of "My registrations": a test to take, a
# survey to answer. A capability registers a provider from its views.
PARTICIPANT_LINKS: list[Callable] = []


def participant_links(provider: Callable) -> Callable:
    """Register ``provider(registrations) -> {registration id: [(label, url), ...]}``; it loads
    what it needs in a fixed number of queries, whatever the number of registrations."""
    PARTICIPANT_LINKS.append(provider)
    return provider


def links_of(registrations) -> dict[int, list[tuple[str, str]]]:
    """Every provider's links for these registrations, by registration id."""
    links: dict[int, list[tuple[str, str]]] = {}
    for provider in PARTICIPANT_LINKS:
        for registration_id, found in provider(registrations).items():
            links.setdefault(registration_id, []).extend(found)
    return links


def register(app: Flask) -> None:
    """``event_tabs(event, place)`` in templates, for the signed-in user and the current page;
    ``participant_links(registrations)`` for a participant's cards."""

    @pass_context
    def event_tabs(context, event, place: str) -> list[ShownTab]:
        if place not in PLACES:
            raise ValueError(f"Unknown place of event tabs: {place}")
        endpoint = getattr(context.get("request"), "endpoint", None)
        return tabs_of(event, place, context.get("current_user"), endpoint)

    app.jinja_env.globals["event_tabs"] = event_tabs
    app.jinja_env.globals["participant_links"] = links_of
