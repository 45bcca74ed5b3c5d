"""Lists for the people who need them: the rooming list a hotel receives, the transfer list a
driver carries, and the headcounts caterers and interpreters plan by.

Each says what its reader needs and nothing else:

- **Rooming list** (per hotel): the guest's name as in their passport (the hotel checks it at
  the desk), their nights, the kind of room, who they share it with, and their dietary and
  accessibility needs. Never a passport number, expiry or nationality. Names as in passports
  are identity data: only staff with the logistics permission see them (``files.may_see_identity``),
  and each look is in the action log, a line per participant; others get the names as registered
  (the list's page says so).
- **Transfer list**: arrivals and departures grouped per airport (and terminal, as written)
  into windows of two hours from the first flight of each; for each person their name as
  registered, time, flight, phone and hotel. No identity data.
- **Headcounts**: people present each day (from their arrival to their departure) with their
  dietary needs, people per interpretation language, people per accessibility need.

Only approved or attended registrations count. Each list reads in a fixed number of queries
whatever the number of participants.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..catalogue.models import Event
from ..core.actions import describe, log_action, log_actions
from ..core.i18n import folded, language_name, sort_key
from ..extensions import db
from ..registration.models import Registration
from .hotels import Guest, guests_of, hotels_of
from .models import Hotel, RoomKind

TRANSFER_WINDOW = timedelta(hours=2)
# Days counted for meals around the event: a stay typed from 1900 to 2200 counts only these.
MEAL_DAYS_AROUND = 14

PASSPORT_NAME_SEEN = describe(
    "travel.passport_name_seen",
    _l("Saw the name as in the passport of %(object)s in a rooming list"),
)


# ---------------------------------------------------------------- rooming list


@dataclass
class RoomingRow:
    registration_id: int
    name: str
    check_in: date | None
    check_out: date | None
    nights: int
    kind: str
    sharing_with: str
    dietary_needs: str
    accessibility_needs: str
    from_passport: bool  # the name as in the passport (else as registered)
    registration: Registration  # whose row it is (for the action log; never shown)

    @property
    def kind_label(self) -> str:
        return RoomKind(self.kind).label


@dataclass
class RoomingList:
    hotel: Hotel
    rows: list[RoomingRow]
    passport_names: bool  # names as in passports, else as registered

    @property
    def rooms(self) -> int:
        """Rooms of the list: two sharing take one."""
        return len(self.rows) - sum(1 for r in self.rows if r.sharing_with) // 2


def _from_passport(guest: Guest, passport_names: bool) -> bool:
    return bool(passport_names and guest.file is not None and guest.file.passport_name)


def _shown_name(guest: Guest, passport_names: bool) -> str:
    return guest.file.passport_name if _from_passport(guest, passport_names) else guest.name


def rooming_lists(event: Event, passport_names: bool, hotel_id: int | None = None):
    """The rooming list of each of the event's hotels (or of one), its guests by name."""
    hotels = [h for h in hotels_of(event) if hotel_id is None or h.id == hotel_id]
    guests = guests_of(event)
    by_id = {g.id: g for g in guests}
    lists = []
    for hotel in hotels:
        rows = []
        for guest in guests:
            a = guest.assignment
            if a is None or a.hotel_id != hotel.id:
                continue
            partner = by_id.get(a.sharing_with_id) if a.sharing_with_id else None
            rows.append(
                RoomingRow(
                    registration_id=guest.id,
                    name=_shown_name(guest, passport_names),
                    check_in=guest.check_in,
                    check_out=guest.check_out,
                    nights=guest.night_count,
                    kind=a.kind,
                    sharing_with=_shown_name(partner, passport_names) if partner else "",
                    dietary_needs=guest.registration.dietary_needs.strip(),
                    accessibility_needs=guest.registration.accessibility_needs.strip(),
                    from_passport=_from_passport(guest, passport_names),
                    registration=guest.registration,
                )
            )
        rows.sort(key=lambda r: (sort_key(r.name), r.registration_id))
        lists.append(RoomingList(hotel, rows, passport_names))
    return lists


def record_passport_names_seen(lists: list[RoomingList], actor) -> None:
    """Each look at a name as in a passport, in the action log: a line per participant shown
    (one statement however many), so that each one's History says who saw it."""
    log_actions(
        [
            log_action(row.registration, PASSPORT_NAME_SEEN, actor, add=False)
            for one in lists
            for row in one.rows
            if row.from_passport
        ]
    )


def rooming_header() -> list[str]:
    return [
        _("Name"),
        _("Arrives at the hotel"),
        _("Leaves the hotel"),
        _("Nights"),
        _("Hotel room"),
        _("Sharing with"),
        _("Dietary needs"),
        _("Accessibility needs"),
    ]


