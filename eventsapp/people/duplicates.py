"""Duplicates suggested to staff: two records that may be one person, never merged by a guess.

Two people not merged nor erased, of one country (or one of them of no known country), are
suggested when their names have at least two words and

- the same key (``persons.name_key``: accents, case, particles and word order aside, so "María
  José Quispe" and "Quispe, Maria Jose"), or
- the words of one are all among the other's, the first name among them (a second surname, as
  Spanish and Portuguese names have: "Maria Jose Quispe" and "María José Quispe Mamani";
  "García López, Ana" and "Ana Garcia").

The stored key plays the part of PostgreSQL's ``unaccent`` (and ``pg_trgm`` for the words'
overlap), so that SQLite and PostgreSQL suggest the same pairs: the people's ids, names, keys and
countries are read in one query and paired in Python through an index of (country, word), each
person looking only at the people of its rarest word, which keeps the work near-linear in the
number of people (a pairwise comparison, or a self-join in SQL, would be quadratic).

A pair staff said is two people (``not_the_same``) is never suggested again.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from itertools import chain

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..core.actions import describe, log_action
from ..core.errors import InvalidInput
from ..core.locks import added_unless_taken
from ..extensions import db
from .models import DistinctPersons, Person
from .persons import name_words

SAME_NAME = "same_name"
NAME_WITHIN = "name_within"
REASONS = {
    SAME_NAME: _l("The same name"),
    NAME_WITHIN: _l("One name within the other"),
}
SAID_DISTINCT = describe(
    "person.not_duplicate", _l("Said %(object)s and %(other)s are not the same person")
)


@dataclass(frozen=True, order=True)
class Suggestion:
    key: str  # the shorter name's key, for the order of the list
    first_id: int
    second_id: int
    reason: str

    @property
    def reason_label(self) -> str:
        return str(REASONS[self.reason])


@dataclass
class _Row:
    id: int
    name: str
    country: str | None
    key: str
    words: frozenset


def suggestions() -> list[Suggestion]:
    """Every pair of people that may be one, in the order of their names (two queries)."""
    rows = [
        _Row(id_, name, country, key, frozenset(key.split()))
        for id_, name, key, country in db.session.execute(
            select(Person.id, Person.name, Person.name_key, Person.country_code).where(
                Person.merged_into_id.is_(None), Person.erased_at.is_(None)
            )
        )
    ]
    refused = set(db.session.execute(select(DistinctPersons.first_id, DistinctPersons.second_id)))
    found = {}
    for first, second, reason in _pairs([row for row in rows if len(row.words) >= 2]):
        ids = (min(first.id, second.id), max(first.id, second.id))
        if ids not in refused and ids not in found:
            found[ids] = Suggestion(min(first.key, second.key, key=len), *ids, reason)
    return sorted(found.values())


def _pairs(rows: list[_Row]):
    """(person, person, reason) for each pair that may be one person (a pair may come twice)."""
    by_word: dict[str, list[_Row]] = defaultdict(list)  # every country
    by_country_word: dict[tuple, list[_Row]] = defaultdict(list)
    for row in rows:
        for word in row.words:
            by_word[word].append(row)
            by_country_word[row.country, word].append(row)

    def lists(row: _Row, word: str) -> tuple[list[_Row], ...]:
        if row.country is None:
            return (by_word.get(word, ()),)
        return by_country_word.get((row.country, word), ()), by_country_word.get((None, word), ())

    first_names: dict[int, str] = {}
    for row in rows:
        rarest = min(row.words, key=lambda word: sum(map(len, lists(row, word))))
        for other in chain.from_iterable(lists(row, rarest)):
            if other.id == row.id or not row.words <= other.words:
                continue
            if row.key == other.key:
                yield row, other, SAME_NAME
            elif _first_name(row, first_names) == _first_name(other, first_names):
                yield row, other, NAME_WITHIN


def _first_name(row: _Row, known: dict[int, str]) -> str:
    """The name's first given name: the first word after a comma ("García López, Ana"), or
    else the first word. Worked out only for the pairs that need it."""
    if row.id not in known:
        family, comma, given = row.name.partition(",")
        words = name_words(given if comma else family) or name_words(row.name)
        known[row.id] = words[0] if words else ""
    return known[row.id]


def not_the_same(first: Person, second: Person, now: datetime, actor) -> None:
    """Staff say two suggested people are two people: the pair is not suggested again."""
    if first.id == second.id:
        raise InvalidInput("second", _("Choose two different people."))
    low, high = sorted((first.id, second.id))
    exists = db.session.scalar(
        select(DistinctPersons.id).where(
            DistinctPersons.first_id == low, DistinctPersons.second_id == high
        )
    )
    pair = DistinctPersons(
        first_id=low, second_id=high, at=now, actor_id=getattr(actor, "id", None)
    )
    if exists is None and added_unless_taken(pair):
        log_action(first, SAID_DISTINCT, actor, {"other": second.name}, at=now)
