"""Per diem: entitlements against hand-computed amounts (Decimal, half up), the rate by city and
date, the ICSC CSV import (all or nothing), the budget page and API under the rule's payer, the
delegate's statement, the payment sheet, and fixed query counts."""

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, insert, select

import eventsapp.travel.hooks_perdiem  # noqa: F401  (the receiver the app factory connects)
from eventsapp.catalogue.services import add_partner
from eventsapp.core.errors import InvalidInput
from eventsapp.costs.services import event_budget
from eventsapp.costs.settings import (
    save_rule,
    set_exchange_rate,
    set_override,
    set_reporting_currency,
    set_unit_estimate,
)
from eventsapp.costs.statements import funding_statements
from eventsapp.costs.totals import yearly_totals
from eventsapp.registration.models import Registration, Status
from eventsapp.travel.models import PerDiemRate, PerDiemSettings, TravelFile
from eventsapp.travel.perdiem import entitlements, import_rates, save_rate, save_settings

FOUNDERS = "Founders (INE, TEPJF)"


class PerDiem:
    """CICIE's rules (founders pay lodging, meals and per diem; the visiting authority the air
    ticket), rates for Mexico City, an event there on 18-22 April 2016, reported in MXN."""

    def __init__(self, make, db):
        self.make, self.db = make, db
        self.ine = make.organisation("Instituto Nacional Electoral", acronym="INE")
        self.tepjf = make.organisation("Tribunal Electoral", acronym="TEPJF")
        self.programme = make.programme("CICIE")
        add_partner(self.programme, self.ine.id, "founder")
        add_partner(self.programme, self.tepjf.id, "founder")
        set_reporting_currency(self.programme, "MXN", actor=None)
        set_exchange_rate(self.programme, 2016, "USD", "18.5", actor=None)
        save_rule(self.programme, "lodging", "founder", "per_delegate_night", actor=None)
        save_rule(self.programme, "per_diem", "founder", "per_delegate_night", actor=None)
        save_rule(self.programme, "air_ticket", "visiting_authority", "per_delegate", actor=None)
        set_unit_estimate(self.programme, 2016, "lodging", "1000.00", "MXN", actor=None)
        set_unit_estimate(self.programme, 2016, "air_ticket", "900.00", "USD", actor=None)
        self.settings(terminal="40")
        for area, rate, day in (
            ("Mexico City", "250.00", date(2016, 1, 1)),
            ("Mexico City", "300.00", date(2016, 6, 1)),
            ("", "180.00", date(2015, 1, 1)),
        ):
            save_rate("MX", area, rate, "USD", day, actor=None)
        self.event = make.event(date_text="18-22 April 2016", programme_id=self.programme.id)
        self.peru = make.organisation("Jurado Nacional de Elecciones", acronym="JNE", country="PE")
        db.session.commit()

    def settings(self, lodging=50, meals=30, hosts_lodge=True, hosts_feed=True, terminal="0"):
        save_settings(
            self.programme,
            lodging_percent=lodging,
            meals_percent=meals,
            hosts_provide_lodging=hosts_lodge,
            hosts_provide_meals=hosts_feed,
            terminal_expenses=terminal,
            actor=None,
        )
        self.db.session.commit()

    def register(
        self, name, arrival=None, departure=None, funding="funded", status=Status.APPROVED, **kw
    ):
        registration = Registration(
            event_id=self.event.id,
            name=name,
            gender="female",
            email=f"{name.lower().replace(' ', '.').replace('=', '')}@example.org",
            organisation_id=self.peru.id,
            country_code="PE",
            status=status,
            funding=funding,
            arrival_on=arrival,
            departure_on=departure,
            consent_at=datetime(2016, 3, 1),
            **{"role": "delegate", **kw},
        )
        self.db.session.add(registration)
        self.db.session.commit()
        return registration

    def line(self, registration):
        answer = entitlements([self.event])[self.event.id]
        (line,) = [p for p in answer.participants if p.registration_id == registration.id]
        return line


@pytest.fixture
def per_diem(make, db):
    return PerDiem(make, db)


