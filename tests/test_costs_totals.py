"""Yearly totals per partner (SQL aggregation, a fixed number of queries), their page and
exports, the funding statement in the approval email, and the demo's course."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import insert, select

from eventsapp.catalogue.models import Event, Programme
from eventsapp.costs.services import event_budget
from eventsapp.costs.settings import set_override
from eventsapp.costs.totals import yearly_totals
from eventsapp.registration.models import Registration, Status
from tests.test_costs import Costs


def _events(costs, count: int, organisation_id: int) -> None:
    """``count`` more events of the programme in 2016, with two delegates and an expert each."""
    rows = [
        {
            "title": f"Course {n}",
            "kind": "workshop",
            "status": "planned",
            "date_text": "4-6 May 2016",
            "starts_on": date(2016, 5, 4),
            "ends_on": date(2016, 5, 6),
            "precision": "day",
            "programme_id": costs.programme.id,
        }
        for n in range(count)
    ]
    ids = costs.db.session.scalars(insert(Event).returning(Event.id), rows).all()
    people = [
        {
            "event_id": event_id,
            "name": f"Person {n}",
            "gender": "female",
            "email": f"p{event_id}-{n}@example.org",
            "organisation_id": organisation_id,
            "country_code": "GT",
            "role": "speaker" if n == 2 else "delegate",
            "status": Status.APPROVED,
            "funding": "funded",
            "consent_at": datetime(2016, 3, 1),
        }
        for event_id in ids
        for n in range(3)
    ]
    costs.db.session.execute(insert(Registration), people)
    costs.db.session.commit()


def _fresh(db, costs):
    """The programme, from a session that holds nothing else."""
    programme_id = costs.programme.id
    db.session.expunge_all()
    return db.session.get(Programme, programme_id)


def test_yearly_totals_in_a_fixed_number_of_queries(make, db, count_queries):
    costs = Costs(make, db)
    gt = make.organisation("Electoral Tribunal GT", acronym="TSE", country="GT")
    costs.event.partners.clear()
    db.session.commit()
    gt_id = gt.id
    _events(costs, 10, gt_id)
    programme = _fresh(db, costs)
    with count_queries() as few:
        totals, problems = yearly_totals(programme, 2016)
    by_party = {t.party: t for t in totals}
    # 10 events x 2 delegates x 3 nights x 1000 MXN, split 60/40.
    assert by_party["Founder A (FA)"].estimate == Decimal("36000.00")
    assert by_party["Electoral Tribunal GT (TSE)"].estimate == 20 * Decimal("11100.00")
    assert "Associate (AP)" not in by_party
    assert any("associate partners" in p for p in problems)  # nobody pays the experts' fees

    _events(costs, 490, gt_id)
    programme = db.session.get(Programme, programme.id)
    with count_queries() as many:
        totals, _problems = yearly_totals(programme, 2016)
    assert {t.party: t for t in totals}["Founder A (FA)"].estimate == Decimal("1800000.00")
    assert len(many) == len(few)


def test_totals_page_and_exports(make, db, staff_client):
    costs = Costs(make, db)
    gt = make.organisation("Electoral Tribunal GT", acronym="TSE", country="GT")
    _events(costs, 2, gt.id)
    url = f"/manage/programmes/{costs.programme.id}/costs/2016"
    page = staff_client.get(url)
    assert page.status_code == 200 and "Founder A (FA)" in page.text and "7,200.00" in page.text
    csv = staff_client.get(url + ".csv").get_data(as_text=True)
    assert "Founder A (FA),Founders,7200.00," in csv
    assert staff_client.get(url + ".xlsx").data[:2] == b"PK"
    assert (
        staff_client.get(f"/manage/programmes/{costs.programme.id}/costs/1800").status_code == 404
    )


def test_approval_email_carries_the_statement(make, db, mailbox):
    from eventsapp.registration.notifications import notify

    costs = Costs(make, db)
    gt = make.organisation("Electoral Tribunal GT", acronym="TSE", country="GT")
    registration = costs.register("Ana", gt)
    notify(registration, "approved")
    db.session.commit()
    mailbox.deliver()
    body = mailbox.to("ana@example.org")[0].get_body(("plain",)).get_content()
    assert "Your authority covers: Air ticket (about 11,100.00 MXN)" in body
    assert "The hosts cover: Lodging (about 5,000.00 MXN), Meals (about 500.00 MXN)" in body


def test_demo_course_shows_who_pays_what(db):
    from eventsapp.demo.services import load_demo

    load_demo()
    event = db.session.scalar(
        select(Event).where(Event.source_key == "cicie-sc-2016-electronic-voting-abroad")
    )
    budget = event_budget(event)
    assert budget.unresolved == [] and budget.missing == []
    roles = {}
    for payer in budget.payers:
        roles.setdefault((payer.payer.role, payer.payer.self_funded), []).append(payer)
    assert [p.payer.party for p in roles["founder", False]] == [
        "Founders (INE, TEPJF, UNDP-MX, AMEXCID)"
    ]
    assert len(roles["visiting_authority", False]) == 10  # ten countries' authorities
    [self_funded] = roles["visiting_authority", True]
    assert self_funded.payer.party.endswith("(ONPE)")
    [associate] = roles["associate_partner", False]
    assert "IDEA" in associate.payer.party and associate.actual == Decimal("55985.10")
    assert roles["founder", False][0].lines["lodging"].actual == Decimal("52200.00")
    registrations = db.session.scalars(
        select(Registration).where(Registration.event_id == event.id)
    ).all()
    assert len([r for r in registrations if r.role == "delegate"]) == 12
    assert len({r.country_code for r in registrations if r.role == "delegate"}) == 10


def test_yearly_totals_add_up_the_events_budgets(make, db):
    """Delegates counted together across events (SQL) or per event (an override sets one apart):
    the same totals as the events' own budgets, added."""
    costs = Costs(make, db)
    gt = make.organisation("Electoral Tribunal GT", acronym="TSE", country="GT")
    _events(costs, 3, gt.id)
    costs.register("Ana", gt, arrival=date(2016, 4, 15), departure=date(2016, 4, 23))
    costs.register("Beto", gt, funding="self_funded")
    set_override(costs.event, "meals", "organisation", costs.associate.id, actor=None)
    db.session.commit()
    expected: dict[str, Decimal] = {}
    for event in db.session.scalars(select(Event)):
        for payer in event_budget(event).payers:
            expected[payer.payer.party] = expected.get(payer.payer.party, 0) + payer.estimate
    totals, _problems = yearly_totals(costs.programme, 2016)
    assert {t.party: t.estimate for t in totals} == expected
    assert expected["Associate (AP)"] == Decimal("500.00")  # Ana's meals, overridden
