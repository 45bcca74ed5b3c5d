"""What happens, as webhook types: each line of the action log (``core.actions``) that another
system may want to hear of becomes one or more types, with the object's public data.

The data is what a staff member's API already shows (ids, statuses, titles, a participant's name,
country and organisation), never an address, a gender, answers, travel or passport data.
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from ..authority_requests.models import AuthorityRequest
from ..catalogue.models import Event, EventStatus
from ..core.actions import LoggedAction
from ..delegations.models import Delegation
from ..documents.models import Document
from ..extensions import db
from ..registration.models import Registration, Status

# The types a subscription may ask for, with what they say on the subscription's page.
TYPES = {
    "registration.created": _l("A registration was made (confirmed by its delegate)"),
    "registration.approved": _l("A registration was approved"),
    "registration.declined": _l("A registration was declined"),
    "registration.withdrawn": _l("A registration was withdrawn"),
    "registration.waitlisted": _l("A registration went to the waiting list"),
    "event.created": _l("An event was created"),
    "event.changed": _l("An event was changed"),
    "event.cancelled": _l("An event was cancelled or deleted"),
    "checkin.created": _l("A participant was checked in"),
    "certificate.issued": _l("A certificate was issued"),
    "certificate.revoked": _l("A certificate was revoked"),
    "request.received": _l("A request from an electoral authority was received"),
    "delegation.nominated": _l("An authority nominated an official"),
}
PING = "ping"  # sent by "Send a test ping", whatever the subscription asks for

# A registration's status after a change, as the type announcing it.
_REACHED = {
    Status.APPROVED: "registration.approved",
    Status.DECLINED: "registration.declined",
    Status.WITHDRAWN: "registration.withdrawn",
    Status.WAITLISTED: "registration.waitlisted",
}
_REGISTRATION_CHANGES = {
    "registration.approved",
    "registration.declined",
    "registration.waitlisted",
    "registration.withdrawn",
    "registration.offer_accepted",
    "registration.offer_lapsed",
}
_REGISTERED = {"registration.registered", "registration.confirmed"}
_CHECKED_IN = {"registration.checked_in", "registration.session_checked_in"}
_DOCUMENTS = {"document.issued": "certificate.issued", "document.revoked": "certificate.revoked"}
_EVENTS = {"event.created", "event.edited"}
EVENT_DELETED = "event.deleted"  # read at once: gone by the commit
# The actions of the log that may become a webhook: the others are not looked at.
ACTIONS = (
    _REGISTRATION_CHANGES
    | _REGISTERED
    | _CHECKED_IN
    | set(_DOCUMENTS)
    | _EVENTS
    | {"request.sent", "delegation.nominated", EVENT_DELETED}
)


@dataclass(frozen=True)
class Happening:
    type: str
    programme_id: int | None  # whose subscriptions hear of it (besides those to everything)
    data: dict


def happenings(line: LoggedAction) -> list[Happening]:
    """The webhook types a line of the action log announces (none for most), with their data,
    read as the objects are when the transaction commits."""
    action = line.action
    if action in _REGISTRATION_CHANGES or action in _REGISTERED or action in _CHECKED_IN:
        return _registration(line)
    if action in _DOCUMENTS:
        return _document(line)
    if action in _EVENTS:
        return _event(line)
    if action == "request.sent":
        request = db.session.get(AuthorityRequest, line.object_id)
        return [Happening("request.received", None, _request_data(request))] if request else []
    if action == "delegation.nominated":
        delegation = db.session.get(Delegation, line.object_id)
        if delegation is None:
            return []
        data = {**_delegation_data(delegation), "nominee": (line.data or {}).get("nominee")}
        return [Happening("delegation.nominated", delegation.event.programme_id, data)]
    return []


def _status_after(line: LoggedAction) -> str | None:
    change = ((line.data or {}).get("changes") or {}).get("status")
    return change[1] if change else None


def _registration(line: LoggedAction) -> list[Happening]:
    registration = db.session.get(Registration, line.object_id)
    if registration is None:
        return []
    programme_id = registration.event.programme_id
    data = registration_data(registration)
    if line.action in _CHECKED_IN:
        day, session = (line.data or {}).get("day"), (line.data or {}).get("session")
        return [
            Happening("checkin.created", programme_id, {**data, "day": day, "session": session})
        ]
    status = _status_after(line)
    types = []
    if line.action in _REGISTERED:
        if status in (None, Status.UNCONFIRMED):
            return []  # staff never see it: it is created when its delegate confirms
        types.append("registration.created")
    if status in _REACHED:
        types.append(_REACHED[status])
    return [Happening(t, programme_id, data) for t in types]


def _document(line: LoggedAction) -> list[Happening]:
    if (line.data or {}).get("kind") != "certificate":
        return []
    document = db.session.get(Document, line.object_id)
    if document is None:
        return []
    registration = document.registration
    data = {
        "id": document.id,
        "serial": document.serial,
        "issued_at": _moment(document.issued_at),
        "revoked_at": _moment(document.revoked_at),
        "registration": registration_data(registration),
    }
    return [Happening(_DOCUMENTS[line.action], registration.event.programme_id, data)]


def _event(line: LoggedAction) -> list[Happening]:
    event = db.session.get(Event, line.object_id)
    if event is None:
        return []
    kind = "event.created"
    if line.action == "event.edited":
        status = _status_after(line)
        kind = "event.cancelled" if status == EventStatus.CANCELLED else "event.changed"
    changed = sorted(((line.data or {}).get("changes") or {}).keys())
    return [Happening(kind, event.programme_id, {**event_data(event), "changed": changed})]


def deleted_event(event: Event) -> Happening:
    """An event deleted, read as it was (before the transaction removes it)."""
    return Happening("event.cancelled", event.programme_id, {**event_data(event), "deleted": True})


def event_data(event: Event) -> dict:
    return {
        "id": event.id,
        "title": event.title,
        "kind": event.kind,
        "status": event.status,
        "programme_id": event.programme_id,
        "date_text": event.date_text,
        "starts_on": event.starts_on.isoformat(),
        "ends_on": event.ends_on.isoformat(),
        "tentative": event.tentative,
        "capacity": event.capacity,
    }


def registration_data(registration: Registration) -> dict:
    event = registration.event
    return {
        "id": registration.id,
        "status": registration.status,
        "role": registration.role,
        "name": registration.name,
        "country": registration.country_code,
        "organisation": registration.organisation.name if registration.organisation else None,
        "event": {"id": event.id, "title": event.title, "programme_id": event.programme_id},
    }


def _request_data(request: AuthorityRequest) -> dict:
    return {
        "id": request.id,
        "kind": request.kind,
        "status": request.status,
        "authority": request.authority_name,
        "country": request.country_code,
        "date_text": request.date_text,
        "starts_on": request.starts_on.isoformat(),
        "ends_on": request.ends_on.isoformat(),
    }


def _delegation_data(delegation: Delegation) -> dict:
    event = delegation.event
    return {
        "id": delegation.id,
        "authority": delegation.organisation.name,
        "country": delegation.organisation.country_code,
        "event": {"id": event.id, "title": event.title, "programme_id": event.programme_id},
    }


def _moment(value) -> str | None:
    return value.isoformat() + "Z" if value else None
