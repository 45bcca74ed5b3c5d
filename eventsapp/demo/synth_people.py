"""The people of synthetic participants (``demo synth``): names as delegates have them, and a
person with a proven address for each, written in bulk (one insert a batch, not one a row).

Names are a given name and surnames spelt from the participant's number, so that each is its
own person; one participant in 500 is the one before registered again with another address and
a second surname, as duplicates come in real registries (for ``bench/bench_duplicates.py``).
"""

from datetime import datetime

from sqlalchemy import insert, select

from ..extensions import db
from ..people.models import Person, PersonEmail
from ..people.persons import name_key

GIVEN = [
    "Ana",
    "María",
    "José",
    "Luis",
    "Carmen",
    "Juan",
    "Rosa",
    "Pedro",
    "Lucía",
    "Jorge",
    "Elena",
    "Nino",
    "Tamar",
    "Giorgi",
    "Amina",
    "Grace",
    "Peter",
    "Wanjiru",
    "Sipho",
    "Thandiwe",
    "Ion",
    "Maya",
    "Ramesh",
    "Sita",
    "Dewi",
    "Budi",
    "Mwila",
    "Chanda",
]
SYLLABLES = [
    "ba",
    "be",
    "bi",
    "bo",
    "bu",
    "ka",
    "ke",
    "ki",
    "ko",
    "ku",
    "ma",
    "me",
    "mi",
    "mo",
    "mu",
    "na",
    "ne",
    "ni",
    "no",
    "nu",
    "ra",
    "re",
    "ri",
    "ro",
    "ru",
]
BATCH = 5000


def is_second_record(number: int) -> bool:
    """Whether participant ``number`` is the one before, registered again."""
    return number % 500 == 499


def synthetic_name(number: int) -> str:
    """Participant ``number``'s name; every 500th is the one before with a second surname."""
    if is_second_record(number):
        return f"{synthetic_name(number - 1)} {spelt(number // 500 + 7)}"
    return f"{GIVEN[number % len(GIVEN)]} {spelt(number // len(GIVEN) + 1)}"


def spelt(n: int) -> str:
    """A surname of letters for a number: names have no digits."""
    word = ""
    while n:
        n, rest = divmod(n, len(SYLLABLES))
        word = SYLLABLES[rest] + word
    return (word or SYLLABLES[0]).capitalize()


def give_people(rows: list[dict], now: datetime) -> None:
    """The person of each registration's row (``person_id``): the one of its address when a
    synthesis before proved it (the same participant in another year), else a new one."""
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        known = dict(
            db.session.execute(
                select(PersonEmail.email, PersonEmail.person_id).where(
                    PersonEmail.email.in_([row["email"] for row in batch])
                )
            ).all()
        )
        new = [row for row in batch if row["email"] not in known]
        if new:
            # One insert; the people just made are read back by their names (unique in a
            # synthesis) and time: RETURNING in the rows' order would be a row at a time on SQLite.
            db.session.execute(insert(Person), [_person(row, now) for row in new])
            made = dict(
                db.session.execute(
                    select(Person.name, Person.id).where(
                        Person.created_at == now, Person.name.in_([row["name"] for row in new])
                    )
                ).all()
            )
            db.session.execute(
                insert(PersonEmail),
                [
                    {"person_id": made[row["name"]], "email": row["email"], "confirmed_at": now}
                    for row in new
                ],
            )
            known.update((row["email"], made[row["name"]]) for row in new)
        for row in batch:
            row["person_id"] = known[row["email"]]


def _person(row: dict, now: datetime) -> dict:
    return {
        "name": row["name"],
        "name_key": name_key(row["name"]),
        "gender": row["gender"],
        "country_code": row["country_code"],
        "organisation_id": row["organisation_id"],
        "position": row["position"],
        "languages": [],
        "notes": "",
        "created_at": now,
        "alumni_shows_email": False,
    }
