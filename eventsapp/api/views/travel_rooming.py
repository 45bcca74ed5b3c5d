"""``/api/v1/events/<id>/rooming`` and ``/transfers``: the lists for hotels and drivers, for
staff. The rooming list gives names as in passports only to staff with the logistics permission
(each look in the action log), as its page does; neither gives any other identity data."""

from datetime import date
from typing import Literal

from flask import abort, jsonify
from flask_babel import gettext as _
from flask_login import current_user
from pydantic import BaseModel, Field
from spectree import Response as Answers

from ...catalogue.services import get_event
from ...travel.files import may_see_identity
from ...travel.lists import (
    ARRIVAL,
    DEPARTURE,
    TransferGroup,
    record_passport_names_seen,
    rooming_lists,
    transfer_list,
)
from ...travel.models import RoomKind
from ..schemas import Error, api_spec
from . import bp, documented

LOCAL = "local time at the venue: YYYY-MM-DDTHH:MM"


class Guest(BaseModel):
    registration_id: int
    name: str
    name_as_in_passport: bool  # else as registered
    check_in: date | None
    check_out: date | None
    nights: int
    room: Literal[tuple(k.value for k in RoomKind)]
    sharing_with: str | None
    dietary_needs: str
    accessibility_needs: str


class RoomingHotel(BaseModel):
    id: int
    name: str
    address: str
    contact: str
    rooms: int  # two sharing take one
    guests: list[Guest]


class Traveller(BaseModel):
    registration_id: int
    name: str
    at: str = Field(description=LOCAL)
    flight: str
    phone: str
    hotel: str


class TransferWindow(BaseModel):
    direction: Literal[ARRIVAL, DEPARTURE]
    airport: str
    starts_at: str = Field(description=LOCAL)
    ends_at: str = Field(description=LOCAL)
    car_leaves_at: str = Field(
        description=LOCAL
        + "; when the window's car leaves: the airport an hour after its last landing, the "
        "hotels three hours before its first flight"
    )
    people: list[Traveller]


def _event(event_id: int):
    return get_event(event_id) or abort(404, description=_("There is no event with this id."))


@bp.route("/events/<int:event_id>/rooming")
@api_spec.validate(
    resp=Answers(HTTP_200=list[RoomingHotel], HTTP_401=Error, HTTP_403=Error, HTTP_404=Error),
    tags=["travel"],
    **documented,
)
def event_rooming_json(event_id: int):
    """An event's rooming list per hotel: each guest's name (as in their passport for staff with
    the logistics permission), nights, room, sharing and needs (staff only)"""
    event = _event(event_id)
    lists = rooming_lists(event, may_see_identity(current_user))
    record_passport_names_seen(lists, current_user)
    return jsonify(
        [
            {
                "id": one.hotel.id,
                "name": one.hotel.name,
                "address": one.hotel.address,
                "contact": one.hotel.contact,
                "rooms": one.rooms,
                "guests": [
                    {
                        "registration_id": row.registration_id,
                        "name": row.name,
                        "name_as_in_passport": row.from_passport,
                        "check_in": row.check_in and row.check_in.isoformat(),
                        "check_out": row.check_out and row.check_out.isoformat(),
                        "nights": row.nights,
                        "room": row.kind,
                        "sharing_with": row.sharing_with or None,
                        "dietary_needs": row.dietary_needs,
                        "accessibility_needs": row.accessibility_needs,
                    }
                    for row in one.rows
                ],
            }
            for one in lists
        ]
    )


def _window(group: TransferGroup) -> dict:
    return {
        "direction": group.direction,
        "airport": group.airport,
        "starts_at": group.starts_at.isoformat(timespec="minutes"),
        "ends_at": group.ends_at.isoformat(timespec="minutes"),
        "car_leaves_at": group.leaves_at.isoformat(timespec="minutes"),
        "people": [
            {
                "registration_id": p.registration_id,
                "name": p.name,
                "at": p.at.isoformat(timespec="minutes"),
                "flight": p.flight,
                "phone": p.phone,
                "hotel": p.hotel,
            }
            for p in group.people
        ],
    }


@bp.route("/events/<int:event_id>/transfers")
@api_spec.validate(
    resp=Answers(HTTP_200=list[TransferWindow], HTTP_401=Error, HTTP_403=Error, HTTP_404=Error),
    tags=["travel"],
    **documented,
)
def event_transfers_json(event_id: int):
    """An event's arrivals and departures per airport in windows of two hours: names, times,
    flights, phones, hotels (staff only)"""
    transfers = transfer_list(_event(event_id))
    return jsonify([_window(g) for g in transfers.arrivals + transfers.departures])
