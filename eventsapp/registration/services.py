"""Registrations: who holds a seat, registering, status changes, the waiting list, invitations.

Seats are never sold twice: every change that can take a seat first locks the event's row
(``SELECT … FOR UPDATE`` on PostgreSQL), so that transactions registering for one event run one
after the other and each counts the seats the previous ones took. SQLite runs one writer at a time.

Time is passed in (``now``, UTC without tzinfo) rather than read here, so that tests can move it;
"today" is always the UTC day of ``now``. Nothing here commits: the caller (a view or a command)
owns the transaction.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import current_app, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from markupsafe import Markup
from sqlalchemy import and_, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, joinedload

from ..accounts.models import Role, User
from ..accounts.services import create_user, find_user_by_email
from ..calendars.services import event_ics
from ..catalogue.models import Event, EventStatus
from ..errors import InvalidInput
from ..extensions import db
from ..mail.services import absolute_url, links_to_site, queue_email
from ..people.models import Organisation
from ..people.services import OrganisationInput, save_organisation
from .models import (
    SEAT_HOLDING,
    Access,
    Funding,
    Invitation,
    ParticipantRole,
    Registration,
    RegistrationSettings,
    Status,
)


class RegistrationRefused(Exception):
    """The event takes no registration now (closed, cancelled, full, by invitation…)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class StatusError(ValueError):
    """A status change that is not possible, with the reason for staff or the delegate."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# ---------------------------------------------------------------- seats and availability


def holds_seat(now: datetime):
    """Registrations holding a seat: pending, approved, attended, or a running seat offer."""
    return or_(
        Registration.status.in_(SEAT_HOLDING),
        and_(Registration.status == Status.WAITLISTED, Registration.offer_expires_at > now),
    )


def seats_held(event_ids: list[int], now: datetime) -> dict[int, int]:
    """Seats held per event, for any number of events in one query."""
    if not event_ids:
        return {}
    rows = db.session.execute(
        select(Registration.event_id, func.count(Registration.id))
        .where(Registration.event_id.in_(event_ids), holds_seat(now))
        .group_by(Registration.event_id)
    )
    return dict(rows.all())


@dataclass
class Availability:
    """What the public sees of an event's registration."""

    settings: RegistrationSettings | None
    capacity: int | None
    held: int
    closed_reason: str | None = None  # None: registration is open

    @property
    def is_open(self) -> bool:
        return self.closed_reason is None

    @property
    def by_invitation(self) -> bool:
        return bool(self.settings and self.settings.access == Access.INVITATION)

    @property
    def seats_left(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.held, 0)

    @property
    def full(self) -> bool:
        return self.seats_left == 0


def closing_day(event: Event, settings: RegistrationSettings) -> date:
    """The last day to register: the one set, or the day before the event starts."""
    return settings.closes_on or event.starts_on - timedelta(days=1)


def _closed_reason(event: Event, settings: RegistrationSettings | None, today: date, full: bool):
    if settings is None:
        return _("This event does not take registrations online.")
    if event.status == EventStatus.CANCELLED:
        return _("This event is cancelled.")
    if event.status == EventStatus.POSTPONED:
        return _("This event is postponed: registration reopens when its new dates are set.")
    if settings.opens_on and today < settings.opens_on:
        return _("Registration opens on %(day)s.", day=format_date(settings.opens_on, "long"))
    if (
        event.status == EventStatus.HELD
        or today > closing_day(event, settings)
        or today >= event.starts_on
    ):
        return _("Registration has closed.")
    if full and not settings.waiting_list:
        return _("This event is full, and it keeps no waiting list.")
    return None


def availability(
    event: Event, settings: RegistrationSettings | None, held: int, today: date
) -> Availability:
    result = Availability(settings, event.capacity, held)
    result.closed_reason = _closed_reason(event, settings, today, result.full)
    return result


def why_closed(event: Event, settings: RegistrationSettings | None, now: datetime) -> str | None:
    """Why the event takes no registration now, full or not; None while it takes them. Seats are
    offered, and offers accepted, only then."""
    return _closed_reason(event, settings, now.date(), full=False)


