"""Merging an organisation entered twice moves whatever points at it, found in the metadata."""

from sqlalchemy import Column, ForeignKey, Integer, String, Table, select

from eventsapp.catalogue.models import Event
from eventsapp.core.clock import utcnow
from eventsapp.people.models import Organisation
from eventsapp.people.services import merge_organisations


def test_a_table_added_later_is_merged_without_editing_the_merge(db, make):
    """A capability to come (cost sharing, say) adds a table pointing at organisations."""
    payers = Table(
        "test_payers",
        db.metadata,
        Column("id", Integer, primary_key=True),
        Column("organisation_id", ForeignKey("organisations.id")),
        Column("category", String(30)),
    )
    payers.create(db.engine)
    try:
        kept, twice = make.organisation("INE"), make.organisation("Instituto Nacional Electoral")
        db.session.execute(payers.insert().values(organisation_id=twice.id, category="lodging"))
        merge_organisations(twice, kept, utcnow(), None)
        db.session.commit()
        assert db.session.execute(select(payers.c.organisation_id)).scalars().all() == [kept.id]
    finally:
        db.session.rollback()
        payers.drop(db.engine)
        db.metadata.remove(payers)


def test_events_showing_a_merged_organisation_are_marked_changed(db, make):
    """Calendar feeds write those events again: their partner or requester has another name."""
    kept, twice = make.organisation("TEPJF"), make.organisation("Electoral Tribunal")
    partnered = make.event(title="Seminar", partner_ids=[twice.id, kept.id])
    requested = make.event(title="Workshop", requesting_authority_id=twice.id)
    untouched = make.event(title="Course")
    stamps = {e.id: e.updated_at for e in (partnered, requested, untouched)}
    later = utcnow()
    merge_organisations(twice, kept, later, None)
    db.session.commit()
    events = {e.id: e for e in db.session.scalars(select(Event))}
    assert [o.id for o in events[partnered.id].partners] == [kept.id]  # no duplicate partner
    assert events[requested.id].requesting_authority_id == kept.id
    assert events[partnered.id].updated_at >= later
    assert events[requested.id].updated_at >= later
    assert events[untouched.id].updated_at == stamps[untouched.id]
    assert db.session.get(Organisation, twice.id) is None
