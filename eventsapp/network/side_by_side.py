"""Two people's records side by side, for staff deciding a merge: their addresses, accounts,
and events by year (role and status), in a fixed number of queries whatever their number."""

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..accounts.models import User
from ..agenda.models import Speaker
from ..authority_requests.models import AuthorityRequest
from ..catalogue.models import Event
from ..extensions import db
from ..people.models import Person
from ..registration.models import Registration


@dataclass
class Record:
    person: Person
    years: dict = field(default_factory=dict)  # year → [registration with its event]
    accounts: list = field(default_factory=list)
    speaker_entries: int = 0
    requests: int = 0


def people(ids) -> dict[int, Person]:
    """The people of ``ids`` with their addresses, country and organisation (two queries)."""
    ids = list(ids)
    if not ids:
        return {}
    found = db.session.scalars(
        select(Person)
        .where(Person.id.in_(ids))
        .options(
            selectinload(Person.emails),
            selectinload(Person.country),
            selectinload(Person.organisation),
        )
    )
    return {person.id: person for person in found}


def records(keep: Person, other: Person) -> list[Record]:
    """The records of ``keep`` and ``other``, in this order."""
    ids = [keep.id, other.id]
    shown = {person_id: Record(person) for person_id, person in people(ids).items()}
    years = defaultdict(lambda: defaultdict(list))
    for registration in db.session.scalars(
        select(Registration)
        .join(Event, Event.id == Registration.event_id)
        .where(Registration.person_id.in_(ids))
        .options(selectinload(Registration.event))
        .order_by(Event.starts_on.desc(), Registration.id)
    ):
        years[registration.person_id][registration.event.starts_on.year].append(registration)
    for user in db.session.scalars(select(User).where(User.person_id.in_(ids)).order_by(User.id)):
        shown[user.person_id].accounts.append(user)
    for column, attribute in (
        (Speaker.person_id, "speaker_entries"),
        (AuthorityRequest.contact_person_id, "requests"),
    ):
        for person_id, count in db.session.execute(
            select(column, func.count()).where(column.in_(ids)).group_by(column)
        ):
            setattr(shown[person_id], attribute, count)
    for person_id, record in shown.items():
        record.years = dict(years[person_id])
    return [shown[keep.id], shown[other.id]]