def test_entitlement_is_nights_times_rate_less_what_hosts_provide_plus_terminal(per_diem):
    rosa = per_diem.register("Rosa Quispe", date(2016, 4, 17), date(2016, 4, 22))
    line = per_diem.line(rosa)
    # 5 nights x 250.00 = 1250.00; lodging 50 % and meals 30 % provided; + 40.00 terminal.
    assert (line.nights, line.rate, line.currency) == (5, Decimal("250.00"), "USD")
    assert (line.gross, line.lodging, line.meals) == (
        Decimal("1250.00"),
        Decimal("625.00"),
        Decimal("375.00"),
    )
    assert line.amount == Decimal("290.00")

    per_diem.settings(hosts_lodge=False, terminal="40")  # the hosts give meals only
    assert per_diem.line(rosa).amount == Decimal("915.00")  # 1250 - 375 + 40

    # Each deduction rounded to the cent, half up: 3 x 333.33 = 999.99; 50 % = 499.995 → 500.00,
    # 30 % = 299.997 → 300.00; 999.99 - 500.00 - 300.00 + 40.00 = 239.99.
    per_diem.settings(terminal="40")
    save_rate("MX", "Mexico City", "333.33", "USD", date(2016, 4, 1), actor=None)
    per_diem.db.session.commit()
    odd = per_diem.register("Odd Rate", date(2016, 4, 18), date(2016, 4, 21))
    line = per_diem.line(odd)
    assert (line.lodging, line.meals, line.amount) == (
        Decimal("500.00"),
        Decimal("300.00"),
        Decimal("239.99"),
    )
    assert isinstance(line.amount, Decimal)


def test_the_rate_is_the_citys_in_force_on_the_first_night_else_elsewhere(per_diem, make, db):
    late = per_diem.register("Late Comer", date(2016, 7, 1), date(2016, 7, 3))
    assert per_diem.line(late).rate == Decimal("300.00")  # the June rate
    early = per_diem.register("Early Bird", date(2015, 12, 30), date(2016, 1, 2))
    assert per_diem.line(early).rate == Decimal("180.00")  # no city rate yet: elsewhere
    assert per_diem.line(early).rate_area == ""

    # The travel file's hotel nights come first, then arrival and departure, then the window.
    db.session.add(
        TravelFile(
            registration_id=late.id, check_in_on=date(2016, 4, 17), check_out_on=date(2016, 4, 20)
        )
    )
    window = per_diem.register("No Dates")
    db.session.commit()
    assert (per_diem.line(late).nights, per_diem.line(late).rate) == (3, Decimal("250.00"))
    assert per_diem.line(late).nights_from == "travel_file"
    assert (per_diem.line(window).nights, per_diem.line(window).nights_from) == (5, "event")

    # Elsewhere in Mexico (the venue's city has no rate of its own); "Ciudad de México" would
    # not be Mexico City, but case and accents do not count.
    elsewhere = make.event(
        date_text="18-22 April 2016",
        programme_id=per_diem.programme.id,
        venue=("MX", "Guadalajara", None),
    )
    accents = make.event(date_text="18-22 April 2016", venue=("MX", "MÉXICO CITY", None))
    for event, rate in ((elsewhere, "180.00"), (accents, "250.00")):
        db.session.add(
            Registration(
                event_id=event.id,
                name="Ana",
                gender="female",
                email="ana@example.org",
                country_code="PE",
                role="delegate",
                status=Status.APPROVED,
                consent_at=datetime(2016, 3, 1),
            )
        )
        db.session.commit()
        (line,) = entitlements([event])[event.id].lines
        assert line.rate == Decimal(rate)

    # Not approved (pending, waitlisted), observers and staff: no per diem.
    per_diem.register("Pending", status=Status.PENDING)
    per_diem.register("Observer", role="observer")
    names = {p.name for p in entitlements([per_diem.event])[per_diem.event.id].participants}
    assert names == {"Late Comer", "Early Bird", "No Dates"}


