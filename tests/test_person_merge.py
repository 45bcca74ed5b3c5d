"""Staff merge the two records of one person side by side, and undo it: every row that points at
the merged person moves (found in the metadata), and the action log says so."""

import re
from datetime import date, datetime
from types import SimpleNamespace

import pytest
from sqlalchemy import Column, ForeignKey, Integer, Table, func, select

from eventsapp.accounts.models import Role, User
from eventsapp.accounts.services import create_user
from eventsapp.agenda.models import Speaker
from eventsapp.attendance.models import CheckIn
from eventsapp.authority_requests.models import AuthorityRequest
from eventsapp.core.actions import LoggedAction, log_action
from eventsapp.core.clock import utcnow
from eventsapp.core.errors import InvalidInput
from eventsapp.documents.models import Document, DocumentKind
from eventsapp.documents.services import issue
from eventsapp.people.merging import merge_persons
from eventsapp.people.models import Person, PersonEmail, PersonMerge
from eventsapp.people.persons import person_for_address
from eventsapp.registration.models import Registration
from tests.conftest import login
from tests.test_registration_concurrency import at_once, needs_postgresql

NOW = datetime(2026, 1, 5, 9, 0)


def _registration(db, event, person, email, answers=None):
    registration = Registration(
        event_id=event.id,
        person=person,
        name=person.name,
        gender="female",
        email=email,
        country_code="PE",
        status="approved",
        consent_at=NOW,
        answers=answers or {},
    )
    db.session.add(registration)
    db.session.flush()
    return registration


@pytest.fixture
def admin_client(client, db):
    admin = create_user("admin@example.org", Role.ADMIN, "kettle-on-the-hob", name="Ada Admin")
    db.session.commit()
    login(client, admin)
    return client


@pytest.fixture
def one_person_twice(db, make):
    """María José Quispe Mamani, known since 2016; Maria Jose Quispe, who came in 2014 with
    another address, spoke, asked for a workshop and has an account."""
    body = make.organisation("Jurado Nacional de Elecciones", country="PE")
    early = make.event(title="Workshop 2014", date_text="18-19 March 2014")
    later = make.event(title="Workshop 2016", date_text="18-19 March 2016")
    keep = person_for_address("maria.quispe@jne.gob.pe", NOW, name="María José Quispe Mamani")
    keep.country_code, keep.position = "PE", "Head of training"
    other = person_for_address(
        "mjquispe@example.org", NOW, name="Maria Jose Quispe", country_code="PE", organisation=body
    )
    other.position, other.notes = "Trainer", "Spoke well in 2014."
    db.session.flush()
    mine = _registration(db, later, keep, "maria.quispe@jne.gob.pe")
    hers = _registration(db, early, other, "mjquispe@example.org", {"1": "Voter registration"})
    db.session.add(CheckIn(registration_id=hers.id, day=date(2014, 3, 18)))
    issue(DocumentKind.BADGE, [hers], NOW, None)
    db.session.add(Speaker(name=other.name, name_key="maria jose quispe", person=other))
    db.session.add(
        AuthorityRequest(
            authority_name="JNE",
            country_code="PE",
            kind="workshop",
            date_text="March 2027",
            starts_on=date(2027, 3, 1),
            ends_on=date(2027, 3, 31),
            precision="month",
            contact_name=other.name,
            contact_email="mjquispe@example.org",
            contact_person=other,
        )
    )
    account = create_user("mjquispe@example.org", Role.DELEGATE, "blue-river-notebook")
    account.person = other
    log_action(other, "person.noted", "Staff", label=other.name)
    db.session.commit()
    return {"keep": keep.id, "other": other.id, "mine": mine.id, "hers": hers.id}


def _pointing_at(db, person_id) -> dict:
    """What points at the person, by kind."""
    return {
        "registrations": set(
            db.session.scalars(select(Registration.id).where(Registration.person_id == person_id))
        ),
        "speakers": db.session.scalar(select(func.count()).where(Speaker.person_id == person_id)),
        "requests": db.session.scalar(
            select(func.count()).where(AuthorityRequest.contact_person_id == person_id)
        ),
        "accounts": set(db.session.scalars(select(User.email).where(User.person_id == person_id))),
        "emails": set(
            db.session.scalars(select(PersonEmail.email).where(PersonEmail.person_id == person_id))
        ),
        "log": set(
            db.session.scalars(
                select(LoggedAction.action).where(
                    LoggedAction.object_type == "person", LoggedAction.object_id == person_id
                )
            )
        ),
    }


