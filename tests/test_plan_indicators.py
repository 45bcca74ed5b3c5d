"""Plan indicators that fill themselves: events linked to an item over HTTP, an indicator
computed by a measure of the linked events held in the period, targets' statuses, the gender
aims on the results page, the report's queries, and hostile input."""

import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from eventsapp.attendance.models import EvaluationResponse
from eventsapp.core.actions import LoggedAction
from eventsapp.core.clock import utcnow
from eventsapp.delegations.models import DelegationTarget
from eventsapp.plans.indicators import elapsed_share, target_status
from eventsapp.plans.models import (
    IndicatorMeasure,
    ItemProgress,
    Plan,
    PlanHeading,
    PlanItem,
    PlanItemEvent,
)
from eventsapp.registration.models import Registration
from tests.test_outcomes import course, workshop  # noqa: F401  (fixtures: hand-worked outcomes)


def _people(db, event, women=0, men=0, status="approved", role="delegate", country="MX"):
    for n in range(women + men):
        db.session.add(
            Registration(
                event_id=event.id,
                name=f"Person {n}",
                gender="female" if n < women else "male",
                email=f"p{n}-{event.id}-{status}-{role}-{country}@example.org".lower(),
                country_code=country,
                status=status,
                role=role,
                consent_at=utcnow(),
            )
        )
    db.session.commit()


def _plan(db, programme, items=1, indicators=None, year=2021):
    plan = Plan(programme_id=programme.id, title=f"Action plan {year}", shape="grid", year=year)
    db.session.add(plan)
    db.session.flush()
    db.session.add(PlanHeading(plan_id=plan.id, kind="objective", ref="1", title="Training"))
    for n in range(items):
        db.session.add(
            PlanItem(
                plan_id=plan.id,
                key=f"1.{n}",
                ref=f"1.{n}",
                heading_ref="1",
                title=f"Training of members of DEC's and PEC's {n}",
                indicators=indicators
                or [
                    {"text": "Number of women trained", "target": 8, "unit": None},
                    {"text": "Number of trained trainers", "target": 4, "unit": None},
                ],
                position=n,
            )
        )
    db.session.commit()
    return plan


def _link(client, plan, item, event, trainers=False):
    data = {"event_id": str(event.id)} | ({"training_of_trainers": "1"} if trainers else {})
    return client.post(f"/manage/plans/{plan.id}/items/{item.id}/events", data=data)


def _measure(client, plan, item, position, name):
    return client.post(
        f"/manage/plans/{plan.id}/items/{item.id}/measures",
        data={"position": str(position), "measure": name},
    )


def _cells(page: str, ref: str) -> list[str]:
    """The report's cells of the computed column for item ``ref``, as text."""
    found = re.findall(r'<td class="computed">(.*?)</td>', page, re.S)
    return [re.sub(r"<[^>]+>", " ", cell).split() for cell in found]


@pytest.fixture
def georgia(db, make):
    programme = make.programme(name="CEC Georgia", first_year=2021)
    plan = _plan(db, programme)
    events = {
        "q2a": make.event(
            "ToT in Tbilisi", "10-12 May 2021", status="held", programme_id=programme.id
        ),
        "q2b": make.event(
            "DEC training", "28-30 June 2021", status="held", programme_id=programme.id
        ),
        "q1": make.event(
            "PEC training", "1-2 March 2021", status="held", programme_id=programme.id
        ),
        "cancelled": make.event(
            "Cancelled training", "5 May 2021", status="cancelled", programme_id=programme.id
        ),
        "unlinked": make.event(
            "Unlinked training", "6 May 2021", status="held", programme_id=programme.id
        ),
        # Starts in Q2 but its last day is in Q3: counted in Q3.
        "across": make.event(
            "Across quarters", "29 June-2 July 2021", status="held", programme_id=programme.id
        ),
    }
    _people(db, events["q2a"], women=3, men=2)
    _people(db, events["q2a"], women=1, status="declined")  # no place: not counted
    _people(db, events["q2b"], women=1, men=1, role="facilitator")
    _people(db, events["q1"], women=5)
    _people(db, events["cancelled"], women=4)
    _people(db, events["unlinked"], women=7)
    _people(db, events["across"], women=2)
    return programme, plan, plan.items[0], events