def test_no_rate_for_the_venue_is_named(per_diem, make, db):
    event = make.event(date_text="18-22 April 2016", venue=("GT", "Guatemala City", None))
    db.session.add(
        Registration(
            event_id=event.id,
            name="Ana",
            gender="female",
            email="ana@example.org",
            country_code="PE",
            role="delegate",
            status=Status.APPROVED,
            consent_at=datetime(2016, 3, 1),
        )
    )
    db.session.commit()
    answer = entitlements([event])[event.id]
    assert answer.lines == [] and answer.participants[0].amount is None
    assert answer.missing == [
        "No per diem rate for Guatemala City, Guatemala on 18 April 2016: enter or import one."
    ]


ICSC = (
    "Country,Area,First 60 Days US$,Room as % of DSA,Effective Date\n"
    'MEXICO,Mexico City,"1,250.00",55,01-Jan-2017\n'
    "Bolivia (Plurinational State of),Elsewhere,120,50,2017-02-01\n"
    "United Republic of Tanzania,Dar es Salaam,US$ 210,55,15 March 2017\n"
    "PE,Lima,275,60,31/01/2017\n"
)


def test_an_icsc_csv_is_imported(db):
    result = import_rates(ICSC.encode(), "dsa.csv", actor=None)
    db.session.commit()
    assert (result.added, result.changed) == (4, 0)
    rows = {
        (r.country_code, r.area): (r.rate, r.currency, r.effective_on)
        for r in db.session.scalars(select(PerDiemRate))
    }
    assert rows == {
        ("MX", "Mexico City"): (Decimal("1250.00"), "USD", date(2017, 1, 1)),
        ("BO", ""): (Decimal("120.00"), "USD", date(2017, 2, 1)),
        ("TZ", "Dar es Salaam"): (Decimal("210.00"), "USD", date(2017, 3, 15)),
        ("PE", "Lima"): (Decimal("275.00"), "USD", date(2017, 1, 31)),
    }
    # Again, one rate changed, without a header and with semicolons (as a spreadsheet saves it).
    again = "MEX;MEXICO CITY;1300;2017-01-01\nBOL;;120;01-Feb-2017\n".encode("cp1252")
    result = import_rates(again, "again.csv", actor=None)
    db.session.commit()
    assert (result.added, result.changed, result.unchanged) == (0, 1, 1)
    assert db.session.scalar(select(func.count(PerDiemRate.id))) == 4


GOOD = "PE,Lima,275,2017-01-31\n"


@pytest.mark.parametrize(
    "text, said",
    [
        (GOOD + "Narnia,,100,2017-01-01\n", "Line 2: “Narnia” is not a country."),
        (GOOD + "MX,,abc,2017-01-01\n", "Line 2: “abc” is not a rate in dollars."),
        (GOOD + "MX,,-5,2017-01-01\n", "Line 2: “-5” is not a rate in dollars."),
        (GOOD + "MX,,100,05/03/2017\n", "Line 2: “05/03/2017” can be read two ways"),
        (GOOD + "MX,,100,1 January 2300\n", "Line 2: the day must be from 1900 to 2200"),
        (GOOD + "MX,,100,2017-01-01\nMX,Elsewhere,9,2017-01-01\n", "Line 3: the same country"),
        (GOOD + 'MX,"Two\nlines",100,2017-01-01\n', "Line 3: a cell is too long or spans"),
        ("Country,Area\nMX,Lima\n", "The first line names no column for the rate."),
    ],
)
def test_a_csv_with_a_bad_line_writes_nothing_and_names_it(db, text, said):
    with pytest.raises(InvalidInput) as refused:
        import_rates(text.encode(), "dsa.csv", actor=None)
    assert refused.value.field == "file"
    assert said in refused.value.message
    assert db.session.scalar(select(func.count(PerDiemRate.id))) == 0


