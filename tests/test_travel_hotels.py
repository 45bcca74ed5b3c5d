"""Hotels and lists over HTTP: staff add hotels and their rooms per night, rooms are assigned
from the participants' nights (staff choices kept), overbooked nights and those without a room
are shown; the rooming list a hotel can use (names as in passports, nights, room, sharing,
needs), the transfer list a driver can use (2-hour windows per airport), headcounts; no
passport number, expiry or nationality anywhere; a fixed number of queries at 10 and 500
participants; hostile input refused with a message; the API for staff only."""

import io
import re
from datetime import date, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from eventsapp.catalogue.services import add_partner
from eventsapp.core.actions import LoggedAction
from eventsapp.core.clock import utcnow
from eventsapp.costs.settings import save_rule
from eventsapp.registration.models import Registration
from eventsapp.travel.models import (
    Hotel,
    LogisticsPermission,
    RoomAssignment,
    RoomBlock,
    TravelFile,
)
from eventsapp.travel.rooms import assign_rooms
from tests.conftest import login
from tests.documents_helpers import pdf_text, words

PASSPORT_NUMBER, EXPIRY = "PE7788123", date(2031, 7, 19)


def person(
    db,
    event,
    name,
    nights=None,
    *,
    status="approved",
    passport_name="",
    arrival=None,
    arrival_airport="MEX T1",
    arrival_flight="",
    departure=None,
    departure_airport="MEX T1",
    departure_flight="",
    phone="",
    dietary="",
    accessibility="",
    language="",
    commit=True,
):
    """A registration with its travel file (passport data included, which no list may show)."""
    registration = Registration(
        event_id=event.id,
        name=name,
        gender="female",
        email=re.sub(r"\W+", ".", name.lower()) + "@example.org",
        country_code="PE",
        status=status,
        consent_at=utcnow(),
        dietary_needs=dietary,
        accessibility_needs=accessibility,
    )
    db.session.add(registration)
    db.session.flush()
    db.session.add(
        TravelFile(
            registration_id=registration.id,
            passport_name=passport_name,
            nationality="PE",
            passport_number=PASSPORT_NUMBER,
            passport_expiry=EXPIRY,
            check_in_on=nights and nights[0],
            check_out_on=nights and nights[1],
            arrival_at=arrival,
            arrival_airport=arrival_airport,
            arrival_flight=arrival_flight,
            departure_at=departure,
            departure_airport=departure_airport,
            departure_flight=departure_flight,
            phone=phone,
            interpretation_language=language,
        )
    )
    if commit:
        db.session.commit()
    return registration


def hotel(db, event, name, rooms, first, last, kind="single"):
    """A hotel holding ``rooms`` of a kind each night from ``first`` to ``last``."""
    row = Hotel(event_id=event.id, name=name, address="Calle Londres 130, Juárez")
    night = first
    while night <= last:
        row.blocks.append(RoomBlock(night=night, kind=kind, rooms=rooms, rate=1450, currency="MXN"))
        night += timedelta(days=1)
    db.session.add(row)
    db.session.commit()
    return row


def march(day, hour=None, minute=0):
    return date(2027, 3, day) if hour is None else datetime(2027, 3, day, hour, minute)


@pytest.fixture
def event(make):
    return make.event(title="CICIE course", date_text="2-5 March 2027")


@pytest.fixture
def logistics(db, staff_user, staff_client):
    """The staff member holds the logistics permission (sees names as in passports)."""
    db.session.add(LogisticsPermission(user_id=staff_user.id))
    db.session.commit()
    return staff_client


def text_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return words(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).replace("&#39;", "'"))


def refusal(response) -> str:
    """What a refused form says beside its fields, or what the refusal's page says."""
    page = response.get_data(as_text=True).replace("&#39;", "'")
    errors = re.findall(r'<small class="error"[^>]*>(.*?)</small>', page, re.S)
    return " | ".join(errors) if errors else words(re.sub(r"<[^>]+>", " ", page))


def squeezed(text: str) -> str:
    """Text without its spaces: a PDF's extracted text may split a word ("T win")."""
    return "".join(text.split())


def sheets_of(response) -> dict[str, list[list]]:
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    return {
        sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)]
        for sheet in book.worksheets
    }


def assignment(db, registration):
    db.session.expire_all()
    return db.session.get(RoomAssignment, registration.id)


