"""Cost sharing: rule resolution, sums in Decimal, the budget page and API, funding statements
and bad input."""

from datetime import datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from eventsapp.catalogue.services import add_partner
from eventsapp.core.errors import InvalidInput
from eventsapp.costs.models import ActualAmount, CostRule, UnitEstimate
from eventsapp.costs.services import event_budget
from eventsapp.costs.settings import (
    save_rule,
    set_actual,
    set_air_fare,
    set_exchange_rate,
    set_override,
    set_reporting_currency,
    set_unit_estimate,
)
from eventsapp.costs.statements import funding_statements
from eventsapp.registration.models import Funding, Registration, Status
from tests.conftest import login


class Costs:
    """A programme with founders, an associate partner, rules and 2016 estimates, and an event."""

    def __init__(self, make, db):
        self.make, self.db = make, db
        self.founder_a = make.organisation("Founder A", acronym="FA")
        self.founder_b = make.organisation("Founder B", acronym="FB")
        self.associate = make.organisation(
            "Associate", acronym="AP", kind="international_organisation"
        )
        self.programme = make.programme()
        for organisation, role in (
            (self.founder_a, "founder"),
            (self.founder_b, "founder"),
            (self.associate, "associate_partner"),
        ):
            add_partner(self.programme, organisation.id, role)
        set_reporting_currency(self.programme, "MXN", actor=None)
        set_exchange_rate(self.programme, 2016, "USD", "18.5", actor=None)
        save_rule(
            self.programme,
            "lodging",
            "founder",
            "per_delegate_night",
            shares={self.founder_a.id: "60", self.founder_b.id: "40"},
            actor=None,
        )
        save_rule(self.programme, "meals", "founder", "per_delegate", actor=None)
        save_rule(self.programme, "air_ticket", "visiting_authority", "per_delegate", actor=None)
        save_rule(self.programme, "expert_fees", "associate_partner", "per_expert", actor=None)
        set_unit_estimate(self.programme, 2016, "lodging", "1000.00", "MXN", actor=None)
        set_unit_estimate(self.programme, 2016, "meals", "500.00", "MXN", actor=None)
        set_unit_estimate(self.programme, 2016, "air_ticket", "900.00", "USD", actor=None)
        set_unit_estimate(self.programme, 2016, "expert_fees", "100.00", "USD", actor=None)
        set_air_fare(self.programme, 2016, "Americas", "600.00", "USD", actor=None)
        self.event = make.event(
            date_text="18-22 April 2016",
            programme_id=self.programme.id,
            partner_ids=[self.associate.id],
        )
        db.session.commit()

    def register(
        self,
        name,
        organisation,
        country="GT",
        role="delegate",
        funding="funded",
        status=Status.APPROVED,
        arrival=None,
        departure=None,
        user=None,
    ):
        registration = Registration(
            event_id=self.event.id,
            name=name,
            gender="female",
            email=f"{name.lower().replace(' ', '.')}@example.org",
            organisation_id=organisation.id,
            country_code=country,
            role=role,
            status=status,
            funding=funding,
            arrival_on=arrival,
            departure_on=departure,
            consent_at=datetime(2016, 3, 1),
            user_id=user.id if user else None,
        )
        self.db.session.add(registration)
        self.db.session.commit()
        return registration


@pytest.fixture
def costs(make, db):
    return Costs(make, db)


def _payers(budget):
    return {
        p.payer.party: {c: (line.estimate, line.actual) for c, line in p.lines.items()}
        for p in budget.payers
    }


def test_programme_rules_split_self_funding_and_authorities(costs, make):
    gt = make.organisation("Electoral Tribunal GT", acronym="TSE", country="GT")
    ke = make.organisation("Commission KE", acronym="IEBC", country="KE")
    costs.register("Ana", gt)
    costs.register("Beto", gt, funding=Funding.SELF_FUNDED)
    costs.register("Wanjiru", ke, country="KE")
    costs.register("Expert", costs.associate, country="SE", role="speaker")
    costs.register("Waiting", gt, status=Status.WAITLISTED)  # holds no seat: not budgeted

    payers = _payers(event_budget(costs.event))

    # Lodging: 2 funded delegates x 5 nights (the window) x 1000, split 60/40.
    assert payers["Founder A (FA)"]["lodging"] == (Decimal("6000.00"), None)
    assert payers["Founder B (FB)"]["lodging"] == (Decimal("4000.00"), None)
    # Meals: founders jointly, per funded delegate.
    assert payers["Founders (FA, FB)"]["meals"] == (Decimal("1000.00"), None)
    # Air tickets: each authority, by region (Americas fare) or the general estimate (Africa).
    authority = [
        p
        for p in event_budget(costs.event).payers
        if p.payer.party == "Electoral Tribunal GT (TSE)"
    ]
    assert [p.payer.self_funded for p in authority] == [False, True]
    assert authority[0].lines["air_ticket"].estimate == Decimal("11100.00")  # 600 x 18.5
    assert authority[1].lines.keys() == {"air_ticket", "lodging", "meals"}  # all of Beto
    assert authority[1].estimate == Decimal("11100.00") + 5000 + 500
    assert payers["Commission KE (IEBC)"]["air_ticket"] == (Decimal("16650.00"), None)  # 900 x 18.5
    assert payers["Associate (AP)"]["expert_fees"] == (Decimal("1850.00"), None)