def test_staff_merge_two_records_of_one_person_side_by_side(admin_client, db, one_person_twice):
    ids = one_person_twice
    listed = admin_client.get("/manage/people/duplicates").get_data(as_text=True)
    assert "María José Quispe Mamani" in listed and "Maria Jose Quispe" in listed
    assert f"/manage/people/merge?keep={min(ids['keep'], ids['other'])}" in listed

    page = admin_client.get(f"/manage/people/merge?keep={ids['keep']}&other={ids['other']}")
    shown = page.get_data(as_text=True)
    assert page.status_code == 200
    for seen in ("mjquispe@example.org", "Workshop 2014", "Workshop 2016", "2014", "Trainer"):
        assert seen in shown
    # Both from Peru: nothing to choose there; the names differ: a choice.
    assert re.search(r"Peru <small[^>]*>\(the same in both\)", shown)
    assert shown.count('name="name"') == 2 and shown.count('name="country_code"') == 1

    response = admin_client.post(
        "/manage/people/merge",
        data={"keep": ids["keep"], "other": ids["other"], "name": "keep", "position": "other"}
        | {"gender": "keep", "country_code": "keep", "organisation_id": "other"},
    )
    assert response.status_code == 302
    record = admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Merged Maria Jose Quispe into María José Quispe Mamani." in record
    for moved in ("Registrations: 1 row", "Accounts: 1 row", "Addresses: 1 row"):
        assert moved in record
    assert "Speaker entries: 1 row" in record and "Requests: 1 row" in record

    db.session.expire_all()
    kept, merged = db.session.get(Person, ids["keep"]), db.session.get(Person, ids["other"])
    assert merged.merged_into_id == kept.id
    assert kept.name == "María José Quispe Mamani"
    assert (kept.position, kept.organisation.name) == ("Trainer", "Jurado Nacional de Elecciones")
    assert kept.notes == "Spoke well in 2014."
    now_kept = _pointing_at(db, kept.id)
    assert now_kept["registrations"] == {ids["mine"], ids["hers"]}
    assert now_kept["speakers"] == 1 and now_kept["requests"] == 1
    assert now_kept["accounts"] == {"mjquispe@example.org"}
    assert now_kept["emails"] == {"maria.quispe@jne.gob.pe", "mjquispe@example.org"}
    assert {"person.noted", "person.merged"} <= now_kept["log"]
    assert _pointing_at(db, merged.id) == {
        "registrations": set(),
        "speakers": 0,
        "requests": 0,
        "accounts": set(),
        "emails": set(),
        "log": set(),
    }
    # Her registration keeps its answers, check-in and badge: they hang on it.
    hers = db.session.get(Registration, ids["hers"])
    assert hers.answers == {"1": "Voter registration"}
    assert db.session.scalar(select(func.count()).where(CheckIn.registration_id == hers.id)) == 1
    assert db.session.scalar(select(func.count()).where(Document.registration_id == hers.id)) == 1

    # The History of the staff member who merged, and of the account that moved, say it.
    admin = db.session.scalar(select(User).where(User.email == "admin@example.org"))
    account = db.session.scalar(select(User).where(User.email == "mjquispe@example.org"))
    for user in (admin, account):
        history = admin_client.get(f"/manage/accounts/{user.id}/history").get_data(as_text=True)
        assert "Merged Maria Jose Quispe into María José Quispe Mamani" in history

    # The pair is no longer suggested: one of them is merged.
    listed = admin_client.get("/manage/people/duplicates").get_data(as_text=True)
    assert "Maria Jose Quispe<" not in listed


def test_a_merge_undone_moves_everything_back(admin_client, db, one_person_twice):
    ids = one_person_twice
    before = {ids[k]: _pointing_at(db, ids[k]) for k in ("keep", "other")}
    admin_client.post(
        "/manage/people/merge",
        data={"keep": ids["keep"], "other": ids["other"], "position": "other"},
    )
    merge = db.session.scalar(select(PersonMerge))
    response = admin_client.post(f"/manage/people/merges/{merge.id}/undo")
    assert response.status_code == 302
    page = admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The merge of Maria Jose Quispe into María José Quispe Mamani is undone." in page
    assert "Undo this merge" not in page

    db.session.expire_all()
    after = {ids[k]: _pointing_at(db, ids[k]) for k in ("keep", "other")}
    after[ids["keep"]]["log"] -= {"person.merged", "person.merge_undone"}
    after[ids["other"]]["log"] -= {"person.merge_undone"}  # both Histories tell the undo
    assert after == before
    kept, merged = db.session.get(Person, ids["keep"]), db.session.get(Person, ids["other"])
    assert merged.merged_into_id is None
    assert (kept.position, kept.organisation_id, kept.notes) == ("Head of training", None, "")
    admin = db.session.scalar(select(User).where(User.email == "admin@example.org"))
    history = admin_client.get(f"/manage/accounts/{admin.id}/history").get_data(as_text=True)
    assert "Undid the merge of Maria Jose Quispe into María José Quispe Mamani" in history

    again = admin_client.post(f"/manage/people/merges/{merge.id}/undo", follow_redirects=True)
    assert "This merge was undone already." in again.get_data(as_text=True)