def test_linked_events_fill_the_women_indicator_of_each_period(staff_client, db, georgia):
    _programme, plan, item, events = georgia
    for key in ("q2a", "q2b", "q1", "cancelled", "across"):
        response = _link(staff_client, plan, item, events[key], trainers=key == "q2a")
        assert response.status_code == 303
    assert _measure(staff_client, plan, item, 0, "women").status_code == 303
    assert _measure(staff_client, plan, item, 1, "trained_trainers").status_code == 303
    page = staff_client.get(f"/manage/plans/{plan.id}").get_data(as_text=True)
    assert "5 events linked" in page and 'value="women" selected' in page
    assert "training of trainers" in page

    q2 = staff_client.get(f"/manage/plans/{plan.id}/report?period=2021-Q2").get_data(as_text=True)
    women, trainers = _cells(q2, item.ref)
    # Q2: 3 women of the ToT + 1 of the DEC training; not the cancelled, unlinked or across.
    assert women[:5] == ["4", "Participants", "(women)", "·", "2"]
    assert trainers[0] == "5"  # the ToT's delegates, women and men; the DEC training is no ToT
    q1 = staff_client.get(f"/manage/plans/{plan.id}/report?period=2021-Q1").get_data(as_text=True)
    assert _cells(q1, item.ref)[0][:5] == ["5", "Participants", "(women)", "·", "1"]
    q3 = staff_client.get(f"/manage/plans/{plan.id}/report?period=2021-Q3").get_data(as_text=True)
    assert _cells(q3, item.ref)[0][0] == "2"
    year = staff_client.get(f"/manage/plans/{plan.id}/report?period=2021").get_data(as_text=True)
    women, trainers = _cells(year, item.ref)
    assert women[:5] == ["11", "Participants", "(women)", "·", "4"]  # 5 + 4 + 2, four events
    # Target 8 women: met in the year; 4 trainers: met too.
    assert year.count('<span class="badge badge-met">Met</span>') == 2
    lines = db.session.scalars(select(LoggedAction.action).order_by(LoggedAction.id)).all()
    assert (
        lines.count("plan_item.event_linked") == 5 and lines.count("plan_item.measure_linked") == 2
    )

    sheet = staff_client.get(f"/manage/plans/{plan.id}/report?period=2021-Q2&format=xlsx")
    assert sheet.status_code == 200 and sheet.data[:2] == b"PK"

    unlinked = staff_client.post(
        f"/manage/plans/{plan.id}/items/{item.id}/events/{events['q2b'].id}/unlink"
    )
    assert unlinked.status_code == 303
    q2 = staff_client.get(f"/manage/plans/{plan.id}/report?period=2021-Q2").get_data(as_text=True)
    assert _cells(q2, item.ref)[0][:5] == ["3", "Participants", "(women)", "·", "1"]


def test_shares_and_means_of_a_year_come_from_its_events_not_its_quarters(staff_client, db, make):
    programme = make.programme(name="Shares")
    plan = _plan(
        db,
        programme,
        indicators=[
            {"text": "Women's share", "target": 50, "unit": "%"},
            {"text": "Evaluation results", "target": 4, "unit": None},
        ],
    )
    item = plan.items[0]
    first = make.event("First", "1 February 2021", status="held", programme_id=programme.id)
    second = make.event("Second", "1 May 2021", status="held", programme_id=programme.id)
    _people(db, first, women=1, men=0)  # 100 %
    _people(db, second, women=1, men=3)  # 25 %: the year is 2 of 5 = 40 %, not (100 + 25) / 2
    for event, scores in ((first, [5]), (second, [2, 2, 2])):
        for score in scores:
            db.session.add(
                EvaluationResponse(
                    event_id=event.id, satisfaction=score, submitted_on=date(2021, 6, 1)
                )
            )
    db.session.commit()
    for event in (first, second):
        _link(staff_client, plan, item, event)
    _measure(staff_client, plan, item, 0, "women_share")
    _measure(staff_client, plan, item, 1, "evaluation_mean")
    year = staff_client.get(f"/manage/plans/{plan.id}/report?period=2021").get_data(as_text=True)
    share, mean = _cells(year, item.ref)
    assert share[:2] == ["40", "%"] and mean[0] == "2.75"  # (5 + 2 + 2 + 2) / 4
    # A share below its target is behind, never "on track" (it does not add up over time).
    assert year.count("badge-behind") == 2


