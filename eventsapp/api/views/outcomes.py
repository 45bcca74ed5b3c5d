"""``/api/v1/events/<id>/outcomes``: an event's outcomes (the outcomes capability) for staff:
attendance per session, completion by its rule, the tests' learning gain, the follow-up."""

from flask import abort, jsonify
from flask_babel import gettext as _
from pydantic import BaseModel, Field
from spectree import Response as Answers

from ...catalogue.services import get_event
from ...core.clock import utcnow
from ...outcomes.services import event_outcomes
from ..schemas import Error, api_spec
from . import bp, documented

Percent = Field(description="a mean score in percent (0–100), null before anyone took both tests")


class SessionAttendance(BaseModel):
    id: int = Field(description="the agenda session's id")
    title: str
    attended: int = Field(description="participants with a place checked in to it")


class CompletionFigures(BaseModel):
    rule: str = Field(description="the event's completion rule in words")
    completed: int | None = Field(
        description="participants with a place who met the rule; null while the event's "
        "attendance was never recorded (nobody checked in, by day or session)"
    )
    participants: int = Field(description="participants with a place")


class TestFigures(BaseModel):
    pre_mean: float | None = Percent
    post_mean: float | None = Percent
    gain: float | None = Field(
        description="normalised gain of the means, (post − pre) / (100 − pre), of those who "
        "took both tests; null when undefined"
    )
    gain_by_gender: dict[str, float | None] = Field(
        description="the same by gender (female, male, other, undisclosed)"
    )


class FollowUpPeriod(BaseModel):
    months: int = Field(description="months after the event")
    sent: int
    answered: int


class EventOutcomes(BaseModel):
    """Sessions that take attendance (breaks aside), completion, tests, follow-up periods."""

    sessions: list[SessionAttendance]
    completion: CompletionFigures
    tests: TestFigures
    follow_up: list[FollowUpPeriod]


@bp.route("/events/<int:event_id>/outcomes")
@api_spec.validate(
    resp=Answers(HTTP_200=EventOutcomes, HTTP_401=Error, HTTP_403=Error, HTTP_404=Error),
    tags=["outcomes"],
    **documented,
)
def event_outcomes_json(event_id: int):
    """An event's outcomes: attendance per session, completion, learning gain and follow-up
    (staff only)"""
    event = get_event(event_id) or abort(404, description=_("There is no event with this id."))
    return jsonify(event_outcomes(event, utcnow()).as_json())