def availability_for(events: list[Event], now: datetime) -> dict[int, Availability]:
    """Availability of many events (a page of the catalogue) in two queries."""
    ids = [e.id for e in events]
    settings = {
        s.event_id: s
        for s in db.session.scalars(
            select(RegistrationSettings).where(RegistrationSettings.event_id.in_(ids))
        )
    }
    held = seats_held(ids, now)
    return {
        e.id: availability(e, settings.get(e.id), held.get(e.id, 0), now.date()) for e in events
    }


def event_availability(event: Event, now: datetime) -> Availability:
    return availability_for([event], now)[event.id]


def _refuse_unless_open(state: Availability, event: Event, invitation: Invitation | None) -> None:
    if not state.is_open:
        raise RegistrationRefused(state.closed_reason)
    if state.by_invitation and (invitation is None or invitation.event_id != event.id):
        raise RegistrationRefused(invitation_only_message())


def registration_form_state(
    event: Event, now: datetime, invitation: Invitation | None = None
) -> Availability:
    """What the registration form shows of the event; raises RegistrationRefused (as
    ``register`` does) when the event takes no registration now, or not without an invitation."""
    state = event_availability(event, now)
    _refuse_unless_open(state, event, invitation)
    return state


def registration_count(event_id: int) -> int:
    """How many registrations an event has, whatever their status."""
    return db.session.scalar(
        select(func.count(Registration.id)).where(Registration.event_id == event_id)
    )


def lock_event(event_id: int) -> None:
    """Serialise the transactions that take or free seats of this event (PostgreSQL row lock)."""
    db.session.execute(select(Event.id).where(Event.id == event_id).with_for_update())


# ---------------------------------------------------------------- emails


def _event_url(event: Event) -> str:
    return absolute_url("catalogue.event_page", event_id=event.id)


def _my_registrations_url() -> str:
    return absolute_url("registration.my_registrations")


def notify(registration: Registration, template: str, **context) -> None:
    """Queue the email of a status change; the approval carries the event's .ics file."""
    event = registration.event
    subjects = {
        "received": _("Registration received: %(title)s", title=event.title),
        "approved": _("Your place is confirmed: %(title)s", title=event.title),
        "declined": _("Your registration was not accepted: %(title)s", title=event.title),
        "waitlisted": _("You are on the waiting list: %(title)s", title=event.title),
        "offered": _("A seat is free for you: %(title)s", title=event.title),
        "offer_lapsed": _("The seat offered to you has passed on: %(title)s", title=event.title),
        "funding": _("Funding of your place: %(title)s", title=event.title),
        "reminder": _("Reminder: %(title)s", title=event.title),
    }
    attachment = None
    if template == "waitlisted":
        context["position"] = waiting_positions([registration])[registration.id]
    if template == "approved":
        with links_to_site():
            attachment = (f"event-{event.id}.ics", "text/calendar", event_ics(event))
    queue_email(
        registration.email,
        subjects[template],
        template,
        attachment=attachment,
        registration=registration,
        event=event,
        event_url=_event_url(event),
        my_registrations_url=_my_registrations_url(),
        **context,
    )


# ---------------------------------------------------------------- registering


@dataclass
class RegistrationInput:
    """What a delegate enters on the registration form."""

    name: str
    gender: str
    email: str
    country_code: str
    position: str = ""
    organisation_id: int | None = None
    new_organisation: str | None = None  # a name, when the organisation is not in the list
    new_organisation_kind: str = "electoral_management_body"
    interpretation_languages: list[str] = field(default_factory=list)
    accessibility_needs: str = ""
    dietary_needs: str = ""
    visa_letter: bool = False
    arrival_on: date | None = None
    departure_on: date | None = None
    consent: bool = False
    role: str = ParticipantRole.DELEGATE


def get_settings(event_id: int) -> RegistrationSettings | None:
    return db.session.get(RegistrationSettings, event_id)


def _organisation(data: RegistrationInput) -> Organisation | None:
    """The organisation chosen, or the one named (found by name, else added)."""
    name = (data.new_organisation or "").strip()
    if name:
        found = db.session.scalar(
            select(Organisation).where(func.lower(Organisation.name) == name.lower())
        )
        return found or save_organisation(
            Organisation(),
            OrganisationInput(
                name=name, kind=data.new_organisation_kind, country_code=data.country_code
            ),
        )
    if data.organisation_id is None:
        return None
    organisation = db.session.get(Organisation, data.organisation_id)
    if organisation is None:
        raise InvalidInput("organisation_id", _("Choose your organisation from the list."))
    return organisation