# ---------------------------------------------------------------- hotels and their rooms


def test_staff_add_a_hotel_and_its_rooms_for_a_range_of_nights(event, staff_client, db):
    added = staff_client.post(
        f"/manage/events/{event.id}/hotels/new",
        data={"name": "Hotel Geneve", "address": "Londres 130", "contact": "Reservas, 555 1234"},
    )
    assert added.status_code == 302
    geneve = db.session.scalar(select(Hotel))
    page = f"/manage/events/{event.id}/hotels/{geneve.id}"
    assert added.headers["Location"] == page
    saved = staff_client.post(
        page,
        data={
            "form": "blocks",
            "blocks-first_night": "2 March 2027",
            "blocks-last_night": "4 March 2027",
            "blocks-kind": "single",
            "blocks-rooms": "10",
            "blocks-rate": "1,450.00",
            "blocks-currency": "mxn",
        },
        follow_redirects=True,
    )
    assert "Set the rooms of 3 nights." in text_of(saved)
    blocks = db.session.scalars(select(RoomBlock).order_by(RoomBlock.night)).all()
    assert [(b.night, b.rooms, str(b.rate), b.currency) for b in blocks] == [
        (march(d), 10, "1450.00", "MXN") for d in (2, 3, 4)
    ]
    board = text_of(staff_client.get(f"/manage/events/{event.id}/hotels/"))
    assert "Hotel Geneve" in board and board.count("0 of 10") == 3
    # 0 rooms gives a night back.
    staff_client.post(
        page,
        data={
            "form": "blocks",
            "blocks-first_night": "2027-03-04",
            "blocks-kind": "single",
            "blocks-rooms": "0",
        },
    )
    assert db.session.scalar(select(func.count()).select_from(RoomBlock)) == 2


def test_who_pays_a_hotel_is_the_cost_rules_lodging_payer_unless_staff_name_another(
    make, staff_client, db
):
    founder = make.organisation("Instituto Nacional Electoral", acronym="INE")
    programme = make.programme(name="CICIE")
    add_partner(programme, founder.id, "founder")
    save_rule(programme, "lodging", "founder", "per_delegate_night", actor=None)
    event = make.event(title="CICIE course", date_text="2-5 March 2027", programme_id=programme.id)
    for data in (
        {"name": "Hotel Geneve"},
        {"name": "Hotel María Cristina", "payer": "Tribunal Electoral"},
    ):
        added = staff_client.post(f"/manage/events/{event.id}/hotels/new", data=data)
        assert added.status_code == 302
    board = text_of(staff_client.get(f"/manage/events/{event.id}/hotels/"))
    assert "Lodging is paid by (cost rules): Instituto Nacional Electoral (INE)" in board
    assert "Hotel Geneve Paid by: Instituto Nacional Electoral (INE) (cost rules)" in board
    assert "Paid by: Tribunal Electoral ·" in board
    elsewhere = make.event(title="Without rules", date_text="2-5 March 2027")
    board = text_of(staff_client.get(f"/manage/events/{elsewhere.id}/hotels/"))
    assert "Lodging: no cost rule says who pays. Name who pays in each hotel" in board