def test_hostile_files_are_refused_over_http(per_diem, staff_client, db):
    before = db.session.scalar(select(func.count(PerDiemRate.id)))
    for body, said in (
        (b"MX,,100,2017-01-01\n\x00", "NUL bytes"),
        (b"MX,,100,2017-01-01\n" * 120_000, "larger than 2 MB"),
        (b"MX,,100,2017-01-01\n" + b"Narnia,,1,2017-01-01\n" * 30, "And 20 more lines."),
        (b"", "Choose a CSV file"),
    ):
        data = {"import-file": (io.BytesIO(body), "dsa.csv")}
        answer = staff_client.post("/manage/per-diem/import", data=data)
        assert answer.status_code == 400, said
        assert said in answer.text
    assert db.session.scalar(select(func.count(PerDiemRate.id))) == before
    good = {"import-file": (io.BytesIO(ICSC.encode()), "dsa.csv")}
    answer = staff_client.post("/manage/per-diem/import", data=good, follow_redirects=True)
    assert "4 new, 0 changed" in answer.text
    assert db.session.scalar(select(func.count(PerDiemRate.id))) == before + 4


def test_rates_page_enters_and_deletes_a_rate(per_diem, staff_client, db):
    page = staff_client.get("/manage/per-diem/?country=MX")
    assert page.status_code == 200 and "Mexico City" in page.text and "Elsewhere" in page.text
    bad = staff_client.post(
        "/manage/per-diem/",
        data={
            "rate-country_code": "PE",
            "rate-area": "Lima",
            "rate-rate": "-3",
            "rate-currency": "USD",
            "rate-effective_on": "2017-01-01",
        },
    )
    assert bad.status_code == 400 and "Enter an amount above zero" in bad.text
    saved = staff_client.post(
        "/manage/per-diem/",
        data={
            "rate-country_code": "PE",
            "rate-area": "Lima",
            "rate-rate": "275",
            "rate-currency": "usd",
            "rate-effective_on": "31 January 2017",
        },
    )
    assert saved.status_code == 302
    rate = db.session.scalar(select(PerDiemRate).where(PerDiemRate.country_code == "PE"))
    assert (rate.area, rate.rate, rate.currency) == ("Lima", Decimal("275.00"), "USD")
    rate_id = rate.id
    assert staff_client.post(f"/manage/per-diem/{rate_id}/delete").status_code == 302
    assert db.session.get(PerDiemRate, rate_id) is None
    assert staff_client.post(f"/manage/per-diem/{rate_id}/delete").status_code == 404


def _by_party(budget):
    return {
        (p.payer.party, p.payer.self_funded): {c: line.estimate for c, line in p.lines.items()}
        for p in budget.payers
    }


def test_the_budget_shows_per_diem_and_lodging_under_the_founders(per_diem, staff_client, db):
    per_diem.register("Rosa Quispe", date(2016, 4, 17), date(2016, 4, 22))
    per_diem.register("Self Funded", date(2016, 4, 17), date(2016, 4, 22), funding="self_funded")
    per_diem.settings(terminal="40")
    payers = _by_party(event_budget(per_diem.event))
    # 290.00 USD x 18.5 = 5365.00 MXN; lodging 5 nights x 1000 MXN; the air ticket the authority's.
    founders = {"lodging": Decimal("5000.00"), "per_diem": Decimal("5365.00")}
    assert payers[FOUNDERS, False] == founders
    jne = "Jurado Nacional de Elecciones (JNE)"
    assert payers[jne, False] == {"air_ticket": Decimal("16650.00")}
    assert payers[jne, True]["per_diem"] == Decimal("5365.00")  # self-funded: all their costs

    page = staff_client.get(f"/manage/events/{per_diem.event.id}/budget")
    assert "Per diem (daily subsistence)" in page.text and "5,365.00" in page.text
    answer = staff_client.get(f"/api/v1/events/{per_diem.event.id}/budget").get_json()
    founders = next(p for p in answer["payers"] if p["party"] == FOUNDERS)
    assert {"category": "per_diem", "estimate": "5365.00", "actual": None} in founders["lines"]

    # The yearly totals count it too.
    totals, _problems = yearly_totals(per_diem.programme, 2016)
    assert {t.party: t.estimate for t in totals}[FOUNDERS] == Decimal("10365.00")

    # The visiting authority pays it in this event: each participant's authority.
    set_override(per_diem.event, "per_diem", "visiting_authority", None, actor=None)
    db.session.commit()
    payers = _by_party(event_budget(per_diem.event))
    assert "per_diem" not in payers[FOUNDERS, False]
    assert payers[jne, False]["per_diem"] == Decimal("5365.00")