def _account(email: str, name: str) -> User:
    """The delegate's account, reused by email, or created without a password: its owner signs
    in by emailed links, and may set a password once signed in. A form anyone can send never
    sets a password, so that nobody can plant one on another person's address."""
    return find_user_by_email(email) or create_user(
        email, Role.DELEGATE, name=name, confirmed=False
    )


def _check_input(data: RegistrationInput) -> str:
    email = data.email.strip().lower()
    if not data.consent:
        raise InvalidInput(
            "consent", _("Registration needs your consent to the processing of your data.")
        )
    if data.arrival_on and data.departure_on and data.departure_on < data.arrival_on:
        raise InvalidInput("departure_on", _("The departure is before the arrival."))
    return email


# The email that answers a registration, by the status it gets.
FIRST_EMAIL = {
    Status.PENDING: "received",
    Status.APPROVED: "approved",
    Status.WAITLISTED: "waitlisted",
}


def register(
    event: Event, data: RegistrationInput, now: datetime, invitation: Invitation | None = None
) -> Registration:
    """Register someone for an event: a seat if one is left (pending or approved), else the
    waiting list. Free seats go to the waiting list first, so that nobody overtakes it.

    Someone who withdrew (or whose seat offer lapsed) may register again. Raises
    RegistrationRefused when the event takes no registration, and InvalidInput for a field (a
    second registration of the same email among them).
    """
    email = _check_input(data)
    lock_event(event.id)
    expire_offers(event, now)
    offer_free_seats(event, now)
    settings = get_settings(event.id)
    held = seats_held([event.id], now).get(event.id, 0)
    state = availability(event, settings, held, now.date())
    _refuse_unless_open(state, event, invitation)
    if state.by_invitation:
        _check_invitation_email(invitation, email)
    registration = db.session.scalar(
        select(Registration).where(Registration.event_id == event.id, Registration.email == email)
    )
    if registration is not None and registration.status != Status.WITHDRAWN:
        raise InvalidInput("email", already_registered_message())
    organisation = _organisation(data)
    if state.full:
        status = Status.WAITLISTED
    else:
        status = Status.PENDING if settings.approval_required else Status.APPROVED
    if registration is None:
        registration = Registration(event=event, email=email)
    _fill(registration, data, organisation, status, now)  # before it is added: no half row
    db.session.add(registration)
    try:
        db.session.flush()
    except IntegrityError:
        # Only a race past the check above gets here; the database refuses the second row.
        raise InvalidInput("email", already_registered_message()) from None
    if invitation is not None:
        invitation.used_at = now
    _settle_funding_after(registration, now)
    notify(registration, FIRST_EMAIL[status])
    return registration


def _fill(
    registration: Registration,
    data: RegistrationInput,
    organisation: Organisation | None,
    status: str,
    now: datetime,
) -> None:
    """A registration as the form gives it, new (or anew, after a withdrawal)."""
    registration.user = _account(registration.email, data.name.strip())  # first: it may flush
    registration.name = data.name.strip()
    registration.gender = data.gender
    registration.position = data.position.strip()
    registration.organisation = organisation
    registration.country_code = data.country_code
    registration.role = data.role
    registration.status = status
    registration.funding = Funding.FUNDED  # until settled
    registration.interpretation_languages = list(dict.fromkeys(data.interpretation_languages))
    registration.accessibility_needs = data.accessibility_needs.strip()
    registration.dietary_needs = data.dietary_needs.strip()
    registration.visa_letter = data.visa_letter
    registration.arrival_on = data.arrival_on
    registration.departure_on = data.departure_on
    registration.consent_at = now
    registration.waitlisted_at = now if status == Status.WAITLISTED else None
    registration.offer_expires_at = None
    registration.reminded_at = None
    registration.created_at = now


def already_registered_message() -> Markup:
    """Shown beside the email field, with a link to ask for a sign-in link."""
    return Markup(
        _(
            "This email address is registered for this event already. "
            '<a href="%(url)s">Sign in</a> to see or update your registration.'
        )
    ) % {"url": url_for("accounts.login_link")}


