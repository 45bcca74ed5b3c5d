"""The demo's travel: the current programme year's CICIE course with fourteen officials approved,
their travel files, two hotels, the lists, visa letters that verify and per diem in the budget."""

import html
from datetime import timedelta

from sqlalchemy import func, select

from eventsapp.catalogue.models import Event
from eventsapp.core.clock import utcnow
from eventsapp.costs.models import CostRule
from eventsapp.costs.services import event_budget
from eventsapp.demo.services import load_demo
from eventsapp.documents.models import Document
from eventsapp.mail.models import OutboxEmail
from eventsapp.registration.models import Registration, Status
from eventsapp.travel.files import event_files
from eventsapp.travel.hotels import hotel_board
from eventsapp.travel.letters import event_letters, letter_status
from eventsapp.travel.lists import rooming_lists, transfer_list
from eventsapp.travel.models import Hotel, PerDiemRate, RoomAssignment, RoomBlock, TravelFile
from eventsapp.travel.perdiem import per_diem_of_event

MISSING = {"Gustavo Ferreyra Ledesma", "Jennifer Tremblay"}


def _course(db) -> Event:
    load_demo()
    db.session.commit()
    key = f"cicie-sc-{utcnow().year + 1}-electronic-voting-abroad"
    return db.session.scalar(select(Event).where(Event.source_key == key))


def test_twelve_travel_files_complete_and_two_missing(db, staff_client):
    course = _course(db)
    assert course.kind == "specialization_course" and course.precision == "day"
    rows = event_files(course)
    assert len(rows) == 14
    complete = [r for r, travel in rows if travel is not None and travel.completed_at]
    assert len(complete) == 12
    assert {r.name for r, travel in rows if travel is None} == MISSING
    assert len({r.country_code for r, _travel in rows}) >= 10  # from several countries
    # Registrations never beyond the capacity: the waiting list still waits.
    held = db.session.scalar(
        select(func.count(Registration.id)).where(
            Registration.event_id == course.id,
            Registration.status.in_((Status.APPROVED, Status.PENDING)),
        )
    )
    assert held <= course.capacity
    page = staff_client.get(f"/manage/events/{course.id}/travel/")
    assert page.status_code == 200
    text = html.unescape(page.text)
    assert text.count(">Missing<") == 2
    assert "Tamar Beridze" in text and "TK 183" in text and "MEX T1" in text


def test_two_hotels_with_one_night_overbooked(db, staff_client):
    course = _course(db)
    board = hotel_board(course)
    assert [row.hotel.name for row in board.hotels] == [
        "Hotel Casa Tlalpan",
        "Hotel Parque Insurgentes",
    ]
    assert all(row.hotel.blocks and row.guests for row in board.hotels)
    [(row, _kind, cell)] = board.overbooked
    assert row.hotel.name == "Hotel Casa Tlalpan"
    assert cell.night == course.starts_on + timedelta(days=1) and cell.used == cell.held + 1
    assert board.unassigned == []  # everyone with nights has a room
    assert {g.name for g in board.without_nights} == MISSING
    assert {row.payer for row in board.hotels} == {"Founders (INE, TEPJF, UNDP-MX, AMEXCID)"}
    page = staff_client.get(f"/manage/events/{course.id}/hotels/")
    assert page.status_code == 200
    assert "1 night overbooked" in page.text


def test_rooming_and_transfer_lists_for_hotels_and_drivers(db):
    course = _course(db)
    lists = rooming_lists(course, passport_names=False)
    assert len(lists) == 2 and all(rooming.rows for rooming in lists)
    assert sum(len(rooming.rows) for rooming in lists) == 12
    shared = [row for rooming in lists for row in rooming.rows if row.sharing_with]
    assert {row.name for row in shared} == {"Abdiel Quintero Ábrego", "Ricardo Him Espinosa"}
    transfers = transfer_list(course)
    assert transfers.arrivals and transfers.departures
    arrivals = [person for group in transfers.arrivals for person in group.people]
    assert len(arrivals) == 12 and set(transfers.arrival_missing) == MISSING
    days = {person.at.date() for person in arrivals}
    assert days == {course.starts_on - timedelta(days=n) for n in (1, 2, 3)}
    assert {group.airport for group in transfers.arrivals} == {"MEX T1", "MEX T2"}
    assert all(person.flight and person.phone and person.hotel for person in arrivals)


def test_visa_letters_for_three_nationalities_verify(db, client):
    course = _course(db)
    visa = event_letters(course.id, "visa_letter")
    assert {letter.facts["identity"]["nationality"] for letter in visa} == {"PE", "GE", "LS"}
    assert all(letter_status(letter) == "valid" for letter in visa)
    acceptance = event_letters(course.id, "acceptance_letter")
    assert len(acceptance) == 14  # every participant approved
    peruvian = next(letter for letter in visa if letter.facts["identity"]["nationality"] == "PE")
    page = client.get(f"/documents/{peruvian.code}")
    assert page.status_code == 200
    assert "This visa support letter is valid." in html.unescape(page.text)


def test_budget_per_diem_and_lodging_to_the_founders_air_tickets_to_the_authorities(db):
    course = _course(db)
    budget = event_budget(course)
    assert budget.unresolved == [] and budget.missing == []
    [founders] = [p for p in budget.payers if p.payer.role == "founder"]
    for category in ("lodging", "meals", "per_diem"):
        assert founders.lines[category].estimate > 0
    assert "air_ticket" not in founders.lines
    authorities = [p for p in budget.payers if p.payer.role == "visiting_authority"]
    assert len(authorities) >= 10
    assert all(p.lines["air_ticket"].estimate > 0 for p in authorities)
    assert not any({"lodging", "per_diem"} & set(p.lines) for p in authorities)
    # Each one's per diem at Mexico City's rate, paid by the founders.
    per_diem = per_diem_of_event(course)
    assert len(per_diem.lines) == 14 and per_diem.missing == []
    assert {(line.rate_area, line.currency) for line in per_diem.lines} == {("Mexico City", "USD")}
    assert {line.payer for line in per_diem.lines} == {founders.payer.party}


def test_nobody_is_told_and_loading_again_adds_nothing(db):
    course = _course(db)
    addresses = select(Registration.email).where(Registration.event_id == course.id)
    assert db.session.scalar(select(func.count()).where(OutboxEmail.to.in_(addresses))) == 0

    def counts():
        return [
            db.session.scalar(select(func.count()).select_from(table))
            for table in (
                Registration,
                TravelFile,
                Hotel,
                RoomBlock,
                RoomAssignment,
                Document,
                PerDiemRate,
                CostRule,
                OutboxEmail,
            )
        ]

    before = counts()
    load_demo()
    db.session.commit()
    assert counts() == before
