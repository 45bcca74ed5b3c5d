"""Who sleeps where: rooms given automatically from each participant's nights, and the staff's
choice of a participant's hotel, room and room-mate (which the automatic keeps)."""

from collections import Counter
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import delete, select

from ..catalogue.models import Event
from ..core.actions import changes, log_action
from ..core.errors import InvalidInput
from ..core.i18n import sort_key
from ..extensions import db
from ..registration.models import Registration
from .hotels import (
    COUNTED,
    ROOM_RELEASED,
    ROOM_SET,
    ROOMS_ASSIGNED,
    Guest,
    guests_of,
    hotels_of,
    rooms_used,
)
from .models import Hotel, RoomAssignment, RoomKind


@dataclass
class AssignResult:
    assigned: int
    kept: int
    unassigned: list[Guest]


def assign_rooms(event: Event, actor) -> AssignResult:
    """Each counted participant with nights gets a hotel with a free room of their kind for all
    their nights; staff choices are kept and take their rooms first; the others keep their hotel
    when it still fits. Those staying longest are placed first (the hardest to place)."""
    hotels = hotels_of(event)
    held = Counter({(h.id, b.night, b.kind): b.rooms for h in hotels for b in h.blocks})
    guests = guests_of(event)
    _forget_automatic_rooms_of_those_not_counted(event)
    by_staff = [g for g in guests if g.assignment is not None and g.assignment.by_staff]
    used = rooms_used(by_staff)
    assigned, unassigned = 0, []
    for guest in _in_placing_order(g for g in guests if g not in by_staff):
        kind = guest.assignment.kind if guest.assignment else RoomKind.SINGLE
        hotel_id = _hotel_that_fits(guest, kind, hotels, held, used)
        if hotel_id is None:
            _unplace(guest)
            if guest.nights:
                unassigned.append(guest)
            continue
        _place(guest, hotel_id, kind, used)
        assigned += 1
    counts = {"assigned": assigned, "kept": len(by_staff), "unassigned": len(unassigned)}
    log_action(event, ROOMS_ASSIGNED, actor, counts)
    return AssignResult(assigned, len(by_staff), unassigned)


def _in_placing_order(guests) -> list[Guest]:
    """The longest stays first, then by arrival and name."""
    return sorted(
        guests, key=lambda g: (-len(g.nights), g.check_in or date.max, sort_key(g.name), g.id)
    )


def _hotel_that_fits(
    guest: Guest, kind: str, hotels: list[Hotel], held: Counter, used: Counter
) -> int | None:
    """The guest's hotel if it still has their room every night, else the first that has."""
    if not guest.nights:
        return None
    current = [guest.assignment.hotel_id] if guest.assignment else []
    return next(
        (
            hotel
            for hotel in current + [h.id for h in hotels]
            if all(used[hotel, n, kind] < held[hotel, n, kind] for n in guest.nights)
        ),
        None,
    )


def _unplace(guest: Guest) -> None:
    if guest.assignment is not None:
        db.session.delete(guest.assignment)
        guest.assignment = None


def _place(guest: Guest, hotel_id: int, kind: str, used: Counter) -> None:
    for night in guest.nights:
        used[hotel_id, night, kind] += 1
    if guest.assignment is None:
        guest.assignment = RoomAssignment(registration_id=guest.id, by_staff=False)
        db.session.add(guest.assignment)
    guest.assignment.hotel_id, guest.assignment.kind = hotel_id, kind
    guest.assignment.sharing_with_id = None


def _forget_automatic_rooms_of_those_not_counted(event: Event) -> None:
    """Rooms the automatic gave to participants who no longer count (withdrawn, declined) are
    freed; staff choices stay (staff undo them)."""
    not_counted = select(Registration.id).where(
        Registration.event_id == event.id, Registration.status.not_in(COUNTED)
    )
    db.session.execute(
        delete(RoomAssignment).where(
            RoomAssignment.by_staff.is_(False), RoomAssignment.registration_id.in_(not_counted)
        )
    )


# ---------------------------------------------------------------- staff's choice


@dataclass
class RoomChoice:
    hotel_id: int | None
    kind: str
    sharing_with_id: int | None = None


def _shown(assignment: RoomAssignment | None, hotels: dict, guests: dict) -> dict:
    """What the action log keeps of a room: the hotel's and the partner's names, the kind."""
    if assignment is None:
        return {"hotel": None, "kind": None, "sharing_with": None}
    partner = guests.get(assignment.sharing_with_id)
    return {
        "hotel": hotels[assignment.hotel_id].name if assignment.hotel_id in hotels else None,
        "kind": assignment.kind,
        "sharing_with": partner.name if partner else None,
    }


def set_room(event: Event, guest: Guest, choice: RoomChoice, actor) -> None:
    """Staff choose the hotel and kind of room of a participant, and someone to share with (the
    other gets the same hotel and room, sharing back). The automatic keeps it."""
    hotels = {h.id: h for h in hotels_of(event)}
    guests = {g.id: g for g in guests_of(event)}
    pair = _checked_pair(choice, hotels, guests, guest.id)
    before = {one.id: _shown(one.assignment, hotels, guests) for one in pair}
    for other in guests.values():  # whoever shared with either of them now shares with nobody
        a = other.assignment
        if a is not None and other.id not in before and a.sharing_with_id in before:
            a.sharing_with_id = None
    for one in pair:
        if one.assignment is None:
            one.assignment = RoomAssignment(registration_id=one.id)
            db.session.add(one.assignment)
        one.assignment.hotel_id, one.assignment.kind = choice.hotel_id, choice.kind
        one.assignment.sharing_with_id = next((o.id for o in pair if o is not one), None)
        one.assignment.by_staff = True
    for one in pair:
        after = _shown(one.assignment, hotels, guests)
        log_action(one.registration, ROOM_SET, actor, changes(before[one.id], after))


def _checked_pair(choice: RoomChoice, hotels: dict, guests: dict, guest_id: int) -> list[Guest]:
    """The participant and the one they share with (if any), once the choice holds."""
    if choice.hotel_id not in hotels:
        raise InvalidInput("hotel_id", _("Choose one of the event's hotels."))
    if choice.kind not in RoomKind.__members__.values():
        raise InvalidInput("kind", _("Choose a kind of room of the list."))
    if guest_id not in guests:
        raise InvalidInput("hotel_id", _("Only approved participants get a hotel room."))
    if choice.sharing_with_id is None:
        return [guests[guest_id]]
    partner = guests.get(choice.sharing_with_id)
    if partner is None or partner.id == guest_id:
        raise InvalidInput(
            "sharing_with_id", _("Choose another approved participant of the event.")
        )
    if choice.kind == RoomKind.SINGLE:
        raise InvalidInput(
            "sharing_with_id", _("A single room is for one: choose a double or twin room.")
        )
    return [guests[guest_id], partner]


def release_room(event: Event, guest: Guest, actor) -> bool:
    """The staff's choice undone: the participant is unassigned until the next automatic
    assignment (whoever shared with them keeps their room, alone). False when there was none."""
    assignment = guest.assignment
    if assignment is None or not assignment.by_staff:
        return False
    db.session.execute(
        RoomAssignment.__table__.update()
        .where(RoomAssignment.sharing_with_id == guest.id)
        .values(sharing_with_id=None)
    )
    db.session.delete(assignment)
    guest.assignment = None
    log_action(guest.registration, ROOM_RELEASED, actor)
    db.session.expire_all()
    return True