def test_event_override_and_nights_from_travel_dates(costs, make):
    from datetime import date

    gt = make.organisation("Electoral Tribunal GT", acronym="TSE", country="GT")
    costs.register("Ana", gt, arrival=date(2016, 4, 16), departure=date(2016, 4, 23))
    set_override(costs.event, "lodging", "organisation", gt.id, actor=None)
    costs.db.session.commit()
    payers = _payers(event_budget(costs.event))
    assert payers["Electoral Tribunal GT (TSE)"]["lodging"] == (Decimal("7000.00"), None)
    assert "Founder A (FA)" not in payers


def test_amounts_never_pass_through_floats(costs, make):
    """1.00 USD at 1.005 is 1.005: 1.01 rounded half up, where floats give 1.00; and the
    split of 0.05 at 60/40 keeps every cent."""
    assert round(1.00 * 1.005, 2) == 1.0  # what a float would say
    set_exchange_rate(costs.programme, 2016, "USD", "1.005", actor=None)
    set_unit_estimate(costs.programme, 2016, "expert_fees", "1.00", "USD", actor=None)
    set_unit_estimate(costs.programme, 2016, "lodging", "0.01", "MXN", actor=None)
    costs.register("Expert", costs.associate, country="SE", role="speaker")
    costs.register("Ana", make.organisation("GT body", country="GT"))
    costs.db.session.commit()
    budget = event_budget(costs.event)
    payers = _payers(budget)
    assert payers["Associate (AP)"]["expert_fees"][0] == Decimal("1.01")
    lodging = payers["Founder A (FA)"]["lodging"][0] + payers["Founder B (FB)"]["lodging"][0]
    assert lodging == Decimal("0.05")
    assert isinstance(budget.estimate, Decimal)
    set_actual(
        costs.event,
        "expert_fees",
        f"org:{costs.associate.id}",
        "0.10",
        "MXN",
        {f"org:{costs.associate.id}": "Associate"},
        actor=None,
    )
    costs.db.session.commit()
    stored = costs.db.session.scalar(select(func.sum(ActualAmount.amount)))
    assert stored == Decimal("0.10")


def test_split_must_add_to_100_and_bad_amounts_are_refused(costs):
    with pytest.raises(InvalidInput, match="99") as refused:
        save_rule(
            costs.programme,
            "venue",
            "founder",
            "lump_sum",
            shares={costs.founder_a.id: "59", costs.founder_b.id: "40"},
            actor=None,
        )
    assert refused.value.field == "shares"
    for amount, currency, field in (
        ("-5", "MXN", "amount"),
        ("12", "XYZ", "currency"),
        ("12", "EUR", "currency"),
        ("1e400", "MXN", "amount"),
    ):
        with pytest.raises(InvalidInput) as refused:
            set_unit_estimate(costs.programme, 2016, "venue", amount, currency, actor=None)
        assert refused.value.field == field


def test_budget_page_api_and_exports(costs, make, staff_client):
    gt = make.organisation("=cmd|' /C calc'!A0", country="GT")
    costs.register("Ana", gt)
    page = staff_client.get(f"/manage/events/{costs.event.id}/budget")
    assert page.status_code == 200
    assert (
        "Founder A (FA)" in page.text and "6,000.00" not in page.text
    )  # one delegate: 5,000 x 60 %
    assert "3,000.00" in page.text

    answer = staff_client.get(f"/api/v1/events/{costs.event.id}/budget").get_json()
    assert answer["currency"] == "MXN"
    by_party = {p["party"]: p for p in answer["payers"]}
    assert by_party["Founder A (FA)"]["lines"] == [
        {"category": "lodging", "estimate": "3000.00", "actual": None}
    ]
    assert answer["total"] == str(event_budget(costs.event).estimate)
    assert staff_client.get("/api/v1/events/999999/budget").status_code == 404

    csv = staff_client.get(f"/manage/events/{costs.event.id}/budget.csv")
    assert "'=cmd" in csv.get_data(as_text=True)
    xlsx = staff_client.get(f"/manage/events/{costs.event.id}/budget.xlsx")
    assert xlsx.data[:2] == b"PK"


