"""``/api/v1/requests``: requests from electoral authorities, for staff (403 otherwise)."""

from datetime import date
from typing import Literal

from flask import jsonify
from pydantic import BaseModel, Field, RootModel
from spectree import Response as Answers

from ...authority_requests.models import RequestKind, RequestStatus
from ...authority_requests.services import staff_requests
from ..schemas import Error, api_spec
from . import bp, documented


class Request(BaseModel):
    id: int
    authority: str = Field(description="the electoral authority, as the requester wrote it")
    country: str = Field(description="ISO 3166-1 alpha-2 code")
    kind: Literal[tuple(k.value for k in RequestKind)]
    topics: list[str] = Field(
        description='CICIE aspects and themes: "aspect.legal", "IV.voting_from_abroad"'
    )
    date_text: str = Field(description="the preferred dates as written")
    starts_on: date
    ends_on: date = Field(description="inclusive")
    status: Literal[tuple(s.value for s in RequestStatus)]
    event_id: int | None = Field(description="the event the request became")


class Requests(RootModel[list[Request]]):
    pass


@bp.route("/requests")
@api_spec.validate(
    resp=Answers(HTTP_200=Requests, HTTP_401=Error, HTTP_403=Error), tags=["requests"], **documented
)
def requests_json():
    """Requests from electoral authorities, newest first (staff only)"""
    return jsonify(
        [
            {
                "id": r.id,
                "authority": r.authority_name,
                "country": r.country_code,
                "kind": r.kind,
                "topics": r.topics,
                "date_text": r.date_text,
                "starts_on": r.starts_on.isoformat(),
                "ends_on": r.ends_on.isoformat(),
                "status": r.status,
                "event_id": r.event_id,
            }
            for r in staff_requests()
        ]
    )
