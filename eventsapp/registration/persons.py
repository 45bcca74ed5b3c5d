"""The people of registrations written without the forms (the demo, imports)."""

from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..people.persons import person_for_address
from .models import CONFIRMED, Registration


def give_people(now: datetime, leaving_out: Select | None = None) -> int:
    """Each confirmed registration without a person gets the person of its address (and its
    account, that person), as confirming it would have; returns how many. ``leaving_out``: the
    ids of registrations written by someone else, whose address is not proven (nominations)."""
    conditions = [Registration.person_id.is_(None), Registration.status.in_(CONFIRMED)]
    if leaving_out is not None:
        conditions.append(Registration.id.not_in(leaving_out))
    registrations = db.session.scalars(
        select(Registration)
        .where(*conditions)
        .options(joinedload(Registration.user), joinedload(Registration.organisation))
        .order_by(Registration.created_at, Registration.id)
    ).all()
    for registration in registrations:
        registration.person = person_for_address(
            registration.email,
            registration.consent_at or now,
            name=registration.name,
            gender=registration.gender,
            country_code=registration.country_code,
            organisation=registration.organisation,
            position=registration.position,
        )
        if registration.user is not None and registration.user.person is None:
            registration.user.person = registration.person
    return len(registrations)
