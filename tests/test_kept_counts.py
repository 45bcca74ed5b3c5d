"""Results from counts kept up to date (``reports.counts``): whatever writes the registrations and
organisations (a status changed one by one or by a bulk UPDATE, details edited, people merged or
erased, an organisation's kind edited, organisations merged or deleted, an event deleted), the
counts the triggers keep equal the ones counted afresh from the registrations, after each step.
"""

import random

import pytest
from sqlalchemy import delete, select, update

from eventsapp.catalogue.models import CountryRole, Event, EventCountry, EventKind, EventStatus
from eventsapp.core.clock import utcnow
from eventsapp.core.errors import InvalidInput
from eventsapp.people.merging import merge_persons
from eventsapp.people.models import Gender, Organisation, OrganisationKind
from eventsapp.people.persons import new_person
from eventsapp.people.services import merge_organisations
from eventsapp.privacy.erasure import erase_person
from eventsapp.registration.models import ParticipantRole, Registration, Status
from eventsapp.reports.counts import fresh_counts, fresh_totals, kept_counts, kept_totals
from eventsapp.reports.services import ResultsQuery, results_summary

COUNTRIES = ("MX", "PE", "KE", "GE", "FR")
STEPS = 150


class World:
    """Events, organisations, people and their registrations, changed at random."""

    def __init__(self, db, make, rng: random.Random):
        self.db, self.make, self.rng = db, make, rng
        self.programme = make.programme(first_year=2016)
        self.other_programme = make.programme(first_year=2016)
        self.events = [
            make.event(status="held", programme_id=self.programme.id, requesting_countries=["KE"])
            for _ in range(3)
        ]
        self.organisations = [
            make.organisation(kind=kind.value) for kind in list(OrganisationKind)[:3]
        ]
        self.people = []
        self.number = 0

    def some_registration(self) -> Registration | None:
        ids = self.db.session.scalars(select(Registration.id).order_by(Registration.id)).all()
        return self.db.session.get(Registration, self.rng.choice(ids)) if ids else None

    def register(self) -> None:
        rng = self.rng
        self.number += 1
        if not self.people or rng.random() < 0.6:
            self.people.append(new_person(f"Person {self.number}", country_code="MX"))
        person = rng.choice(self.people)
        organisation = rng.choice([*self.organisations, None])
        self.db.session.add(
            Registration(
                event_id=rng.choice(self.events).id,
                person=person,
                name=person.name,
                gender=rng.choice(list(Gender)).value,
                email=f"person{self.number}@example.org",
                country_code=rng.choice(COUNTRIES),
                organisation_id=organisation.id if organisation else None,
                role=rng.choice(list(ParticipantRole)).value,
                status=rng.choice(list(Status)).value,
                consent_at=utcnow(),
            )
        )

    def set_status(self) -> None:
        if registration := self.some_registration():
            registration.status = self.rng.choice(list(Status)).value

    def edit(self) -> None:
        if registration := self.some_registration():
            field = self.rng.choice(
                ("gender", "country_code", "organisation_id", "role", "event_id", "name")
            )
            if field == "gender":
                registration.gender = self.rng.choice(list(Gender)).value
            elif field == "country_code":
                registration.country_code = self.rng.choice(COUNTRIES)
            elif field == "organisation_id":
                organisation = self.rng.choice([*self.organisations, None])
                registration.organisation_id = organisation.id if organisation else None
            elif field == "role":
                registration.role = self.rng.choice(list(ParticipantRole)).value
            elif field == "event_id":
                registration.event_id = self.rng.choice(self.events).id
            else:
                registration.name = f"Renamed {self.number}"  # counts for nothing

    def bulk_status(self) -> None:
        event = self.rng.choice(self.events)
        self.db.session.execute(
            update(Registration)
            .where(Registration.event_id == event.id, Registration.status == Status.PENDING)
            .values(status=Status.APPROVED)
        )

    def kind(self) -> None:
        if self.organisations:
            organisation = self.rng.choice(self.organisations)
            organisation.kind = self.rng.choice(list(OrganisationKind)).value

    def delete_organisation(self) -> None:
        if len(self.organisations) > 1:
            organisation = self.organisations.pop(self.rng.randrange(len(self.organisations)))
            self.db.session.execute(delete(Organisation).where(Organisation.id == organisation.id))
            self.db.session.expire_all()

    def merge_organisations(self) -> None:
        if len(self.organisations) > 1:
            source, target = self.rng.sample(self.organisations, 2)
            merge_organisations(source, target, utcnow(), None)
            self.organisations.remove(source)

    def merge_people(self) -> None:
        if len(self.people) > 1:
            keep, other = self.rng.sample(self.people, 2)
            try:
                merge_persons(keep, other, ("gender", "country_code"), utcnow(), "Staff")
            except InvalidInput:  # both registered to one event: nothing is written
                return
            self.people.remove(other)

    def erase(self) -> None:
        if self.people:
            erase_person(self.rng.choice(self.people), None, utcnow())

    def delete_event(self) -> None:
        if len(self.events) > 1:
            event = self.events.pop(self.rng.randrange(len(self.events)))
            self.db.session.delete(event)

    def change_event(self) -> None:
        event = self.rng.choice(self.events)
        change = self.rng.choice(("status", "year", "kind", "programme"))
        if change == "status":
            event.status = self.rng.choice(list(EventStatus)).value
        elif change == "year":
            year = self.rng.choice((2016, 2017))
            event.starts_on = event.starts_on.replace(year=year)
            event.ends_on = event.ends_on.replace(year=year)
        elif change == "kind":
            event.kind = self.rng.choice(list(EventKind)).value
        else:
            event.programme_id = self.rng.choice((self.programme.id, self.other_programme.id, None))

    def name_country(self) -> None:
        """A country named by an event (requesting, candidate, taking part), unnamed, or its
        role changed in place."""
        event = self.rng.choice(self.events)
        named = self.db.session.scalars(
            select(EventCountry).where(EventCountry.event_id == event.id)
        ).all()
        choice = self.rng.random()
        if named and choice < 0.3:
            self.db.session.delete(self.rng.choice(named))
        elif named and choice < 0.5:
            one = self.rng.choice(named)
            self.db.session.execute(
                update(EventCountry)
                .where(
                    EventCountry.event_id == one.event_id,
                    EventCountry.country_code == one.country_code,
                    EventCountry.role == one.role,
                )
                .values(role=self.rng.choice(list(CountryRole)).value)
                .execution_options(synchronize_session=False)
            )
            self.db.session.expire_all()
        else:
            code, role = self.rng.choice(COUNTRIES), self.rng.choice(list(CountryRole)).value
            if not any((n.country_code, n.role) == (code, role) for n in named):
                self.db.session.add(EventCountry(event_id=event.id, country_code=code, role=role))

    def new_event(self) -> None:
        self.events.append(
            self.make.event(status="held", programme_id=self.programme.id, commit=False)
        )


