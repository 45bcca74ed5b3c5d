"""The demo's travel: the current programme year's CICIE course on electronic voting from abroad
(``current_year``), a few weeks into its preparation.

Fourteen officials are approved (the four delegates ``current_year`` approved, ten more from the
authorities of the Americas and of Spain and Canada), twelve of whom filled their travel file: they
arrive over the three days before the course at the Mexico City airport's two terminals, with
their flights and phones. Two have not written theirs yet. Four need a visa, from three countries
(Peru, Georgia, Lesotho): their files hold their passport data, and their visa letters are issued
with the letters of acceptance of all fourteen. Two hotels hold rooms for the course; two
Panamanian colleagues share a twin room (the staff's choice), the others were placed
automatically, and the first hotel gave back a room on a night already full after that: the
night shows overbooked. The course takes fourteen approved and two pending: its capacity is
raised to those held, so the waiting list still waits.

What the seeds do not give is illustrative: CICIE pays a per diem (the founders, by a rule the
seeds do not have), at rates for Mexico City that are not the UN's; the programme year's unit
estimates, air fares and exchange rate are those of the costs file's latest year.

Everything goes through the services, as staff and the participants would have done it; the
emails they queue to the demo's addresses are dropped. Idempotent: a course that asks for travel
files is left as staff left it; the rule, rates and figures are added only when missing.
"""

from dataclasses import fields
from datetime import date, datetime, time, timedelta

from sqlalchemy import delete, func, select

from ..accounts.models import STAFF_ROLES, User
from ..catalogue.models import Event, Programme
from ..core.clock import utcnow
from ..costs.models import Basis, Category, CostRule, PayerRole, UnitEstimate
from ..costs.settings import save_rule
from ..extensions import db
from ..mail.models import OutboxEmail
from ..people.models import Organisation
from ..registration.models import SEAT_HOLDING, Registration, Status
from ..registration.seats import get_settings
from ..registration.services import TravelInput as RegistrationTravel
from ..registration.services import address_proven, update_travel
from ..registration.settings import SettingsInput, save_settings
from ..travel import files, hotels, letters, perdiem, rooms
from ..travel.files import TravelInput
from ..travel.models import PerDiemRate, RoomKind, TravelPart
from .costs import latest_figures, set_year_figures
from .current_year import programme_year
from .delegations import give_people
from .travel_data import AUTHORITIES, HOTELS, SHARING, TRAVELLERS, Traveller

COURSE = "cicie-sc-{year}-electronic-voting-abroad"
FREEZE_DAYS = 21  # the files freeze three weeks before the course
APPROVED_DAYS, FILED_DAYS, LETTERS_DAYS = 40, 20, 2  # days before now

PER_DIEM_RULE = (Category.PER_DIEM, PayerRole.FOUNDER, Basis.PER_DELEGATE_NIGHT)
PER_DIEM_NOTE = (
    "Daily subsistence of the delegates, less the lodging and meals the founders provide (the "
    "demo's rule: the seeds do not say who pays a per diem)"
)
# Mexico City's daily subsistence allowance in USD from these days: illustrative, not the UN's.
MEXICO_CITY_RATES = ((date(2009, 1, 1), "237.00"), (date(2016, 1, 1), "284.00"))
CURRENT_RATE = "313.00"  # from the first of January of this year
TERMINAL_EXPENSES = "38.00"  # per trip, in the rate's currency


def load() -> int:
    """The course's travel; returns how many participants were added (0: there already)."""
    course = db.session.scalar(
        select(Event).where(Event.source_key == COURSE.format(year=programme_year()))
    )
    if course is None or course.precision != "day" or files.settings_of(course) is not None:
        return 0
    now = utcnow()
    staff = db.session.scalar(
        select(User).where(User.role.in_(STAFF_ROLES)).order_by(User.id).limit(1)
    )  # the first staff account, if there is one yet; the site otherwise
    last_email = db.session.scalar(select(OutboxEmail.id).order_by(OutboxEmail.id.desc())) or 0
    programme = course.programme
    _costs(programme, course.starts_on.year)
    _per_diem(programme, now, staff)
    registrations, added = _participants(course, now)
    parts = [part.value for part in TravelPart]
    owner = staff.id if staff else None
    files.save_settings(
        course, parts, course.starts_on - timedelta(days=FREEZE_DAYS), owner, staff, now
    )
    db.session.flush()
    for number, traveller in enumerate(TRAVELLERS):
        registration = registrations.get(traveller.email)
        if traveller.arrival is not None and registration is not None:
            at = now - timedelta(days=FILED_DAYS - number, hours=number)
            files.save_travel(registration, _file(traveller, course), at, traveller.name)
    _hotels(course, registrations, staff)
    letters.issue_letters(course, now - timedelta(days=LETTERS_DAYS), staff)
    db.session.flush()
    # Nobody is told: the emails the services queued to the demo's addresses are dropped.
    db.session.execute(
        delete(OutboxEmail).where(
            OutboxEmail.id > last_email, OutboxEmail.to.in_([t.email for t in TRAVELLERS])
        )
    )
    return added


