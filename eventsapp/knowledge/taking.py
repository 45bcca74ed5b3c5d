"""Taking a test: opening it (its link emailed, in their language, to each participant with a
place who has not been emailed it yet) and closing it; a reminder to those who have not taken
it, at most once a day; the participant's answers, once, scored as they come; and a paper test
typed in by staff (correctable). Staff's changes are in the event's History."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..catalogue.models import Event
from ..core.actions import describe, log_action
from ..core.errors import InvalidInput
from ..core.i18n import format_moment
from ..core.links import site_url
from ..core.locks import reread_locked
from ..core.questions import read_answers
from ..core.tokens import KNOWLEDGE_TEST
from ..extensions import db
from ..registration.models import Registration
from ..registration.notifications import notify, participant_email
from ..registration.participants import WITH_A_PLACE, participants_with_a_place
from .models import POST, PRE, KnowledgeTest, TestAttempt, TestInvitation, TestKind
from .questions import questions_of, test_of
from .services import score_of

EMAILS = {
    PRE: participant_email("knowledge_pre_test", _l("Take the pre-test: %(title)s")),
    POST: participant_email("knowledge_post_test", _l("Take the post-test: %(title)s")),
}
REMINDER_EVERY = timedelta(days=1)
_KIND = {"test": TestKind}
OPENED = describe(
    "knowledge_test.opened",
    _l("Opened the %(test)s of %(object)s (its link emailed to participants: %(emailed)s)"),
    labels=_KIND,
)
CLOSED = describe("knowledge_test.closed", _l("Closed the %(test)s of %(object)s"), labels=_KIND)
REMINDED = describe(
    "knowledge_test.reminded",
    _l("Reminded participants to take the %(test)s of %(object)s (emailed: %(emailed)s)"),
    labels=_KIND,
)
# Of a participant (the registration), so that their name goes when they are forgotten.
PAPER_ENTERED = describe(
    "registration.paper_test_entered",
    _l("Entered the paper %(test)s of %(object)s: %(score)s of %(points)s points"),
    labels=_KIND,
)
PAPER_CORRECTED = describe(
    "registration.paper_test_corrected",
    _l("Corrected the paper %(test)s of %(object)s: %(score)s of %(points)s points"),
    labels=_KIND,
)


def test_url(test: KnowledgeTest, registration_id: int) -> str:
    token = KNOWLEDGE_TEST.sign({"t": test.id, "r": registration_id})
    return site_url("knowledge.take_test", token=token)


@dataclass
class Taking:
    """What a test link names: the test and the registration (either None when gone)."""

    test: KnowledgeTest | None
    registration: Registration | None


def read_token(token: str) -> Taking | None:
    """The test and registration a link names, None for a link the site did not make."""
    value = KNOWLEDGE_TEST.read(token)
    if not isinstance(value, dict):
        return None
    test_id, registration_id = value.get("t"), value.get("r")
    if not all(isinstance(n, int) and not isinstance(n, bool) for n in (test_id, registration_id)):
        return None
    return Taking(
        db.session.get(KnowledgeTest, test_id), db.session.get(Registration, registration_id)
    )


def has_a_place(registration: Registration | None) -> bool:
    return registration is not None and registration.status in WITH_A_PLACE


def attempt_of(test: KnowledgeTest, registration_id: int) -> TestAttempt | None:
    return db.session.scalar(
        select(TestAttempt).where(
            TestAttempt.test_id == test.id, TestAttempt.registration_id == registration_id
        )
    )


def _taken(test: KnowledgeTest) -> set[int]:
    return set(
        db.session.scalars(
            select(TestAttempt.registration_id).where(TestAttempt.test_id == test.id)
        )
    )


def _invited(test: KnowledgeTest) -> set[int]:
    return set(
        db.session.scalars(
            select(TestInvitation.registration_id).where(TestInvitation.test_id == test.id)
        )
    )


def _email(test: KnowledgeTest, people: list[Registration], invited: set[int], now) -> int:
    """The test's link emailed to each of ``people``, marked as emailed unless ``invited``
    already; how many."""
    for registration in people:
        notify(registration, EMAILS[test.kind], test_url=test_url(test, registration.id))
        if registration.id not in invited:
            db.session.add(
                TestInvitation(test_id=test.id, registration_id=registration.id, emailed_at=now)
            )
    return len(people)


def _not_taken(event: Event, test: KnowledgeTest) -> list[Registration]:
    taken = _taken(test)
    return [r for r in participants_with_a_place(event.id) if r.id not in taken]


def open_test(event: Event, kind: str, actor, now: datetime) -> int:
    """Open the test and email its link to each participant with a place who has neither taken
    it nor been emailed it (opened again after closing, it emails only newcomers); how many were
    emailed. A test without questions is refused."""
    test = test_of(event, kind, create=True)
    reread_locked(test)  # a second click waits, and finds those the first one emailed
    if not questions_of(test):
        raise InvalidInput("open", _("Add questions to the test before opening it."))
    test.opened_at, test.closed_at = test.opened_at or now, None
    invited = _invited(test)
    people = [r for r in _not_taken(event, test) if r.id not in invited]
    emailed = _email(test, people, invited, now)
    log_action(test, OPENED, actor, {"test": kind, "emailed": emailed}, at=now, label=event.title)
    return emailed


def close_test(event: Event, kind: str, actor, now: datetime) -> None:
    test = test_of(event, kind)
    if test is not None and test.is_open:
        test.closed_at = now
        log_action(test, CLOSED, actor, {"test": kind}, at=now, label=event.title)


def next_reminder(test: KnowledgeTest | None) -> datetime | None:
    """When staff may remind again (None: now)."""
    if test is None or test.reminded_at is None:
        return None
    return test.reminded_at + REMINDER_EVERY


def remind(event: Event, kind: str, actor, now: datetime) -> int:
    """Email the open test's link again to each participant with a place who has not taken it,
    at most once a day; how many were emailed."""
    test = test_of(event, kind)
    if test is not None:
        reread_locked(test)  # a second click waits, and finds the first one's reminder
    if test is None or not test.is_open:
        raise InvalidInput("remind", _("Open the test before reminding participants."))
    if (again := next_reminder(test)) is not None and now < again:
        raise InvalidInput(
            "remind",
            _(
                "Participants were reminded less than a day ago: remind them again from %(when)s.",
                when=format_moment(again),
            ),
        )
    test.reminded_at = now
    emailed = _email(test, _not_taken(event, test), _invited(test), now)
    log_action(test, REMINDED, actor, {"test": kind, "emailed": emailed}, at=now, label=event.title)
    return emailed


def _scored(test: KnowledgeTest, given) -> tuple[dict, int, int]:
    questions = questions_of(test)
    answers = read_answers(questions, given)
    score, points = score_of(questions, answers)
    return answers, score, points


def submit_test(test: KnowledgeTest, registration: Registration, given, now: datetime):
    """Save a participant's answers to an open test, once, with their score."""
    if not test.is_open:
        raise InvalidInput("test", _("This test is closed."))
    if attempt_of(test, registration.id) is not None:
        raise InvalidInput("test", _("You have taken this test already."))
    answers, score, points = _scored(test, given)
    attempt = TestAttempt(
        test_id=test.id,
        registration_id=registration.id,
        answers=answers,
        score=score,
        max_score=points,
        submitted_at=now,
    )
    db.session.add(attempt)
    return attempt