def rooming_sheets(lists: list[RoomingList]) -> list[tuple[str, list[str], list[list]]]:
    """One sheet per hotel, named after it (as a spreadsheet allows), for ``xlsx_book_bytes``."""
    header, sheets, titles = rooming_header(), [], set()
    for one in lists:
        rows = [
            [
                r.name,
                r.check_in,
                r.check_out,
                r.nights,
                r.kind_label,
                r.sharing_with,
                r.dietary_needs,
                r.accessibility_needs,
            ]
            for r in one.rows
        ]
        sheets.append((sheet_title(one.hotel.name, titles), header, rows))
    return sheets or [(_("Rooming list"), header, [])]


def sheet_title(name: str, taken: set[str]) -> str:
    """A sheet's name from a hotel's: without the characters a spreadsheet refuses, at most 31
    characters, unlike the others (case aside)."""
    cleaned = "".join(" " if c in "[]:*?/\\'" else c for c in name).strip() or _("Hotel")
    title, number = cleaned[:31], 1
    while title.casefold() in taken:
        number += 1
        suffix = f" ({number})"
        title = cleaned[: 31 - len(suffix)] + suffix
    taken.add(title.casefold())
    return title


# ---------------------------------------------------------------- transfer list


@dataclass
class Transfer:
    registration_id: int
    name: str
    at: datetime
    flight: str
    phone: str
    hotel: str


# When the cars go, in minutes: from the airport this long after a window's last landing, from
# the hotels this long before its first flight (staff change them on the page).
PICK_UP_WAIT, PICK_UP_LEAD, PICK_UP_MOST = 60, 180, 720


@dataclass
class PickUp:
    wait: int = PICK_UP_WAIT
    lead: int = PICK_UP_LEAD


@dataclass
class TransferGroup:
    """People arriving (or leaving) at one airport within a window of two hours, and when
    their car leaves (the airport for arrivals, the hotels for departures)."""

    direction: str  # "arrival" or "departure"
    airport: str
    starts_at: datetime
    times: PickUp
    people: list[Transfer] = field(default_factory=list)

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + TRANSFER_WINDOW

    @property
    def leaves_at(self) -> datetime:
        if self.direction == ARRIVAL:
            return self.last_at + timedelta(minutes=self.times.wait)
        return self.starts_at - timedelta(minutes=self.times.lead)

    @property
    def last_at(self) -> datetime:
        return self.people[-1].at


@dataclass
class TransferList:
    times: PickUp
    arrivals: list[TransferGroup]
    departures: list[TransferGroup]
    arrival_missing: list[str]  # names of those whose arrival time is not known yet
    departure_missing: list[str]


ARRIVAL, DEPARTURE = "arrival", "departure"


def _airport_key(airport: str) -> str:
    return " ".join(folded(airport).split())


def transfer_list(event: Event, times: PickUp | None = None) -> TransferList:
    """Arrivals and departures per airport in windows of two hours, each window beginning with
    the first flight not in an earlier one, with their cars' times (``times``: the defaults)."""
    times = times or PickUp()
    guests = guests_of(event)
    names = select(Hotel.id, Hotel.name).where(Hotel.event_id == event.id)
    hotels = dict(db.session.execute(names).all())
    lists: dict[str, list[TransferGroup]] = {}
    missing: dict[str, list[str]] = {}
    for direction in (ARRIVAL, DEPARTURE):
        by_airport: dict[str, list[tuple[str, Transfer]]] = {}
        missing[direction] = []
        for guest in guests:
            file = guest.file
            at = getattr(file, f"{direction}_at", None) if file else None
            if at is None:
                missing[direction].append(guest.name)
                continue
            airport = " ".join(getattr(file, f"{direction}_airport").split())
            transfer = Transfer(
                registration_id=guest.id,
                name=guest.name,
                at=at,
                flight=getattr(file, f"{direction}_flight").strip(),
                phone=file.phone.strip(),
                hotel=hotels.get(guest.assignment.hotel_id, "") if guest.assignment else "",
            )
            by_airport.setdefault(_airport_key(airport), []).append((airport, transfer))
        groups = []
        for people in by_airport.values():
            people.sort(key=lambda pair: (pair[1].at, sort_key(pair[1].name)))
            airport = people[0][0] or _("Airport not given")
            group = None
            for _written, transfer in people:
                if group is None or transfer.at >= group.ends_at:
                    group = TransferGroup(direction, airport, transfer.at, times)
                    groups.append(group)
                group.people.append(transfer)
        groups.sort(key=lambda g: (g.starts_at, sort_key(g.airport)))
        lists[direction] = groups
        missing[direction].sort(key=sort_key)
    return TransferList(
        times, lists[ARRIVAL], lists[DEPARTURE], missing[ARRIVAL], missing[DEPARTURE]
    )


def transfer_header() -> list[str]:
    return [
        _("Airport"),
        _("Window"),
        _("Car leaves"),
        _("Time"),
        _("Name"),
        _("Flight"),
        _("Phone"),
        _("Hotel"),
    ]