# ---------------------------------------------------------------- costs and per diem


def _costs(programme: Programme, year: int) -> None:
    """A per diem rule where the programme has cost rules and none for it; the course's year's
    figures (the latest of the costs file) where that year has none."""
    rules = select(CostRule.category).where(CostRule.programme_id == programme.id)
    categories = set(db.session.scalars(rules))
    if not categories:
        return  # a programme without cost rules (it does not budget)
    if Category.PER_DIEM not in categories:
        save_rule(programme, *PER_DIEM_RULE, note=PER_DIEM_NOTE, actor=None)
    figures = latest_figures(programme)
    entered = select(UnitEstimate.category).where(
        UnitEstimate.programme_id == programme.id, UnitEstimate.year == year
    )
    if figures is not None and db.session.scalar(entered.limit(1)) is None:
        set_year_figures(programme, year, figures)


def _per_diem(programme: Programme, now: datetime, staff) -> None:
    """Mexico City's rates (those missing) and how the programme computes per diem (unless
    staff saved it): the founders provide lodging and meals, terminal expenses are paid."""
    rates = [*MEXICO_CITY_RATES, (date(now.year, 1, 1), CURRENT_RATE)]
    known = set(
        db.session.scalars(
            select(PerDiemRate.effective_on).where(
                PerDiemRate.country_code == "MX", PerDiemRate.area == "Mexico City"
            )
        )
    )
    for effective_on, rate in rates:
        if effective_on not in known:
            perdiem.save_rate("MX", "Mexico City", rate, "USD", effective_on, actor=staff)
    if not perdiem.settings_of(programme.id).saved:
        perdiem.save_settings(
            programme,
            lodging_percent=50,
            meals_percent=30,
            hosts_provide_lodging=True,
            hosts_provide_meals=True,
            terminal_expenses=TERMINAL_EXPENSES,
            actor=staff,
        )


# ---------------------------------------------------------------- participants and their files


def _participants(course: Event, now: datetime) -> tuple[dict[str, Registration], int]:
    """The course's registrations of the travellers by address: ``current_year``'s delegates
    (their stay and visa asked as they would have on their registration's page), the others
    added, approved. The capacity becomes the seats held: the waiting list keeps waiting."""
    emails = [t.email for t in TRAVELLERS]
    found = {
        r.email: r
        for r in db.session.scalars(
            select(Registration).where(
                Registration.event_id == course.id, Registration.email.in_(emails)
            )
        )
    }
    approved_at = now - timedelta(days=APPROVED_DAYS)
    added = 0
    for number, traveller in enumerate(TRAVELLERS):
        arrival_on, departure_on = _stay(traveller, course)
        registration = found.get(traveller.email)
        if registration is None:
            if traveller.authority is None:
                continue  # a delegate of ``current_year`` staff took away
            registration = Registration(
                event_id=course.id,
                name=traveller.name,
                gender=traveller.gender,
                email=traveller.email,
                position=traveller.position,
                organisation_id=_authority(traveller.authority).id,
                country_code=traveller.country,
                status=Status.APPROVED,
                interpretation_languages=[traveller.language],
                consent_at=approved_at + timedelta(minutes=number),
                created_at=approved_at + timedelta(minutes=number),
            )
            db.session.add(registration)
            found[traveller.email] = registration
            added += 1
        if registration.status != Status.APPROVED:
            continue
        update_travel(
            registration,
            RegistrationTravel(
                arrival_on,
                departure_on,
                accessibility_needs=traveller.accessibility,
                dietary_needs=traveller.dietary,
                visa_letter=traveller.visa,
            ),
        )
    db.session.flush()
    give_people(now)
    for registration in found.values():  # each can sign in by a link, as confirming does
        if registration.status == Status.APPROVED and registration.user_id is None:
            address_proven(registration, now)
    _capacity(course, now)
    return {e: r for e, r in found.items() if r.status == Status.APPROVED}, added