# ---------------------------------------------------------------- funded places


def settle_funding(event: Event, organisation_id: int | None, now: datetime) -> list[Registration]:
    """Give an organisation's funded places (the event's quota) to its registrations in play:
    those holding a seat first, oldest first, then those on the waiting list in its order. The
    others are self-funded; declined and withdrawn ones keep what they had.

    Call it inside the event's lock after every change that brings a registration into play or
    out of it, or between a seat and the waiting list. Returns those whose funding changed.
    """
    if organisation_id is None:
        return []
    settings = get_settings(event.id)
    quota = settings.quota_per_organisation if settings else None
    in_play = db.session.scalars(
        select(Registration).where(
            Registration.event_id == event.id,
            Registration.organisation_id == organisation_id,
            Registration.status.not_in([Status.DECLINED, Status.WITHDRAWN]),
        )
    ).all()

    def turn(registration: Registration) -> tuple:
        if _holds_seat_now(registration, now):
            return (0, registration.created_at, registration.id)
        return (1, registration.waitlisted_at or registration.created_at, registration.id)

    changed = []
    for place, registration in enumerate(sorted(in_play, key=turn)):
        funding = Funding.FUNDED if quota is None or place < quota else Funding.SELF_FUNDED
        if registration.funding != funding:
            registration.funding = funding
            changed.append(registration)
    return changed


def _settle_funding_after(registration: Registration, now: datetime, told: bool = True) -> None:
    """Settle the funding of the registration's organisation after its change; the others whose
    funding changed are told by email (``registration`` too, unless its status email says it)."""
    for other in settle_funding(registration.event, registration.organisation_id, now):
        if other is not registration or not told:
            notify(other, "funding")


# ---------------------------------------------------------------- the waiting list


def offer_free_seats(event: Event, now: datetime) -> list[Registration]:
    """Offer each free seat to the next on the waiting list, for ``offer_hours``, while the event
    takes registrations. Call it whenever seats may have freed (a raised capacity…); it takes the
    event's lock. Returns the registrations offered a seat."""
    lock_event(event.id)
    settings = get_settings(event.id)
    if why_closed(event, settings, now):
        return []
    waiting = (
        select(Registration)
        .where(
            Registration.event_id == event.id,
            Registration.status == Status.WAITLISTED,
            Registration.offer_expires_at.is_(None),
        )
        .order_by(Registration.waitlisted_at, Registration.id)
    )
    if event.capacity is not None:
        free = event.capacity - seats_held([event.id], now).get(event.id, 0)
        if free <= 0:
            return []
        waiting = waiting.limit(free)
    offered = db.session.scalars(waiting).all()
    for registration in offered:
        registration.offer_expires_at = now + timedelta(hours=settings.offer_hours)
        notify(registration, "offered", accept_url=offer_url(registration))
        _settle_funding_after(registration, now, told=False)
    return list(offered)


def waiting_positions(registrations: list[Registration]) -> dict[int, int]:
    """The place in its event's waiting list (1 = next) of each waitlisted registration, by id,
    for any number of registrations and events in one query. Those with a seat offer running are
    still on the list, ahead of the others."""
    ids = [r.id for r in registrations if r.status == Status.WAITLISTED]
    if not ids:
        return {}
    ahead = aliased(Registration)
    rows = db.session.execute(
        select(Registration.id, func.count(ahead.id))
        .join(
            ahead,
            and_(
                ahead.event_id == Registration.event_id,
                ahead.status == Status.WAITLISTED,
                or_(
                    ahead.waitlisted_at < Registration.waitlisted_at,
                    and_(
                        ahead.waitlisted_at == Registration.waitlisted_at,
                        ahead.id <= Registration.id,
                    ),
                ),
            ),
        )
        .where(Registration.id.in_(ids))
        .group_by(Registration.id)
    )
    return dict(rows.all())


def expire_offers(event: Event, now: datetime) -> int:
    """Offers not accepted in time end (the delegate is withdrawn, and told); their seats pass
    on."""
    expired = db.session.scalars(
        select(Registration).where(
            Registration.event_id == event.id,
            Registration.status == Status.WAITLISTED,
            Registration.offer_expires_at <= now,
        )
    ).all()
    for registration in expired:
        registration.status = Status.WITHDRAWN
        notify(registration, "offer_lapsed")
        _settle_funding_after(registration, now)
    if expired:
        db.session.flush()
        offer_free_seats(event, now)
    return len(expired)


