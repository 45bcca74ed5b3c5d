"""The demo's outcomes, so that a coordinator finds them filled in:

- CICIE's 2016 specialization course on electronic voting from abroad, held: its agenda, who
  attended each session, a completion rule and its certificates, a pre- and a post-test (the
  same questions; women and men learn differently), and a three-month follow-up that most
  answered;
- the Georgia CEC's 2021 action plan: its item "Training of members of DEC's and PEC's" linked
  to three demo trainings (one of trainers), its indicators split as staff would and computed
  from them, so that its quarterly report shows trained trainers, members trained by gender and
  the evaluation's mean.

Nobody is emailed: what the services queue for the demo's addresses is dropped.
"""

from datetime import datetime, time, timedelta

from sqlalchemy import delete, select

from ..accounts.models import STAFF_ROLES, User
from ..agenda.models import AgendaSession
from ..agenda.services import SessionInput, save_session
from ..attendance.completion import Rule, issue_certificates, set_completion_rule
from ..attendance.models import Basis, EvaluationResponse
from ..attendance.sessions import check_in_to_session, countable_sessions
from ..catalogue.models import Event, EventStatus, Programme
from ..catalogue.services import EventInput, VenueInput, save_event
from ..core.clock import utcnow
from ..core.dates import read_date_phrase
from ..extensions import db
from ..followup.models import FollowUpSurvey
from ..followup.questions import survey_questions
from ..followup.schedule import due_on, set_event_schedule
from ..followup.services import remind_period, send_period, submit_answers
from ..knowledge.models import POST, PRE
from ..knowledge.questions import (
    ScoredInput,
    add_question,
    questions_of,
    test_of,
    use_pre_test_questions,
)
from ..knowledge.taking import submit_test
from ..mail.models import OutboxEmail
from ..people.models import Gender, Organisation
from ..plans.indicators import link_event, link_measure
from ..plans.models import Plan, PlanItem
from ..registration.models import ParticipantRole, Registration, Status
from .current_year import TIMEZONE
from .delegations import give_people
from .outcomes_data import (
    AGENDA,
    CEC,
    FOLLOW_UP_ANSWERS,
    INDICATORS,
    ITEM_REF,
    MEN,
    SURNAMES,
    TEST,
    TRAININGS,
    WOMEN,
)

COURSE = "cicie-sc-2016-electronic-voting-abroad"
# CICIE's rule for the course: 80 % of the sessions and 60 % in the post-test; those who came
# without completing are given a certificate of attendance.
RULE = Rule(
    basis=Basis.SESSIONS, minimum_share=80, minimum_post_score=60, attendance_certificates=True
)
GEORGIA_PLAN = "Action Plan 2021 of Election Administration"


def load() -> None:
    staff = db.session.scalar(
        select(User).where(User.role.in_(STAFF_ROLES)).order_by(User.id).limit(1)
    )  # the first staff account, if there is one yet; the site otherwise
    last_email = db.session.scalar(select(OutboxEmail.id).order_by(OutboxEmail.id.desc())) or 0
    _course(staff)
    _georgia(staff)
    db.session.flush()
    give_people(utcnow())  # the trainings' participants, as confirming would have
    db.session.execute(delete(OutboxEmail).where(OutboxEmail.id > last_email))


# ---------------------------------------------------------------- the 2016 course


def _course(staff) -> None:
    course = db.session.scalar(select(Event).where(Event.source_key == COURSE))
    if course is None or course.precision != "day" or test_of(course, PRE) is not None:
        return
    course.status = EventStatus.HELD
    if not db.session.scalar(select(AgendaSession.id).where(AgendaSession.event_id == course.id)):
        for day, starts, ends, kind, title in AGENDA:
            at = SessionInput(
                day=course.starts_on + timedelta(days=day),
                start_time=time.fromisoformat(starts),
                end_time=time.fromisoformat(ends),
                timezone=TIMEZONE,
                title=title,
                kind=kind,
                published=True,
            )
            save_session(course, AgendaSession(), at)
    db.session.flush()
    people = list(
        db.session.scalars(
            select(Registration)
            .where(Registration.event_id == course.id, Registration.status == Status.APPROVED)
            .order_by(Registration.id)
        )
    )
    _tests(course, people)
    _attendance(course, people, staff)
    ended = datetime.combine(course.ends_on, datetime.min.time()) + timedelta(days=1, hours=10)
    set_completion_rule(course, RULE)
    issue_certificates(course, ended, staff)
    _follow_up(course)


