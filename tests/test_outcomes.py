"""Did the training work, over HTTP: an event's Outcomes tab and its JSON against hand-worked
figures (session check-ins, a completion rule, pre- and post-test attempts, follow-up surveys),
what they say when there is nothing yet, the results' completion, learning gain and follow-up
(page, spreadsheet, JSON, the annual report), and the queries they run."""

import io
from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import insert, select

from eventsapp.attendance.models import CheckIn, SessionCheckIn
from eventsapp.core.clock import utcnow
from eventsapp.followup.models import FollowUpSchedule, FollowUpSurvey
from eventsapp.knowledge.models import KnowledgeTest, TestAttempt
from eventsapp.registration.models import Registration
from tests.conftest import login
from tests.session_helpers import add_sessions

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
D1, D2 = date(2016, 1, 18), date(2016, 1, 19)
SENT = datetime(2016, 4, 19, 8)


def person(db, event, name, gender="female", country="MX", status="approved"):
    registration = Registration(
        event_id=event.id,
        name=name,
        gender=gender,
        email=f"{name.split()[0].lower()}-{event.id}@example.org",
        country_code=country,
        status=status,
        consent_at=utcnow(),
    )
    db.session.add(registration)
    db.session.commit()
    return registration


def attend(db, registration, sessions):
    db.session.add_all(
        SessionCheckIn(registration_id=registration.id, session_id=s.id, source="sheet")
        for s in sessions
    )
    db.session.commit()


def pre_and_post(db, event) -> dict[str, KnowledgeTest]:
    found = {}
    for kind in ("pre", "post"):
        found[kind] = KnowledgeTest(event_id=event.id, kind=kind, opened_at=utcnow())
        db.session.add(found[kind])
    db.session.flush()
    return found


def scores(db, tests, registration, pre, post):
    """A pre-test and a post-test attempt, of ``pre`` and ``post`` points out of 10."""
    for kind, score in (("pre", pre), ("post", post)):
        db.session.add(
            TestAttempt(
                test_id=tests[kind].id,
                registration_id=registration.id,
                answers={},
                score=score,
                max_score=10,
                submitted_at=utcnow(),
            )
        )
    db.session.commit()


def surveys(db, months, sent, answered):
    """A follow-up survey of ``months`` to each of ``sent``, answered by ``answered`` of them."""
    for registration in sent:
        db.session.add(
            FollowUpSurvey(
                registration_id=registration.id,
                months=months,
                sent_at=SENT,
                answered_at=SENT if registration in answered else None,
                answers={"applied": "yes"} if registration in answered else {},
            )
        )
    db.session.commit()


def schedule(db, event, months):
    row = FollowUpSchedule(event_id=event.id)
    row.months = months
    db.session.add(row)
    db.session.commit()


@pytest.fixture
def course(db, make, staff_client):
    """The CICIE 2016 specialization course (requested by Mexico: the Americas), four sessions,
    a rule of 75 % of them, four participants with a place and one declined:

    ======  ======  ========  ========  ===========  =========  ==========
    who     gender  sessions  complete  pre → post   own gain   follow-up
    ======  ======  ========  ========  ===========  =========  ==========
    Amina   female  4 of 4    yes       40 → 70 %    0.5        3 ✓, 6 ✓
    Bea     female  3 of 4    yes (=)   60 → 80 %    0.5        3 ✓, 6 ✗
    Carlos  male    2 of 4    no        20 → 40 %    0.25       3 ✓
    Dario   male    0 of 4    no        100 → 100 %  —          3 ✗
    Eve     female  declined: checked in to the first session, counted nowhere
    ======  ======  ========  ========  ===========  =========  ==========

    Means of the four who took both tests: pre 55 %, post 72.5 %, gain 17.5 / 45 = 0.39;
    women 50 → 75 %: 0.5; men 60 → 70 %: 10 / 40 = 0.25.
    Sessions: Opening 3, Voter lists 3, Tallying 2, Results 1. Completion 2 of 4 (50 %).
    Follow-up: 3 months 3 of 4 answered, 6 months 1 of 2."""
    programme = make.programme(name="CICIE", acronym="CICIE", first_year=2016)
    event = make.event(
        "Specialization course",
        "18-19 January 2016",
        kind="specialization_course",
        status="held",
        programme_id=programme.id,
        requesting_countries=["MX"],
    )
    sessions = add_sessions(
        db, event, {D1: ["Opening", "Voter lists"], D2: ["Tallying", "Results"]}
    )
    form = {"basis": "sessions", "minimum_share": "75"}
    assert staff_client.post(f"/manage/events/{event.id}/attendance", data=form).status_code == 302
    amina, bea = person(db, event, "Amina Odhiambo"), person(db, event, "Bea Lund", country="SE")
    carlos = person(db, event, "Carlos Ruiz", gender="male")
    dario = person(db, event, "Dario Neri", gender="male")
    eve = person(db, event, "Eve Declined", status="declined")
    attend(db, amina, sessions)
    attend(db, bea, sessions[:3])
    attend(db, carlos, sessions[:2])
    attend(db, eve, sessions[:1])
    tests = pre_and_post(db, event)
    for registration, pre, post in ((amina, 4, 7), (bea, 6, 8), (carlos, 2, 4), (dario, 10, 10)):
        scores(db, tests, registration, pre, post)
    schedule(db, event, (3, 6))
    surveys(db, 3, [amina, bea, carlos, dario], [amina, bea, carlos])
    surveys(db, 6, [amina, bea], [amina])
    return programme, event, sessions