def _serializer(salt: str) -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=salt)


def confirmation_token(registration: Registration) -> str:
    """For the page shown after registering: signed, so that ids cannot be tried in turn."""
    return _serializer("confirmation").dumps(registration.id)


def registration_for_confirmation(token: str) -> Registration | None:
    try:
        return db.session.get(Registration, _serializer("confirmation").loads(token))
    except BadSignature:
        return None


def offer_token(registration: Registration) -> str:
    return _serializer("seat-offer").dumps(
        {"r": registration.id, "until": registration.offer_expires_at.isoformat()}
    )


def offer_url(registration: Registration) -> str:
    return absolute_url("registration.accept_offer", token=offer_token(registration))


def registration_for_offer(token: str) -> Registration:
    """The registration a seat-offer link is for; a tampered or replaced link is refused."""
    try:
        data = _serializer("seat-offer").loads(token)
    except BadSignature:
        raise StatusError(_("This link is not valid. Copy it whole from the email.")) from None
    registration = db.session.get(Registration, data["r"])
    current = registration and registration.offer_expires_at
    if not current or current.isoformat() != data["until"]:
        raise StatusError(_("This offer is no longer open."))
    return registration


def accept_offer(registration: Registration, now: datetime) -> None:
    """The delegate takes the seat offered, while the offer runs and the event takes
    registrations."""
    lock_event(registration.event_id)
    if not registration.has_offer or registration.offer_expires_at <= now:
        raise StatusError(_("This offer has expired, and the seat passed to the next delegate."))
    settings = get_settings(registration.event_id)
    if closed := why_closed(registration.event, settings, now):
        raise StatusError(closed)
    registration.status = Status.PENDING if settings.approval_required else Status.APPROVED
    registration.offer_expires_at = None
    registration.waitlisted_at = None
    _settle_funding_after(registration, now)
    notify(registration, "received" if registration.status == Status.PENDING else "approved")


# ---------------------------------------------------------------- status changes


def _holds_seat_now(registration: Registration, now: datetime) -> bool:
    return registration.status in SEAT_HOLDING or (
        registration.has_offer and registration.offer_expires_at > now
    )


# What each staff action accepts, by the registration's status. The participants page offers a
# row only the actions it accepts (``allowed_actions``), and the actions refuse the others.
ACTION_STATUSES = {
    "approve": (Status.PENDING, Status.WAITLISTED, Status.DECLINED),
    "decline": (Status.PENDING, Status.APPROVED, Status.WAITLISTED),
    "waitlist": (Status.PENDING, Status.APPROVED, Status.DECLINED),
    "attended": (Status.APPROVED,),
}


def _seat_free(event: Event, now: datetime) -> bool:
    return event.capacity is None or seats_held([event.id], now).get(event.id, 0) < event.capacity


def refusal(
    registration: Registration, action: str, now: datetime, seat_free: bool | None = None
) -> str | None:
    """Why staff cannot apply the action to the registration now, naming its delegate; None when
    they can. Approving needs a free seat unless the registration holds one (``seat_free``, read
    from the database when not given)."""
    name = registration.name
    if registration.status not in ACTION_STATUSES[action]:
        if action == "approve":
            return _(
                "%(name)s: only pending, waitlisted or declined registrations can be approved.",
                name=name,
            )
        if action == "decline":
            return _(
                "%(name)s: only pending, approved or waitlisted registrations can be declined.",
                name=name,
            )
        if action == "waitlist":
            return _(
                "%(name)s: only pending, approved or declined registrations can be moved to the "
                "waiting list.",
                name=name,
            )
        return _("%(name)s: only approved participants can be marked as attended.", name=name)
    if action == "approve" and not _holds_seat_now(registration, now):
        if seat_free is None:
            seat_free = _seat_free(registration.event, now)
        if not seat_free:
            return _(
                "No seat is left for %(name)s: raise the capacity or decline someone first.",
                name=name,
            )
    return None


def _check(registration: Registration, action: str, now: datetime) -> None:
    if problem := refusal(registration, action, now):
        raise StatusError(problem)


