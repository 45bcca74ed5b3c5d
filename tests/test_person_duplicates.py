"""Duplicates suggested to staff: Spanish and Portuguese names (accents, order, particles, a
second surname), one country, never a pair staff said is two people; a fixed number of queries."""

from datetime import datetime

from sqlalchemy import insert, select

from eventsapp.core.actions import LoggedAction
from eventsapp.demo.synth_people import spelt
from eventsapp.people.duplicates import NAME_WITHIN, SAME_NAME, suggestions
from eventsapp.people.models import DistinctPersons, Person
from eventsapp.people.persons import name_key

NOW = datetime(2026, 1, 5, 9, 0)


def people(db, *names_and_countries) -> dict[str, int]:
    """People of these names ("name@CC", or a name alone: no known country), by name."""
    made = {}
    for written in names_and_countries:
        name, _at, country = written.partition("@")
        person = Person(name=name, name_key=name_key(name), country_code=country or None)
        db.session.add(person)
        made[written] = person
    db.session.commit()
    return {written: person.id for written, person in made.items()}


def pairs(db) -> set[tuple]:
    by_id = {p.id: p.name for p in db.session.scalars(select(Person))}
    return {(frozenset((by_id[s.first_id], by_id[s.second_id])), s.reason) for s in suggestions()}


def pair(first: str, second: str, reason: str) -> tuple:
    return frozenset((first, second)), reason


def test_spanish_and_portuguese_names_are_suggested(db):
    people(
        db,
        "María José Quispe Mamani@PE",
        "Maria Jose Quispe@PE",
        "García López, Ana@MX",
        "Ana Garcia@MX",
        "João da Silva Santos@BR",
        "Joao Silva Santos@BR",
        "Santos Silva, João@BR",
        "Luis de la Cruz@CO",
        "Luis Cruz",
    )
    found = pairs(db)
    assert pair("María José Quispe Mamani", "Maria Jose Quispe", NAME_WITHIN) in found
    assert pair("García López, Ana", "Ana Garcia", NAME_WITHIN) in found
    # Accents, particles and order aside, the same name.
    assert pair("João da Silva Santos", "Joao Silva Santos", SAME_NAME) in found
    assert pair("Joao Silva Santos", "Santos Silva, João", SAME_NAME) in found
    # One of no known country is compared with every country.
    assert pair("Luis de la Cruz", "Luis Cruz", SAME_NAME) in found
    assert len(found) == 6  # and nothing else (the three Brazilian records make three pairs)


def test_names_that_tell_people_apart_are_not_suggested(db):
    people(
        db,
        "María José Quispe Mamani@PE",
        "María José Quispe Mamani@BO",  # another country
        "Quispe Mamani@PE",  # the first name not shared
        "Rosa Quispe Mamani@PE",  # another first name
        "Maria@PE",  # one word tells nothing
        "Maria@PE",
        "Ana Garcia Lopez@MX",
        "Ana Lopez Torres@MX",  # neither within the other
    )
    assert pairs(db) == set()


def test_merged_and_erased_people_are_not_suggested(db):
    ids = people(db, "Ana Garcia@MX", "Ana García@MX", "Ana Garcia Lopez@MX")
    db.session.get(Person, ids["Ana García@MX"]).merged_into_id = ids["Ana Garcia@MX"]
    db.session.get(Person, ids["Ana Garcia Lopez@MX"]).erased_at = NOW
    db.session.commit()
    assert pairs(db) == set()


def test_a_pair_staff_said_is_two_people_is_not_suggested_again(staff_client, db):
    ids = people(db, "Ana Garcia@MX", "Ana García López@MX", "García, Ana@MX")
    listed = staff_client.get("/manage/people/duplicates").get_data(as_text=True)
    assert "3 pairs to look at." in listed
    first, second = ids["Ana Garcia@MX"], ids["Ana García López@MX"]
    response = staff_client.post(
        "/manage/people/duplicates/not-the-same", data={"keep": second, "other": first}
    )
    shown = staff_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Ana García López and Ana Garcia will not be suggested again." in shown
    assert "2 pairs to look at." in shown
    assert pair("Ana Garcia", "Ana García López", NAME_WITHIN) not in pairs(db)
    stored = db.session.execute(select(DistinctPersons.first_id, DistinctPersons.second_id)).all()
    assert stored == [(first, second)]
    line = db.session.scalar(select(LoggedAction).where(LoggedAction.object_id == second))
    assert line.sentence == "Said Ana García López and Ana Garcia are not the same person"
    # Said twice, stored once.
    staff_client.post(
        "/manage/people/duplicates/not-the-same", data={"keep": first, "other": second}
    )
    assert db.session.scalar(select(DistinctPersons.id).offset(1)) is None


def test_the_duplicates_list_runs_a_fixed_number_of_queries(staff_client, db, count_queries):
    counts = []
    for start, end in ((0, 10), (10, 1000)):
        # Pairs: "Ana Garcia Be" and "Ana Garcia Be Lopez", "Ana Garcia Bo" and ...
        names = [
            f"Ana Garcia {spelt(n - n % 2 + 1)}{' Lopez' * (n % 2)}" for n in range(start, end)
        ]
        db.session.execute(
            insert(Person),
            [
                {
                    "name": name,
                    "name_key": name_key(name),
                    "country_code": "MX",
                    "languages": [],
                    "position": "",
                    "notes": "",
                    "alumni_shows_email": False,
                }
                for name in names
            ],
        )
        db.session.commit()
        with count_queries() as queries:
            response = staff_client.get("/manage/people/duplicates")
        assert response.status_code == 200
        assert f"{end // 2} pairs to look at." in response.get_data(as_text=True)
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_synthetic_participants_are_people_made_in_bulk(app, db, count_queries):
    """``demo synth``: each participant a person with a proven address, in one insert; one in
    500 the one before with a second surname and another address, suggested as a duplicate."""
    from eventsapp.demo.services import synthesise, synthesise_participants
    from eventsapp.people.models import PersonEmail
    from eventsapp.registration.models import Registration

    programme = synthesise(4, 2029)
    with count_queries() as queries:
        synthesise_participants(programme, 1000)
    db.session.commit()
    inserts = [q.split("(")[0].strip() for q in queries if q.startswith("INSERT INTO person")]
    assert sorted(set(inserts)) == ["INSERT INTO person_emails", "INSERT INTO persons"]
    assert len(inserts) <= 3  # one statement each (the database may page a long one)
    rows = db.session.execute(
        select(Registration.email, Person.name, PersonEmail.email)
        .join(Person, Person.id == Registration.person_id)
        .join(PersonEmail, PersonEmail.person_id == Person.id)
    ).all()
    assert len(rows) == 1000
    assert all(registered == proven for registered, _name, proven in rows)
    assert len({name for _email, name, _proven in rows}) == 1000
    found = pairs(db)
    assert len(found) == 2 and {reason for _names, reason in found} == {NAME_WITHIN}
