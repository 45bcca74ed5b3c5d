"""What registration does when the capabilities below it change their rows (core.signals)."""

from flask_babel import ngettext
from sqlalchemy import select

from ..catalogue.models import Event
from ..core.errors import InvalidInput
from ..core.signals import event_deleting, event_saved, event_saving, organisations_merged
from ..extensions import db
from .funding import settle_and_tell
from .models import SEAT_HOLDING, Registration, Status
from .notifications import notify
from .seats import check_capacity, lock_event, registration_count
from .waiting_list import offer_free_seats

# An event's status and dates before the edit being saved, by event object (``_tell_registrants``).
_BEFORE_SAVE = "registration_event_before_save"


@event_saving.connect
def _capacity_not_below_seats_held(event: Event, capacity: int | None, now, **_):
    check_capacity(event, capacity, now)
    if event.id is not None:
        before = (event.status, event.starts_on, event.ends_on)
        db.session.info.setdefault(_BEFORE_SAVE, {})[id(event)] = before


@event_saved.connect
def _freed_seats_to_the_waiting_list(event: Event, now, **_):
    """A raised capacity goes to the waiting list first."""
    offer_free_seats(event, now)


@event_saved.connect
def _tell_registrants(event: Event, **_):
    """Cancelling or postponing an event, or moving its dates, emails those registered (with a
    seat or on the waiting list) at once."""
    before = db.session.info.get(_BEFORE_SAVE, {}).pop(id(event), None)
    if before is None:
        return
    status, starts_on, ends_on = before
    if event.status != status and event.status in ("cancelled", "postponed"):
        template = f"event_{event.status}"
    elif (starts_on, ends_on) != (event.starts_on, event.ends_on) and event.status != "cancelled":
        template = "event_moved"
    else:
        return
    told = (*SEAT_HOLDING, Status.WAITLISTED)
    for registration in db.session.scalars(
        select(Registration).where(Registration.event_id == event.id, Registration.status.in_(told))
    ):
        notify(registration, template)


@event_deleting.connect
def _not_with_registrations(event: Event, **_):
    """Deleting would take the delegates' registrations with it, unannounced."""
    if registered := registration_count(event.id):
        raise InvalidInput(
            "event",
            ngettext(
                "%(num)d person registered for this event: set its status to Cancelled instead, "
                "so that they and calendar subscribers see the cancellation.",
                "%(num)d people registered for this event: set its status to Cancelled instead, "
                "so that they and calendar subscribers see the cancellation.",
                registered,
            ),
        )


@organisations_merged.connect
def _settle_funding_of_the_kept_one(organisation, now, **_):
    """Two organisations became one: in each event its registrations share one quota of funded
    places now; those whose funding changed are told."""
    organisation_id = organisation.id
    event_ids = select(Registration.event_id).where(Registration.organisation_id == organisation_id)
    for event in db.session.scalars(select(Event).where(Event.id.in_(event_ids))):
        lock_event(event.id)
        settle_and_tell(event, organisation_id, now)