def allowed_actions(
    registrations: list[Registration], seat_free: bool, now: datetime
) -> dict[int, list[str]]:
    """The staff actions each registration accepts now (by id), with or without a free seat."""
    return {
        r.id: [a for a in ACTION_STATUSES if refusal(r, a, now, seat_free) is None]
        for r in registrations
    }


def approve(registration: Registration, now: datetime) -> None:
    _check(registration, "approve", now)
    registration.status = Status.APPROVED
    registration.offer_expires_at = None
    registration.waitlisted_at = None
    _settle_funding_after(registration, now)
    notify(registration, "approved")


def decline(registration: Registration, now: datetime) -> None:
    _check(registration, "decline", now)
    registration.status = Status.DECLINED
    registration.offer_expires_at = None
    notify(registration, "declined")
    _settle_funding_after(registration, now)
    db.session.flush()
    offer_free_seats(registration.event, now)


def move_to_waiting_list(registration: Registration, now: datetime) -> None:
    """To the end of the waiting list; the seat it held is offered to the first waiting."""
    _check(registration, "waitlist", now)
    registration.status = Status.WAITLISTED
    registration.waitlisted_at = now
    registration.offer_expires_at = None
    _settle_funding_after(registration, now)
    notify(registration, "waitlisted")
    db.session.flush()
    offer_free_seats(registration.event, now)


def mark_attended(registration: Registration, now: datetime) -> None:
    _check(registration, "attended", now)
    registration.status = Status.ATTENDED


def withdraw(registration: Registration, now: datetime) -> None:
    """The delegate withdraws; a seat held is offered to the first on the waiting list."""
    if registration.status not in (Status.PENDING, Status.APPROVED, Status.WAITLISTED):
        raise StatusError(_("This registration cannot be withdrawn any more."))
    lock_event(registration.event_id)
    registration.status = Status.WITHDRAWN
    registration.offer_expires_at = None
    _settle_funding_after(registration, now)
    db.session.flush()
    offer_free_seats(registration.event, now)


STAFF_ACTIONS = {
    "approve": approve,
    "decline": decline,
    "waitlist": move_to_waiting_list,
    "attended": mark_attended,
}


def apply_staff_action(
    event: Event, action: str, registration_ids: list[int], now: datetime
) -> tuple[int, list[str]]:
    """Apply one action to the chosen registrations of the event, in registration order.

    Returns how many changed and the reasons of those that could not.
    """
    change = STAFF_ACTIONS[action]
    lock_event(event.id)
    expire_offers(event, now)
    registrations = db.session.scalars(
        select(Registration)
        .where(Registration.event_id == event.id, Registration.id.in_(registration_ids))
        .order_by(Registration.created_at, Registration.id)
    ).all()
    done, problems = 0, []
    for registration in registrations:
        try:
            change(registration, now)
        except StatusError as error:
            problems.append(error.message)
        else:
            done += 1
            db.session.flush()
    return done, problems


# ---------------------------------------------------------------- delegates


def my_registrations(user: User) -> list[Registration]:
    return list(
        db.session.scalars(
            select(Registration)
            .where(Registration.user_id == user.id)
            .options(joinedload(Registration.event).joinedload(Event.venue))
            .order_by(Registration.created_at.desc())
        )
    )


@dataclass
class TravelInput:
    arrival_on: date | None
    departure_on: date | None
    accessibility_needs: str = ""
    dietary_needs: str = ""
    visa_letter: bool = False


def update_travel(registration: Registration, data: TravelInput) -> None:
    if registration.status in (Status.DECLINED, Status.WITHDRAWN, Status.ATTENDED):
        raise StatusError(_("This registration can no longer be changed."))
    if data.arrival_on and data.departure_on and data.departure_on < data.arrival_on:
        raise InvalidInput("departure_on", _("The departure is before the arrival."))
    registration.arrival_on = data.arrival_on
    registration.departure_on = data.departure_on
    registration.accessibility_needs = data.accessibility_needs.strip()
    registration.dietary_needs = data.dietary_needs.strip()
    registration.visa_letter = data.visa_letter


# ---------------------------------------------------------------- settings (staff)


