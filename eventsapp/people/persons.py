"""People across the years: the record an address or a speaker's name leads to.

A person is found by an address its owner proved (``person_for_address``): the first proof makes
the person, later ones find it. Nothing else matches two rows to one person: names alike are
suggestions for staff (duplicates), never a silent guess.
"""

import re
import unicodedata
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from .models import Organisation, Person, PersonEmail

# Words of names that do not tell people apart: "María de la Cruz" is "María Cruz".
_PARTICLES = frozenset(
    "da das de del della der di do dos du e el la las le les los van von y".split()  # noqa: SIM905
)
_WORD = re.compile(r"[^\W\d_]+")
# An argument not given: the person (or account) is to be looked up.
LOOK_UP = object()


def name_words(name: str) -> list[str]:
    """A name's words as compared: case, accents and particles aside, in their order."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return [word for word in _WORD.findall(plain) if word not in _PARTICLES]


def name_key(name: str) -> str:
    """A name as duplicates are found: its words sorted, so that "García López, María" and
    "María Garcia Lopez" have one key ("garcia lopez maria")."""
    return " ".join(sorted(name_words(name)))[:200]


def person_for_address(
    email: str,
    confirmed_at: datetime,
    *,
    known=LOOK_UP,
    name: str,
    gender: str | None = None,
    country_code: str | None = None,
    organisation: Organisation | None = None,
    position: str | None = None,
) -> Person:
    """The person whose proven address ``email`` is, made the first time; their details become
    the ones given (what they wrote last). Two first proofs of one address at once make one
    person: the second finds the first's. ``known``: the person of the address, read already
    (None: it has none yet)."""
    email = email.strip().lower()
    details = (name, gender, country_code, organisation, position)
    person = _person_with(email) if known is LOOK_UP else known
    if person is None:
        try:
            with db.session.begin_nested():
                person = new_person(name)
                follow(person, *details)
                db.session.add(PersonEmail(person=person, email=email, confirmed_at=confirmed_at))
            return person
        except IntegrityError:
            person = _person_with(email)
    follow(person, *details)
    return person


def follow(
    person: Person,
    name: str,
    gender: str | None = None,
    country_code: str | None = None,
    organisation: Organisation | None = None,
    position: str | None = None,
) -> None:
    """The person's details as last written (what is not given stays)."""
    if person.erased_at is not None:
        return
    person.name = name.strip() or person.name
    person.name_key = name_key(person.name)
    for attribute, value in (
        ("gender", gender),
        ("country_code", country_code),
        ("organisation", organisation),
        ("position", position),
    ):
        if value:
            setattr(person, attribute, value)


def new_person(name: str, **details) -> Person:
    """A person known by no address (a speaker named in an agenda)."""
    person = Person(name=name.strip(), name_key=name_key(name), **details)
    db.session.add(person)
    return person


def _person_with(email: str) -> Person | None:
    return db.session.scalar(select(Person).join(PersonEmail).where(PersonEmail.email == email))