def test_rooms_are_assigned_from_the_nights_and_staff_choices_are_kept(event, staff_client, db):
    geneve = hotel(db, event, "Hotel Geneve", 2, march(2), march(4))
    cristina = hotel(db, event, "Hotel María Cristina", 1, march(2), march(4))
    ana = person(db, event, "Ana Torres", (march(2), march(5)))
    luis = person(db, event, "Luis Paredes", (march(2), march(5)))
    jorge = person(db, event, "Jorge Ríos", (march(2), march(4)))
    rosa = person(db, event, "Rosa Quispe", (march(3), march(5)))
    person(db, event, "Carmen Rojas", (march(2), march(5)), status="declined")
    person(db, event, "Pedro Vela")  # no nights yet

    done = staff_client.post(f"/manage/events/{event.id}/hotels/assign", follow_redirects=True)
    assert (
        "Rooms assigned: 3 placed automatically; kept as staff chose them: 0; without a room: 1."
        in text_of(done)
    )
    assert assignment(db, ana).hotel_id == assignment(db, luis).hotel_id == geneve.id
    assert assignment(db, jorge).hotel_id == cristina.id
    assert assignment(db, rosa) is None
    board = text_of(staff_client.get(f"/manage/events/{event.id}/hotels/"))
    without = board[board.index("Without a room") :]
    assert "Rosa Quispe" in without and "Carmen Rojas" not in board
    assert "1 has not given their nights yet" in board
    assert "overbooked" not in board

    # Staff put Rosa in the Geneve anyway: its nights of the 3rd and 4th are overbooked.
    chosen = staff_client.post(
        f"/manage/events/{event.id}/hotels/rooms/{rosa.id}",
        data={"form": "choose", "hotel_id": geneve.id, "kind": "single", "sharing_with_id": ""},
        follow_redirects=True,
    )
    assert "Saved the room of Rosa Quispe." in text_of(chosen)
    board = text_of(staff_client.get(f"/manage/events/{event.id}/hotels/"))
    assert "2 nights overbooked" in board
    assert "Hotel Geneve, night of 3 March 2027, Single: 3 rooms used, 2 held" in board
    assert "Hotel Geneve, night of 4 March 2027, Single: 3 rooms used, 2 held" in board
    assert board.count("3 of 2: overbooked") == 2

    # The automatic keeps Rosa where staff put her, and places the others around her.
    again = staff_client.post(f"/manage/events/{event.id}/hotels/assign", follow_redirects=True)
    assert "kept as staff chose them: 1" in text_of(again)
    kept = assignment(db, rosa)
    assert kept.hotel_id == geneve.id and kept.by_staff
    board = text_of(staff_client.get(f"/manage/events/{event.id}/hotels/"))
    assert "overbooked" not in board
    placed = {r.name: assignment(db, r) for r in (ana, luis, jorge)}
    assert sorted(a.hotel_id for a in placed.values() if a) == [geneve.id, cristina.id]

    # Given back to the automatic, Rosa is placed like anyone at the next assignment.
    staff_client.post(f"/manage/events/{event.id}/hotels/rooms/{rosa.id}", data={"form": "release"})
    assert assignment(db, rosa) is None


def test_sharing_is_mutual_and_rooms_of_those_who_leave_are_freed(event, staff_client, db):
    geneve = hotel(db, event, "Hotel Geneve", 1, march(2), march(4), kind="double")
    hotel(db, event, "Hotel María Cristina", 1, march(2), march(4))
    ana = person(db, event, "Ana Torres", (march(2), march(5)))
    luis = person(db, event, "Luis Paredes", (march(2), march(5)))
    eva = person(db, event, "Eva Ríos", (march(2), march(5)))
    url = f"/manage/events/{event.id}/hotels/rooms/"
    choice = {"form": "choose", "hotel_id": geneve.id, "kind": "double"}
    staff_client.post(url + str(ana.id), data={**choice, "sharing_with_id": luis.id})
    assert (assignment(db, luis).sharing_with_id, assignment(db, luis).hotel_id) == (
        ana.id,
        geneve.id,
    )
    board = text_of(staff_client.get(f"/manage/events/{event.id}/hotels/"))
    assert "1 of 1" in board and "overbooked" not in board  # two sharing take one room
    # Eva now shares with Luis: Ana shares with nobody (and overbooks the double rooms).
    staff_client.post(url + str(eva.id), data={**choice, "sharing_with_id": luis.id})
    assert assignment(db, ana).sharing_with_id is None
    assert assignment(db, luis).sharing_with_id == eva.id
    assert "2 of 1: overbooked" in text_of(staff_client.get(f"/manage/events/{event.id}/hotels/"))

    # Someone placed by the automatic withdraws: the next assignment frees their room.
    pedro = person(db, event, "Pedro Vela", (march(2), march(5)))
    assign_rooms(event, None)
    db.session.commit()
    assert assignment(db, pedro) is not None and not assignment(db, pedro).by_staff
    pedro.status = "withdrawn"
    db.session.commit()
    assign_rooms(event, None)
    db.session.commit()
    assert assignment(db, pedro) is None


def test_deleting_a_hotel_leaves_its_guests_without_a_room(event, staff_client, db):
    geneve = hotel(db, event, "Hotel Geneve", 2, march(2), march(4))
    ana = person(db, event, "Ana Torres", (march(2), march(5)))
    assign_rooms(event, None)
    db.session.commit()
    staff_client.post(f"/manage/events/{event.id}/hotels/{geneve.id}/delete")
    assert assignment(db, ana) is None and db.session.scalar(select(Hotel)) is None
    board = text_of(staff_client.get(f"/manage/events/{event.id}/hotels/"))
    assert "Ana Torres" in board[board.index("Without a room") :]


