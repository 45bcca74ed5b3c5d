"""Hotels and their room blocks, and who sleeps where.

A hotel holds rooms for an event: a block is the number of rooms of a kind (single, double,
twin, suite) held for one night, at a rate in a currency. Staff set blocks over a range of nights
at once (``set_blocks``). A night is the date it begins: a participant whose travel file says
"check in on the 3rd, check out on the 6th" sleeps the nights of the 3rd, 4th and 5th.

Who counts: registrations approved or attended (``COUNTED``), nobody else.

``assign_rooms`` gives each of them whose travel file has nights a hotel with a free room of
their kind for every one of their nights. Staff overrides (``RoomAssignment.by_staff``: a hotel,
a kind, someone to share with, set with ``set_room``) are kept as they are and take their rooms
first; the others keep the hotel they had when it still fits, else the first hotel (by name)
that does; those who fit nowhere are left unassigned, and the board says so. Two people sharing
take one room (sharing is mutual: setting it for one sets it for the other).

``hotel_board`` shows, for each hotel, kind and night, the rooms held and the rooms used, the
nights overbooked (more rooms used than held: staff overrides may do it, or blocks lowered after
the assignment), and those unassigned. It reads in a fixed number of queries whatever the number
of participants.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from sqlalchemy.orm import selectinload

from ..catalogue.models import Event
from ..core.actions import changes, describe, log_action
from ..core.dates import FIRST_YEAR, LAST_YEAR
from ..core.errors import InvalidInput
from ..core.i18n import sort_key
from ..core.validation import CONTROL_IN_TEXT, MAX_ID, is_one_line
from ..costs.facts import BudgetFacts
from ..costs.models import Category, PayerRole
from ..costs.payers import Unresolved, payers_of
from ..costs.settings import check_currency, parse_amount
from ..extensions import db
from ..registration.models import Registration, Status
from .models import Hotel, RoomAssignment, RoomBlock, RoomKind, TravelFile

COUNTED = (Status.APPROVED, Status.ATTENDED)
MAX_BLOCK_NIGHTS = 366  # nights set at once
MAX_ROOMS = 10_000
# A stay counts its first nights only: a travel file from 1900 to 2200 is a typing slip, and
# would otherwise make every count walk a hundred thousand nights.
MAX_STAY_NIGHTS = 120
MAX_TEXT = 2000

_FIELDS = {
    "name": _l("Name"),
    "address": _l("Address"),
    "contact": _l("Contact"),
    "payer": _l("Who pays"),
    "hotel": _l("Hotel"),
    "kind": _l("Hotel room"),
    "sharing_with": _l("Sharing with"),
}
HOTEL_ADDED, HOTEL_CHANGED, HOTEL_DELETED, BLOCKS_SET, ROOMS_ASSIGNED, ROOM_SET, ROOM_RELEASED = (
    describe(action, phrase, labels={"kind": RoomKind}, fields=_FIELDS)
    for action, phrase in (
        ("hotel.added", _l("Added the hotel %(object)s")),
        ("hotel.changed", _l("Changed the hotel %(object)s")),
        ("hotel.deleted", _l("Deleted the hotel %(object)s")),
        (
            "room_block.set",
            _l("Set %(rooms)s %(kind)s rooms a night at %(object)s from %(first)s to %(last)s"),
        ),
        (
            "rooms.assigned",
            _l(
                "Assigned rooms in %(object)s: %(assigned)s placed, %(kept)s staff choices kept, "
                "%(unassigned)s without a room"
            ),
        ),
        ("room_assignment.set", _l("Chose the hotel room of %(object)s")),
        ("room_assignment.released", _l("Gave the room of %(object)s back to the automatic")),
    )
)


# ---------------------------------------------------------------- hotels


@dataclass
class HotelInput:
    name: str
    address: str = ""
    contact: str = ""
    payer: str = ""


def _checked(data: HotelInput) -> HotelInput:
    name = (data.name or "").strip()
    if not name:
        raise InvalidInput("name", _("Write the hotel's name."))
    if len(name) > 200 or not is_one_line(name):
        raise InvalidInput("name", _("Write the name on one line, in 200 characters at most."))
    payer = (data.payer or "").strip()
    if len(payer) > 200 or not is_one_line(payer):
        raise InvalidInput("payer", _("Write who pays on one line, in 200 characters at most."))
    texts = {}
    for name_of_field in ("address", "contact"):
        text = (getattr(data, name_of_field) or "").strip()
        if len(text) > MAX_TEXT or CONTROL_IN_TEXT.search(text):
            raise InvalidInput(
                name_of_field,
                _("Write at most %(num)d characters, without control characters.", num=MAX_TEXT),
            )
        texts[name_of_field] = text
    return HotelInput(name=name, payer=payer, **texts)


def _facts(hotel: Hotel) -> dict:
    return {k: getattr(hotel, k) for k in ("name", "address", "contact", "payer")}


def add_hotel(event: Event, data: HotelInput, actor) -> Hotel:
    data = _checked(data)
    hotel = Hotel(event_id=event.id, **vars(data))
    db.session.add(hotel)
    log_action(hotel, HOTEL_ADDED, actor)
    return hotel


def change_hotel(hotel: Hotel, data: HotelInput, actor) -> None:
    data = _checked(data)
    before = _facts(hotel)
    for key, value in vars(data).items():
        setattr(hotel, key, value)
    if changed := changes(before, _facts(hotel)):
        log_action(hotel, HOTEL_CHANGED, actor, changed)


def delete_hotel(hotel: Hotel, actor) -> None:
    """The hotel, its blocks, and its guests' rooms (they are unassigned: the next automatic
    assignment places them elsewhere, staff choices included)."""
    partners = select(RoomAssignment.registration_id).where(RoomAssignment.hotel_id == hotel.id)
    db.session.execute(
        RoomAssignment.__table__.update()
        .where(RoomAssignment.sharing_with_id.in_(partners))
        .values(sharing_with_id=None)
    )
    db.session.execute(delete(RoomAssignment).where(RoomAssignment.hotel_id == hotel.id))
    log_action(hotel, HOTEL_DELETED, actor)
    db.session.delete(hotel)
    db.session.expire_all()


def hotels_of(event: Event) -> list[Hotel]:
    """The event's hotels by name, their blocks loaded (two queries)."""
    hotels = db.session.scalars(
        select(Hotel).where(Hotel.event_id == event.id).options(selectinload(Hotel.blocks))
    ).all()
    return sorted(hotels, key=lambda h: (sort_key(h.name), h.id))


