"""Registering for an event, and what delegates do with their registrations.

The rest of registration lives beside this module, one concern each: ``seats`` (who holds a seat,
availability, the event's lock), ``statuses`` (the table of status changes), ``waiting_list``,
``funding`` (funded places per organisation), ``notifications`` (the emails), ``invitations``,
``settings`` (how an event takes registrations), ``cron`` (the periodic job) and ``hooks`` (what
this capability does when other capabilities change their rows).

Time is passed in (``now``, UTC without tzinfo) rather than read here, so that tests can move it;
"today" is always the UTC day of ``now``. Nothing here commits: the request (or the command) owns
the transaction.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from flask import current_app, url_for
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from markupsafe import Markup
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from ..accounts.models import Role, User
from ..accounts.services import create_user, find_user_by_email
from ..catalogue.models import Event
from ..core.errors import InvalidInput
from ..extensions import db
from ..people.models import Organisation
from ..people.services import OrganisationInput, save_organisation
from .funding import settle_and_tell
from .invitations import check_invitation_email
from .models import Funding, Invitation, ParticipantRole, Registration, Status
from .notifications import notify
from .seats import (
    StatusError,
    availability,
    get_settings,
    lock_event,
    refuse_unless_open,
    seats_held,
)
from .statuses import FIRST_EMAIL, expire_offers
from .waiting_list import offer_free_seats


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
    locale: str | None = None  # the language the delegate registered in: their emails' language


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


def _account(email: str, name: str, locale: str | None) -> User:
    """The delegate's account, reused by email, or created without a password: its owner signs
    in by emailed links, and may set a password once signed in. A form anyone can send never
    sets a password, so that nobody can plant one on another person's address."""
    return find_user_by_email(email) or create_user(
        email, Role.DELEGATE, name=name, confirmed=False, locale=locale
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
    refuse_unless_open(state, event, invitation)
    if state.by_invitation:
        check_invitation_email(invitation, email)
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
    settle_and_tell(event, registration.organisation_id, now, besides=registration)
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
    # First: it may flush.
    registration.user = _account(registration.email, data.name.strip(), data.locale)
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
    registration.locale = data.locale


def already_registered_message() -> Markup:
    """Shown beside the email field, with a link to ask for a sign-in link."""
    return Markup(
        _(
            "This email address is registered for this event already. "
            '<a href="%(url)s">Sign in</a> to see or update your registration.'
        )
    ) % {"url": url_for("accounts.login_link")}


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
