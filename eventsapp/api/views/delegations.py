"""``/api/v1/events/<id>/delegations``: the authorities invited to nominate, for staff."""

from typing import Literal

from flask import abort, jsonify
from flask_babel import gettext as _
from pydantic import BaseModel
from spectree import Response as Answers

from ...catalogue.services import get_event
from ...delegations.board import DelegationStatus, api_rows, board_of
from ..schemas import Error, api_spec
from . import bp, documented


class Quota(BaseModel):
    funded: int
    self_funded: int


class DelegationRow(BaseModel):
    id: int
    organisation: str
    country: str | None
    focal_point: str
    quota: Quota
    nominated: int  # nominees holding a place
    approved: int
    reserves: int
    women: int  # among the nominees holding a place
    men: int
    status: Literal[tuple(s.value for s in DelegationStatus)]


@bp.route("/events/<int:event_id>/delegations")
@api_spec.validate(
    resp=Answers(HTTP_200=list[DelegationRow], HTTP_401=Error, HTTP_403=Error, HTTP_404=Error),
    tags=["delegations"],
    **documented,
)
def event_delegations_json(event_id: int):
    """An event's delegations: each authority's focal point, quota, nominees, approvals,
    reserves, women and men, and where it stands (staff only)"""
    event = get_event(event_id) or abort(404, description=_("There is no event with this id."))
    return jsonify(api_rows(board_of(event)))