# ---------------------------------------------------------------- the rooming list


@pytest.fixture
def stays(db, event, staff_client):
    """Ana and Luis share a twin at the Geneve, Jorge sleeps at the María Cristina."""
    geneve = hotel(db, event, "Hotel Geneve", 2, march(2), march(4), kind="twin")
    cristina = hotel(db, event, "Hotel María Cristina", 1, march(2), march(4))
    ana = person(
        db,
        event,
        "Ana Torres",
        (march(2), march(5)),
        passport_name="ANA MARIA TORRES QUISPE",
        dietary="Vegetarian",
        accessibility="Wheelchair access",
    )
    luis = person(
        db, event, "Luis Paredes", (march(3), march(5)), passport_name="LUIS ALBERTO PAREDES"
    )
    jorge = person(db, event, "Jorge Ríos", (march(2), march(4)), passport_name="JORGE RIOS")
    shared = staff_client.post(
        f"/manage/events/{event.id}/hotels/rooms/{ana.id}",
        data={"form": "choose", "hotel_id": geneve.id, "kind": "twin", "sharing_with_id": luis.id},
        follow_redirects=True,
    )
    assert "Saved the room of Ana Torres." in text_of(shared)
    assign_rooms(event, None)
    db.session.commit()
    return geneve, cristina, ana, luis, jorge


def test_a_rooming_list_a_hotel_can_use(event, stays, logistics, db):
    geneve, *_others = stays
    url = f"/manage/events/{event.id}/rooming"
    page = text_of(logistics.get(f"{url}?hotel={geneve.id}"))
    assert "ANA MARIA TORRES QUISPE" in page and "LUIS ALBERTO PAREDES" in page
    assert "JORGE RIOS" not in page and "Ana Torres" not in page  # its own guests only
    row = page[page.index("ANA MARIA TORRES QUISPE") :]
    assert row.startswith(
        "ANA MARIA TORRES QUISPE 2 March 2027 5 March 2027 3 Twin (two beds) LUIS ALBERTO PAREDES"
        " Dietary: Vegetarian Accessibility: Wheelchair access"
    )
    assert "2 guests · 1 room" in page

    pdf = words(pdf_text(logistics.get(f"{url}.pdf?hotel={geneve.id}")))
    assert "Rooming list" in pdf and "Hotel Geneve" in pdf
    for shown in ("ANA MARIA TORRES QUISPE", "Twin (two beds)", "Vegetarian", "Wheelchair access"):
        assert squeezed(shown) in squeezed(pdf)
    assert "JORGE RIOS" not in pdf

    sheets = sheets_of(logistics.get(f"{url}.xlsx"))
    assert list(sheets) == ["Hotel Geneve", "Hotel María Cristina"]
    header, *rows = sheets["Hotel Geneve"]
    assert header == [
        "Name",
        "Arrives at the hotel",
        "Leaves the hotel",
        "Nights",
        "Hotel room",
        "Sharing with",
        "Dietary needs",
        "Accessibility needs",
    ]
    assert rows[0][:6] == [
        "ANA MARIA TORRES QUISPE",
        datetime(2027, 3, 2),
        datetime(2027, 3, 5),
        3,
        "Twin (two beds)",
        "LUIS ALBERTO PAREDES",
    ]
    assert [r[0] for r in sheets["Hotel María Cristina"][1:]] == ["JORGE RIOS"]

    # Each look at names as in passports is in the History of the participant's event.
    history = text_of(logistics.get(f"/manage/events/{event.id}/history"))
    assert "Saw the name as in the passport of Ana Torres in a rooming list" in history


def test_staff_without_the_logistics_permission_get_names_as_registered(
    event, stays, staff_client, db
):
    page = text_of(staff_client.get(f"/manage/events/{event.id}/rooming"))
    assert "Ana Torres" in page and "ANA MARIA TORRES QUISPE" not in page
    assert "names as in passports are shown to staff with the logistics permission" in page
    looks = select(func.count()).where(LoggedAction.action == "travel.passport_name_seen")
    assert db.session.scalar(looks) == 0


