"""Scores and learning gain. A score is the sum over questions of their points times the
engine's score of the answer (1 right, 0 wrong); a percent is the score over the test's points.
A participant's normalised gain is (post − pre) / (100 − pre) in percents; a group's is the
same of the group's means, over those who took both tests. Each function reads in a fixed
number of queries whatever the number of events and participants."""

from collections import defaultdict
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..people.models import Country, Gender, Organisation, OrganisationKind
from ..registration.models import Registration
from ..registration.participants import WITH_A_PLACE, participants_with_a_place
from .models import POST, PRE, KnowledgeTest, TestAttempt


def score_of(questions, answers: dict) -> tuple[int, int]:
    """(score, points of the test) of ``answers`` (by question key) to ``questions``."""
    points = sum(q.points for q in questions)
    score = sum(
        q.points * (q.kind_rules.score(answers.get(q.key), q.correct) or 0.0) for q in questions
    )
    return round(score), points


def normalised_gain(pre: float | None, post: float | None) -> float | None:
    """(post − pre) / (100 − pre), of percents; None when either is missing or pre is 100."""
    if pre is None or post is None or pre >= 100:
        return None
    return (post - pre) / (100 - pre)


def _percents(event_ids: list[int], kind: str | None = None):
    """(registration id, test kind, percent) of the attempts at these events' tests."""
    stmt = (
        select(TestAttempt.registration_id, KnowledgeTest.kind, TestAttempt.score)
        .add_columns(TestAttempt.max_score)
        .join(KnowledgeTest, KnowledgeTest.id == TestAttempt.test_id)
        .where(KnowledgeTest.event_id.in_(event_ids))
    )
    if kind is not None:
        stmt = stmt.where(KnowledgeTest.kind == kind)
    return [(r, k, score / top * 100) for r, k, score, top in db.session.execute(stmt)]


def post_test_percents(event_id: int) -> dict[int, float]:
    """Registration id → post-test score in percent, of those who took it."""
    return post_test_percents_of([event_id])


def post_test_percents_of(event_ids: list[int]) -> dict[int, float]:
    """The same for the participants of several events, in one query."""
    return {r: percent for r, _kind, percent in _percents(list(event_ids), POST)}


@dataclass
class ParticipantScore:
    registration: Registration
    pre: float | None
    post: float | None

    @property
    def gain(self) -> float | None:
        return normalised_gain(self.pre, self.post)


def participant_scores(event_id: int) -> list[ParticipantScore]:
    """Each participant with a place, by name, with their pre- and post-test percents."""
    taken = defaultdict(dict)
    for registration_id, kind, percent in _percents([event_id]):
        taken[registration_id][kind] = percent
    return [
        ParticipantScore(r, taken[r.id].get(PRE), taken[r.id].get(POST))
        for r in participants_with_a_place(event_id)
    ]


@dataclass
class Gain:
    """Who took both tests, their mean percents, and the normalised gain of the means; for the
    whole and by group (keys as stored: a gender, a UN region, an organisation kind, or None
    where not known)."""

    participants: int = 0
    pre_mean: float | None = None
    post_mean: float | None = None
    by_gender: dict = field(default_factory=dict)
    by_region: dict = field(default_factory=dict)
    by_organisation_kind: dict = field(default_factory=dict)

    @property
    def gain(self) -> float | None:
        return normalised_gain(self.pre_mean, self.post_mean)


def _gain_of(pairs: list[tuple[float, float]]) -> Gain:
    if not pairs:
        return Gain()
    return Gain(
        participants=len(pairs),
        pre_mean=sum(pre for pre, _post in pairs) / len(pairs),
        post_mean=sum(post for _pre, post in pairs) / len(pairs),
    )


def _grouped(rows, key) -> dict:
    groups = defaultdict(list)
    for row in rows:
        groups[key(row)].append(row[4:])
    return {k: _gain_of(pairs) for k, pairs in groups.items()}


def _gain_rows(event_ids) -> list[tuple]:
    """(event id, gender, region, organisation kind, pre %, post %) of each participant with a
    place who took both tests of these events: two queries."""
    taken = defaultdict(dict)
    for registration_id, kind, percent in _percents(list(event_ids)):
        taken[registration_id][kind] = percent
    both = [r for r, kinds in taken.items() if len(kinds) == 2]
    people = db.session.execute(
        select(Registration.id, Registration.event_id, Registration.gender)
        .add_columns(Country.region, Organisation.kind)
        .outerjoin(Country, Country.code == Registration.country_code)
        .outerjoin(Organisation, Organisation.id == Registration.organisation_id)
        .where(Registration.id.in_(both), Registration.status.in_(WITH_A_PLACE))
    ).all()
    return [(*person[1:], taken[person[0]][PRE], taken[person[0]][POST]) for person in people]


def _gain_of_rows(rows) -> Gain:
    gain = _gain_of([row[4:] for row in rows])
    gain.by_gender = _grouped(rows, lambda row: row[1])
    gain.by_region = _grouped(rows, lambda row: row[2])
    gain.by_organisation_kind = _grouped(rows, lambda row: row[3])
    return gain


def learning_gain(event_ids: list[int]) -> Gain:
    """The learning gain of these events' participants (with a place) who took both tests:
    two queries whatever the number of events and participants."""
    return _gain_of_rows(_gain_rows(event_ids))


def learning_gains(groups: dict) -> dict:
    """``{key: learning_gain(event ids)}`` for many groups of events (``{key: event ids}``: a
    plan indicator's scope, a year of results...), in the same two queries for all."""
    by_event = defaultdict(list)
    for row in _gain_rows({event_id for ids in groups.values() for event_id in ids}):
        by_event[row[0]].append(row)
    return {
        key: _gain_of_rows([row for event_id in set(ids) for row in by_event[event_id]])
        for key, ids in groups.items()
    }


def group_label(group: str, key: str | None) -> str:
    """What a key of ``by_gender``, ``by_region`` or ``by_organisation_kind`` reads as."""
    if key is None:
        return _("Not known")
    if group == "gender":
        return str(Gender(key).label)
    if group == "organisation_kind":
        return str(OrganisationKind(key).label)
    return key