OPERATIONS = {
    "register": 30,
    "set_status": 25,
    "edit": 15,
    "bulk_status": 4,
    "kind": 4,
    "delete_organisation": 2,
    "merge_organisations": 2,
    "merge_people": 5,
    "erase": 3,
    "delete_event": 2,
    "new_event": 3,
    "change_event": 8,
    "name_country": 8,
}


@pytest.mark.parametrize("seed", [1, 2])
def test_kept_counts_equal_the_registrations_after_every_change(db, make, seed):
    rng = random.Random(seed)
    world = World(db, make, rng)
    names, weights = zip(*OPERATIONS.items(), strict=True)
    # Registrations first, then every operation at least once, then a weighted mix.
    plan = ["register"] * 10 + rng.sample(names, len(names)) + rng.choices(names, weights, k=STEPS)
    done = []
    for operation in plan:
        getattr(world, operation)()
        db.session.commit()
        done.append(operation)
        assert kept_counts() == fresh_counts(), f"after {done[-5:]}"
        assert kept_totals() == fresh_totals(), f"after {done[-5:]}"
    assert kept_counts() and kept_totals()


def test_a_rolled_back_change_leaves_the_counts_as_they_were(db, make):
    world = World(db, make, random.Random(3))
    for _ in range(10):
        world.register()
    db.session.commit()
    before = kept_counts()
    db.session.execute(update(Registration).values(status=Status.ATTENDED))
    assert kept_counts() == fresh_counts() != before
    db.session.rollback()
    assert kept_counts() == before == fresh_counts()
    assert kept_totals() == fresh_totals()


def test_the_summary_reads_the_kept_counts(db, make):
    """The counts are what the summary shows: a registration approved behind the ORM's back
    (a bulk UPDATE) shows at once, and a deleted event's participants go with it."""
    programme = make.programme(first_year=2016)
    event = make.event(status="held", programme_id=programme.id, requesting_countries=["KE"])
    for number, gender in enumerate(("female", "female", "male")):
        db.session.add(
            Registration(
                event_id=event.id,
                name=f"Delegate {number}",
                gender=gender,
                email=f"delegate{number}@example.org",
                country_code="PE",
                status=Status.PENDING,
                consent_at=utcnow(),
            )
        )
    db.session.commit()
    query = ResultsQuery(2016, 2016, programme)
    assert results_summary(query).participants["registered"] == 0
    db.session.execute(update(Registration).values(status=Status.APPROVED))
    db.session.commit()
    participants = results_summary(query).participants
    assert participants["registered"] == 3
    assert {g["key"]: g["count"] for g in participants["by_gender"]} == {"female": 2, "male": 1}
    assert {c["code"] for c in results_summary(query).countries} == {"KE", "PE"}
    db.session.delete(db.session.get(Event, event.id))
    db.session.commit()
    assert results_summary(query).participants["registered"] == 0
    assert kept_counts() == fresh_counts() == set()
    assert kept_totals() == fresh_totals() == set()


@pytest.mark.parametrize("change", ["kind", "delete"])
def test_an_organisation_edited_or_deleted_moves_its_participants(db, make, change):
    world = World(db, make, random.Random(4))
    organisation = world.organisations[0]
    for number in range(3):
        world.register()
        db.session.flush()
        registration = world.some_registration()
        registration.organisation_id, registration.status = organisation.id, Status.ATTENDED
        world.number += number
    db.session.commit()
    if change == "kind":
        organisation.kind = OrganisationKind.MEDIA
    else:
        db.session.delete(organisation)
    db.session.commit()
    kinds = {item for _event, dimension, item, _n in kept_counts() if dimension == "kind"}
    assert (OrganisationKind.MEDIA.value in kinds) == (change == "kind")
    assert kept_counts() == fresh_counts()
    assert kept_totals() == fresh_totals()
