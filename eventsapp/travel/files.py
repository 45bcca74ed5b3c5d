"""The travel file of an approved participant: asked only once approved, of the parts the event
asks for (passport data only where a visa letter is needed); after the event's freeze date a
change is a request that the logistics owner accepts or refuses. Identity data is shown only to
staff with the logistics permission, and each look is logged."""

from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..accounts.models import User
from ..catalogue.models import Event
from ..core.actions import changes, describe, log_action, log_actions
from ..core.errors import InvalidInput
from ..core.i18n import format_day, format_moment
from ..core.locks import reread_locked
from ..extensions import db
from ..registration.models import Registration, Status
from .letters import reissue_letters
from .models import (
    ChangeStatus,
    LogisticsPermission,
    TravelChange,
    TravelFile,
    TravelPart,
    TravelSettings,
)

APPROVED = (Status.APPROVED, Status.ATTENDED)
NEAR = timedelta(days=7)  # hotel nights asked at most this long before or after the event
IDENTITY = ("passport_name", "nationality", "passport_number", "passport_expiry")

SAVED = describe("travel.saved", _l("%(object)s saved their travel file"))
ASKED = describe("travel.change_asked", _l("%(object)s asked to change their travel file"))
ACCEPTED = describe(
    "travel.change_accepted", _l("Accepted a change to the travel file of %(object)s")
)
REFUSED = describe("travel.change_refused", _l("Refused a change to the travel file of %(object)s"))
LOOKED = describe("travel.identity_seen", _l("Saw the passport data of %(object)s"))
SETTINGS = describe(
    "travel.settings",
    _l("Changed what the travel file of %(object)s asks"),
    labels={"parts": TravelPart},
    fields={
        "parts": _l("What the travel file asks"),
        "freeze_on": _l("Freeze date"),
        "owner": _l("Logistics owner"),
    },
)
GRANTED = describe("travel.permission", _l("Let %(object)s see passport data"))
REVOKED = describe("travel.permission_revoked", _l("Stopped %(object)s seeing passport data"))


@dataclass
class TravelInput:
    """What a participant writes; the parts the event does not ask for stay as they are."""

    passport_name: str = ""
    nationality: str | None = None
    passport_number: str = ""
    passport_expiry: date | None = None
    arrival_at: datetime | None = None
    arrival_flight: str = ""
    arrival_airport: str = ""
    departure_at: datetime | None = None
    departure_flight: str = ""
    departure_airport: str = ""
    check_in_on: date | None = None
    check_out_on: date | None = None
    phone: str = ""
    interpretation_language: str = ""


PART_FIELDS = {
    TravelPart.IDENTITY: ("passport_name", "nationality"),
    TravelPart.PASSPORT: ("passport_number", "passport_expiry"),
    TravelPart.FLIGHTS: (
        "arrival_at",
        "arrival_flight",
        "arrival_airport",
        "departure_at",
        "departure_flight",
        "departure_airport",
        "phone",
    ),
    TravelPart.HOTEL: ("check_in_on", "check_out_on"),
    TravelPart.NEEDS: ("interpretation_language",),
}


def settings_of(event: Event) -> TravelSettings | None:
    return db.session.get(TravelSettings, event.id)


def asking_events(event_ids: set[int]) -> set[int]:
    """Which of the events ask for a travel file."""
    if not event_ids:
        return set()
    rows = db.session.execute(
        select(TravelSettings.event_id, TravelSettings.parts).where(
            TravelSettings.event_id.in_(event_ids)
        )
    )
    return {event_id for event_id, parts in rows if parts}


# What a visa letter states of its holder's travel file (``letters.why_not``).
VISA_LETTER_PARTS = (TravelPart.IDENTITY, TravelPart.PASSPORT)


def asked_parts(registration: Registration, settings: TravelSettings | None) -> list[str]:
    """The parts asked of this participant: the event's, but passport data only of one who
    needs a visa letter, and always of them: the name as in the passport, the nationality, the
    passport's number and expiry (the letter states them, whatever the event asks)."""
    parts = [p for p in (settings.parts if settings else []) if p in PART_FIELDS]
    if not registration.visa_letter:
        return [p for p in parts if p != TravelPart.PASSPORT]
    return [*parts, *(p for p in VISA_LETTER_PARTS if p not in parts)]


def why_not_asked(registration: Registration, settings: TravelSettings | None) -> str | None:
    """Why the participant is not asked for a travel file (yet), or None."""
    if registration.status not in APPROVED:
        return _("Your travel file is asked for once your place is approved.")
    if not asked_parts(registration, settings):
        return _("This event asks for no travel file: the staff will write to you.")
    return None


