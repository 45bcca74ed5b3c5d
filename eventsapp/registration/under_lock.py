"""What a registration's confirmation reads once its event is locked, in one statement built
once per process (its values parameters, so that nothing is built while the event is locked):
the seats, the funded places of the delegate's organisation, whether anything hears the action
log's lines, and the new delegate's person written (``people.persons.FirstProof``)."""

from dataclasses import dataclass, fields
from datetime import datetime

from sqlalchemy import DateTime, Integer, Select, bindparam, select

from ..core.actions import note_readers, readers_clause
from ..extensions import db
from ..people.models import Organisation
from ..people.persons import FirstProof
from .funding import in_play_of
from .models import Registration
from .seats import Tally, tally_query


@dataclass
class ReadUnderLock:
    counted: Tally
    in_play: list[Registration]  # the organisation's registrations in play (funded places)
    person_id: int | None  # the person a first proof made (``FirstProof``)


def read_under_lock(
    event_id: int, organisation: Organisation | None, now: datetime, proof: FirstProof | None
) -> ReadUnderLock:
    """Once the event is locked, in one statement: its seats (``tally``); the registrations in
    play of the delegate's organisation, for its funded places; whether anything reads the
    action log's lines at the commit (noted, so that the commit reads nothing for it:
    ``core.actions``); and ``proof``'s person written."""
    query, readers = _query_under_lock(proof is not None)
    values = {
        "event_id": event_id,
        "now": now,
        "organisation_id": organisation.id if organisation is not None else None,
        **(proof.parameters() if proof is not None else {}),
    }
    rows = db.session.execute(query, values).all()
    first, size = rows[0], len(fields(Tally))
    if readers:
        note_readers(first[size])
    return ReadUnderLock(
        Tally(*first[:size]),
        [row[-1] for row in rows if row[-1] is not None],
        first[-2] if proof is not None else None,
    )


_QUERIES_UNDER_LOCK: dict[bool, tuple[Select, bool]] = {}


def _query_under_lock(with_proof: bool) -> tuple[Select, bool]:
    """``_read_under_lock``'s statement, with a first proof or without, and whether it reads if
    anything hears the log's lines: built once per process, its values parameters (nothing is
    built while the event is locked)."""
    if with_proof not in _QUERIES_UNDER_LOCK:
        event_id = bindparam("event_id", type_=Integer)
        counted = tally_query(event_id, bindparam("now", type_=DateTime)).subquery("tally")
        extra = [clause for clause in (readers_clause(),) if clause is not None]
        readers = bool(extra)
        if with_proof:
            extra.append(FirstProof.made_id())
        playing = in_play_of(event_id, bindparam("organisation_id", type_=Integer))
        query = (
            select(*counted.c, *extra, Registration)
            .select_from(counted)
            .outerjoin(Registration, playing)
        )
        _QUERIES_UNDER_LOCK[with_proof] = query, readers
    return _QUERIES_UNDER_LOCK[with_proof]