def test_target_status_at_its_boundaries():
    year = (date(2021, 1, 1), date(2021, 12, 31))
    assert elapsed_share(year, date(2021, 12, 31)) == 1.0
    assert elapsed_share(year, date(2021, 6, 30)) == pytest.approx(181 / 365)
    assert elapsed_share(year, date(2020, 12, 31)) == 0.0
    assert target_status(40, 40, 0.5) == "met"
    assert target_status(39, 40, 0.5) == "on_track"
    assert target_status(20, 40, 0.5) == "on_track"  # exactly the share elapsed
    assert target_status(19, 40, 0.5) == "behind"
    assert target_status(39, 40, 0.5, cumulative=False) == "behind"
    assert target_status(None, 40, 0.5) is None and target_status(3, None, 0.5) is None


def test_quarter_status_counts_what_was_done_to_date(staff_client, db, georgia):
    _programme, plan, item, events = georgia
    _link(staff_client, plan, item, events["q1"])
    _measure(staff_client, plan, item, 0, "women")
    # Q2 alone has no women, but 5 to date of 8 by 30 June (49.6 % of the year elapsed): on track.
    q2 = staff_client.get(f"/manage/plans/{plan.id}/report?period=2021-Q2").get_data(as_text=True)
    assert _cells(q2, item.ref)[0][:1] == ["0"] and "5 to date" in q2
    assert '<span class="badge badge-on_track">On track</span>' in q2


def test_gender_aims_warn_on_the_results_page(staff_client, db, make):
    programme = make.programme(name="CICIE", acronym="CICIE", first_year=2016)
    other = make.programme(name="Without aim", first_year=2016)
    db.session.add(DelegationTarget(programme_id=programme.id, women_percent=40))
    db.session.commit()
    low = make.event("Workshop Panama", "1-3 March 2016", status="held", programme_id=programme.id)
    high = make.event("Workshop Peru", "1-3 May 2016", status="held", programme_id=programme.id)
    free = make.event("Elsewhere", "1-3 May 2016", status="held", programme_id=other.id)
    _people(db, low, women=1, men=3)  # 25 %
    _people(db, high, women=3, men=2)  # 60 %; the year: 4 of 9 = 44.4 %
    _people(db, free, women=0, men=5)
    page = staff_client.get("/reports/results?from=2016&to=2016").get_data(as_text=True)
    assert "Workshop Panama (2016): 25 % women, aim 40 %" in page
    assert "Workshop Peru" not in page.split('id="gender-aims"')[1].split("</div>")[0]
    assert "CICIE 2016:" not in page and "Elsewhere (2016)" not in page
    _people(db, high, women=0, men=4, country="PE")  # the year: 4 of 13 = 30.8 %
    page = staff_client.get(f"/reports/results?from=2016&to=2016&programme={programme.id}")
    assert "CICIE 2016: 30.8 % women, aim 40 %" in page.get_data(as_text=True)