@pytest.fixture
def workshop(db, make, course):
    """A workshop of the same programme in 2016, requested by Romania (Europe): two
    participants checked in on both of its days complete its default rule (every day); no
    tests, no follow-up."""
    programme = course[0]
    event = make.event(
        "Workshop in Bucharest",
        "1-2 March 2016",
        status="held",
        programme_id=programme.id,
        requesting_countries=["RO"],
    )
    for name, gender in (("Radu Pop", "male"), ("Ioana Ene", "female")):
        registration = person(db, event, name, gender=gender, country="RO")
        for day in (date(2016, 3, 1), date(2016, 3, 2)):
            db.session.add(CheckIn(registration_id=registration.id, day=day))
    db.session.commit()
    return event


EXPECTED_TESTS = {
    "pre_mean": 55.0,
    "post_mean": 72.5,
    "gain": 0.39,
    "gain_by_gender": {"female": 0.5, "male": 0.25},
}


def test_the_outcomes_json_matches_hand_worked_figures(staff_client, course):
    _programme, event, sessions = course
    answer = staff_client.get(f"/api/v1/events/{event.id}/outcomes")
    assert answer.status_code == 200
    assert answer.get_json() == {
        "sessions": [
            {"id": s.id, "title": s.title, "attended": n}
            for s, n in zip(sessions, (3, 3, 2, 1), strict=True)
        ],
        "completion": {
            "rule": "At least 75 % of the sessions",
            "completed": 2,
            "participants": 4,
        },
        "tests": EXPECTED_TESTS,
        "follow_up": [
            {"months": 3, "sent": 4, "answered": 3},
            {"months": 6, "sent": 2, "answered": 1},
        ],
    }
    assert staff_client.get(f"/api/v1/events/{event.id + 99}/outcomes").status_code == 404


def test_the_outcomes_json_is_for_staff_only_and_documented(app, course, delegate_user):
    event, client = course[1], app.test_client()  # not the staff's, signed in by ``course``
    refused = client.get(f"/api/v1/events/{event.id}/outcomes")
    assert refused.status_code == 401 and "sessions" not in refused.get_json()
    document = client.get("/api/v1/openapi.json").get_json()
    operation = document["paths"]["/api/v1/events/{event_id}/outcomes"]["get"]
    assert set(operation["responses"]) >= {"200", "401", "403", "404"}
    assert "EventOutcomes" in str(operation["responses"]["200"])
    login(client, delegate_user)
    assert client.get(f"/api/v1/events/{event.id}/outcomes").status_code == 403


def _row(page: str, row_id: str) -> str:
    return page.split(f'id="{row_id}"')[1].split("</tr>")[0]


