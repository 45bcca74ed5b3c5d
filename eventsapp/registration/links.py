"""The links to a registration: the emailed one that confirms its address, and its own page.

Both hold the registration's id and its consent time, which sending the form again (before
confirming, or after a withdrawal) changes. So the emailed link confirms only the form it was
sent for, within CONFIRMATION_HOURS, once: opened again it says the registration is confirmed
already; after the form was sent again, that it was for an earlier form; too late, that it
expired. The page link is where the site sends whoever has just registered, confirmed or
accepted a seat; it works for a day (later, "My registrations" shows the registration).

Following the emailed link (the button of its page: a POST, which mail scanners do not send)
also signs its owner in, as a sign-in link does, when the address's account is a delegate's
(``signs_its_owner_in``): the link is the address's proof, made for that one form, used up by
confirming. Staff accounts are never signed in this way (they use their password).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..accounts.models import User
from ..accounts.services import can_sign_in_by_link, find_user_by_email
from ..catalogue.models import Event
from ..core.tokens import REGISTRATION_CONFIRMATION, REGISTRATION_PAGE, RETIRED_CONFIRMATION, ids_in
from ..extensions import db
from .models import Registration, Status
from .seats import StatusError

# How long the link confirming a registration's address works; then the registration is forgotten.
CONFIRMATION_HOURS = REGISTRATION_CONFIRMATION.max_age // timedelta(hours=1)


class LinkRefused(StatusError):
    """A link that shows nothing and confirms nothing, and why; with its registration when there
    is one still."""

    def __init__(self, message: str, registration: Registration | None = None):
        super().__init__(message)
        self.registration = registration


class ConfirmedAlready(LinkRefused):
    """The link confirmed its registration already: it confirms nothing more."""

    def __init__(self, registration: Registration):
        super().__init__(
            _("Your registration is confirmed already: this link has done its work."),
            registration,
        )


def _expired(registration: Registration | None) -> LinkRefused:
    return LinkRefused(
        _(
            "This link has expired: registrations not confirmed within %(hours)d hours are "
            "deleted. Register again.",
            hours=CONFIRMATION_HOURS,
        ),
        registration,
    )


def _named(registration: Registration) -> list:
    return [registration.id, registration.consent_at.isoformat()]


def confirmation_token(registration: Registration, now: datetime | None = None) -> str:
    """The emailed link's token (made at ``now``, the time the form was received)."""
    return REGISTRATION_CONFIRMATION.sign(_named(registration), now)


def page_token(registration: Registration, now: datetime | None = None) -> str:
    return REGISTRATION_PAGE.sign(_named(registration), now)


@dataclass(frozen=True)
class ConfirmationLink:
    registration_id: int
    consent: str | None  # the consent time it was sent for; None: a link from before issue 22
    expired: bool


def read_confirmation_link(token: str, now: datetime) -> ConfirmationLink | None:
    """What a confirmation link names; None for a token the site did not make for it."""
    reading = REGISTRATION_CONFIRMATION.inspect(token, now)
    if reading is None:
        # Before issue 22 the link held the bare id and worked for ever: it confirms nothing now.
        old = ids_in(RETIRED_CONFIRMATION.read(token), 1)
        return ConfirmationLink(old[0], None, True) if old else None
    value = reading.value
    if not (
        isinstance(value, list)
        and len(value) == 2
        and ids_in(value[0], 1)
        and isinstance(value[1], str)
    ):
        return None
    return ConfirmationLink(value[0], value[1], reading.expired)


def check_confirmation_link(link: ConfirmationLink, registration: Registration | None) -> None:
    """Raises unless the link may confirm the registration it names (``registration``, None when
    it was deleted): ConfirmedAlready, or LinkRefused (sent for an earlier form, expired)."""
    if registration is None:
        raise _expired(None)  # forgotten, unconfirmed, by the periodic job
    if link.consent is not None and link.consent != registration.consent_at.isoformat():
        raise LinkRefused(
            _(
                "This link was sent for a registration form sent earlier with this address: it "
                "confirms nothing. Follow the link in the latest email, or register again."
            ),
            registration,
        )
    if registration.status != Status.UNCONFIRMED:
        raise ConfirmedAlready(registration)
    if link.expired:
        raise _expired(registration)


def _registration_shown(registration_id: int) -> Registration | None:
    """A registration with what its page shows."""
    return db.session.scalar(
        select(Registration)
        .where(Registration.id == registration_id)
        .options(
            joinedload(Registration.event).joinedload(Event.venue),
            joinedload(Registration.organisation),
        )
    )


def registration_by_link(token: str, now: datetime) -> Registration | None:
    """The registration a link shows: a page link's, or the one a confirmation link may still
    confirm. None for a token the site did not make for either. Raises what
    ``check_confirmation_link`` raises, and LinkRefused for a page link that expired."""
    page = REGISTRATION_PAGE.inspect(token, now)
    if page is not None:
        ids = ids_in(page.value[:1], 1) if isinstance(page.value, list) else None
        registration = _registration_shown(ids[0]) if ids else None
        if registration is None or page.expired or _named(registration) != page.value:
            raise LinkRefused(
                _("The address of this page works for a day: to see your registration, sign in.")
            )
        return registration
    link = read_confirmation_link(token, now)
    if link is None:
        return None
    registration = _registration_shown(link.registration_id)
    check_confirmation_link(link, registration)
    return registration


def signs_its_owner_in(registration: Registration, signed_in: User | None) -> bool:
    """Whether confirming ``registration`` signs its owner in on this browser (``signed_in``:
    who is signed in on it): a delegate's active account (never staff), where nobody is signed
    in (a browser signed in already, as its owner or anyone else, stays as it is). Before it is
    confirmed, the account is the address's (one query), or a delegate's made by confirming."""
    if signed_in is not None:
        return False
    owner = registration.user or find_user_by_email(registration.email)
    return owner is None or owner.id is None or can_sign_in_by_link(owner)  # None: being made
