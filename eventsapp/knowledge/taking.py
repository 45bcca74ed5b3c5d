"""Taking a test: opening it (its link emailed to each participant with a place who has not taken
it, in their language) and closing it; the participant's answers, once, scored as they come;
and a paper test typed in by staff (correctable)."""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..catalogue.models import Event
from ..core.errors import InvalidInput
from ..core.links import site_url
from ..core.questions import read_answers
from ..core.tokens import KNOWLEDGE_TEST
from ..extensions import db
from ..registration.models import Registration
from ..registration.notifications import notify, participant_email
from ..registration.participants import WITH_A_PLACE, participants_with_a_place
from .models import POST, PRE, KnowledgeTest, TestAttempt
from .questions import questions_of, test_of
from .services import score_of

EMAILS = {
    PRE: participant_email("knowledge_pre_test", _l("Take the pre-test: %(title)s")),
    POST: participant_email("knowledge_post_test", _l("Take the post-test: %(title)s")),
}


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


def open_test(event: Event, kind: str, now: datetime) -> int:
    """Open the test and email its link to each participant with a place who has not taken it;
    how many were emailed. A test without questions is refused."""
    test = test_of(event, kind, create=True)
    if not questions_of(test):
        raise InvalidInput("open", _("Add questions to the test before opening it."))
    test.opened_at, test.closed_at = test.opened_at or now, None
    taken = _taken(test)
    people = [r for r in participants_with_a_place(event.id) if r.id not in taken]
    for registration in people:
        notify(registration, EMAILS[kind], test_url=test_url(test, registration.id))
    return len(people)


def close_test(event: Event, kind: str, now: datetime) -> None:
    test = test_of(event, kind)
    if test is not None and test.is_open:
        test.closed_at = now


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


def enter_paper_test(test: KnowledgeTest, registration: Registration, given, staff_id, now):
    """Save (or correct) a participant's paper test as staff typed it in; an online attempt is
    the participant's own and stays."""
    if registration.event_id != test.event_id or not has_a_place(registration):
        raise InvalidInput("test", _("Choose a participant with a place at this event."))
    attempt = attempt_of(test, registration.id)
    if attempt is not None and attempt.entered_by_id is None:
        raise InvalidInput("test", _("This participant took the test online: it stays as given."))
    answers, score, points = _scored(test, given)
    if attempt is None:
        attempt = TestAttempt(test_id=test.id, registration_id=registration.id)
        db.session.add(attempt)
    attempt.answers, attempt.score, attempt.max_score = answers, score, points
    attempt.entered_by_id, attempt.submitted_at = staff_id, now
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
    taken = set(
        db.session.execute(
            select(TestAttempt.test_id, TestAttempt.registration_id).where(
                TestAttempt.registration_id.in_(placed)
            )
        ).tuples()
    )
    links: dict[int, list[tuple[str, str]]] = {}
    for registration_id, event_id in placed.items():
        for test in tests:
            if test.event_id == event_id and (test.id, registration_id) not in taken:
                label = str(LINK_LABELS[test.kind])
                links.setdefault(registration_id, []).append(
                    (label, test_url(test, registration_id))
                )
    return links
