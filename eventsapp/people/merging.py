"""Two records of one person merged side by side, and a merge undone.

Everything that points at the merged person moves to the kept one: the rows of every column of
every table with a foreign key to ``persons.id`` found in the metadata (accounts, registrations
with their answers, documents and check-ins, speaker entries, requests' contacts, addresses, and
whatever table is added later), but the columns that record something about people themselves
(``STAYS_ON_MERGE``: merges, pairs said to be two people) and ``merged_into_id``; and the action
log's lines about the merged person. A ``PersonMerge`` keeps the ids of what moved and the kept
person's details before, so that undoing moves back exactly those rows. The merged person stays,
empty, pointing to the kept one.
"""

from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import UniqueConstraint, select, tuple_, update

from ..core.actions import LoggedAction, describe, log_action
from ..core.errors import InvalidInput
from ..core.locks import reread_locked
from ..extensions import db
from .models import Person, PersonMerge
from .persons import name_key

# The details staff choose between, one record's or the other's.
CHOSEN = ("name", "gender", "country_code", "organisation_id", "position")
# What the kept person had before, restored by an undo.
KEPT = (*CHOSEN, "name_key", "languages", "notes", "alumni_since", "alumni_shows_email")
LOG = "action_log"

MERGED = describe("person.merged", _l("Merged %(merged)s into %(object)s"))
UNDONE = describe("person.merge_undone", _l("Undid the merge of %(merged)s into %(object)s"))


def references():
    """(table, column) of every column pointing at a person that a merge moves."""
    for table in db.metadata.sorted_tables:
        for key in table.foreign_keys:
            column = key.parent
            if key.column.table.name != Person.__tablename__ or column.info.get("stays_on_merge"):
                continue
            if table.name == Person.__tablename__ and column.name == "merged_into_id":
                continue
            yield table, column


def mergeable(keep: Person | None, other: Person | None) -> tuple[Person, Person]:
    """The two people, or ``InvalidInput`` saying why they cannot be merged."""
    if keep is None or other is None:
        raise InvalidInput("other", _("Choose two people of the registry."))
    if keep.id == other.id:
        raise InvalidInput("other", _("Choose two different people."))
    for person in (keep, other):
        if person.merged_into_id is not None:
            raise InvalidInput(
                "other", _("%(name)s was merged into another record already.", name=person.name)
            )
        if person.erased_at is not None:
            raise InvalidInput("other", _("An erased person cannot be merged."))
    return keep, other


def merge_persons(
    keep: Person | None, other: Person | None, from_other, now: datetime, actor
) -> PersonMerge:
    """Merge ``other`` into ``keep``, taking the details named in ``from_other`` (of
    ``CHOSEN``) from ``other``; returns the record of the merge. Nothing is written when the
    two cannot be merged (``InvalidInput``)."""
    for person in (keep, other):
        if person is not None:
            reread_locked(person)  # two staff merging at once: the second sees the first's
    keep, other = mergeable(keep, other)
    from_other = set(from_other)
    if not from_other <= set(CHOSEN):
        raise InvalidInput("other", _("Choose each detail from one of the two records."))
    db.session.flush()
    _refuse_collisions(keep, other)
    kept_before = {field: getattr(keep, field) for field in KEPT}
    moved = {}
    for table, column in references():
        if ids := _move(table, column, other.id, keep.id):
            moved[f"{table.name}.{column.name}"] = ids
    if ids := _move_lines(other.id, keep.id):
        moved[LOG] = ids
    _take_details(keep, other, from_other)
    other.merged_into_id = keep.id
    merge = PersonMerge(
        keep=keep,
        other=other,
        at=now,
        actor_id=getattr(actor, "id", None),
        actor_name=_actor_name(actor),
        moved=moved,
        kept_before={k: _plain(v) for k, v in kept_before.items()},
    )
    db.session.add(merge)
    log_action(keep, MERGED, actor, _line_data(other, moved), at=now, account_id=_account(moved))
    db.session.flush()
    db.session.expire_all()
    return merge