def file_of(registration: Registration) -> TravelFile:
    """The participant's travel file (a new one, not added, when they have none)."""
    return db.session.get(TravelFile, registration.id) or TravelFile(
        registration_id=registration.id, registration=registration
    )


def is_frozen(settings: TravelSettings | None, today: date) -> bool:
    return bool(settings and settings.freeze_on and today > settings.freeze_on)


def _wanted(registration: Registration, settings, data: TravelInput) -> dict:
    names = [name for part in asked_parts(registration, settings) for name in PART_FIELDS[part]]
    values = {name: getattr(data, name) for name in names}
    for name, value in values.items():
        if isinstance(value, str):
            values[name] = value.strip()
    if values.get("passport_number") == "" and "passport_number" in names:
        raise InvalidInput(
            "passport_number", _("Write the passport number: the visa letter needs it.")
        )
    arrival, departure = values.get("arrival_at"), values.get("departure_at")
    if arrival and departure and departure < arrival:
        raise InvalidInput("departure_at", _("The departure is before the arrival."))
    check_in, check_out = values.get("check_in_on"), values.get("check_out_on")
    if check_in and check_out and check_out <= check_in:
        raise InvalidInput("check_out_on", _("Leave the hotel at least one night after arriving."))
    event = registration.event
    for name, day in (("check_in_on", check_in), ("check_out_on", check_out)):
        if day and not event.starts_on - NEAR <= day <= event.ends_on + NEAR:
            raise InvalidInput(
                name, _("Hotel nights are within a week of the event's days: ask the staff.")
            )
    stay_ends = max(registration.event.ends_on, departure.date() if departure else date.min)
    if (expiry := values.get("passport_expiry")) and expiry < stay_ends:
        raise InvalidInput("passport_expiry", _("The passport expires before the stay ends."))
    return values


def save_travel(
    registration: Registration, data: TravelInput, now: datetime, actor
) -> TravelChange | None:
    """The participant writes their travel file: saved, or after the freeze date a request of
    the change (returned) for the logistics owner."""
    settings = settings_of(registration.event)
    if why := why_not_asked(registration, settings):
        raise InvalidInput("travel", why)
    values = _wanted(registration, settings, data)
    travel = file_of(registration)
    before = {name: _plain(getattr(travel, name)) for name in values}
    changed = {n: [before[n], _plain(v)] for n, v in values.items() if before[n] != _plain(v)}
    if not changed:
        return None
    if is_frozen(settings, now.date()) and travel.completed_at is not None:
        change = TravelChange(registration=registration, changes=changed, asked_at=now)
        db.session.add(change)
        log_action(registration, ASKED, actor, {"fields": sorted(changed)}, at=now)
        return change
    _apply(travel, values, now, actor)
    log_action(registration, SAVED, actor, {"fields": sorted(changed)}, at=now)
    return None


def _apply(travel: TravelFile, values: dict, now: datetime, actor) -> None:
    """The file takes the values; the participant's letters follow what they state."""
    for name, value in values.items():
        setattr(travel, name, value)
    travel.completed_at = travel.completed_at or now
    registration = travel.registration
    if travel.arrival_at:  # the registration's days (budgets, lists) follow the flights
        registration.arrival_on = travel.arrival_at.date()
    if travel.departure_at:
        registration.departure_on = travel.departure_at.date()
    db.session.add(travel)
    db.session.flush()
    reissue_letters(registration, now, actor)


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


FIELD_LABELS = {
    "passport_name": _l("Name exactly as in the passport"),
    "nationality": _l("Nationality"),
    "passport_number": _l("Passport number"),
    "passport_expiry": _l("Passport expiry"),
    "arrival_at": _l("Arrival"),
    "arrival_flight": _l("Arrival flight"),
    "arrival_airport": _l("Arrival airport and terminal"),
    "departure_at": _l("Departure"),
    "departure_flight": _l("Departure flight"),
    "departure_airport": _l("Departure airport and terminal"),
    "check_in_on": _l("Hotel from the night of"),
    "check_out_on": _l("Hotel until the morning of"),
    "phone": _l("Mobile phone during the trip"),
    "interpretation_language": _l("Interpretation language"),
}


def change_lines(change: TravelChange) -> list[tuple[str, str, str]]:
    """A change asked, as staff read it: each field's label, before and after."""

    def shown(name: str, value) -> str:
        if value in (None, ""):
            return "—"
        parsed = _parsed(name, value)
        if isinstance(parsed, datetime):
            return format_moment(parsed)
        if isinstance(parsed, date):
            return format_day(parsed)
        return str(value)

    return [
        (str(FIELD_LABELS.get(name, name)), shown(name, before), shown(name, after))
        for name, (before, after) in change.changes.items()
    ]