def test_the_outcomes_page_shows_each_part_and_links_to_its_page(staff_client, course):
    _programme, event, sessions = course
    page = staff_client.get(f"/manage/events/{event.id}/outcomes").text
    # The tab is in the event's hub, marked as the page shown.
    assert f'<a href="/manage/events/{event.id}/outcomes" aria-current="page">Outcomes</a>' in page
    for session, attended in zip(sessions, (3, 3, 2, 1), strict=True):
        row = _row(page, f"session-{session.id}")
        assert session.title in row and f"<b>{attended}</b>" in row and "of 4" in row
    assert "Lunch" not in page  # breaks take no attendance
    assert '<b id="completion-rule">At least 75 % of the sessions</b>' in page
    assert "2 of 4 participants completed the event" in page and "<b>50.0 %</b>" in page
    assert "4 participants took both tests" in page
    assert "<b>55.0 %</b>" in page and "<b>72.5 %</b>" in page
    assert '<b id="event-gain">0.39</b>' in page
    by_gender = page.split('id="gain-gender"')[1].split("</table>")[0]
    assert '<th scope="row">Female</th><td>2</td><td>50.0 %</td><td>75.0 %</td><td>0.50</td>' in (
        by_gender
    )
    assert '<th scope="row">Male</th><td>2</td><td>60.0 %</td><td>70.0 %</td><td>0.25</td>' in (
        by_gender
    )
    three = _row(page, "period-3")
    assert "3 months after" in three and "<td>4</td><td>3</td><td>75.0 %</td>" in three
    assert "<td>2</td><td>1</td><td>50.0 %</td>" in _row(page, "period-6")
    for own in ("attendance", "tests/", "follow-up"):
        assert f'href="/manage/events/{event.id}/{own}"' in page


def test_an_event_without_outcomes_says_what_to_do(staff_client, make):
    event = make.event("New seminar")
    page = staff_client.get(f"/manage/events/{event.id}/outcomes").text
    assert "No session of the agenda takes attendance yet" in page
    assert f'href="/manage/events/{event.id}/agenda/"' in page
    assert "Nobody has a place yet: approve participants first" in page
    assert "At least 100 % of the days" in page  # the rule until staff set one
    assert "Nobody has taken both tests yet" in page
    assert "No follow-up survey is planned" in page
    answer = staff_client.get(f"/api/v1/events/{event.id}/outcomes").get_json()
    assert answer == {
        "sessions": [],
        "completion": {"rule": "At least 100 % of the days", "completed": None, "participants": 0},
        "tests": {"pre_mean": None, "post_mean": None, "gain": None, "gain_by_gender": {}},
        "follow_up": [],
    }


def test_completion_is_unknown_until_anyone_is_checked_in(staff_client, db, make, app):
    event = make.event("Course", "10-12 October 2016", status="held")
    people = [person(db, event, f"Person{n} Course") for n in range(14)]
    answer = staff_client.get(f"/api/v1/events/{event.id}/outcomes").get_json()
    # Nobody checked in: nobody is known to have completed or not.
    assert answer["completion"]["completed"] is None
    assert answer["completion"]["participants"] == 14
    page = staff_client.get(f"/manage/events/{event.id}/outcomes").text
    assert "No attendance recorded yet" in page and "participants completed" not in page
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    figures = next(
        schema
        for name, schema in document["components"]["schemas"].items()
        if name.endswith(".CompletionFigures")
    )
    assert {"type": "null"} in figures["properties"]["completed"]["anyOf"]

    db.session.add(CheckIn(registration_id=people[0].id, day=date(2016, 10, 10)))
    db.session.commit()
    answer = staff_client.get(f"/api/v1/events/{event.id}/outcomes").get_json()
    assert answer["completion"]["completed"] == 0  # one day of three: nobody completed
    page = staff_client.get(f"/manage/events/{event.id}/outcomes").text
    assert "0 of 14 participants completed the event" in page


OVERALL = {
    # 2 of 4 at the course, 2 of 2 at the workshop; the tests and the follow-up are the course's.
    "completion": {"completed": 4, "participants": 6, "rate": 66.7},
    "learning_gain": {"participants": 4, "pre_mean": 55.0, "post_mean": 72.5, "gain": 0.39},
    "follow_up": {"sent": 6, "answered": 4, "rate": 66.7},
}