# ---------------------------------------------------------------- the transfer list


def test_a_transfer_list_a_driver_can_use(event, staff_client, db):
    geneve = hotel(db, event, "Hotel Geneve", 5, march(1), march(4))
    arrivals = [
        ("Ana Torres", march(1, 8, 10), "MEX T1", "LA2470", "+51 987 654 321"),
        ("Luis Paredes", march(1, 9, 55), "mex  t1", "AM0601", "+51 912 345 678"),
        ("Rosa Quispe", march(1, 10, 15), "MEX T1", "LA2472", "+51 933 111 222"),
        ("Jorge Ríos", march(1, 9, 0), "MEX T2", "CM0154", "+507 6000 1111"),
    ]
    for name, at, airport, flight, phone in arrivals:
        person(
            db,
            event,
            name,
            (march(1), march(5)),
            passport_name=name.upper() + " PASSPORT",
            arrival=at,
            arrival_airport=airport,
            arrival_flight=flight,
            departure=march(5, 14, 0),
            departure_flight="LA2471",
            phone=phone,
        )
    person(db, event, "Pedro Vela")  # no flight yet
    assign_rooms(event, None)
    db.session.commit()

    html = staff_client.get(f"/manage/events/{event.id}/transfers").get_data(as_text=True)
    arrivals_part = html[: html.index("<h2>Departures</h2>")]
    groups = [
        words(re.sub(r"<[^>]+>", " ", chunk))
        for chunk in arrivals_part.split('<div class="transfer-group">')[1:]
    ]
    assert [g[: g.index(" Time ")] for g in groups] == [  # the car: an hour after the last
        "MEX T1 · 1 March 2027, 08:10–10:10 · 2 people The car leaves the airport at 10:55",
        "MEX T2 · 1 March 2027, 09:00–11:00 · 1 person The car leaves the airport at 10:00",
        "MEX T1 · 1 March 2027, 10:15–12:15 · 1 person The car leaves the airport at 11:15",
    ]
    assert "08:10 Ana Torres LA2470 +51 987 654 321 Hotel Geneve" in groups[0]
    assert "09:55 Luis Paredes AM0601 +51 912 345 678 Hotel Geneve" in groups[0]
    page = text_of(staff_client.get(f"/manage/events/{event.id}/transfers"))
    assert "MEX T1 · 5 March 2027, 14:00–16:00 · 4 people" in page
    assert "The car leaves the hotels at 11:00" in page  # three hours before the flight
    assert "Arrival: Pedro Vela" in page  # not known yet
    assert "PASSPORT" not in page

    pdf = words(pdf_text(staff_client.get(f"/manage/events/{event.id}/transfers.pdf")))
    assert "MEX T1 · 1 March 2027, 08:10–10:10" in pdf and "+51 987 654 321" in pdf
    sheets = sheets_of(staff_client.get(f"/manage/events/{event.id}/transfers.xlsx"))
    assert sheets["Arrivals"][1] == [
        "MEX T1",
        "2027-03-01 08:10–10:10",
        "2027-03-01 10:55",
        "2027-03-01 08:10",
        "Ana Torres",
        "LA2470",
        "+51 987 654 321",
        geneve.name,
    ]
    assert len(sheets["Departures"]) == 5
    windows = staff_client.get(f"/api/v1/events/{event.id}/transfers").get_json()
    assert [(w["starts_at"], w["car_leaves_at"]) for w in windows] == [
        ("2027-03-01T08:10", "2027-03-01T10:55"),
        ("2027-03-01T09:00", "2027-03-01T10:00"),
        ("2027-03-01T10:15", "2027-03-01T11:15"),
        ("2027-03-05T14:00", "2027-03-05T11:00"),
    ]

    # Staff set when the cars leave; the PDF and the spreadsheet linked from the page follow.
    later = staff_client.get(f"/manage/events/{event.id}/transfers?wait=30&lead=150")
    page = text_of(later)
    assert "The car leaves the airport at 10:25" in page
    assert "The car leaves the hotels at 11:30" in page
    (pdf_link,) = re.findall(r'href="([^"]*transfers\.pdf[^"]*)"', later.get_data(as_text=True))
    pdf = words(pdf_text(staff_client.get(pdf_link.replace("&amp;", "&"))))
    assert "The car leaves the airport at 10:25" in pdf
    refused = staff_client.get(f"/manage/events/{event.id}/transfers?wait=soon&lead=9999")
    assert refused.status_code == 400
    assert refusal(refused) == (
        "Minutes after the last landing must be a number from 0 to 720. | "
        "Minutes before the first flight must be a number from 0 to 720."
    )
    assert "The car leaves the airport at 10:55" in refused.get_data(as_text=True)  # meanwhile
    xlsx = staff_client.get(f"/manage/events/{event.id}/transfers.xlsx?wait=-5")
    assert xlsx.status_code == 400