def decide_change(change: TravelChange, accept: bool, reason: str, now: datetime, staff) -> None:
    """The logistics owner (or staff) accepts a change asked after the freeze (the file takes
    it) or refuses it, with a reason the participant reads."""
    reread_locked(change)
    if change.status != ChangeStatus.WAITING:
        raise InvalidInput("change", _("This change was decided already."))
    if not accept and not reason.strip():
        raise InvalidInput("reason", _("Say why the change is refused."))
    change.status = ChangeStatus.ACCEPTED if accept else ChangeStatus.REFUSED
    change.decided_at, change.decided_by_id, change.reason = now, staff.id, reason.strip()
    if accept:
        travel = file_of(change.registration)
        values = {name: _parsed(name, after) for name, (_before, after) in change.changes.items()}
        _apply(travel, values, now, staff)
    log_action(change.registration, ACCEPTED if accept else REFUSED, staff, at=now)


def _parsed(name: str, value):
    kind = {f.name: f.type for f in fields(TravelInput)}[name]
    if value is None:
        return None
    if "datetime" in str(kind):
        return datetime.fromisoformat(value)
    if "date" in str(kind):
        return date.fromisoformat(value)
    return value


def may_see_identity(user) -> bool:
    return bool(
        user is not None
        and getattr(user, "is_staff", False)
        and db.session.get(LogisticsPermission, user.id) is not None
    )


def event_files(event: Event) -> list[tuple[Registration, TravelFile | None]]:
    """The approved participants of the event with their travel files, in two queries."""
    registrations = db.session.scalars(
        select(Registration)
        .where(Registration.event_id == event.id, Registration.status.in_(APPROVED))
        .options(joinedload(Registration.organisation))
        .order_by(Registration.name, Registration.id)
    ).all()
    files = {
        f.registration_id: f
        for f in db.session.scalars(
            select(TravelFile).where(TravelFile.registration_id.in_([r.id for r in registrations]))
        )
    }
    return [(r, files.get(r.id)) for r in registrations]


def log_identity_looks(rows, staff, now: datetime) -> None:
    """Every look at passport data in the action log: one line per participant shown."""
    log_actions(
        [
            log_action(r, LOOKED, staff, at=now, add=False)
            for r, travel in rows
            if travel is not None and any(getattr(travel, n) for n in IDENTITY)
        ]
    )


def waiting_changes(event: Event) -> list[TravelChange]:
    return list(
        db.session.scalars(
            select(TravelChange)
            .join(Registration)
            .where(Registration.event_id == event.id, TravelChange.status == ChangeStatus.WAITING)
            .options(joinedload(TravelChange.registration))
            .order_by(TravelChange.asked_at)
        )
    )


def save_settings(event: Event, parts: list[str], freeze_on: date | None, owner_id, staff, now):
    """What the event's travel file asks, its freeze date and its logistics owner (an active
    staff account); logged."""
    unknown = set(parts) - {p.value for p in TravelPart}
    if unknown:
        raise InvalidInput("parts", _("Choose parts of the list."))
    if freeze_on and freeze_on > event.ends_on:
        raise InvalidInput("freeze_on", _("Set the freeze date before the event ends."))
    owner = db.session.get(User, owner_id) if owner_id is not None else None
    if owner_id is not None and (owner is None or not owner.is_staff or not owner.active):
        raise InvalidInput("owner_id", _("Choose a staff member of the list."))
    settings = settings_of(event) or TravelSettings(event_id=event.id)
    before = {
        "parts": settings.parts,
        "freeze_on": settings.freeze_on,
        "owner": settings.owner.name if settings.owner else None,
    }
    settings.parts, settings.freeze_on, settings.owner = list(parts), freeze_on, owner
    db.session.add(settings)
    after = {"parts": list(parts), "freeze_on": freeze_on, "owner": owner.name if owner else None}
    if before != after:
        log_action(event, SETTINGS, staff, changes(before, after), at=now)


def grant(user, allowed: bool, admin, now: datetime) -> None:
    """An administrator lets a staff account see passport data, or stops it."""
    held = db.session.get(LogisticsPermission, user.id)
    if allowed and held is None and user.is_staff:
        db.session.add(LogisticsPermission(user_id=user.id, granted_by_id=admin.id, granted_at=now))
        log_action(user, GRANTED, admin, at=now, label=user.name or user.email)
    elif not allowed and held is not None:
        db.session.delete(held)
        log_action(user, REVOKED, admin, at=now, label=user.name or user.email)