def _stay(traveller: Traveller, course: Event) -> tuple[date | None, date | None]:
    if traveller.arrival is None:
        return None, None
    return (
        course.starts_on + timedelta(days=traveller.arrival.days),
        course.ends_on + timedelta(days=traveller.departure.days),
    )


def _authority(acronym: str) -> Organisation:
    """The demo's organisation of the acronym in its country (or of its name), else a new one."""
    name, kind, country = AUTHORITIES[acronym]
    organisation = db.session.scalar(
        select(Organisation)
        .where(Organisation.acronym == acronym, Organisation.country_code == country)
        .order_by(Organisation.id)
        .limit(1)
    ) or db.session.scalar(select(Organisation).where(Organisation.name == name))
    if organisation is None:
        organisation = Organisation(name=name, acronym=acronym, kind=kind, country_code=country)
        db.session.add(organisation)
        db.session.flush()
    return organisation


def _capacity(course: Event, now: datetime) -> None:
    held = db.session.scalar(
        select(func.count(Registration.id)).where(
            Registration.event_id == course.id, Registration.status.in_(SEAT_HOLDING)
        )
    )
    if course.capacity is None or course.capacity >= held:
        return
    data = SettingsInput(capacity=held)
    if (settings := get_settings(course.id)) is not None:  # the rest as it was
        for name in {f.name for f in fields(SettingsInput)} - {"capacity"}:
            setattr(data, name, getattr(settings, name))
    save_settings(course, data, now)


def _file(traveller: Traveller, course: Event) -> TravelInput:
    """The travel file as the traveller wrote it: hotel from the arrival's night to the
    departure's morning, the passport where a visa letter needs it."""
    arrival, departure = traveller.arrival, traveller.departure
    arrival_on, departure_on = _stay(traveller, course)
    return TravelInput(
        passport_name=traveller.passport_name,
        nationality=traveller.country,
        passport_number=traveller.passport,
        passport_expiry=date(course.starts_on.year + 6, 3, 31) if traveller.visa else None,
        arrival_at=datetime.combine(arrival_on, time.fromisoformat(arrival.at)),
        arrival_flight=arrival.flight,
        arrival_airport=arrival.airport,
        departure_at=datetime.combine(departure_on, time.fromisoformat(departure.at)),
        departure_flight=departure.flight,
        departure_airport=departure.airport,
        check_in_on=arrival_on,
        check_out_on=departure_on,
        phone=traveller.phone,
        interpretation_language=traveller.language,
    )


# ---------------------------------------------------------------- hotels


def _hotels(course: Event, registrations: dict[str, Registration], staff) -> None:
    """The hotels and their blocks; the twin room shared (the staff's choice), the others
    placed automatically; then the first hotel gives back a room on a night already full."""
    if hotels.hotels_of(course):
        return  # staff set them already
    added = []
    for entry in HOTELS:
        hotel = hotels.add_hotel(
            course, hotels.HotelInput(entry.name, entry.address, entry.contact), staff
        )
        for block in entry.blocks:
            hotels.set_blocks(
                hotel,
                hotels.BlockInput(
                    course.starts_on + timedelta(days=block.first),
                    course.ends_on + timedelta(days=block.last),
                    block.kind,
                    block.rooms,
                    block.rate,
                    "MXN",
                ),
                staff,
            )
        added.append(hotel)
    db.session.flush()
    first, second = (registrations.get(email) for email in SHARING)
    if first is not None and second is not None:
        guest = hotels.guest_of(course, first.id)
        choice = rooms.RoomChoice(added[1].id, RoomKind.TWIN, second.id)
        rooms.set_room(course, guest, choice, staff)
    rooms.assign_rooms(course, staff)
    db.session.flush()
    _give_back_a_room(course, added[0], staff)


def _give_back_a_room(course: Event, hotel, staff) -> None:
    """The hotel lowers its block on the course's second night, once every room of it was
    given: one guest too many that night, for staff to move."""
    board = hotels.hotel_board(course)
    row = next(r for r in board.hotels if r.hotel.id == hotel.id)
    night = course.starts_on + timedelta(days=1)
    for kind in row.kinds:
        cell = next((c for c in kind.cells if c.night == night), None)
        if cell is None or cell.held == 0 or cell.used < cell.held:
            continue
        block = next(b for b in hotel.blocks if (b.night, b.kind) == (night, kind.kind))
        data = hotels.BlockInput(night, night, kind.kind, cell.used - 1, str(block.rate), "MXN")
        hotels.set_blocks(hotel, data, staff)
        return
