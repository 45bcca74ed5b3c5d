"""An event's outcomes in one place (its sessions and who attended each, completion by its rule,
the tests' learning gain, the follow-up's answers), and the same figures for groups of events (a
year, a region of the results), all read through the services of attendance, knowledge and
followup, in a fixed number of queries whatever the number of participants and events."""

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select, union_all

from ..agenda.models import AgendaSession
from ..attendance.completion import Completion, completion, completion_tallies
from ..attendance.models import CheckIn, SessionCheckIn
from ..attendance.sessions import attendance_per_session
from ..catalogue.models import Event
from ..core.numbers import half_up, ratio
from ..extensions import db
from ..followup.models import FollowUpSurvey
from ..followup.services import FollowUpCount, response_by_gender, response_counts
from ..knowledge.models import TestAttempt
from ..knowledge.services import Gain, learning_gain, learning_gains
from ..registration.models import Registration


def share(part: float, whole: float) -> float | None:
    """``part`` of ``whole`` in percent, to one decimal (half up); None of nothing."""
    return ratio(100 * part, whole, 1)


def gain_json(gain: Gain) -> dict:
    """Who took both tests, the means (percents, to one decimal) and the gain (two decimals)."""
    return {
        "participants": gain.participants,
        "pre_mean": half_up(gain.pre_mean, 1),
        "post_mean": half_up(gain.post_mean, 1),
        "gain": half_up(gain.gain, 2),
    }


@dataclass
class EventOutcomes:
    sessions: list[tuple[AgendaSession, int]]  # each countable session, how many attended it
    completion: Completion
    gain: Gain
    follow_up: list[FollowUpCount]  # one per period, in order of months

    @property
    def attendance_recorded(self) -> bool:
        return self.completion.recorded

    @property
    def most_attended(self) -> int:
        return max((attended for _session, attended in self.sessions), default=0)

    def as_json(self) -> dict:
        """The API's answer (``GET /api/v1/events/<id>/outcomes``)."""
        gain = self.gain
        return {
            "sessions": [
                {"id": session.id, "title": session.title, "attended": attended}
                for session, attended in self.sessions
            ],
            "completion": {
                "rule": self.completion.rule.text,
                "completed": self.completion.completed if self.attendance_recorded else None,
                "participants": self.completion.participants,
            },
            "tests": {
                "pre_mean": half_up(gain.pre_mean, 1),
                "post_mean": half_up(gain.post_mean, 1),
                "gain": half_up(gain.gain, 2),
                "gain_by_gender": {
                    gender: half_up(of.gain, 2) for gender, of in sorted(gain.by_gender.items())
                },
            },
            "follow_up": [
                {"months": c.months, "sent": c.sent, "answered": c.answered} for c in self.follow_up
            ],
        }


def event_outcomes(event: Event, now: datetime) -> EventOutcomes:
    return EventOutcomes(
        sessions=attendance_per_session(event.id),
        completion=completion(event, now),
        gain=learning_gain([event.id]),
        follow_up=response_counts([event.id]).get(event.id, []),
    )


@dataclass
class Figures:
    """Completion, learning gain and follow-up of a group of events, added up over its events
    (rates from the sums, never means of rates)."""

    completed: int = 0
    participants: int = 0
    gain: Gain = field(default_factory=Gain)
    sent: int = 0
    answered: int = 0

    @property
    def completion_rate(self) -> float | None:
        return share(self.completed, self.participants)

    @property
    def response_rate(self) -> float | None:
        return share(self.answered, self.sent)

    @property
    def any(self) -> bool:
        return bool(self.participants or self.gain.participants or self.sent)

    def as_json(self) -> dict:
        return {
            "completion": {
                "completed": self.completed,
                "participants": self.participants,
                "rate": self.completion_rate,
            },
            "learning_gain": gain_json(self.gain),
            "follow_up": {"sent": self.sent, "answered": self.answered, "rate": self.response_rate},
        }


def completed_of(event_ids: Iterable[int], now: datetime | None = None) -> dict[int, tuple]:
    """``completion_counts`` of these events (no query for none)."""
    return _tallies(event_ids, now)[0]


def _tallies(event_ids: Iterable[int], now: datetime | None) -> tuple[dict, dict]:
    event_ids = sorted(set(event_ids))
    return completion_tallies(event_ids, now) if event_ids else ({}, {})


def answered_of(event_ids: Iterable[int]) -> dict[int, tuple[int, int]]:
    """``{event id: (sent, answered)}`` over every follow-up period (from ``response_counts``)."""
    return {
        event_id: (sum(c.sent for c in counts), sum(c.answered for c in counts))
        for event_id, counts in response_counts(sorted(set(event_ids))).items()
    }


def with_outcomes(event_ids) -> set[int]:
    """Those of the events (``event_ids``, a select of their ids) where anything was measured:
    someone checked in (to a day or a session), took a test or was sent a follow-up survey. The
    others' figures are all 0, whatever their number of participants: one query reading the
    measurements, not the registrations."""
    measured = union_all(
        *(
            select(table.registration_id)
            for table in (CheckIn, SessionCheckIn, TestAttempt, FollowUpSurvey)
        )
    ).subquery("measured")
    return set(
        db.session.scalars(
            select(Registration.event_id)
            .distinct()
            .join(measured, measured.c.registration_id == Registration.id)
            .where(Registration.event_id.in_(event_ids))
        )
    )


def outcome_figures(
    groups: dict[Hashable, Iterable[int]],
    now: datetime | None = None,
    genders_of: Hashable | None = None,
) -> dict[Hashable, Figures]:
    """``{key: Figures}`` of each group of events (``{key: event ids}``), reading completion,
    the tests and the follow-up once each for all the groups; with ``genders_of`` (a key of
    ``groups``), that group's completion and follow-up by gender too, under ``("gender",
    gender)`` (the learning gain by gender is the ``Gain``'s own)."""
    groups = {key: tuple(ids) for key, ids in groups.items()}
    every = {event_id for ids in groups.values() for event_id in ids}
    completed, completed_by_gender = _tallies(every, now)
    answered = answered_of(every)
    gains = learning_gains(groups)
    figures = {}
    for key, ids in groups.items():
        figures[key] = Figures(
            completed=sum(completed.get(e, (0, 0))[0] for e in ids),
            participants=sum(completed.get(e, (0, 0))[1] for e in ids),
            gain=gains[key],
            sent=sum(answered.get(e, (0, 0))[0] for e in ids),
            answered=sum(answered.get(e, (0, 0))[1] for e in ids),
        )
    if genders_of is not None and groups[genders_of]:
        if set(groups[genders_of]) != every:  # the tallies are of every group's events
            raise ValueError("genders_of must name the group of every event")
        answered_by_gender = response_by_gender(groups[genders_of])
        for gender in sorted(set(completed_by_gender) | set(answered_by_gender), key=str):
            done, participants = completed_by_gender.get(gender, (0, 0))
            sent, answers = answered_by_gender.get(gender, (0, 0))
            figures[("gender", gender)] = Figures(done, participants, Gain(), sent, answers)
    return figures