def _nothing_written(db) -> tuple:
    return (
        db.session.scalar(select(func.count(PersonMerge.id))),
        db.session.scalar(select(func.count(LoggedAction.id))),
        db.session.scalar(select(func.count(Person.id)).where(Person.merged_into_id.is_not(None))),
    )


@pytest.mark.parametrize("method", ["get", "post"])
def test_bad_pairs_are_refused_with_a_message_and_nothing_written(
    admin_client, db, one_person_twice, method
):
    ids = one_person_twice
    erased = Person(name="Someone", name_key="someone", erased_at=NOW)
    db.session.add(erased)
    db.session.commit()
    before = _nothing_written(db)
    cases = [
        ({"keep": ids["keep"], "other": ids["keep"]}, "Choose two different people."),
        ({"keep": ids["keep"], "other": 999999}, "Choose two people of the registry."),
        ({"keep": "x", "other": ids["other"]}, "Choose two people of the registry."),
        ({"keep": ids["keep"], "other": 10**30}, "Choose two people of the registry."),
        ({"keep": ids["keep"], "other": erased.id}, "An erased person cannot be merged."),
    ]
    for data, message in cases:
        if method == "get":
            response = admin_client.get("/manage/people/merge", query_string=data)
        else:
            response = admin_client.post("/manage/people/merge", data=data)
        assert response.status_code == 302, data
        shown = admin_client.get(response.headers["Location"]).get_data(as_text=True)
        assert message in shown, data
        assert _nothing_written(db) == before, data
    hostile = {"keep": "1\x00", "other": ids["other"]}
    response = getattr(admin_client, method)(
        "/manage/people/merge",
        **({"query_string": hostile} if method == "get" else {"data": hostile}),
    )
    assert response.status_code == 400  # control characters are refused before the page
    assert _nothing_written(db) == before


def test_an_already_merged_person_cannot_be_merged_again(admin_client, db, one_person_twice):
    ids = one_person_twice
    third = person_for_address("mj3@example.org", NOW, name="María Quispe")
    db.session.commit()
    admin_client.post("/manage/people/merge", data={"keep": ids["keep"], "other": ids["other"]})
    before = _nothing_written(db)
    response = admin_client.post(
        "/manage/people/merge",
        data={"keep": third.id, "other": ids["other"]},
        follow_redirects=True,
    )
    assert "Maria Jose Quispe was merged into another record already." in response.get_data(
        as_text=True
    )
    assert _nothing_written(db) == before


def test_a_table_added_later_moves_too_and_back(db, one_person_twice):
    """A capability to come (delegations' focal points, say) adds a table pointing at people."""
    ids = one_person_twice
    focal = Table(
        "test_focal_points",
        db.metadata,
        Column("id", Integer, primary_key=True),
        Column("person_id", ForeignKey("persons.id")),
    )
    focal.create(db.engine)
    try:
        db.session.execute(focal.insert().values(person_id=ids["other"]))
        keep, other = db.session.get(Person, ids["keep"]), db.session.get(Person, ids["other"])
        merge = merge_persons(keep, other, [], utcnow(), None)
        assert db.session.execute(select(focal.c.person_id)).scalars().all() == [ids["keep"]]
        assert merge.moved["test_focal_points.person_id"] == [1]
    finally:
        db.session.rollback()
        focal.drop(db.engine)
        db.metadata.remove(focal)


@pytest.mark.postgres
def test_one_pair_merged_by_five_staff_at_once_is_merged_once(settings, db, one_person_twice):
    """Five staff press "Merge" on the same pair at the same moment: the first merges it, the
    others find the record merged already (the people's rows are locked), and the History has
    one merge."""
    needs_postgresql(settings)
    keep_id, other_id = one_person_twice["keep"], one_person_twice["other"]

    def press():
        keep, other = db.session.get(Person, keep_id), db.session.get(Person, other_id)
        try:
            merge_persons(keep, other, (), utcnow(), "Staff")
        except InvalidInput:
            return SimpleNamespace(status="refused")
        return SimpleNamespace(status="merged")

    outcomes, errors = at_once(settings, [press] * 5)
    assert errors == [] and sorted(outcomes) == ["merged"] + ["refused"] * 4
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(PersonMerge)) == 1
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(LoggedAction)
            .where(LoggedAction.action == "person.merged")
        )
        == 1
    )


def test_two_people_each_waiting_to_be_forgotten_cannot_be_merged(
    admin_client, db, one_person_twice
):
    """One request waiting per person (a partial unique index): the merge says why, not a 500."""
    from eventsapp.privacy.models import ErasureRequest

    ids = one_person_twice
    for key in ("keep", "other"):
        db.session.add(ErasureRequest(person_id=ids[key], asked_at=NOW))
    db.session.commit()
    before = _nothing_written(db)
    response = admin_client.post(
        "/manage/people/merge",
        data={"keep": ids["keep"], "other": ids["other"]},
        follow_redirects=True,
    )
    assert "they cannot be merged" in response.get_data(as_text=True)
    assert _nothing_written(db) == before