# ---------------------------------------------------------------- headcounts


def test_headcounts_per_day_language_and_need(event, staff_client, db):
    person(
        db,
        event,
        "Ana Torres",
        arrival=march(1, 8),
        departure=march(3, 18),
        dietary="Vegetarian",
        accessibility="Wheelchair access",
        language="es",
    )
    person(
        db,
        event,
        "Luis Paredes",
        arrival=march(2, 9),
        departure=march(5, 9),
        dietary="vegetarian ",
        language="es",
    )
    person(db, event, "Kim Lee", arrival=march(2, 9), departure=march(4, 9), language="en")
    person(db, event, "Pedro Vela")  # counted over the event's days
    page = text_of(staff_client.get(f"/manage/events/{event.id}/headcounts"))
    assert "1 March 2027 1 Vegetarian: 1" in page
    assert "2 March 2027 4 Vegetarian: 2" in page
    assert "4 March 2027 3 Vegetarian: 1" in page
    assert "5 March 2027 2 Vegetarian: 1" in page
    assert "Spanish 2 English 1" in page
    assert "Wheelchair access 1" in page
    assert "1 person has not given their arrival and departure" in page
    sheets = sheets_of(staff_client.get(f"/manage/events/{event.id}/headcounts.xlsx"))
    assert sheets["Meals"][2] == [datetime(2027, 3, 2), 4, "Vegetarian: 2"]
    assert sheets["Interpretation"][1:] == [["Spanish", 2], ["English", 1]]
    pdf = words(pdf_text(staff_client.get(f"/manage/events/{event.id}/headcounts.pdf")))
    assert "2 March 2027 4 Vegetarian: 2" in pdf


# ---------------------------------------------------------------- identity data


def test_no_passport_number_expiry_or_nationality_in_any_list_or_export(
    event, stays, logistics, db
):
    db.session.execute(
        TravelFile.__table__.update().values(
            arrival_at=march(1, 9), departure_at=march(5, 9), interpretation_language="es"
        )
    )
    db.session.commit()
    base = f"/manage/events/{event.id}"
    shown = []
    for path in ("/hotels/", "/rooming", "/transfers", "/headcounts"):
        shown.append(text_of(logistics.get(base + path)))
    for path in ("/rooming.pdf", "/transfers.pdf", "/headcounts.pdf"):
        shown.append(pdf_text(logistics.get(base + path)))
    for path in ("/rooming.xlsx", "/transfers.xlsx", "/headcounts.xlsx"):
        shown.append(repr(sheets_of(logistics.get(base + path))))
    for path in ("/rooming", "/transfers"):
        shown.append(logistics.get(f"/api/v1/events/{event.id}{path}").get_data(as_text=True))
    assert "ANA MARIA TORRES QUISPE" in shown[1]  # the rooming list has the passport name
    for text in shown:
        assert PASSPORT_NUMBER not in text
        assert "2031" not in text and "19 July" not in text  # the passport's expiry
        assert "Peru" not in text and "Peruvian" not in text


# ---------------------------------------------------------------- queries