@dataclass
class SettingsInput:
    capacity: int | None
    opens_on: date | None = None
    closes_on: date | None = None
    access: str = Access.OPEN
    approval_required: bool = True
    waiting_list: bool = True
    quota_per_organisation: int | None = None
    offer_hours: int = 48
    reminder_days: int = 7


def _check_settings(event: Event, data: SettingsInput) -> None:
    """Registration runs before the event: an event that has started takes none."""
    start = format_date(event.starts_on, "long")
    if data.opens_on and data.opens_on >= event.starts_on:
        raise InvalidInput(
            "opens_on", _("Registration must open before the event starts (%(day)s).", day=start)
        )
    if data.closes_on and data.closes_on >= event.starts_on:
        raise InvalidInput(
            "closes_on",
            _(
                "Registration closes on the day before the event starts (%(day)s) at the latest.",
                day=start,
            ),
        )
    if data.opens_on and data.closes_on and data.closes_on < data.opens_on:
        raise InvalidInput("closes_on", _("Registration closes before it opens."))


def check_capacity(event: Event, capacity: int | None, now: datetime) -> None:
    """Refuse a capacity below the seats already held: nobody loses a seat by a number typed."""
    if capacity is None or event.id is None:
        return
    held = seats_held([event.id], now).get(event.id, 0)
    if capacity < held:
        raise InvalidInput(
            "capacity",
            _(
                "%(held)s seats are held: the capacity cannot be less. Decline participants or "
                "move them to the waiting list first.",
                held=held,
            ),
        )


def save_settings(event: Event, data: SettingsInput, now: datetime) -> RegistrationSettings:
    """Open (or change) online registration. A raised capacity offers seats to the waiting list;
    a changed quota of funded places is settled, and those whose funding changed are told."""
    _check_settings(event, data)
    lock_event(event.id)
    check_capacity(event, data.capacity, now)
    settings = get_settings(event.id) or RegistrationSettings(event_id=event.id)
    for name in (
        "opens_on",
        "closes_on",
        "access",
        "approval_required",
        "waiting_list",
        "quota_per_organisation",
        "offer_hours",
        "reminder_days",
    ):
        setattr(settings, name, getattr(data, name))
    event.capacity = data.capacity
    db.session.add(settings)
    db.session.flush()
    organisation_ids = db.session.scalars(
        select(Registration.organisation_id).where(Registration.event_id == event.id).distinct()
    )
    for organisation_id in organisation_ids.all():
        for registration in settle_funding(event, organisation_id, now):
            notify(registration, "funding")
    offer_free_seats(event, now)
    return settings


# ---------------------------------------------------------------- invitations


def invitation_token(invitation: Invitation) -> str:
    return _serializer("invitation").dumps({"i": invitation.id, "e": invitation.event_id})


def read_invitation(token: str, event: Event) -> Invitation:
    """The invitation a link carries; a tampered link or one for another event is refused."""
    try:
        data = _serializer("invitation").loads(token)
    except BadSignature:
        data = None
    invitation = data and db.session.get(Invitation, data["i"])
    if not invitation or invitation.event_id != event.id:
        raise RegistrationRefused(
            _("This invitation link is not valid. Copy it whole from the invitation email.")
        )
    return invitation


def invitation_only_message() -> str:
    return _(
        "This event takes registrations by invitation only: the training centre sends "
        "invitation links to the officials of the requesting authority."
    )


def _check_invitation_email(invitation: Invitation, email: str) -> None:
    if invitation.email != email:
        raise InvalidInput(
            "email",
            _(
                "This invitation is for %(email)s: register with that address.",
                email=invitation.email,
            ),
        )


def invite(
    event: Event, organisation: Organisation, emails: list[str], by: User, now: datetime
) -> list[Invitation]:
    """Invite officials of an authority by email (again, for those invited before)."""
    invitations = []
    for email in dict.fromkeys(e.strip().lower() for e in emails if e.strip()):
        invitation = db.session.scalar(
            select(Invitation).where(Invitation.event_id == event.id, Invitation.email == email)
        )
        if invitation is None:
            invitation = Invitation(
                event_id=event.id, organisation=organisation, email=email, created_by_id=by.id
            )
            db.session.add(invitation)
            db.session.flush()
        invitations.append(invitation)
        queue_email(
            email,
            _("Invitation to register: %(title)s", title=event.title),
            "invitation",
            event=event,
            organisation=organisation,
            event_url=_event_url(event),
            register_url=absolute_url(
                "registration.register", event_id=event.id, invitation=invitation_token(invitation)
            ),
        )
    return invitations


