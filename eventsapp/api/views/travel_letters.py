"""``/api/v1/events/<id>/documents``: an event's letters (of acceptance, in support of a visa),
for staff. Never passport data: a visa letter's is on its PDF, for its holder and the staff
who see it."""

from typing import Literal

from flask import abort, jsonify, request
from flask_babel import gettext as _
from pydantic import BaseModel, Field
from spectree import Response as Answers

from ...catalogue.services import get_event
from ...travel.letters import LETTERS, event_letters, letter_json
from ..schemas import Error, Omittable, Parameters, api_spec
from . import bp, documented

LetterKind = Literal[tuple(kind.value for kind in LETTERS)]


class LettersQuery(Parameters):
    kind: Omittable[LetterKind] = None


class Letter(BaseModel):
    serial: str = Field(description='printed on the letter: "CICIE-2027-0042"')
    kind: LetterKind
    participant: str = Field(description="the holder's name, as registered")
    registration_id: int
    status: Literal["valid", "revoked", "not_valid"] = Field(
        description="not_valid: its holder no longer has a place at the event"
    )
    issued_at: str
    revoked_at: str | None
    verify_url: str = Field(description="its public verification page, which its QR code holds")


@bp.route("/events/<int:event_id>/documents")
@api_spec.validate(
    query=LettersQuery,
    resp=Answers(
        HTTP_200=list[Letter], HTTP_400=Error, HTTP_401=Error, HTTP_403=Error, HTTP_404=Error
    ),
    tags=["travel"],
    **documented,
)
def event_documents_json(event_id: int):
    """An event's letters, revoked ones too, by holder (staff only): `?kind=visa_letter`"""
    event = get_event(event_id) or abort(404, description=_("There is no event with this id."))
    kind = request.args.get("kind")
    if kind is not None and kind not in set(LETTERS):
        return jsonify(
            error=_("Choose a kind of letter: acceptance_letter or visa_letter."), field="kind"
        ), 400
    return jsonify([letter_json(letter) for letter in event_letters(event.id, kind)])