def test_completion_learning_gain_and_follow_up_come_from_the_linked_events(
    staff_client,
    db,
    course,  # noqa: F811
    workshop,  # noqa: F811
):
    """The course and the workshop of tests/test_outcomes.py: completion 2 of 4 and 2 of 2,
    the course's tests (gain 0.39) and follow-up (4 of 6 surveys answered)."""
    programme, event, _sessions = course
    plan = _plan(
        db,
        programme,
        items=2,
        year=2016,
        indicators=[
            {"text": "Completion", "target": 80, "unit": "%"},
            {"text": "Learning gain", "target": 0.3, "unit": None},
            {"text": "Follow-up answered", "target": 50, "unit": "%"},
        ],
    )
    both, only_workshop = plan.items
    for item, events in ((both, (event, workshop)), (only_workshop, (workshop,))):
        for linked in events:
            assert _link(staff_client, plan, item, linked).status_code == 303
        for position, name in enumerate(
            ("completion_rate", "learning_gain", "follow_up_response_rate")
        ):
            assert _measure(staff_client, plan, item, position, name).status_code == 303
    year = staff_client.get(f"/manage/plans/{plan.id}/report?period=2016").get_data(as_text=True)
    cells = _cells(year, both.ref)
    # (2 + 2) / (4 + 2) = 66.7 %; the course's gain; 4 of 6 surveys answered.
    assert [cell[:2] for cell in cells[:3]] == [["66.7", "%"], ["0.39", "Learning"], ["66.7", "%"]]
    # The workshop alone: everyone completed; no tests, no follow-up.
    assert [cell[0] for cell in cells[3:]] == ["100", "—", "—"]
    assert year.count("badge-behind") == 1 and year.count("badge-met") == 3