def invitations_of(event: Event) -> list[Invitation]:
    return list(
        db.session.scalars(
            select(Invitation)
            .where(Invitation.event_id == event.id)
            .options(joinedload(Invitation.organisation))
            .order_by(Invitation.created_at.desc(), Invitation.id.desc())
        )
    )


# ---------------------------------------------------------------- cron


def send_reminders(now: datetime) -> int:
    """Remind approved participants ``reminder_days`` before their event, once."""
    today = now.date()
    rows = db.session.execute(
        select(Registration, RegistrationSettings.reminder_days)
        .join(Event, Event.id == Registration.event_id)
        .join(RegistrationSettings, RegistrationSettings.event_id == Event.id)
        .where(
            Registration.status == Status.APPROVED,
            Registration.reminded_at.is_(None),
            RegistrationSettings.reminder_days > 0,
            Event.starts_on > today,
            Event.status.not_in([EventStatus.CANCELLED, EventStatus.POSTPONED]),
        )
        .options(joinedload(Registration.event))
    ).all()
    count = 0
    for registration, days in rows:
        if (registration.event.starts_on - today).days <= days:
            registration.reminded_at = now
            notify(registration, "reminder")
            count += 1
    return count


def tick(now: datetime) -> dict[str, int]:
    """What cron runs: expired offers pass on, free seats are offered (also those of a capacity
    raised on the event form), reminders go out. Events that ended are left alone."""
    event_ids = db.session.scalars(
        select(Registration.event_id)
        .join(Event, Event.id == Registration.event_id)
        .where(Registration.status == Status.WAITLISTED, Event.ends_on >= now.date())
        .distinct()
        .order_by(Registration.event_id)
    ).all()
    expired = 0
    for event_id in event_ids:
        lock_event(event_id)
        event = db.session.get(Event, event_id)
        expired += expire_offers(event, now)
        offer_free_seats(event, now)
    return {"offers expired": expired, "reminders": send_reminders(now)}


# ---------------------------------------------------------------- schema.org


SCHEMA_STATUS = {
    EventStatus.CANCELLED: "https://schema.org/EventCancelled",
    EventStatus.POSTPONED: "https://schema.org/EventPostponed",
}


def schema_org_event(event: Event, state: Availability) -> dict:
    """The event as schema.org JSON-LD, for search engines and calendars that read pages.

    A venue to be decided gives no location; capacities appear only when the event has one.
    """
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "url": _event_url(event),
        "startDate": (event.starts_at.isoformat() + "Z")
        if event.starts_at
        else event.starts_on.isoformat(),
        "endDate": (event.ends_at.isoformat() + "Z")
        if event.ends_at
        else event.ends_on.isoformat(),
        "eventStatus": SCHEMA_STATUS.get(event.status, "https://schema.org/EventScheduled"),
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
    }
    if event.purpose:
        data["description"] = " ".join(event.purpose)
    if event.venue:
        data["location"] = {
            "@type": "Place",
            "name": event.venue.place or event.venue.city or event.venue.country.name,
            "address": {
                "@type": "PostalAddress",
                "addressLocality": event.venue.city,
                "addressCountry": event.venue.country_code,
            },
        }
    if event.programme and event.programme.owner:
        data["organizer"] = {
            "@type": "Organization",
            "name": event.programme.owner.display_name,
        }
    if event.capacity is not None:
        data["maximumAttendeeCapacity"] = event.capacity
        data["remainingAttendeeCapacity"] = state.seats_left
    if event.languages:
        data["inLanguage"] = event.languages
    return data


def settle_funding_after_merge(event_ids: list[int], organisation_id: int, now: datetime) -> None:
    """Two organisations became one: in each event its registrations share one quota of funded
    places now; those whose funding changed are told."""
    for event in db.session.scalars(select(Event).where(Event.id.in_(event_ids))):
        lock_event(event.id)
        for registration in settle_funding(event, organisation_id, now):
            notify(registration, "funding")
