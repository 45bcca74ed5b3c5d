"""People across the years: the record an address or a speaker's name leads to.

A person is found by an address its owner proved (``person_for_address``): the first proof makes
the person, later ones find it. Nothing else matches two rows to one person: names alike are
suggestions for staff (duplicates), never a silent guess.
"""

import re
import unicodedata
from datetime import datetime

from sqlalchemy import bindparam, func, insert, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import make_transient_to_detached

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


_PERSON_COLUMNS = [c for c in Person.__table__.columns if c.key != "id"]


class FirstProof:
    """The person of an address proven for the first time, written on PostgreSQL by a part
    (``cte``) of another statement, without a round trip of its own: the address's row first,
    with a new person id from the sequence, so that a second first proof of the address at the
    same moment writes nothing (``ON CONFLICT DO NOTHING``); then the person's row, from it.
    The statement returns the new person's id (``made_id``), or None when the address was
    proven meanwhile: ``person`` then finds that one (as ``person_for_address``)."""

    def __init__(self, email: str, confirmed_at: datetime, *, name: str, **details):
        self.email, self.confirmed_at = email.strip().lower(), confirmed_at
        self.details = {"name": name, **details}
        self.made = Person(name=name.strip(), name_key=name_key(name))  # not in the session
        follow(self.made, **self.details)
        organisation = self.made.organisation
        self.made.organisation_id = organisation.id if organisation is not None else None
        for column in Person.__table__.columns:  # every column set: none is read again
            value = getattr(self.made, column.key)
            if value is None and column.default is not None:
                value = (
                    column.default.arg(None) if column.default.is_callable else column.default.arg
                )
            setattr(self.made, column.key, value)

    @staticmethod
    def possible() -> bool:
        return db.engine.dialect.name == "postgresql"

    @staticmethod
    def made_id():
        """A scalar subquery, the new person's id (NULL when the address was proven meanwhile).
        Its values are parameters (``parameters``): it is built once, whoever is proven."""
        sequence = func.nextval(func.pg_get_serial_sequence(Person.__tablename__, "id"))
        proof = (
            postgresql.insert(PersonEmail)
            .values(
                person_id=sequence,
                email=bindparam("proof_email", type_=PersonEmail.email.type),
                confirmed_at=bindparam("proof_at", type_=PersonEmail.confirmed_at.type),
            )
            .on_conflict_do_nothing(index_elements=["email"])
            .returning(PersonEmail.person_id)
            .cte("proof")
        )
        values = [bindparam(f"person_{c.key}", type_=c.type) for c in _PERSON_COLUMNS]
        person = (
            insert(Person)
            .from_select(
                ["id", *(c.key for c in _PERSON_COLUMNS)], select(proof.c.person_id, *values)
            )
            .returning(Person.id)
            .cte("person")
        )
        return select(person.c.id).scalar_subquery()

    def parameters(self) -> dict:
        """The values of ``made_id``'s statement for this address and person."""
        return {
            "proof_email": self.email,
            "proof_at": self.confirmed_at,
            **{f"person_{c.key}": getattr(self.made, c.key) for c in _PERSON_COLUMNS},
        }

    def person(self, made_id: int | None) -> Person:
        """The person as the statement left it: the one made, or the address's."""
        if made_id is None:
            return person_for_address(self.email, self.confirmed_at, **self.details)
        self.made.id = made_id
        make_transient_to_detached(self.made)
        db.session.add(self.made)
        return self.made


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