def enter_paper_test(test: KnowledgeTest, registration: Registration, given, actor, now):
    """Save (or correct) a participant's paper test as ``actor`` (staff) typed it in; an online
    attempt is the participant's own and stays."""
    if registration.event_id != test.event_id or not has_a_place(registration):
        raise InvalidInput("test", _("Choose a participant with a place at this event."))
    attempt = attempt_of(test, registration.id)
    if attempt is not None and attempt.entered_by_id is None:
        raise InvalidInput("test", _("This participant took the test online: it stays as given."))
    answers, score, points = _scored(test, given)
    action = PAPER_ENTERED if attempt is None else PAPER_CORRECTED
    if attempt is None:
        attempt = TestAttempt(test_id=test.id, registration_id=registration.id)
        db.session.add(attempt)
    attempt.answers, attempt.score, attempt.max_score = answers, score, points
    attempt.entered_by_id, attempt.submitted_at = actor.id, now
    data = {"test": test.kind, "score": score, "points": points}
    log_action(registration, action, actor, data, at=now)
    return attempt


LINK_LABELS = {PRE: _l("Take the pre-test"), POST: _l("Take the post-test")}


def links_to_take(registrations) -> dict[int, list[tuple[str, str]]]:
    """For "My registrations": the open tests each registration with a place has not taken (two
    queries)."""
    placed = {r.id: r.event_id for r in registrations if r.status in WITH_A_PLACE}
    if not placed:
        return {}
    tests = list(
        db.session.scalars(
            select(KnowledgeTest)
            .where(
                KnowledgeTest.event_id.in_(set(placed.values())),
                KnowledgeTest.opened_at.is_not(None),
                KnowledgeTest.closed_at.is_(None),
            )
            .order_by(KnowledgeTest.kind.desc())  # pre before post
        )
    )
    taken = {
        tuple(row)
        for row in db.session.execute(
            select(TestAttempt.test_id, TestAttempt.registration_id).where(
                TestAttempt.registration_id.in_(placed)
            )
        )
    }
    links: dict[int, list[tuple[str, str]]] = {}
    for registration_id, event_id in placed.items():
        for test in tests:
            if test.event_id == event_id and (test.id, registration_id) not in taken:
                label = str(LINK_LABELS[test.kind])
                links.setdefault(registration_id, []).append(
                    (label, test_url(test, registration_id))
                )
    return links