def test_the_results_add_completion_learning_gain_and_follow_up(staff_client, course, workshop):
    answer = staff_client.get("/api/v1/reports/results?from=2016&to=2016").get_json()
    outcomes = answer["outcomes"]
    assert outcomes["overall"] == OVERALL
    assert outcomes["by_year"] == [{"year": 2016, **OVERALL}]
    regions = {row["region"]: row for row in outcomes["by_region"]}
    assert regions["Americas"]["completion"] == {"completed": 2, "participants": 4, "rate": 50.0}
    assert regions["Europe"]["completion"] == {"completed": 2, "participants": 2, "rate": 100.0}
    assert regions["Europe"]["learning_gain"]["gain"] is None
    assert regions["Americas"]["follow_up"] == {"sent": 6, "answered": 4, "rate": 66.7}
    assert [(g["key"], g["participants"], g["gain"]) for g in outcomes["gain_by_gender"]] == [
        ("female", 2, 0.5),
        ("male", 2, 0.25),
    ]
    # Women: Amina, Bea and Ioana completed; men: Radu did, Carlos and Dario not. Surveys: the
    # women 4 sent, 3 answered; the men 2 sent, 1 answered.
    assert [
        (g["key"], g["completion"]["completed"], g["completion"]["participants"])
        + (g["completion"]["rate"], g["follow_up"]["sent"], g["follow_up"]["answered"])
        for g in outcomes["by_gender"]
    ] == [("female", 3, 3, 100.0, 4, 3), ("male", 1, 3, 33.3, 2, 1)]
    assert [e["title"] for e in outcomes["by_event"]] == [
        "Specialization course",
        "Workshop in Bucharest",
    ]

    page = staff_client.get("/reports/results?from=2016&to=2016").text
    assert "Completion: 66.7 % (4 of 6 participants)" in page
    assert "Learning gain: 0.39 (pre-test 55.0 %, post-test 72.5 %; 4 took both tests)" in page
    assert "Follow-up: 66.7 % answered (4 of 6 surveys sent)" in page
    assert "<caption>Outcomes by region</caption>" in page
    assert "<caption>Completion and follow-up by gender</caption>" in page

    book = load_workbook(
        io.BytesIO(staff_client.get("/reports/results.xlsx?from=2016&to=2016").data)
    )
    by_year = list(book["Outcomes by year"].values)
    assert by_year[1] == (2016, 4, 6, 66.7, 55, 72.5, 0.39, 6, 4, 66.7)  # numbers, not text
    assert list(book["Learning gain by gender"].values)[1:] == [
        ("Female", 2, 50, 75, 0.5),
        ("Male", 2, 60, 70, 0.25),
    ]


def test_the_annual_report_shows_the_courses_completion_and_gain_by_gender(staff_client, course):
    page = staff_client.get("/reports/annual-report?programme=cicie&year=2016").text
    assert "Completion: 50.0 % (2 of 4 participants)" in page
    table = page.split("<caption>Learning gain by gender</caption>")[1].split("</table>")[0]
    # The column's figures share their decimals: 0.50 beside 0.25.
    assert '<th scope="row">Female</th>' in table and '<td class="number">0.50</td>' in table
    assert '<th scope="row">Male</th>' in table and '<td class="number">0.25</td>' in table
    by_event = page.split("<caption>Outcomes by event</caption>")[1].split("</table>")[0]
    assert '<th scope="row">Specialization course</th>' in by_event
    pdf = staff_client.get("/reports/annual-report.pdf?programme=cicie&year=2016")
    assert pdf.status_code in (200, 503)  # 503 where the server has no Pango


def test_results_without_outcomes_say_what_to_do(staff_client, make):
    make.event("Seminar", "1 May 2016", status="held")
    page = staff_client.get("/reports/results?from=2016&to=2016").text
    assert "No completion, test or follow-up figures for these events yet" in page
    answer = staff_client.get("/api/v1/reports/results?from=2016&to=2016").get_json()
    assert answer["outcomes"]["overall"]["completion"] == {
        "completed": 0,
        "participants": 0,
        "rate": None,
    }


