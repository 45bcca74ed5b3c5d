"""``/api/v1/people``: the person registry, for staff (401 or 403 otherwise). A person's events
say their role and status, never their identity documents or answers; each look at a person
is in the action log, as on their page."""

from flask import abort, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from pydantic import BaseModel, Field
from spectree import Response as Answers
from sqlalchemy import func, select, tuple_

from ...core.links import site_url
from ...core.validation import MAX_ID
from ...extensions import db
from ...network.services import (
    event_counts,
    looked_at,
    person_record,
    person_with_details,
    read_search,
    search_people,
    shown_name,
)
from ...people.models import Person
from ..schemas import DEFAULT_LIMIT, MAX_LIMIT, Error, Omittable, Parameters, api_spec
from ..services import cursor_of, parse_paging
from . import bp, documented


class PeopleQuery(Parameters):
    q: Omittable[str, Field(max_length=200, description="words of the name, or an address")] = None
    country: Omittable[str, Field(description="an ISO 3166 code such as PE")] = None
    organisation: Omittable[int, Field(ge=1, le=MAX_ID, description="an organisation's id")] = None
    limit: int = Field(
        DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"people per page (at most {MAX_LIMIT})"
    )
    cursor: Omittable[
        str, Field(description="where the page starts: the previous page's `next`")
    ] = None


class PersonSummary(BaseModel):
    id: int
    name: str = Field(description='as last written; "a participant" once erased')
    country: str | None = Field(description="ISO 3166-1 alpha-2 code")
    organisation: str | None
    events: int = Field(description="events registered for (confirmed) or spoken at")


class People(BaseModel):
    people: list[PersonSummary]
    next: str | None = Field(description="the next page's URL, while there is one")
    total: int = Field(description="people matching the search")


class PersonEvent(BaseModel):
    id: int
    title: str
    year: int
    role: str = Field(description="delegate, speaker, facilitator, observer or staff")
    status: str | None = Field(description="the registration's status; null for a speaker only")


class PersonDetail(BaseModel):
    id: int
    name: str
    country: str | None
    organisation: str | None
    position: str
    gender: str | None
    events: list[PersonEvent] = Field(description="newest first")


def _person_key(value) -> tuple:
    name_key, person_id = value
    if not isinstance(name_key, str) or not isinstance(person_id, int):
        raise TypeError
    return name_key, person_id


@bp.route("/people")
@api_spec.validate(
    query=PeopleQuery,
    resp=Answers(HTTP_200=People, HTTP_400=Error, HTTP_401=Error, HTTP_403=Error),
    tags=["people"],
    **documented,
)
def people_json():
    """People across the years, by name (staff only): `?q=quispe&country=PE`"""
    search = read_search(
        request.args.get("q"), request.args.get("country"), request.args.get("organisation")
    )
    paging = parse_paging(request.args, _person_key)
    matching = search_people(search)
    total = db.session.scalar(select(func.count()).select_from(matching.order_by(None).subquery()))
    if paging.after:
        matching = matching.where(tuple_(Person.name_key, Person.id) > tuple_(*paging.after))
    rows = db.session.scalars(matching.limit(paging.limit + 1)).unique().all()
    page = rows[: paging.limit]
    counts = event_counts([p.id for p in page])
    next_url = None
    if len(rows) > paging.limit:
        cursor = cursor_of([page[-1].name_key, page[-1].id])
        next_url = site_url("api.people_json", **{**request.args.to_dict(), "cursor": cursor})
    response = jsonify(
        people=[
            {
                "id": p.id,
                "name": shown_name(p),
                "country": p.country_code,
                "organisation": p.organisation.display_name if p.organisation else None,
                "events": counts.get(p.id, 0),
            }
            for p in page
        ],
        next=next_url,
        total=total,
    )
    if next_url:
        response.headers["Link"] = f'<{next_url}>; rel="next"'
    response.headers["X-Total-Count"] = str(total)
    return response


@bp.route("/people/<int:person_id>")
@api_spec.validate(
    resp=Answers("HTTP_404", HTTP_200=PersonDetail, HTTP_401=Error, HTTP_403=Error),
    tags=["people"],
    **documented,
)
def person_json(person_id: int):
    """One person and their events (staff only; the look is in the action log); a merged
    person answers 404 (`merged_into`: the id of the one kept)"""
    person = person_with_details(person_id)
    if person is None:
        abort(404, description=_("There is no person with this id."))
    if person.merged_into_id is not None:
        return jsonify(
            error=_("This person was merged into another."), merged_into=person.merged_into_id
        ), 404
    looked_at(person, current_user)
    record = person_record(person)
    return jsonify(
        id=person.id,
        name=shown_name(person),
        country=person.country_code,
        organisation=person.organisation.display_name if person.organisation else None,
        position="" if person.erased_at else person.position,
        gender=person.gender,
        events=[
            {
                "id": line.event.id,
                "title": line.event.title,
                "year": line.year,
                "role": line.role,
                "status": line.status,
            }
            for line in record.events
        ],
    )
