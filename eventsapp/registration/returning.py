"""A delegate who registered before: her details for her next form, her registration where she
looks for it (the event's page, the registration form).

Her registrations are those of her account (``user_id``) and, for one event, the one of her
address not confirmed yet (it has no account until it is).
"""

from dataclasses import dataclass

from sqlalchemy import or_, select

from ..accounts.models import User
from ..extensions import db
from .funding import funding_statements
from .models import Registration, Status
from .seats import waiting_positions
from .services import REGISTERING_AGAIN

# What a new registration form starts from for a signed-in delegate: what her latest
# registration said of her. Never what belongs to one event (arrival and departure, needs, the
# visa letter, answers to its questions), nor her consent, which every form asks anew.
PREFILLED = (
    "name",
    "gender",
    "country_code",
    "organisation_id",
    "position",
    "interpretation_languages",
)


def last_details(user: User) -> dict[str, object]:
    """The ``PREFILLED`` fields of the account's latest registration (the last form she sent,
    whatever became of it), in one query; empty when she has none."""
    row = db.session.execute(
        select(*(getattr(Registration, name) for name in PREFILLED))
        .where(Registration.user_id == user.id)
        .order_by(Registration.consent_at.desc(), Registration.id.desc())
        .limit(1)
    ).first()
    return dict(zip(PREFILLED, row, strict=True)) if row else {}


def registration_for(user: User, event_id: int) -> Registration | None:
    """The account's registration for an event (or that of its address, still unconfirmed), in
    one query; None when there is none."""
    return db.session.scalar(
        select(Registration)
        .where(
            Registration.event_id == event_id,
            or_(Registration.user_id == user.id, Registration.email == user.email.lower()),
        )
        .order_by(Registration.user_id.is_(None), Registration.id)
        .limit(1)
    )


def registered_already(registration: Registration | None) -> bool:
    """Whether the registration form has nothing to offer: a registration that counts (or was
    declined). One withdrawn, or waiting for its address to be confirmed, may be sent again."""
    return bool(registration) and registration.status not in REGISTERING_AGAIN


# The statuses that make her "registered": a place, a seat pending approval, the waiting list.
REGISTERED = (Status.PENDING, Status.APPROVED, Status.WAITLISTED, Status.ATTENDED)
# Those in which she may still change her travel details or withdraw.
CHANGEABLE = (Status.PENDING, Status.APPROVED, Status.WAITLISTED)


@dataclass(frozen=True)
class YourRegistration:
    """A signed-in delegate's registration as the event's page shows it, in place of the
    registration button."""

    registration: Registration
    position: int | None  # on the waiting list (1 = next), without a seat offer
    funding: object | None  # what her authority and the hosts cover (``funding_statements``)
    owned: bool  # her account's (not only her address's): "My registrations" lists it

    @property
    def registered(self) -> bool:
        return self.registration.status in REGISTERED

    @property
    def changeable(self) -> bool:
        return self.owned and self.registration.status in CHANGEABLE

    @property
    def may_register(self) -> bool:
        """Whether the event's page still offers the registration form."""
        return not registered_already(self.registration)


def your_registration(user: User, event_id: int) -> YourRegistration | None:
    """The account's registration for the event with its place on the waiting list and its
    funding statement: one query, and one more for each of these it has (a fixed number)."""
    registration = registration_for(user, event_id)
    if registration is None:
        return None
    return YourRegistration(
        registration,
        waiting_positions([registration]).get(registration.id),
        funding_statements([registration]).get(registration.id),
        registration.user_id == user.id,
    )