def get_hotel(event: Event, hotel_id: int) -> Hotel | None:
    if not 0 < hotel_id <= MAX_ID:
        return None
    hotel = db.session.get(Hotel, hotel_id)
    return hotel if hotel is not None and hotel.event_id == event.id else None


@dataclass
class LodgingPayer:
    """Who pays lodging in an event by its cost rules, or why the rules do not say."""

    party: str | None
    problem: str | None = None


def lodging_payer(event: Event) -> LodgingPayer:
    """Who pays lodging in the event by its cost rules (what a hotel's own payer replaces)."""
    facts = BudgetFacts([event], with_groups=False)
    try:
        shares = payers_of(Category.LODGING, event, facts)
    except Unresolved as problem:
        return LodgingPayer(None, str(problem))
    if shares == PayerRole.VISITING_AUTHORITY:
        return LodgingPayer(_("Each delegate's authority"))
    return LodgingPayer(", ".join(payer.party for payer, _share in shares))


# ---------------------------------------------------------------- room blocks


@dataclass
class BlockInput:
    first_night: date | None
    last_night: date | None
    kind: str
    rooms: int | None
    rate: str
    currency: str


def nights_between(first: date, last: date) -> list[date]:
    """Every night from ``first`` to ``last``, both included."""
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def set_blocks(hotel: Hotel, data: BlockInput, actor) -> int:
    """Rooms of a kind held each night from the first to the last (both included), at a rate:
    each night's block of that kind is replaced; 0 rooms gives the nights back. Returns the
    number of nights set."""
    first, last = data.first_night, data.last_night
    if first is None:
        raise InvalidInput("first_night", _("Write the first night."))
    if last is None:
        last = first
    for day, name in ((first, "first_night"), (last, "last_night")):
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise InvalidInput(
                name, _("Write a night from %(a)d to %(b)d.", a=FIRST_YEAR, b=LAST_YEAR)
            )
    if last < first:
        raise InvalidInput("last_night", _("The last night cannot be before the first."))
    if (last - first).days >= MAX_BLOCK_NIGHTS:
        raise InvalidInput(
            "last_night", _("Set at most %(num)d nights at once.", num=MAX_BLOCK_NIGHTS)
        )
    if data.kind not in RoomKind.__members__.values():
        raise InvalidInput("kind", _("Choose a kind of room of the list."))
    if data.rooms is None or not 0 <= data.rooms <= MAX_ROOMS:
        raise InvalidInput("rooms", _("Write a number of rooms from 0 to %(num)d.", num=MAX_ROOMS))
    rate = parse_amount(data.rate, "rate") if data.rooms else Decimal(0)
    currency = check_currency(data.currency) if data.rooms else "USD"
    nights = nights_between(first, last)
    existing = {(b.night, b.kind): b for b in hotel.blocks}
    for night in nights:
        block = existing.get((night, data.kind))
        if data.rooms == 0:
            if block is not None:
                hotel.blocks.remove(block)
        elif block is None:
            hotel.blocks.append(
                RoomBlock(
                    night=night, kind=data.kind, rooms=data.rooms, rate=rate, currency=currency
                )
            )
        else:
            block.rooms, block.rate, block.currency = data.rooms, rate, currency
    log_action(
        hotel,
        BLOCKS_SET,
        actor,
        {
            "rooms": data.rooms,
            "kind": data.kind,
            "first": first,
            "last": last,
            "rate": f"{rate} {currency}" if data.rooms else None,
        },
    )
    return len(nights)