def transfer_sheets(transfers: TransferList) -> list[tuple[str, list[str], list[list]]]:
    """Arrivals and departures, a sheet each; the window as "2027-03-02 08:10–10:10", then when
    the window's car leaves (the airport, or the hotels)."""

    def rows(groups: list[TransferGroup]) -> list[list]:
        return [
            [
                group.airport,
                f"{group.starts_at:%Y-%m-%d %H:%M}–{group.ends_at:%H:%M}",
                f"{group.leaves_at:%Y-%m-%d %H:%M}",
                f"{person.at:%Y-%m-%d %H:%M}",
                person.name,
                person.flight,
                person.phone,
                person.hotel,
            ]
            for group in groups
            for person in group.people
        ]

    header = transfer_header()
    return [
        (_("Arrivals"), header, rows(transfers.arrivals)),
        (_("Departures"), header, rows(transfers.departures)),
    ]


# ---------------------------------------------------------------- headcounts


@dataclass
class DayCount:
    day: date
    people: int
    dietary: list[tuple[str, int]]  # (need, people), the most frequent first


@dataclass
class Headcounts:
    days: list[DayCount]
    languages: list[tuple[str, int]]  # (language code or name as written, people)
    accessibility: list[tuple[str, int]]
    people: int
    dates_unknown: int  # counted over the event's days, their own not being known


def _stay(guest: Guest, event: Event) -> tuple[date, date, bool]:
    """Their first and last day present (arrival to departure), and whether they are known."""
    file, registration = guest.file, guest.registration
    first = (
        (file.arrival_at.date() if file and file.arrival_at else None)
        or registration.arrival_on
        or (file.check_in_on if file else None)
    )
    last = (
        (file.departure_at.date() if file and file.departure_at else None)
        or registration.departure_on
        or (file.check_out_on if file else None)
    )
    known = first is not None and last is not None
    first, last = first or event.starts_on, last or event.ends_on
    return first, max(first, last), known


class _Needs:
    """Free text needs grouped as readers match them (case, accents and spaces aside), each shown
    as first written (``shown``, which several counts may share)."""

    def __init__(self, shown: dict[str, str] | None = None):
        self.counts: Counter = Counter()
        self.shown: dict[str, str] = {} if shown is None else shown

    def add(self, text: str) -> None:
        text = " ".join((text or "").split())
        if text:
            key = folded(text)
            self.shown.setdefault(key, text)
            self.counts[key] += 1

    def ranked(self) -> list[tuple[str, int]]:
        return sorted(
            ((self.shown[k], n) for k, n in self.counts.items()),
            key=lambda pair: (-pair[1], sort_key(pair[0])),
        )


def headcounts(event: Event) -> Headcounts:
    """People per day (for meals, with their dietary needs), per interpretation language and
    per accessibility need."""
    guests = guests_of(event)
    earliest = event.starts_on - timedelta(days=MEAL_DAYS_AROUND)
    latest = event.ends_on + timedelta(days=MEAL_DAYS_AROUND)
    per_day: dict[date, list[Guest]] = {}
    languages: Counter = Counter()
    accessibility = _Needs()
    unknown = 0
    for guest in guests:
        first, last, known = _stay(guest, event)
        unknown += not known
        day = max(first, earliest)
        while day <= min(last, latest):
            per_day.setdefault(day, []).append(guest)
            day += timedelta(days=1)
        chosen = guest.file.interpretation_language.strip() if guest.file else ""
        for language in [chosen] if chosen else guest.registration.interpretation_languages or []:
            languages[language] += 1
        accessibility.add(guest.registration.accessibility_needs)
    days, written = [], {}
    for guest in guests:  # each need as the first to write it wrote it, every day
        _Needs(written).add(guest.registration.dietary_needs)
    for day in sorted(per_day):
        dietary = _Needs(written)
        for guest in per_day[day]:
            dietary.add(guest.registration.dietary_needs)
        days.append(DayCount(day, len(per_day[day]), dietary.ranked()))
    by_language = sorted(
        languages.items(), key=lambda pair: (-pair[1], sort_key(language_name(pair[0])))
    )
    return Headcounts(days, by_language, accessibility.ranked(), len(guests), unknown)


def headcount_sheets(counts: Headcounts) -> list[tuple[str, list[str], list[list]]]:
    need, people = _("Need"), _("People")
    return [
        (
            _("Meals"),
            [_("Day"), people, _("Dietary needs")],
            [
                [d.day, d.people, "; ".join(f"{text}: {n}" for text, n in d.dietary)]
                for d in counts.days
            ],
        ),
        (
            _("Interpretation"),
            [_("Language"), people],
            [[language_name(code), n] for code, n in counts.languages],
        ),
        (_("Accessibility"), [need, people], [[text, n] for text, n in counts.accessibility]),
    ]
