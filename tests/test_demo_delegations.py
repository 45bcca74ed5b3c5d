"""The demo's delegations: ten authorities of the Americas invited to nominate officials for the
programme year's first workshop, one in each state the board shows, and CICIE's aim for women."""

import html

from sqlalchemy import func, select

from eventsapp.catalogue.models import Event
from eventsapp.core.clock import utcnow
from eventsapp.delegations.board import DelegationStatus, board_of
from eventsapp.delegations.models import Delegation, Nomination, NominationState, Reason
from eventsapp.demo.services import load_demo
from eventsapp.mail.models import OutboxEmail
from eventsapp.people.duplicates import suggestions
from eventsapp.people.models import Person
from eventsapp.registration.models import Access, Registration, RegistrationSettings, Status


def _workshop(db) -> Event:
    return db.session.get(Event, db.session.scalar(select(Delegation.event_id).limit(1)))


def test_ten_authorities_in_every_state_of_the_board(db):
    load_demo()
    db.session.commit()
    event = _workshop(db)
    year = utcnow().year + 1
    assert event.source_key.startswith(f"cicie-ws-{year}-") and event.kind == "workshop"
    first = db.session.scalar(
        select(Event.starts_on).where(Event.source_key.like(f"cicie-ws-{year}-%"))
    )
    assert event.starts_on == first  # the year's first workshop
    assert db.session.get(RegistrationSettings, event.id).access == Access.NOMINATION

    board = board_of(event)
    assert len(board.rows) == 10
    countries = {row.delegation.organisation.country_code for row in board.rows}
    assert len(countries) == 10 and {"PE", "CO", "CL", "EC", "BO", "PY"} <= countries
    assert board.by_status() == {
        DelegationStatus.INVITED: 2,
        DelegationStatus.OPENED: 1,
        DelegationStatus.NOMINATED: 4,
        DelegationStatus.COMPLETE: 1,
        DelegationStatus.APPROVED: 2,
    }
    rows = {row.delegation.organisation.acronym: row for row in board.rows}
    # More nominees than places: the last ones wait as reserves.
    assert len(rows["RNEC"].placed) == 2 and len(rows["RNEC"].reserves) == 2
    assert len(rows["TSE-BO"].placed) == 2 and len(rows["TSE-BO"].reserves) == 1
    # A nominee replaced: the substitute holds the place, the one replaced withdrew.
    replaced = db.session.scalars(
        select(Nomination).where(Nomination.state == NominationState.SUBSTITUTED)
    ).all()
    assert len(replaced) == 1 and replaced[0].registration.status == Status.WITHDRAWN
    substitute = db.session.scalar(
        select(Nomination).where(Nomination.substitutes_id == replaced[0].id)
    )
    assert substitute.rank == replaced[0].rank and substitute in rows["TSE-CR"].placed
    # A nominee declined for their profile: the reserve moved up into the place.
    declined = db.session.scalars(
        select(Nomination)
        .join(Registration, Registration.id == Nomination.registration_id)
        .where(Registration.status == Status.DECLINED)
    ).all()
    assert [(n.reason, n.reason_label != "") for n in declined] == [(Reason.PROFILE, True)]
    ecuador = rows["CNE-EC"]
    assert declined[0].delegation_id == ecuador.delegation.id
    moved_up = ecuador.placed[-1]
    assert moved_up.rank == 3 and moved_up.placed_at > moved_up.nominated_at
    assert ecuador.reserves == [] and len(ecuador.approved) == 1
    # Complete, and approved.
    assert rows["JCE"].status == DelegationStatus.COMPLETE
    assert all(n.completed_at for n in rows["JCE"].placed)
    assert rows["JCE"].funded_used == 1 and rows["JCE"].self_funded_used == 1
    for acronym in ("ONPE", "TSE-GT"):
        assert rows[acronym].status == DelegationStatus.APPROVED
        assert len(rows[acronym].approved) == 2
    # Women and men; CICIE's aim is met.
    assert board.women_target == 40
    assert board.approved_count == 5 and board.women_share == 40 and not board.below_target
    assert board.total("women") and board.total("men")


def test_the_public_form_sends_officials_to_their_authority(db, client):
    load_demo()
    db.session.commit()
    event = _workshop(db)
    page = client.get(f"/events/{event.id}/register")
    assert page.status_code == 403
    assert "by nomination of their authority" in page.text
    assert "Electoral Service of Chile" in page.text  # the authorities invited, to ask


def test_nobody_is_told_and_nominees_are_people_once_they_complete(db):
    load_demo()
    db.session.commit()
    addresses = [
        *db.session.scalars(select(Delegation.focal_email)),
        *db.session.scalars(select(Nomination.email)),
    ]
    assert db.session.scalar(select(func.count()).where(OutboxEmail.to.in_(addresses))) == 0
    nominations = db.session.scalars(
        select(Nomination).where(Nomination.registration_id.is_not(None))
    ).all()
    assert all(
        (n.registration.person_id is not None) == (n.completed_at is not None) for n in nominations
    )
    assert len(suggestions()) == 1  # the demo's one person written twice, none of these


def test_loading_again_adds_nothing(db):
    load_demo()
    db.session.commit()

    def counts():
        return [
            db.session.scalar(select(func.count()).select_from(table))
            for table in (Delegation, Nomination, Registration, Person, OutboxEmail)
        ]

    before = counts()
    load_demo()
    db.session.commit()
    assert counts() == before


def test_staff_see_the_board_and_the_balance_of_women_and_men(db, staff_client):
    load_demo()
    db.session.commit()
    event = _workshop(db)
    page = staff_client.get(f"/manage/events/{event.id}/delegations/")
    assert page.status_code == 200
    text = html.unescape(page.text)
    for name in (
        "Electoral Service of Chile",
        "Camilo Ospina Duque",
        "Electoral Tribunal of Panama",
    ):
        assert name in text
    assert "Women among those approved: 40% (2 of 5)." in text
    assert "The programme aims at 40% at least." in text
