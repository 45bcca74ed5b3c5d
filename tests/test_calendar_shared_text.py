"""Calendar text is kept in the database for every worker, under each event's version; the yearly
calendar's page and downloads answer conditional requests like the feeds."""

from sqlalchemy import select, update

from eventsapp.calendars.models import CalendarDocument, CalendarText
from eventsapp.catalogue.models import Event


def as_another_worker(app):
    """What a process that never built anything sees: its own cache empty."""
    app.extensions.pop("calendar_cache", None)


def test_another_worker_serves_the_text_one_built(app, client, make, db):
    event = make.event("Workshop on voter registration", "March 2016")
    first = client.get("/calendar/2016.ics").data
    assert db.session.scalars(select(CalendarText.part)).all() == ["event"]
    # Changed behind the application's back (its version untouched): the kept text is served.
    db.session.execute(update(Event).values(title="Changed behind", updated_at=Event.updated_at))
    db.session.commit()
    as_another_worker(app)
    assert client.get("/calendar/2016.ics").data == first
    # Saved through the application: a new version, written again once, for everyone.
    db.session.get(Event, event.id).title = "Saved"
    db.session.commit()
    as_another_worker(app)
    assert b"SUMMARY:Saved" in client.get("/calendar/2016.ics").data
    as_another_worker(app)
    assert b"SUMMARY:Saved" in client.get(f"/events/{event.id}.ics").data
    assert sorted(db.session.scalars(select(CalendarText.part))) == ["agenda", "event"]


def test_a_deleted_event_takes_its_text_with_it(client, make, db):
    event = make.event("Workshop", "March 2016")
    client.get(f"/events/{event.id}.ics")
    db.session.delete(db.session.get(Event, event.id))
    db.session.commit()
    assert db.session.scalars(select(CalendarText)).all() == []


def test_the_page_and_downloads_answer_conditional_requests(app, client, make, db):
    event = make.event("Workshop on voter registration", "March 2016")
    for address in ("/calendar/2016", "/calendar/2016.csv", "/calendar/2016.xlsx"):
        first = client.get(address)
        assert first.status_code == 200 and first.headers["ETag"]
        again = client.get(address, headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304 and again.data == b"", address
    etags = {a: client.get(a).headers["ETag"] for a in ("/calendar/2016", "/calendar/2016.csv")}
    db.session.get(Event, event.id).title = "Renamed workshop"
    db.session.commit()
    for address, etag in etags.items():
        changed = client.get(address, headers={"If-None-Match": etag})
        assert changed.status_code == 200 and b"Renamed workshop" in changed.data, address


def test_unfiltered_downloads_are_kept_for_every_worker_and_filtered_ones_are_not(
    app, client, make, db
):
    make.event("Workshop on voter registration", "March 2016", kind="workshop")
    first = client.get("/calendar/2016.csv").data
    client.get("/calendar/2016.csv?kind=workshop")
    keys = db.session.scalars(select(CalendarDocument.key)).all()
    assert keys == ["/calendar/2016.csv"]
    db.session.execute(update(Event).values(title="Changed behind", updated_at=Event.updated_at))
    db.session.commit()
    as_another_worker(app)
    assert client.get("/calendar/2016.csv").data == first
    assert b"Changed behind" in client.get("/calendar/2016.csv?kind=workshop").data


def test_the_page_follows_the_signed_in_visitor(client, staff_client, make):
    """The page's ETag is per visitor: a cached anonymous page never stands for a signed-in one."""
    make.event("Workshop", "March 2016")
    signed_in = staff_client.get("/calendar/2016")
    assert "private" in signed_in.headers["Cache-Control"]
    staff_client.post("/logout")
    anonymous = staff_client.get(
        "/calendar/2016", headers={"If-None-Match": signed_in.headers["ETag"]}
    )
    assert anonymous.status_code == 200


def test_a_feeds_first_build_stores_every_events_text_in_one_statement(
    app, client, make, db, count_queries
):
    """Thousands of events on the first visit after a deploy (or a change to all of them): one
    INSERT keeps every text, rather than one per event; a later change rewrites the same rows."""
    events = [make.event(f"Workshop {n}", "March 2016") for n in range(30)]
    with count_queries() as statements:
        first = client.get("/calendar/2016.ics").data
    inserts = [s for s in statements if s.lstrip().upper().startswith("INSERT")]
    assert len(inserts) == 1 and "calendar_texts" in inserts[0]
    assert len(db.session.scalars(select(CalendarText.event_id)).all()) == len(events)

    db.session.execute(update(Event).values(title=Event.title + " (moved)"))
    db.session.commit()
    as_another_worker(app)
    with count_queries() as statements:
        moved = client.get("/calendar/2016.ics").data
    assert len([s for s in statements if s.lstrip().upper().startswith("INSERT")]) == 1
    assert moved.count(b"(moved)") == len(events) and first.count(b"(moved)") == 0
    stored = db.session.scalars(select(CalendarText.text)).all()
    assert len(stored) == len(events) and all(b"(moved)" in text for text in stored)