def test_the_lists_run_a_fixed_number_of_queries(event, logistics, db, count_queries):
    geneve = hotel(db, event, "Hotel Geneve", 600, march(1), march(5))
    hotel(db, event, "Hotel María Cristina", 600, march(1), march(5), kind="double")
    added = 0

    def add(count):
        nonlocal added
        for n in range(added, added + count):
            person(
                db,
                event,
                f"Officer {n:03d}",
                (march(1 + n % 3), march(5)),
                passport_name=f"OFFICER {n:03d}",
                arrival=march(1 + n % 3, 6 + n % 12, n % 60),
                arrival_airport=("MEX T1", "MEX T2")[n % 2],
                departure=march(5, 8 + n % 10),
                phone=f"+52 55 {n:04d}",
                dietary=("", "Vegetarian", "Halal")[n % 3],
                language=("es", "en", "fr")[n % 3],
                commit=False,
            )
        added += count
        db.session.commit()
        assign_rooms(event, None)
        db.session.commit()

    pages = [
        f"/manage/events/{event.id}/hotels/",
        f"/manage/events/{event.id}/rooming",
        f"/manage/events/{event.id}/rooming.xlsx",
        f"/manage/events/{event.id}/rooming?hotel={geneve.id}",
        f"/manage/events/{event.id}/transfers",
        f"/manage/events/{event.id}/transfers.xlsx",
        f"/manage/events/{event.id}/headcounts",
        f"/manage/events/{event.id}/headcounts.xlsx",
        f"/api/v1/events/{event.id}/rooming",
        f"/api/v1/events/{event.id}/transfers",
    ]

    def counted() -> dict[str, int]:
        counts = {}
        for url in pages:
            db.session.expire_all()
            with count_queries() as queries:
                assert logistics.get(url).status_code == 200, url
            counts[url] = len(queries)
        return counts

    add(10)
    few = counted()
    add(490)
    assert counted() == few
    rooming = logistics.get(f"/api/v1/events/{event.id}/rooming").get_json()
    assert sum(len(h["guests"]) for h in rooming) == 500


# ---------------------------------------------------------------- hostile input


HOSTILE_HOTELS = [
    ({"name": ""}, "name", "This field is required."),
    ({"name": "Hotel\x00Geneve"}, "name", "control characters"),
    ({"name": "Hotel\nGeneve"}, "name", "Write this on one line"),
    ({"name": "x" * 70_000}, "name", "200 characters"),
    ({"name": "Hotel Geneve", "contact": "Ana\x00"}, "contact", "control characters"),
    ({"name": "Hotel Geneve", "contact": "Ana\x1b[31m"}, "contact", "control characters"),
    ({"name": "Hotel Geneve", "address": "y" * 70_000}, "address", "2000 characters"),
]


@pytest.mark.parametrize(("data", "field", "message"), HOSTILE_HOTELS)
def test_hostile_hotels_are_refused_with_a_message(event, staff_client, db, data, field, message):
    response = staff_client.post(f"/manage/events/{event.id}/hotels/new", data=data)
    assert response.status_code == 400
    assert message in refusal(response)
    assert db.session.scalar(select(func.count()).select_from(Hotel)) == 0


BLOCKS = {
    "blocks-first_night": "2 March 2027",
    "blocks-last_night": "4 March 2027",
    "blocks-kind": "single",
    "blocks-rooms": "10",
    "blocks-rate": "1450",
    "blocks-currency": "MXN",
}
HOSTILE_BLOCKS = [
    ({"blocks-first_night": "31 February 2027"}, "February 2027 has 28 days."),
    ({"blocks-first_night": "1 March 9999"}, "is outside the years 1900 to 2200"),
    ({"blocks-first_night": "\x00"}, "control characters"),
    ({"blocks-first_night": "x" * 70_000}, "one day"),
    ({"blocks-last_night": "1 March 2027"}, "The last night cannot be before the first."),
    ({"blocks-last_night": "4 March 2029"}, "Set at most 366 nights at once."),
    ({"blocks-rooms": "-1"}, "Number must be between 0 and 10000."),
    ({"blocks-rooms": "9" * 40}, "Number must be between 0 and 10000."),
    ({"blocks-rooms": "ten"}, "Not a valid integer value."),
    ({"blocks-rate": "abc"}, "Enter an amount as a number"),
    ({"blocks-rate": "1e400"}, "Enter an amount as a number"),
    ({"blocks-rate": "NaN"}, "Enter an amount as a number"),
    ({"blocks-rate": "-5"}, "Amounts cannot be negative."),
    ({"blocks-currency": "=1+1"}, "is not an ISO 4217 currency code"),
    ({"blocks-currency": "=cmd|' /C calc'!A0"}, "Field cannot be longer than 10 characters."),
    ({"blocks-currency": "XYZ"}, "is not an ISO 4217 currency code"),
    ({"blocks-kind": "penthouse"}, "Not a valid choice"),
]


