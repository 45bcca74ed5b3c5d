"""A nominee completes their own registration (travel, needs, languages, the event's questions)
from the link emailed to them; those who do not within ``DELEGATION_COMPLETION_DAYS`` are
flagged to the focal point and to staff (``cron``)."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..core.actions import describe, log_action
from ..core.tokens import NOMINEE, ids_in
from ..extensions import db
from ..people.notices import notice_version
from ..registration.models import Registration
from ..registration.services import TravelInput, address_proven, update_travel
from .models import Delegation, Nomination, NominationState

COMPLETED = describe("delegation.completed", _l("%(nominee)s completed their registration"))


def nomination_by_link(token: str) -> Nomination | None:
    """The nomination a nominee's link is for, while the nominee holds it; None otherwise."""
    value = NOMINEE.read(token)
    ids = ids_in([value.get("n"), value.get("r")], 2) if isinstance(value, dict) else None
    if ids is None:
        return None
    nomination = db.session.scalar(
        select(Nomination)
        .where(Nomination.id == ids[0], Nomination.registration_id == ids[1])
        .options(
            joinedload(Nomination.registration).joinedload(Registration.event),
            joinedload(Nomination.delegation).joinedload(Delegation.organisation),
        )
    )
    if nomination is None or nomination.state != NominationState.NOMINATED:
        return None
    return nomination


def complete(
    nomination: Nomination,
    travel: TravelInput,
    languages: list[str],
    answers: dict,
    now: datetime,
) -> None:
    """The nominee's own details; following the emailed link proved the address, so the
    registration becomes theirs (their person and account)."""
    registration = nomination.registration
    update_travel(registration, travel)  # refused once declined or withdrawn
    registration.interpretation_languages = list(languages)
    registration.answers = answers
    registration.consent_at = now  # their own, given on the form
    registration.privacy_notice_version = notice_version()
    address_proven(registration, now)
    first = nomination.completed_at is None
    nomination.completed_at = now
    nomination.flagged_at = None
    if first:
        log_action(
            nomination.delegation,
            COMPLETED,
            registration.name,
            {"nominee": nomination.name},
            at=now,
            label=nomination.delegation.organisation.name,
        )