@pytest.mark.parametrize("participants", [10, 500])
def test_plan_report_queries_do_not_grow(staff_client, db, make, count_queries, participants):
    programme = make.programme(name=f"Big {participants}")
    plan = _plan(db, programme, items=30)
    names = [
        "women",
        "participants",
        "women_share",
        "authorities",
        "countries",
        "trained_trainers",
        "evaluation_mean",
        "events_held",
        "completion_rate",
        "learning_gain",
        "follow_up_response_rate",
    ]
    for n, item in enumerate(plan.items):
        event = make.event(f"E{n}", "1-2 April 2021", status="held", programme_id=programme.id)
        db.session.add(PlanItemEvent(item_id=item.id, event_id=event.id, training_of_trainers=True))
        for position in (0, 1):
            name = names[(2 * n + position) % len(names)]
            db.session.add(IndicatorMeasure(item_id=item.id, position=position, measure=name))
        if n < 2:
            _people(db, event, women=participants // 2, men=participants - participants // 2)
    db.session.commit()
    url = f"/manage/plans/{plan.id}/report?period=2021-Q2"
    staff_client.get(url)
    with count_queries() as queries:
        assert staff_client.get(url).status_code == 200
    # user, plan, items, progress, links, measures, then one per counting measure in use (7:
    # events held needs none), one for the completion rate (the events where someone was checked
    # in: none here, so no participant is read), two for the learning gain (attempts,
    # participants) and three for the follow-up (its events, schedules, surveys); nothing per
    # item or participant.
    assert len(queries) == 19, queries


def test_hostile_input_is_refused_and_writes_nothing(staff_client, db, make, georgia):
    _programme, plan, item, events = georgia
    elsewhere = make.event("Another programme's", "5 May 2021", status="held")
    other_plan = _plan(db, make.programme(name="Other"), year=2020)

    def nothing_written():
        links = db.session.scalar(select(func.count()).select_from(PlanItemEvent))
        chosen = db.session.scalar(select(func.count()).select_from(IndicatorMeasure))
        return links == 0 and chosen == 0

    refused = _measure(staff_client, plan, item, 0, "number_of_unicorns")
    assert refused.status_code == 400
    assert "Choose a measure from the list." in refused.get_data(as_text=True)
    refused = _link(staff_client, plan, item, elsewhere)
    assert refused.status_code == 400
    assert "Choose an event of the programme." in refused.get_data(as_text=True)
    no_eighth = _measure(staff_client, plan, item, 7, "women")
    assert no_eighth.status_code == 400
    assert "Choose one of the item&#39;s indicators." in no_eighth.get_data(as_text=True)
    for data in ({"event_id": "1\x00"}, {"event_id": "x" * 10_000}, {"event_id": "-1"}):
        response = staff_client.post(f"/manage/plans/{plan.id}/items/{item.id}/events", data=data)
        assert response.status_code in (303, 400)
    response = _measure(staff_client, plan, item, 0, "women\x00")
    assert response.status_code in (303, 400)
    # Another plan's item, through this plan's address.
    assert _link(staff_client, plan, other_plan.items[0], events["q1"]).status_code == 404
    bad = staff_client.get(f"/manage/plans/{plan.id}/report?period=2021-Q9")
    assert bad.status_code == 400
    assert nothing_written()
    with pytest.raises(IntegrityError):  # the database refuses a name outside the registry
        db.session.add(IndicatorMeasure(item_id=item.id, position=0, measure="unicorns"))
        db.session.flush()
    db.session.rollback()


def test_the_reports_spreadsheet_says_what_the_screen_says(staff_client, db, georgia):
    _programme, plan, item, events = georgia
    _link(staff_client, plan, item, events["q2a"], trainers=True)
    _link(staff_client, plan, item, events["across"])  # Q3, no training of trainers
    _measure(staff_client, plan, item, 0, "women")
    _measure(staff_client, plan, item, 1, "trained_trainers")
    q3 = staff_client.get(f"/manage/plans/{plan.id}/report?period=2021-Q3").get_data(as_text=True)
    women, trainers = _cells(q3, item.ref)
    assert " ".join(women) == "2 Participants (women) · 1 event · 5 to date"
    # Q3's one event trains no trainers: none counted in Q3, the ToT's five to date.
    assert " ".join(trainers) == "0 Trained trainers · 0 trainings of trainers · 5 to date"

    sheet = staff_client.get(f"/manage/plans/{plan.id}/report?period=2021-Q3&format=xlsx")
    header, *rows = load_workbook(io.BytesIO(sheet.data)).active.values
    found = [dict(zip(header, row, strict=True)) for row in rows]
    picked = ("Indicator", "Target", "Unit", "Computed", "To date", "Events counted")
    assert [tuple(row[k] for k in (*picked, "Target status")) for row in found] == [
        ("Number of women trained", 8, "people", 2, 5, 1, "Behind"),  # 5 < 8 × 273 / 365
        ("Number of trained trainers", 4, "people", 0, 5, 0, "Met"),
    ]


def _form(page: str, form_id: str) -> str:
    return page.split(f'id="{form_id}"')[1].split("</form>")[0]


def test_the_progress_form_labels_its_fields_and_says_whats_wrong_beside_them(
    staff_client, db, georgia
):
    _programme, plan, item, _events = georgia
    page = staff_client.get(f"/manage/plans/{plan.id}").get_data(as_text=True)
    form = _form(page, f"progress-{item.id}")
    # Visible labels, the plan's year as the example, one field per indicator named by it.
    assert f'<label for="period-{item.id}">Period<span class="visually-hidden"> 1.0</span>' in form
    assert 'placeholder="2021-Q1"' in form and "2016" not in form
    assert f'<label for="actual-0-{item.id}">Number of women trained<span' in form
    assert f'<label for="actual-1-{item.id}">Number of trained trainers<span' in form
    assert "actuals; …" not in page

    url = f"/manage/plans/{plan.id}/items/{item.id}/progress"
    sent = {"period": "Q5", "status": "on_track", "actual-0": "12", "actual-1": "", "comment": "x"}
    refused = staff_client.post(url, data=sent)
    assert refused.status_code == 400
    form = _form(refused.get_data(as_text=True), f"progress-{item.id}")
    assert f'<small class="error" id="period-{item.id}-error">Write a quarter as 2016-Q1' in form
    assert 'value="Q5"' in form and 'value="12"' in form  # what was sent, to correct
    # The form is sent to the item's anchor: the browser shows the refused form, not the top.
    assert f'/progress#progress-{item.id}"' in refused.get_data(as_text=True)

    negative = staff_client.post(url, data=sent | {"period": "2021-Q2", "actual-0": "-3"})
    assert negative.status_code == 400
    form = _form(negative.get_data(as_text=True), f"progress-{item.id}")
    assert f'id="actual-0-{item.id}-error">Write 0 or more: this indicator is a count' in form
    scripted = staff_client.post(
        url, data={"period": "2021-Q2", "status": "on_track", "actuals": "-3"}
    )
    assert scripted.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(ItemProgress)) == 0

    saved = staff_client.post(url, data=sent | {"period": "2021-Q2", "actual-1": "2"})
    assert saved.status_code == 302
    report = staff_client.get(f"/manage/plans/{plan.id}/report?period=2021-Q2").get_data(
        as_text=True
    )
    assert '<td class="number">12</td>' in report and '<td class="number">2</td>' in report
    # The semicolon form of scripts still works.
    again = staff_client.post(
        url, data={"period": "2021-Q3", "status": "on_track", "actuals": "7; 1"}
    )
    assert again.status_code == 302