@pytest.mark.parametrize(("change", "message"), HOSTILE_BLOCKS)
def test_hostile_room_blocks_are_refused_with_a_message(event, staff_client, db, change, message):
    geneve = hotel(db, event, "Hotel Geneve", 1, march(1), march(1))
    response = staff_client.post(
        f"/manage/events/{event.id}/hotels/{geneve.id}",
        data={"form": "blocks", **BLOCKS, **change},
    )
    assert response.status_code == 400
    assert message in refusal(response)
    db.session.expire_all()
    assert [(b.night, b.rooms) for b in db.session.scalars(select(RoomBlock))] == [(march(1), 1)]


def test_hostile_room_choices_are_refused_with_a_message(event, staff_client, db):
    geneve = hotel(db, event, "Hotel Geneve", 2, march(2), march(4))
    ana = person(db, event, "Ana Torres", (march(2), march(5)))
    luis = person(db, event, "Luis Paredes", (march(2), march(5)))
    declined = person(db, event, "Carmen Rojas", (march(2), march(5)), status="declined")
    url = f"/manage/events/{event.id}/hotels/rooms/{ana.id}"
    refused = [
        ({"hotel_id": "abc", "kind": "single"}, "Not a valid choice"),
        ({"hotel_id": "9" * 40, "kind": "single"}, "Not a valid choice"),
        ({"hotel_id": geneve.id, "kind": "\x00"}, "control characters"),
        ({"hotel_id": geneve.id, "kind": "penthouse"}, "Not a valid choice"),
        ({"hotel_id": geneve.id, "kind": "single", "sharing_with_id": ana.id}, "Not a valid"),
        (
            {"hotel_id": geneve.id, "kind": "single", "sharing_with_id": luis.id},
            "A single room is for one: choose a double or twin room.",
        ),
        (
            {"hotel_id": geneve.id, "kind": "twin", "sharing_with_id": declined.id},
            "Not a valid choice",
        ),
    ]
    for data, message in refused:
        response = staff_client.post(url, data={"form": "choose", **data})
        assert response.status_code == 400, data
        assert message in refusal(response), data
    assert db.session.scalar(select(func.count()).select_from(RoomAssignment)) == 0
    # Not a participant who counts, or an id beyond what the database holds: no such page.
    base = f"/manage/events/{event.id}"
    for path in (
        f"/hotels/rooms/{declined.id}",
        f"/hotels/rooms/{2**40}",
        f"/hotels/{2**40}",
        "/rooming?hotel=x",
        "/rooming.xlsx?hotel=99999",
    ):
        assert staff_client.get(base + path).status_code == 404, path
    assert staff_client.get(base + "/rooming?hotel=%00").status_code == 400


# ---------------------------------------------------------------- the API


def test_the_api_answers_staff_and_refuses_others(app, event, stays, logistics, db, delegate_user):
    _geneve, _cristina, ana, *_others = stays
    rooming = logistics.get(f"/api/v1/events/{event.id}/rooming")
    assert rooming.status_code == 200
    by_hotel = {h["name"]: h for h in rooming.get_json()}
    assert by_hotel["Hotel Geneve"]["rooms"] == 1
    assert by_hotel["Hotel Geneve"]["guests"][0] == {
        "registration_id": ana.id,
        "name": "ANA MARIA TORRES QUISPE",
        "name_as_in_passport": True,
        "check_in": "2027-03-02",
        "check_out": "2027-03-05",
        "nights": 3,
        "room": "twin",
        "sharing_with": "LUIS ALBERTO PAREDES",
        "dietary_needs": "Vegetarian",
        "accessibility_needs": "Wheelchair access",
    }
    transfers = logistics.get(f"/api/v1/events/{event.id}/transfers")
    assert transfers.status_code == 200 and transfers.get_json() == []

    for path in ("rooming", "transfers"):
        anonymous = app.test_client().get(f"/api/v1/events/{event.id}/{path}")
        assert anonymous.status_code == 401 and "error" in anonymous.get_json()
        delegate = app.test_client()
        login(delegate, delegate_user)
        assert delegate.get(f"/api/v1/events/{event.id}/{path}").status_code == 403
        assert logistics.get(f"/api/v1/events/{event.id + 1}/{path}").status_code == 404

    document = logistics.get("/api/v1/openapi.json").get_json()
    assert "/api/v1/events/{event_id}/rooming" in document["paths"]
    assert "/api/v1/events/{event_id}/transfers" in document["paths"]