# ---------------------------------------------------------------- guests


@dataclass
class Guest:
    """A participant who counts (approved or attended), with their travel file and room."""

    registration: Registration
    file: TravelFile | None
    assignment: RoomAssignment | None

    @property
    def id(self) -> int:
        return self.registration.id

    @property
    def name(self) -> str:
        return self.registration.name

    @property
    def check_in(self) -> date | None:
        return self.file.check_in_on if self.file else None

    @property
    def check_out(self) -> date | None:
        return self.file.check_out_on if self.file else None

    @property
    def nights(self) -> list[date]:
        """The nights of their stay (the first MAX_STAY_NIGHTS), none when not given."""
        if self.check_in is None or self.check_out is None or self.check_out <= self.check_in:
            return []
        count = min((self.check_out - self.check_in).days, MAX_STAY_NIGHTS)
        return [self.check_in + timedelta(days=n) for n in range(count)]

    @property
    def night_count(self) -> int:
        if self.check_in is None or self.check_out is None:
            return 0
        return max((self.check_out - self.check_in).days, 0)


def guests_of(event: Event) -> list[Guest]:
    """Everyone who counts in the event, by name, with their travel file and room (one
    query)."""
    rows = db.session.execute(
        select(Registration, TravelFile, RoomAssignment)
        .outerjoin(TravelFile, TravelFile.registration_id == Registration.id)
        .outerjoin(RoomAssignment, RoomAssignment.registration_id == Registration.id)
        .where(Registration.event_id == event.id, Registration.status.in_(COUNTED))
        .order_by(Registration.name, Registration.id)
    ).all()
    return [Guest(registration, file, assignment) for registration, file, assignment in rows]


def rooms_used(guests: list[Guest]) -> Counter:
    """Rooms used per (hotel id, night, kind): each guest a room, two sharing one room."""
    by_id = {g.id: g for g in guests}
    used: Counter = Counter()
    for guest in guests:
        a = guest.assignment
        if a is None:
            continue
        partner = by_id.get(a.sharing_with_id) if a.sharing_with_id else None
        for night in guest.nights:
            if _shares_that_night(guest, partner, night) and partner.id < guest.id:
                continue  # the pair's room is counted once, by the first of them
            used[a.hotel_id, night, a.kind] += 1
    return used


def _shares_that_night(guest: Guest, partner: Guest | None, night: date) -> bool:
    if partner is None or partner.assignment is None:
        return False
    mine, theirs = guest.assignment, partner.assignment
    return (
        theirs.sharing_with_id == guest.id
        and (theirs.hotel_id, theirs.kind) == (mine.hotel_id, mine.kind)
        and night in partner.nights
    )


