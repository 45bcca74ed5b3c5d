"""Registering for an event, and what delegates do with their registrations.

The rest of registration lives beside this module, one concern each: ``seats`` (who holds a seat,
availability, the event's lock), ``statuses`` (the table of status changes), ``waiting_list``,
``funding`` (funded places per organisation), ``notifications`` (every email to a participant),
``links`` (the confirmation link and the registration's page), ``under_lock`` (what confirming
reads once the event is locked, in one statement), ``invitations``, ``settings`` (how
an event takes registrations), ``cron`` (the periodic job) and ``hooks`` (what this capability
does when other capabilities change their rows).

A registration counts only once its email address is known to be the registrant's: the form is
open to anyone, who could otherwise register someone else's address (and show it among the
participants). Sent from the form, it is kept ``unconfirmed`` (no seat, in no list) and the
address is emailed a link; following it (``confirm_registration``) gives the registration its
place, in the order of confirmation. An address proven otherwise (the account signed in, an
invitation emailed to it) counts at once (``register``). Unconfirmed registrations are forgotten
after CONFIRMATION_HOURS (``forget_unconfirmed``, in the periodic job).

Time is passed in (``now``, UTC without tzinfo) rather than read here, so that tests can move it;
"today" is always the UTC day of ``now``. Nothing here commits: the request (or the command) owns
the transaction.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import and_, delete, false, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, contains_eager, joinedload
from werkzeug.datastructures import FileStorage

from ..accounts.models import Role, User
from ..accounts.services import create_user, find_user_by_email
from ..accounts.services import signed_in as note_sign_in
from ..catalogue.models import Event
from ..core.actions import describe, log_action
from ..core.errors import InvalidInput
from ..core.links import site_url
from ..core.validation import MAX_ID
from ..extensions import db
from ..people.models import Country, Organisation, Person, PersonEmail
from ..people.notices import version_in_force
from ..people.persons import LOOK_UP, FirstProof, person_for_address
from ..people.services import OrganisationInput, save_organisation
from .funding import settle_and_tell
from .invitations import check_invitation_email
from .links import (
    CONFIRMATION_HOURS,
    check_confirmation_link,
    confirmation_token,
    read_confirmation_link,
    signs_its_owner_in,
)
from .models import (
    Funding,
    Invitation,
    ParticipantRole,
    Registration,
    RegistrationSettings,
    Status,
)
from .notifications import notify
from .seats import (
    Availability,
    StatusError,
    Tally,
    availability,
    event_availability,
    lock_with_settings,
    refuse_unless_open,
    tally,
)
from .statuses import FIRST_EMAIL, expire_offers
from .under_lock import read_under_lock
from .uploads import files_of, remove_after_commit, store
from .waiting_list import offer_free_seats

# A registration taking its place: at once (``register``), or once its address is confirmed.
REGISTERED, CONFIRMED_BY_EMAIL = (
    describe(action, phrase, labels={"status": Status}, fields={"status": _l("Status")})
    for action, phrase in (
        ("registration.registered", _l("Registered %(object)s")),
        (
            "registration.confirmed",
            _l("Confirmed the registration of %(object)s by the emailed link"),
        ),
    )
)


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
    # To the event's questions: a text, a list of choices, or a file sent (stored by _fill).
    answers: dict[str, object] = field(default_factory=dict)


# A registration in these may be sent again from the form (its row filled anew).
REGISTERING_AGAIN = (Status.WITHDRAWN, Status.UNCONFIRMED)


def receive_registration(
    event: Event,
    data: RegistrationInput,
    now: datetime,
    invitation: Invitation | None = None,
    account: User | None = None,
    state: Availability | None = None,
) -> Registration | None:
    """The registration form, as anyone may send it. With an address proven (``account``, the
    one signed in, has it, or ``invitation`` was emailed to it) the registration counts at once
    and is returned (see ``register``). ``state``: the event's availability, when the request
    read it already.

    Otherwise None, the same whatever became of the address, so that the answer tells nobody
    who registered: a new registration (or one sent again before it was confirmed, or after a
    withdrawal) is kept unconfirmed and the address is emailed a link to confirm it; an address
    registered already is told so by email, and nothing else is written.
    """
    email = _check_input(data)
    proven = account is not None and account.email.lower() == email
    if invitation is not None and invitation.email != email:
        # A link proves only the address it was emailed to: forwarded, it vouches for nobody.
        state = state or event_availability(event, now)
        if state.by_invitation:
            check_invitation_email(invitation, email)  # refused, naming the address invited
        invitation = None
    if invitation is not None or proven:
        return register(event, data, now, invitation)  # counted again, under the event's lock
    refuse_unless_open(state or event_availability(event, now), event, invitation=None)
    organisation, registration = _read_the_form(event, data, email)
    if registration is not None and registration.status not in REGISTERING_AGAIN:
        notify(registration, "already_registered")
        return None
    if registration is None:
        registration = Registration(event=event, email=email)
    _fill(registration, data, organisation, now)
    if organisation is None and (name := (data.new_organisation or "").strip()):
        # Listed for others only once the address is confirmed (``confirm_registration``).
        registration.new_organisation = name
        registration.new_organisation_kind = data.new_organisation_kind
    registration.status = Status.UNCONFIRMED
    registration.user = None  # its owner's, once confirmed
    db.session.add(registration)
    try:
        db.session.flush()
    except IntegrityError:
        # Only the same address sent twice at the same moment gets here.
        raise InvalidInput("email", _("This form was sent twice at once: send it again.")) from None
    notify(
        registration,
        "confirm",
        confirm_url=site_url(
            "registration.confirmation", token=confirmation_token(registration, now)
        ),
        hours=CONFIRMATION_HOURS,
    )
    return None


def register(
    event: Event, data: RegistrationInput, now: datetime, invitation: Invitation | None = None
) -> Registration:
    """Register someone whose address is known to be theirs (signed in, invited, or a command):
    a seat if one is left (pending or approved), else the waiting list. Free seats go to the
    waiting list first, so that nobody overtakes it.

    Someone who withdrew (or whose seat offer lapsed) may register again. Raises
    RegistrationRefused when the event takes no registration, and InvalidInput for a field (a
    second registration of the same email among them).
    """
    email = _check_input(data)
    state, counted = _availability_under_lock(event, now, invitation)
    if state.by_invitation:
        check_invitation_email(invitation, email)
    organisation, registration = _read_the_form(event, data, email)
    if registration is not None and registration.status not in REGISTERING_AGAIN:
        raise InvalidInput("email", already_registered_message())
    if organisation is None and (name := (data.new_organisation or "").strip()):
        organisation = _new_organisation(name, data.new_organisation_kind, data.country_code)
    before = registration and registration.status
    if registration is None:
        registration = Registration(event=event, email=email)
    _fill(registration, data, organisation, now)
    person = _person(registration, now)
    registration.user = _account(email, data.name.strip(), data.locale, person)
    registration.person = person
    _take_place(registration, state, counted, now)
    db.session.add(registration)
    try:
        db.session.flush()
    except IntegrityError:
        # Only a race past the check above gets here; the database refuses the second row.
        raise InvalidInput("email", already_registered_message()) from None
    if invitation is not None:
        invitation.used_at = now
    _log_place(registration, REGISTERED, before, now)
    return registration


def confirm_registration(
    token: str, now: datetime, signed_in: User | None = None
) -> Registration | None:
    """The address's owner followed the emailed link (``confirmation_token``) and confirmed: the
    registration takes its place as ``register`` gives one, and counts from now on. None for a
    token the site did not make for it. Its owner is signed in by it (noted as a sign-in by an
    emailed link, before the new account is written) when ``links.signs_its_owner_in`` says so
    (``signed_in``: who is signed in on the browser); the view starts the session.

    Raises ConfirmedAlready when the link confirmed it already, StatusError when it confirms
    nothing (expired, or sent for an earlier form: see ``links``), and RegistrationRefused when
    the event takes no registration any more.
    """
    link = read_confirmation_link(token, now)
    if link is None:
        return None
    # One statement reads the registration with its event, settings, owner's account and person
    # and the organisation typed in when listed since, and locks the event (as
    # ``seats.lock_event``) and the registration: two clicks confirm once.
    typed = aliased(Organisation)
    row = db.session.execute(
        select(Registration, RegistrationSettings, User, Person, typed)
        .join(Registration.event)
        .outerjoin(RegistrationSettings, RegistrationSettings.event_id == Event.id)
        .outerjoin(User, func.lower(User.email) == Registration.email)
        .outerjoin(PersonEmail, PersonEmail.email == Registration.email)
        .outerjoin(Person, Person.id == PersonEmail.person_id)
        .outerjoin(typed, func.lower(typed.name) == func.lower(Registration.new_organisation))
        .where(Registration.id == link.registration_id)
        .options(
            contains_eager(Registration.event).joinedload(Event.venue),
            joinedload(Registration.organisation),
        )
        .with_for_update(of=(Registration, Event))
    ).first()
    registration, settings, account, person, listed = row or (None,) * 5
    check_confirmation_link(link, registration)
    organisation = registration.organisation
    if registration.new_organisation:  # listed for everyone now that the address is proven
        organisation = listed or _new_organisation(
            registration.new_organisation,
            registration.new_organisation_kind,
            registration.country_code,
        )
    proof = None
    if person is None and FirstProof.possible():
        proof = FirstProof(registration.email, now, **_details(registration, organisation))
    read = read_under_lock(registration.event_id, organisation, now, proof)
    state, counted = _availability_locked(registration.event, settings, now, None, read.counted)
    if proof is not None:
        person = proof.person(read.person_id)
    else:
        person = _person(registration, now, person, organisation)
    registration.organisation = organisation  # the registration written from here on
    registration.new_organisation = registration.new_organisation_kind = None
    registration.user = _account(
        registration.email, registration.name, registration.locale, person, account
    )
    registration.person = person
    # The organisation's registrations read with the seats, unless offers passed on since.
    _take_place(
        registration, state, counted, now, read.in_play if counted is read.counted else None
    )
    if signs_its_owner_in(registration, signed_in):  # before anything is written: one flush
        note_sign_in(registration.user, now, by_link=True)
    _log_place(registration, CONFIRMED_BY_EMAIL, Status.UNCONFIRMED, now)
    return registration


def forget_unconfirmed(now: datetime) -> int:
    """Registrations not confirmed within CONFIRMATION_HOURS are deleted, with the files sent with
    them: they never counted, and their owner may register again. Returns how many."""
    forgotten = (
        Registration.status == Status.UNCONFIRMED,
        Registration.consent_at <= now - timedelta(hours=CONFIRMATION_HOURS),
    )
    rows = db.session.execute(select(Registration.event_id, Registration.answers).where(*forgotten))
    for event_id, answers in rows:
        remove_after_commit(db.session(), files_of(event_id, (answers or {}).values()))
    return db.session.execute(delete(Registration).where(*forgotten)).rowcount


def event_to_register(event_id: int) -> Event | None:
    """An event, with what the registration pages and emails show of it."""
    return db.session.scalar(
        select(Event).where(Event.id == event_id).options(joinedload(Event.venue))
    )


def _availability_under_lock(
    event: Event, now: datetime, invitation: Invitation | None
) -> tuple[Availability, Tally]:
    """Lock the event and compute its availability, once, for a registration taking its place
    (raises RegistrationRefused when the event takes none)."""
    return _availability_locked(event, lock_with_settings(event), now, invitation)


def _availability_locked(
    event: Event,
    settings: RegistrationSettings | None,
    now: datetime,
    invitation: Invitation | None,
    counted: Tally | None = None,
) -> tuple[Availability, Tally]:
    """``_availability_under_lock`` once the lock is taken (``counted``: the seats, when counted
    under it already). Offers that lapsed pass on and free seats go to the waiting list first,
    so that nobody overtakes it; there is seldom any (the seats are counted again then)."""
    counted = counted or tally(event.id, now)
    if counted.lapsed or (counted.unoffered and counted.free(event.capacity)):
        expire_offers(event, now)
        offer_free_seats(event, now)
        db.session.flush()
        counted = tally(event.id, now)
    state = availability(event, settings, counted.held, now.date())
    refuse_unless_open(state, event, invitation)
    return state, counted


def _take_place(
    registration: Registration,
    state: Availability,
    counted: Tally,
    now: datetime,
    in_play: list[Registration] | None = None,
):
    """A seat if one is left (pending, or approved without approval), else the end of the waiting
    list; funded places settled (``in_play``: as ``funding.settle_funding``); the delegate told.
    The order of places is the time it counts from (``created_at``): that of the lock
    (``Tally.next_place``)."""
    if state.full:
        status = Status.WAITLISTED
    else:
        status = Status.PENDING if state.settings.approval_required else Status.APPROVED
    registration.status = status
    registration.created_at, waitlisted_at = counted.next_place(now)
    registration.waitlisted_at = waitlisted_at if status == Status.WAITLISTED else None
    organisation = registration.organisation  # its id is not set before the flush
    settle_and_tell(
        registration.event, organisation and organisation.id, now, registration, in_play
    )
    if status == Status.WAITLISTED:
        notify(registration, FIRST_EMAIL[status], position=counted.waiting + 1)
    else:
        notify(registration, FIRST_EMAIL[status])


def _log_place(registration: Registration, action: str, before: str | None, now: datetime):
    """The delegate (the address's owner) registered: recorded with the status it got."""
    status = {"status": [before, registration.status]}
    log_action(registration, action, registration.user, {"changes": status}, at=now)


def _read_the_form(
    event: Event, data: RegistrationInput, email: str
) -> tuple[Organisation | None, Registration | None]:
    """In one query: the country and organisation the form names (refused when unknown; None
    for one typed in and not found, which the caller adds when the address is proven) and the
    address's registration for the event."""
    name = (data.new_organisation or "").strip()
    if name:
        chosen = func.lower(Organisation.name) == name.lower()
    elif data.organisation_id is not None and 0 < data.organisation_id <= MAX_ID:
        chosen = Organisation.id == data.organisation_id
    else:
        chosen = false()
    row = db.session.execute(
        select(Country, Organisation, Registration)
        .select_from(Country)
        .outerjoin(Organisation, chosen)
        .outerjoin(
            Registration, and_(Registration.event_id == event.id, Registration.email == email)
        )
        .where(Country.code == data.country_code)
        .limit(1)
    ).first()
    if row is None:
        raise InvalidInput("country_code", _("Choose your country from the list."))
    _country, organisation, registration = row
    if organisation is None and not name and data.organisation_id is not None:
        raise InvalidInput("organisation_id", _("Choose your organisation from the list."))
    return organisation, registration


def _new_organisation(name: str, kind: str, country_code: str) -> Organisation:
    """The organisation named, added; or, when another registration added it meanwhile (forms
    are sent at the same moment, without a lock), that one."""
    try:
        with db.session.begin_nested():
            return save_organisation(
                Organisation(),
                OrganisationInput(name=name, kind=kind, country_code=country_code),
            )
    except (IntegrityError, InvalidInput):
        return db.session.scalar(
            select(Organisation).where(func.lower(Organisation.name) == name.lower())
        )


def address_proven(registration: Registration, now: datetime) -> None:
    """A registration written by someone else (an authority's nomination) whose owner proved the
    address (by the link emailed to it): theirs now, with the person and the delegate account
    of that address, as confirming their own form would have made."""
    if registration.person_id is None:
        registration.person = _person(registration, now)
    if registration.user_id is None:
        registration.user = _account(
            registration.email, registration.name, registration.locale, registration.person
        )


def _person(
    registration: Registration, now: datetime, known=LOOK_UP, organisation=LOOK_UP
) -> Person:
    """Its address proven, the registration belongs to the person of that address (``known``
    when read already), whose details follow the registration's (``organisation``: as
    ``_details``)."""
    details = _details(registration, organisation)
    return person_for_address(registration.email, now, known=known, **details)


def _details(registration: Registration, organisation=LOOK_UP) -> dict:
    """What the person of a registration's address takes from it (``organisation``: its
    organisation, when not written on it yet)."""
    return {
        "name": registration.name,
        "gender": registration.gender,
        "country_code": registration.country_code,
        "organisation": registration.organisation if organisation is LOOK_UP else organisation,
        "position": registration.position,
    }


def _account(email: str, name: str, locale: str | None, person: Person, account=LOOK_UP) -> User:
    """The delegate's account (``account`` when read already), reused by email, or created
    (``_new_account``); the person's, if it had none."""
    if account is LOOK_UP:
        account = find_user_by_email(email)
    account = account or _new_account(email, name, locale)
    if account.person_id is None:
        account.person = person
    return account


def _new_account(email: str, name: str, locale: str | None) -> User:
    """An account without a password: its owner signs in by emailed links, and may set a
    password once signed in. A form anyone can send never sets a password, so that nobody can
    plant one on another person's address. (The caller found none for the address.)"""
    return create_user(
        email, Role.DELEGATE, name=name, confirmed=False, locale=locale, known_new=True
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


def _fill(
    registration: Registration,
    data: RegistrationInput,
    organisation: Organisation | None,
    now: datetime,
) -> None:
    """A registration as the form gives it, new (or anew); its status is set by the caller."""
    registration.name = data.name.strip()
    registration.gender = data.gender
    registration.position = data.position.strip()
    registration.organisation = organisation
    registration.new_organisation = registration.new_organisation_kind = None
    registration.country_code = data.country_code
    registration.role = data.role
    registration.funding = Funding.FUNDED  # until settled
    registration.interpretation_languages = list(dict.fromkeys(data.interpretation_languages))
    registration.accessibility_needs = data.accessibility_needs.strip()
    registration.dietary_needs = data.dietary_needs.strip()
    registration.visa_letter = data.visa_letter
    registration.arrival_on = data.arrival_on
    registration.departure_on = data.departure_on
    registration.consent_at = now
    registration.privacy_notice_version = version_in_force()
    registration.created_at = now
    registration.waitlisted_at = None
    registration.offer_expires_at = None
    registration.reminded_at = None
    registration.locale = data.locale
    # Files are stored only here, where the answers are kept (not for a form refused or told
    # "registered already").
    registration.answers = {
        key: store(registration.event.id, value) if isinstance(value, FileStorage) else value
        for key, value in data.answers.items()
    }


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
            .options(
                joinedload(Registration.event).joinedload(Event.venue),
                joinedload(Registration.event).selectinload(Event.translations),
            )
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