def test_per_diem_without_a_rule_is_unresolved(per_diem, staff_client, db):
    other = per_diem.make.programme("No rule")
    set_reporting_currency(other, "USD", actor=None)
    per_diem.event.programme_id = other.id
    db.session.commit()
    per_diem.register("Rosa Quispe", date(2016, 4, 17), date(2016, 4, 22))
    assert event_budget(per_diem.event).unresolved == []  # the programme computes no per diem
    db.session.add(PerDiemSettings(programme_id=other.id))
    db.session.commit()
    assert event_budget(per_diem.event).unresolved == [
        "Per diem (daily subsistence): no cost rule says who pays."
    ]
    assert staff_client.get(f"/api/v1/events/{per_diem.event.id}/budget").status_code == 409


def test_the_delegates_statement_tells_the_per_diem(per_diem):
    rosa = per_diem.register("Rosa Quispe", date(2016, 4, 17), date(2016, 4, 22))
    pending = per_diem.register("Pending", date(2016, 4, 17), date(2016, 4, 22), status="pending")
    per_diem.settings(terminal="40")
    statements = funding_statements([rosa, pending])
    hosts = {line.category: line.amount for line in statements[rosa.id].others[None]}
    assert hosts["per_diem"] == Decimal("5365.00")
    assert "per_diem" not in {line.category for line in statements[pending.id].others[None]}


def test_the_event_page_and_its_settings(per_diem, staff_client, db):
    per_diem.register("Rosa Quispe", date(2016, 4, 17), date(2016, 4, 22))
    url = f"/manage/events/{per_diem.event.id}/per-diem"
    page = staff_client.get(url)
    assert page.status_code == 200
    assert "Rosa Quispe" in page.text and "290.00" in page.text and FOUNDERS in page.text
    assert 'href="/manage/per-diem/?country=MX"' in page.text
    bad = staff_client.post(
        url + "/settings",
        data={
            "settings-lodging_percent": "60",
            "settings-meals_percent": "50",
            "settings-terminal_expenses": "40",
        },
    )
    assert bad.status_code == 400 and "cannot be more than the whole rate" in bad.text
    assert db.session.get(PerDiemSettings, per_diem.programme.id).lodging_percent == 50
    saved = staff_client.post(
        url + "/settings",
        data={
            "settings-lodging_percent": "50",
            "settings-meals_percent": "30",
            "settings-hosts_provide_meals": "y",
            "settings-terminal_expenses": "0",
        },
    )
    assert saved.status_code == 302
    assert "875.00" in staff_client.get(url).text  # 1250.00 - 30 % for meals; lodging paid
    settings = db.session.get(PerDiemSettings, per_diem.programme.id)
    assert (settings.hosts_provide_lodging, settings.terminal_expenses) == (False, 0)