def undo_merge(merge: PersonMerge, now: datetime, actor) -> None:
    """Move back what ``merge`` moved (the rows that still point at the kept person) and give
    the kept person their details before."""
    reread_locked(merge)
    keep, other = merge.keep, merge.other
    if merge.undone_at is not None:
        raise InvalidInput("merge", _("This merge was undone already."))
    if keep.merged_into_id is not None:
        raise InvalidInput(
            "merge", _("%(name)s was merged again since: undo that merge first.", name=keep.name)
        )
    if keep.erased_at is not None or other.erased_at is not None:
        raise InvalidInput("merge", _("An erased person cannot be merged."))
    db.session.flush()
    tables = db.metadata.tables
    for place, ids in merge.moved.items():
        if place == LOG:
            _move_lines(keep.id, other.id, ids)
            continue
        table_name, _dot, column_name = place.partition(".")
        if table_name in tables and column_name in tables[table_name].c:
            table = tables[table_name]
            _move(table, table.c[column_name], keep.id, other.id, ids)
    for field, value in merge.kept_before.items():
        setattr(keep, field, _read(field, value))
    other.merged_into_id = None
    merge.undone_at = now
    for person in (keep, other):  # in both records' History
        log_action(
            person,
            UNDONE,
            actor,
            _line_data(other, merge.moved),
            at=now,
            label=keep.name,
            account_id=_account(merge.moved),
        )
    db.session.flush()
    db.session.expire_all()


def _refuse_collisions(keep: Person, other: Person) -> None:
    """A row of ``other`` that would repeat one of ``keep``'s where a unique constraint or index
    forbids it (one request waiting per person, a table added later): refused, nothing moved."""
    for table, column in references():
        for columns, where in _unique_sets(table):
            if column not in columns:
                continue
            others = [c for c in columns if c is not column]
            kept = select(*others).where(column == keep.id, *where) if others else None
            clash = select(column).where(column == other.id, *where)
            if kept is not None:
                clash = clash.where(tuple_(*others).in_(kept))
            elif db.session.scalar(select(column).where(column == keep.id, *where)) is None:
                continue
            if db.session.scalar(clash.limit(1)) is not None:
                raise InvalidInput(
                    "other",
                    _("Both records have a %(what)s: they cannot be merged.", what=table.name),
                )


def _unique_sets(table):
    """(columns, conditions) of each unique constraint and unique index of ``table``; a partial
    index's condition (its ``WHERE``) comes with it."""
    for constraint in table.constraints:
        if isinstance(constraint, UniqueConstraint):
            yield list(constraint.columns), ()
    for index in table.indexes:
        if index.unique:
            where = index.dialect_options["postgresql"].get("where")
            yield list(index.columns), () if where is None else (where,)


def _move(table, column, from_id: int, to_id: int, only=None) -> list:
    """Point the rows of ``column`` at ``from_id`` to ``to_id`` (only the rows whose primary
    keys ``only`` lists, when given); returns the primary keys of the rows moved."""
    key = list(table.primary_key.columns)
    stmt = select(*key).where(column == from_id)
    if only is not None:
        stmt = stmt.where(_key_in(key, only))
    ids = [row[0] if len(key) == 1 else list(row) for row in db.session.execute(stmt)]
    if ids:
        db.session.execute(
            update(table).where(_key_in(key, ids)).values({column.name: to_id}),
            execution_options={"synchronize_session": False},
        )
    return ids


def _key_in(key: list, ids: list):
    if len(key) == 1:
        return key[0].in_(ids)
    return tuple_(*key).in_([tuple(i) for i in ids])


def _move_lines(from_id: int, to_id: int, only=None) -> list[int]:
    """The action log's lines about the person ``from_id``, to the person ``to_id``."""
    about = (LoggedAction.object_type == "person", LoggedAction.object_id == from_id)
    stmt = select(LoggedAction.id).where(*about)
    if only is not None:
        stmt = stmt.where(LoggedAction.id.in_(only))
    ids = list(db.session.scalars(stmt))
    if ids:
        db.session.execute(
            update(LoggedAction).where(LoggedAction.id.in_(ids)).values(object_id=to_id),
            execution_options={"synchronize_session": False},
        )
    return ids


def _take_details(keep: Person, other: Person, from_other: set) -> None:
    for field in from_other:
        setattr(keep, field, getattr(other, field))
    keep.name_key = name_key(keep.name)
    keep.languages = list(dict.fromkeys([*(keep.languages or []), *(other.languages or [])]))
    if other.notes.strip():
        keep.notes = "\n\n".join(n for n in (keep.notes.strip(), other.notes.strip()) if n)
    if keep.alumni_since is None and other.alumni_since is not None:
        keep.alumni_since, keep.alumni_shows_email = other.alumni_since, other.alumni_shows_email


def _line_data(other: Person, moved: dict) -> dict:
    return {"merged": other.name, "moved": {place: len(ids) for place, ids in moved.items()}}


def _account(moved: dict) -> int | None:
    """An account that moved (its History shows the merge)."""
    accounts = moved.get("users.person_id") or []
    return accounts[0] if accounts else None


def _actor_name(actor) -> str:
    if actor is None or isinstance(actor, str):
        return actor or ""
    return actor.name or actor.email


def _plain(value):
    return value.isoformat() if isinstance(value, datetime) else value


def _read(field: str, value):
    return datetime.fromisoformat(value) if field == "alumni_since" and value else value