def test_a_learning_gain_entered_by_hand_may_be_below_zero(staff_client, db, georgia):
    _programme, plan, item, _events = georgia
    _measure(staff_client, plan, item, 1, "learning_gain")
    url = f"/manage/plans/{plan.id}/items/{item.id}/progress"
    sent = {"period": "2021-Q2", "status": "on_track", "actual-0": "", "actual-1": "-0.2"}
    assert staff_client.post(url, data=sent).status_code == 302


def test_events_and_indicators_offer_only_events_not_linked_and_refuse_beside_the_field(
    staff_client, db, georgia
):
    _programme, plan, item, events = georgia
    _link(staff_client, plan, item, events["q1"])
    page = staff_client.get(f"/manage/plans/{plan.id}").get_data(as_text=True)
    offered = page.split(f'id="event-{item.id}"')[1].split("</select>")[0]
    assert "PEC training" not in offered and "DEC training" in offered
    # The link form and each indicator's measure on lines of their own: the Link button is not
    # on the line of the first indicator.
    links = page.split(f'id="links-{item.id}"')[1].split("</details>")[0]
    link_form = links.split('class="plan-item-form"')[1].split("</form>")[0]
    assert "Link</button>" in link_form and "measure" not in link_form
    assert links.count('<li><form method="post"') == 2  # one line per indicator

    refused = _measure(staff_client, plan, item, 0, "no_such_measure")
    assert refused.status_code == 400
    links = refused.get_data(as_text=True).split(f'id="links-{item.id}" open')[1]
    picker = links.split(f'id="measure-{item.id}-0"')[1].split("</form>")[0]
    assert f'id="measure-{item.id}-0-error" role="alert">Choose a measure from the list.' in picker
    assert db.session.scalar(select(func.count()).select_from(IndicatorMeasure)) == 0


def test_a_mean_of_33_over_8_shows_as_4_13(staff_client, db, make):
    """Half up, as people round: 4.125 is 4.13 (``round`` gives 4.12) in the plan report and
    the results."""
    programme = make.programme(name="Means", first_year=2021)
    plan = _plan(db, programme, indicators=[{"text": "Evaluation results", "target": 4}])
    event = make.event("Course", "1 February 2021", status="held", programme_id=programme.id)
    for score in (5, 5, 4, 4, 4, 4, 4, 3):  # 33 / 8
        db.session.add(
            EvaluationResponse(event_id=event.id, satisfaction=score, submitted_on=date(2021, 2, 2))
        )
    db.session.commit()
    _link(staff_client, plan, plan.items[0], event)
    _measure(staff_client, plan, plan.items[0], 0, "evaluation_mean")
    report = staff_client.get(f"/manage/plans/{plan.id}/report?period=2021").get_data(as_text=True)
    assert _cells(report, "1.0")[0][0] == "4.13"
    results = staff_client.get("/api/v1/reports/results?from=2021&to=2021").get_json()
    assert "4.13" in str(results["satisfaction"]) and "4.12" not in str(results["satisfaction"])