def fill(db, event, sessions, tests, size: int):
    """``size`` participants with a place, each at the first session, both tests taken and a
    3-month survey sent (half of them answered), inserted in bulk."""
    now = utcnow()
    db.session.execute(
        insert(Registration),
        [
            {
                "event_id": event.id,
                "name": f"Participant {n}",
                "gender": ("female", "male")[n % 2],
                "email": f"bulk{n}-{event.id}@example.org",
                "country_code": ("MX", "KE", "RO")[n % 3],
                "status": "approved",
                "consent_at": now,
                "interpretation_languages": [],
            }
            for n in range(size)
        ],
    )
    ids = db.session.scalars(select(Registration.id).where(Registration.event_id == event.id)).all()
    db.session.execute(
        insert(SessionCheckIn),
        [{"registration_id": r, "session_id": sessions[0].id, "source": "sheet"} for r in ids],
    )
    for kind, score in (("pre", 4), ("post", 7)):
        db.session.execute(
            insert(TestAttempt),
            [
                {
                    "test_id": tests[kind].id,
                    "registration_id": r,
                    "answers": {},
                    "score": score,
                    "max_score": 10,
                    "submitted_at": now,
                }
                for r in ids
            ],
        )
    db.session.execute(
        insert(FollowUpSurvey),
        [
            {
                "registration_id": r,
                "months": 3,
                "sent_at": SENT,
                "answered_at": SENT if n % 2 else None,
                "answers": {},
            }
            for n, r in enumerate(ids)
        ],
    )
    db.session.commit()


def queries_at(staff_client, db, make, count_queries, size: int) -> list[int]:
    programme = make.programme(name=f"Scale {size}", first_year=2016)
    event = make.event(
        "Course at scale", "18-19 January 2016", status="held", programme_id=programme.id
    )
    sessions = add_sessions(db, event, {D1: ["Opening", "Voter lists"]})
    schedule(db, event, (3,))
    fill(db, event, sessions, pre_and_post(db, event), size)
    counts = []
    for url in (
        f"/manage/events/{event.id}/outcomes",
        f"/api/v1/events/{event.id}/outcomes",
        f"/reports/results?programme={programme.id}",
        f"/api/v1/reports/results?programme={programme.id}",
        f"/reports/annual-report?programme={programme.id}&year=2016",
    ):
        staff_client.get(url)
        with count_queries() as queries:
            assert staff_client.get(url).status_code == 200
        counts.append(len(queries))
    answer = staff_client.get(f"/api/v1/events/{event.id}/outcomes").get_json()
    assert answer["sessions"][0]["attended"] == size and answer["tests"]["gain"] == 0.5
    assert answer["follow_up"] == [{"months": 3, "sent": size, "answered": size // 2}]
    return counts


def test_the_outcomes_page_and_the_results_run_the_same_queries_at_10_and_500(
    staff_client, db, make, count_queries
):
    small = queries_at(staff_client, db, make, count_queries, 10)
    assert queries_at(staff_client, db, make, count_queries, 500) == small


OUTCOME_HEADINGS = (
    "Completed",
    "Participants",
    "Completion rate (%)",
    "Pre-test mean (%)",
    "Post-test mean (%)",
    "Learning gain",
    "Follow-up surveys sent",
    "Answered",
    "Response rate (%)",
)


def text_off_the_page(pdf: bytes) -> tuple[str, str]:
    """The PDF's text, and the pieces of it that run off their page's right edge (as a reader
    of the printed page misses them): each piece's start, plus its width at half an em a
    character (DejaVu Sans is wider), past the page's width."""
    text, off = [], []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        width = float(page.mediabox.width)

        def seen(piece, cm, tm, _font, size, width=width):
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            if piece.strip() and x + 0.5 * size * tm[0] * cm[0] * len(piece.strip()) > width:
                off.append(piece.strip())

        text.append(page.extract_text(visitor_text=seen))
    return " ".join(" ".join(text).split()), " ".join(off)


def test_the_annual_reports_pdf_prints_every_column_of_the_outcome_tables(staff_client, course):
    pdf = staff_client.get("/reports/annual-report.pdf?programme=cicie&year=2016")
    assert pdf.status_code == 200
    text, off = text_off_the_page(pdf.data)
    for title in ("Outcomes by year", "Outcomes by region", "Outcomes by event"):
        assert title in text
    for heading in OUTCOME_HEADINGS:
        assert heading in text
        assert not any(word in off for word in heading.split()), (heading, off)