def _follow_up(course: Event) -> None:
    """Three months after: surveyed, reminded two weeks later, and ten of them answered."""
    set_event_schedule(course, False, "3")
    due = datetime.combine(due_on(course, 3), datetime.min.time()) + timedelta(hours=8)
    send_period(course, 3, due)
    db.session.flush()
    surveys = db.session.scalars(
        select(FollowUpSurvey)
        .join(Registration, Registration.id == FollowUpSurvey.registration_id)
        .where(Registration.event_id == course.id)
        .order_by(FollowUpSurvey.registration_id)
    ).all()
    questions = survey_questions(course.programme_id)
    for number, survey in enumerate(surveys[: len(FOLLOW_UP_ANSWERS)]):
        applied, useful, shared = FOLLOW_UP_ANSWERS[number]
        given = dict(zip((q.field_name for q in questions), (applied, useful, shared), strict=True))
        submit_answers(survey, given, due + timedelta(days=number % 12, hours=number))
    remind_period(course, 3, due + timedelta(days=14))


def _attendance(course: Event, people: list[Registration], staff) -> None:
    """Most attend every session; two miss a third of them, and a few miss one or two."""
    evening = datetime.combine(course.ends_on, datetime.min.time()) + timedelta(hours=23)
    for position, session in enumerate(countable_sessions(course)):
        for number, registration in enumerate(people):
            often = number in (4, 9) and position % 3 == 0
            once = (number * 3 + position) % 11 == 0
            if not (often or once):
                check_in_to_session(registration, session, evening, staff)


def _tests(course: Event, people: list[Registration]) -> None:
    """The pre-test taken on the first morning, the post-test on the last afternoon."""
    pre = test_of(course, PRE, create=True)
    for kind, label, choices, correct, points in TEST:
        data = ScoredInput(label=label, kind=kind, required=True, choices="\n".join(choices))
        data.correct, data.points = "\n".join(correct), points
        add_question(pre, data)
    db.session.flush()
    use_pre_test_questions(course)
    post = test_of(course, POST)
    first = datetime.combine(course.starts_on, datetime.min.time()) + timedelta(hours=9)
    last = datetime.combine(course.ends_on, datetime.min.time()) + timedelta(hours=15)
    for test, at, right in ((pre, first, _right_before), (post, last, _right_after)):
        test.opened_at = at - timedelta(hours=1)
        db.session.flush()
        for number, registration in enumerate(people):
            if test is post and number == len(people) - 1:
                continue  # she left before the end: no post-test
            given = {
                f"q{question}": _answer(question, right(number, question, registration))
                for question in range(len(TEST))
            }
            submit_test(test, registration, _by_field(test, given), at)
        test.closed_at = at + timedelta(hours=2)
    db.session.flush()


def _right_before(number: int, question: int, _registration) -> bool:
    return (number + question) % 3 == 0


def _right_after(number: int, question: int, registration) -> bool:
    """Women answer better after the course than men in the demo (so gain by gender differs)."""
    every = 6 if registration.gender == Gender.FEMALE else 3
    return (number + question) % every != 0


def _answer(question: int, right: bool):
    kind, _label, choices, correct, _points = TEST[question]
    if right:
        return list(correct) if kind == "several_choices" else correct[0]
    wrong = [choice for choice in choices if choice not in correct]
    return wrong[:1] if kind == "several_choices" else (wrong[0] if wrong else "5")