def test_unresolved_category_is_named_on_the_page_and_409_in_the_api(costs, make, staff_client):
    costs.event.partners.clear()  # no associate partner pays the expert's fees now
    costs.db.session.commit()
    costs.register("Expert", costs.associate, country="SE", role="speaker")
    page = staff_client.get(f"/manage/events/{costs.event.id}/budget")
    assert "International experts&#39; fees: the event has 0 associate partners" in page.text
    answer = staff_client.get(f"/api/v1/events/{costs.event.id}/budget")
    assert answer.status_code == 409
    assert "International experts' fees" in answer.get_json()["error"]


def test_bad_input_on_the_pages_writes_nothing(costs, staff_client):
    url = f"/manage/programmes/{costs.programme.id}/costs"
    answer = staff_client.post(
        url + "/rule",
        data={
            "rule-category": "venue",
            "rule-payer_role": "founder",
            "rule-basis": "lump_sum",
            "rule-payer_organisation_id": "",
            f"share-{costs.founder_a.id}": "50",
            f"share-{costs.founder_b.id}": "49",
        },
    )
    assert answer.status_code == 400
    assert "The split adds to 99" in answer.text
    for data, message in (
        ({"estimate-amount": "-1"}, "cannot be negative"),
        ({"estimate-currency": "ZZZ"}, "not an ISO 4217 currency"),
        ({"estimate-currency": "EUR"}, "no exchange rate from EUR to MXN for 2016"),
    ):
        form = {
            "estimate-year": "2016",
            "estimate-category": "venue",
            "estimate-amount": "10",
            "estimate-currency": "MXN",
            **data,
        }
        answer = staff_client.post(url + "/estimate", data=form)
        assert answer.status_code == 400 and message in answer.text
    assert (
        costs.db.session.scalar(
            select(func.count()).select_from(CostRule).where(CostRule.category == "venue")
        )
        == 0
    )
    assert costs.db.session.get(UnitEstimate, (costs.programme.id, 2016, "venue")) is None
    actual = staff_client.post(
        f"/manage/events/{costs.event.id}/budget/actual",
        data={
            "actual-category": "lodging",
            "actual-payer": "founders",
            "actual-amount": "-3",
            "actual-currency": "MXN",
        },
    )
    assert actual.status_code == 400
    assert staff_client.get(url).status_code == 200


def test_delegates_see_their_own_funding_statement(costs, make, client, delegate_user):
    gt = make.organisation("Electoral Tribunal GT", acronym="TSE", country="GT")
    funded = costs.register("Ana", gt, user=delegate_user)
    page = _mine(client, delegate_user)
    assert "Your authority covers" in page and "The hosts cover" in page
    assert "Air ticket (about 11,100.00 MXN)" in page

    funded.funding = Funding.SELF_FUNDED
    costs.db.session.commit()
    page = _mine(client, delegate_user)
    assert "Self-funded: your authority covers" in page and "hosts" not in page.lower()

    funded.status = Status.WAITLISTED
    costs.db.session.commit()
    page = _mine(client, delegate_user)
    assert "covers" not in page and "Funded" not in page


def test_no_rules_no_hosts(make, db, client, delegate_user):
    event = make.event(date_text="18-22 April 2016")
    db.session.add(
        Registration(
            event_id=event.id,
            name="Ana",
            gender="female",
            email="ana@example.org",
            country_code="GT",
            status=Status.APPROVED,
            funding=Funding.FUNDED,
            consent_at=datetime(2016, 3, 1),
            user_id=delegate_user.id,
        )
    )
    db.session.commit()
    page = _mine(client, delegate_user)
    assert "hosts" not in page.lower() and "No cost sharing is set" in page
    assert funding_statements(db.session.scalars(select(Registration)).all()) == {}


def _mine(client, user) -> str:
    login(client, user)
    answer = client.get("/me/registrations")
    assert answer.status_code == 200
    return answer.get_data(as_text=True)