def test_the_payment_sheet(per_diem, staff_client):
    name = '=HYPERLINK("http://x.example","click")'
    per_diem.register(name, date(2016, 4, 17), date(2016, 4, 22))
    per_diem.settings(terminal="40")
    answer = staff_client.get(f"/manage/events/{per_diem.event.id}/per-diem.xlsx")
    assert answer.status_code == 200 and answer.data[:2] == b"PK"
    sheet = load_workbook(io.BytesIO(answer.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (
        "Name",
        "Organisation",
        "Country",
        "Nights",
        "Rate",
        "Amount",
        "Currency",
        "Paid by",
    )
    assert rows[1][1:] == (
        "Jurado Nacional de Elecciones (JNE)",
        "Peru",
        5,
        250,
        290,
        "USD",
        FOUNDERS,
    )
    cell = sheet["A2"]
    assert cell.value == name and cell.data_type == "s"  # text, not a formula


def _many(per_diem, count: int, start: int) -> None:
    rows = [
        {
            "event_id": per_diem.event.id,
            "name": f"Person {n}",
            "gender": "female",
            "email": f"p{n}@example.org",
            "organisation_id": per_diem.peru.id,
            "country_code": "PE",
            "role": "delegate",
            "status": Status.APPROVED,
            "funding": "self_funded" if n % 7 == 0 else "funded",
            "arrival_on": date(2016, 4, 17) if n % 2 else None,
            "departure_on": date(2016, 4, 22) if n % 2 else None,
            "consent_at": datetime(2016, 3, 1),
        }
        for n in range(start, start + count)
    ]
    ids = per_diem.db.session.scalars(insert(Registration).returning(Registration.id), rows).all()
    per_diem.db.session.execute(
        insert(TravelFile),
        [
            {
                "registration_id": i,
                "check_in_on": date(2016, 4, 17),
                "check_out_on": date(2016, 4, 23),
            }
            for i in ids[::3]
        ],
    )
    per_diem.db.session.commit()


def test_pages_sheet_and_budget_in_a_fixed_number_of_queries(per_diem, staff_client, count_queries):
    event = per_diem.event.id
    urls = (
        f"/manage/events/{event}/per-diem",
        f"/manage/events/{event}/per-diem.xlsx",
        f"/manage/events/{event}/budget",
        f"/api/v1/events/{event}/budget",
    )
    _many(per_diem, 10, 0)
    few = {}
    for url in urls:
        with count_queries() as queries:
            assert staff_client.get(url).status_code == 200, url
        few[url] = len(queries)
    _many(per_diem, 490, 10)
    for url in urls:
        with count_queries() as queries:
            answer = staff_client.get(url)
        assert answer.status_code == 200
        assert len(queries) == few[url], url
    sheet = load_workbook(io.BytesIO(staff_client.get(urls[1]).data)).active
    assert sheet.max_row == 501


def test_bad_input_on_the_pages_is_refused_beside_the_field_and_writes_nothing(
    per_diem, staff_client, db
):
    rates = db.session.scalar(select(func.count(PerDiemRate.id)))
    good = {
        "rate-country_code": "PE",
        "rate-area": "Lima",
        "rate-rate": "275",
        "rate-currency": "USD",
        "rate-effective_on": "2017-01-31",
    }
    for field, value, said in (
        ("country_code", "ZZ", "Choose a country of the list."),
        ("area", "x" * 101, "Field cannot be longer than 100 characters."),
        ("rate", "1e400", "Enter an amount as a number"),
        ("rate", "NaN", "Enter an amount as a number"),
        ("rate", "2000000", "Enter an amount as a number"),
        ("rate", "12.345", "Use at most 2 decimals."),
        ("currency", "ZZZ", "not an ISO 4217 currency"),
        ("effective_on", "1 January 2300", "2200"),
        ("effective_on", "05/03/2017", "05/03/2017"),
    ):
        answer = staff_client.post("/manage/per-diem/", data={**good, f"rate-{field}": value})
        assert answer.status_code == 400, (field, value)
        assert said in answer.text, (field, value, said)
    assert db.session.scalar(select(func.count(PerDiemRate.id))) == rates

    url = f"/manage/events/{per_diem.event.id}/per-diem/settings"
    settings = {
        "settings-lodging_percent": "50",
        "settings-meals_percent": "30",
        "settings-terminal_expenses": "40",
    }
    for field, value in (
        ("lodging_percent", "99999999999999999999"),
        ("meals_percent", "-1"),
        ("terminal_expenses", "1e400"),
        ("terminal_expenses", "-3"),
        ("terminal_expenses", "forty"),
    ):
        answer = staff_client.post(url, data={**settings, f"settings-{field}": value})
        assert answer.status_code == 400, (field, value)
    saved = db.session.get(PerDiemSettings, per_diem.programme.id)
    db.session.refresh(saved)
    assert (saved.lodging_percent, saved.terminal_expenses) == (50, Decimal("40.00"))
    assert staff_client.get("/manage/events/999999/per-diem").status_code == 404
    assert staff_client.get("/manage/per-diem/?country=ZZ&page=99999999").status_code == 200