def _by_field(test, given: dict) -> dict:
    """The answers keyed as the test's form sends them (its questions' field names)."""
    return {
        question.field_name: given[f"q{position}"]
        for position, question in enumerate(questions_of(test))
    }


# ---------------------------------------------------------------- the Georgia plan


def _georgia(staff) -> None:
    plan = db.session.scalar(select(Plan).where(Plan.title == GEORGIA_PLAN))
    item = plan and db.session.scalar(
        select(PlanItem).where(PlanItem.plan_id == plan.id, PlanItem.ref == ITEM_REF)
    )
    if item is None or len(item.indicators or []) > 1:
        return  # no such plan, or split already (by the demo or by staff)
    programme = db.session.get(Programme, plan.programme_id)
    cec = _cec()
    item.indicators = [
        {"text": text, "target": target, "unit": unit} for text, target, unit, _m in INDICATORS
    ]
    db.session.flush()
    for position, (_text, _target, _unit, measure) in enumerate(INDICATORS):
        if measure:
            link_measure(item, position, measure, staff)
    counted = {Gender.FEMALE: 0, Gender.MALE: 0}
    for key, title, phrase, (women, men), trainers, scores in TRAININGS:
        event = db.session.scalar(select(Event).where(Event.source_key == key))
        if event is None:
            event = Event(source_key=key)
            save_event(event, _training(programme, title, phrase))
            db.session.flush()
            _trained(event, cec, _names(women, men, counted))
            _evaluated(event, scores)
        link_event(item, plan, event.id, trainers, staff)


def _cec() -> Organisation:
    name, acronym, kind, country = CEC
    organisation = db.session.scalar(select(Organisation).where(Organisation.name == name))
    if organisation is None:
        organisation = Organisation(name=name, acronym=acronym, kind=kind, country_code=country)
        db.session.add(organisation)
        db.session.flush()
    return organisation


def _training(programme: Programme, title: str, phrase: str) -> EventInput:
    return EventInput(
        title=title,
        kind="other",
        status=EventStatus.HELD,
        window=read_date_phrase(phrase),
        date_text=phrase,
        programme_id=programme.id,
        venue=VenueInput("GE", "Tbilisi", "Training Centre of the CEC"),
        languages=["ka"],
    )


def _names(women: int, men: int, counted: dict[str, int]) -> list[tuple[str, str]]:
    """The next names of each gender: each first name with each surname once, so that no two
    of the trainings' people share a name (the registry would take them for one person)."""
    found = []
    for gender, names, wanted in ((Gender.FEMALE, WOMEN, women), (Gender.MALE, MEN, men)):
        for n in range(counted[gender], counted[gender] + wanted):
            first, row = n % len(names), n // len(names)
            found.append((f"{names[first]} {SURNAMES[(row + 3 * first) % len(SURNAMES)]}", gender))
        counted[gender] += wanted
    return found


def _trained(event: Event, cec: Organisation, people: list[tuple[str, str]]) -> None:
    at = datetime.combine(event.starts_on, datetime.min.time()) - timedelta(days=20)
    for number, (name, gender) in enumerate(people):
        db.session.add(
            Registration(
                event_id=event.id,
                name=name,
                gender=gender,
                email=f"demo.{event.source_key}.{number + 1}@example.org",
                position="Member of an election commission",
                organisation_id=cec.id,
                country_code="GE",
                role=ParticipantRole.DELEGATE,
                status=Status.ATTENDED,
                consent_at=at,
                created_at=at,
            )
        )


def _evaluated(event: Event, scores: tuple[int, ...]) -> None:
    day = event.ends_on or event.starts_on
    for score in scores:
        db.session.add(
            EvaluationResponse(
                event_id=event.id,
                answers={"overall": score, "content": score, "organisation": max(score - 1, 1)},
                satisfaction=score,
                submitted_on=day,
            )
        )