# ---------------------------------------------------------------- the board


@dataclass
class NightCell:
    night: date
    held: int
    used: int

    @property
    def overbooked(self) -> bool:
        return self.used > self.held


@dataclass
class KindRow:
    kind: str
    cells: list[NightCell]

    @property
    def label(self) -> str:
        return RoomKind(self.kind).label


@dataclass
class HotelRow:
    hotel: Hotel
    payer: str | None  # the hotel's own, else the cost rules'
    payer_from_rules: bool
    kinds: list[KindRow]
    guests: list[Guest]

    @property
    def overbooked(self) -> list[tuple[KindRow, NightCell]]:
        return [(row, cell) for row in self.kinds for cell in row.cells if cell.overbooked]

    @property
    def rates(self) -> list[str]:
        """The rates of its blocks, each once: "1450.00 MXN (single)"."""
        seen = {}
        for block in self.hotel.blocks:
            key = (block.kind, block.rate, block.currency)
            seen.setdefault(key, f"{block.rate} {block.currency} ({RoomKind(block.kind).label})")
        return list(seen.values())


@dataclass
class HotelBoard:
    hotels: list[HotelRow]
    nights: list[date]
    guests: list[Guest]
    lodging_payer: LodgingPayer
    by_id: dict[int, Guest] = field(default_factory=dict)

    @property
    def unassigned(self) -> list[Guest]:
        """Those with nights and no hotel room."""
        return [g for g in self.guests if g.nights and g.assignment is None]

    @property
    def without_nights(self) -> list[Guest]:
        return [g for g in self.guests if not g.nights]

    @property
    def overbooked(self) -> list[tuple[HotelRow, KindRow, NightCell]]:
        return [(h, k, c) for h in self.hotels for k, c in h.overbooked]

    def hotel_name(self, hotel_id: int | None) -> str:
        return next((h.hotel.name for h in self.hotels if h.hotel.id == hotel_id), "")

    def sharing_name(self, guest: Guest) -> str:
        partner = guest.assignment and self.by_id.get(guest.assignment.sharing_with_id)
        return partner.name if partner else ""


def hotel_board(event: Event) -> HotelBoard:
    """Each hotel's rooms held and used per kind and night, its guests, the nights overbooked
    and who is unassigned, in a fixed number of queries."""
    hotels = hotels_of(event)
    guests = guests_of(event)
    used = rooms_used(guests)
    held = {(h.id, b.night, b.kind): b.rooms for h in hotels for b in h.blocks}
    nights = sorted({night for _h, night, _k in held} | {night for _h, night, _k in used})
    payer = lodging_payer(event)
    present = {(h, k) for h, _n, k in held.keys() | used.keys()}
    rows = []
    for hotel in hotels:
        kinds = [kind for kind in RoomKind if (hotel.id, kind) in present]
        rows.append(
            HotelRow(
                hotel=hotel,
                payer=hotel.payer or payer.party,
                payer_from_rules=not hotel.payer,
                kinds=[
                    KindRow(
                        kind,
                        [
                            NightCell(
                                night,
                                held.get((hotel.id, night, kind), 0),
                                used.get((hotel.id, night, kind), 0),
                            )
                            for night in nights
                        ],
                    )
                    for kind in kinds
                ],
                guests=[g for g in guests if g.assignment and g.assignment.hotel_id == hotel.id],
            )
        )
    return HotelBoard(rows, nights, guests, payer, {g.id: g for g in guests})


def guest_of(event: Event, registration_id: int) -> Guest | None:
    """A counted participant of the event, with their travel file and room."""
    if not 0 < registration_id <= MAX_ID:
        return None
    row = db.session.execute(
        select(Registration, TravelFile, RoomAssignment)
        .outerjoin(TravelFile, TravelFile.registration_id == Registration.id)
        .outerjoin(RoomAssignment, RoomAssignment.registration_id == Registration.id)
        .where(
            Registration.id == registration_id,
            Registration.event_id == event.id,
            Registration.status.in_(COUNTED),
        )
    ).first()
    return Guest(*row) if row else None
