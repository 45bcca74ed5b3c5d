"""What the API takes and gives, as pydantic models: the OpenAPI document is generated from them
and from the views they decorate (spectree), served at ``/api/v1/openapi.json``.

The views read their parameters themselves (``parse_event_filters``, ``parse_paging``), so that a
bad one gets the same 400 ``{"error": ...}`` in the users' words as everywhere else: the models
here document them, and schemathesis (tests/test_api_schema.py) checks that the answers keep to
what they say.
"""

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel
from pydantic.json_schema import SkipJsonSchema
from spectree import SecurityScheme, SecuritySchemeData, SpecTree

from ..catalogue.models import LANGUAGES, REGIONS, EventKind, EventStatus
from ..core.dates import FIRST_YEAR, LAST_YEAR, PRECISIONS
from ..logistics.models import TaskStatus
from ..plans.models import ItemStatus
from ..registration.models import CONFIRMED, ParticipantRole
from .scopes import scope_of

DEFAULT_LIMIT = MAX_LIMIT = 500

Kind = Literal[tuple(k.value for k in EventKind)]
Status = Literal[tuple(s.value for s in EventStatus)]
Precision = Literal[tuple(PRECISIONS)]


class Error(BaseModel):
    """A refused request: what is wrong, and the parameter at fault when there is one."""

    error: str
    field: str | None = None
    reason: str | None = Field(
        None,
        description="why an API token is refused (401): unknown, expired, revoked, "
        "owner_inactive, owner_not_staff",
    )


BEARER = "bearerAuth"


class ScopedSpecTree(SpecTree):
    """The document, with each operation's security: none for a public one (``@public``), for
    the others a token (``Authorization: Bearer``) with the scope the route needs (``@requires``,
    else ``read``), also given as ``x-scope`` and in the description."""

    def _generate_spec(self) -> dict:
        for route in self.backend.find_routes():
            for _method, view in self.backend.parse_func(route):
                metadata = self.get_function_metadata(view)
                if metadata is not None:
                    public = getattr(view, "public", False)
                    metadata.security = {} if public else {BEARER: [scope_of(view)]}
        spec = super()._generate_spec()
        for operations in spec["paths"].values():
            for operation in operations.values():
                if scopes := [s for need in operation.get("security", []) for s in need[BEARER]]:
                    operation["x-scope"] = scopes[0]
                    needs = f"Needs the scope `{scopes[0]}` (with a token)."
                    operation["description"] = "\n\n".join(
                        part for part in (operation["description"], needs) if part
                    )
        return spec


api_spec = ScopedSpecTree(
    "flask",
    mode="strict",
    title="eventsapp API",
    version="1",
    description="Events, programmes, countries and date phrases as JSON. Bad parameters get a "
    '400 `{"error": ...}`. Staff operations take a personal API token (made at '
    "`/account/tokens`) in `Authorization: Bearer ea_...`, with the scope each operation "
    "names, or a staff member's browser session. A refused token gets a 401 "
    '`{"error": ..., "reason": ...}`, a missing scope a 403, too many calls with one token a '
    "429 with `Retry-After`.",
    validation_error_status=400,
    validation_error_model=Error,
    security_schemes=[
        SecurityScheme(
            name=BEARER,
            data=SecuritySchemeData(
                type="http",
                scheme="bearer",
                description="A personal API token, `ea_...`; the scopes an operation needs "
                "are listed in its security requirement (and `x-scope`).",
            ),
        )
    ],
)


# ---------------------------------------------------------------- events


class Omittable:
    """``Omittable[int, Field(ge=1)]``: a parameter that may be left out (but is never null)."""

    def __class_getitem__(cls, args):
        kind, *constraints = args if isinstance(args, tuple) else (args,)
        if constraints:
            kind = Annotated[kind, *constraints]
        return kind | SkipJsonSchema[None]


def _without_null_defaults(schema: dict) -> None:
    for field in schema.get("properties", {}).values():
        if "default" in field and field["default"] is None:
            del field["default"]


class Parameters(BaseModel):
    """Query parameters: those left out have no value, rather than a null one."""

    model_config = ConfigDict(json_schema_extra=_without_null_defaults)


class EventQuery(Parameters):
    year: Omittable[int, Field(ge=FIRST_YEAR, le=LAST_YEAR)] = None
    month: Omittable[int, Field(ge=1, le=12, description="with a year")] = None
    kind: Omittable[Kind] = None
    status: Omittable[Status] = None
    programme: Omittable[str, Field(description="an id, key or acronym")] = None
    country: Omittable[
        str, Field(description="an ISO 3166 code such as MX: held there or involving it")
    ] = None
    region: Omittable[Literal[REGIONS]] = None
    language: Omittable[Literal[tuple(LANGUAGES)]] = None
    limit: int = Field(
        DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"events per page (at most {MAX_LIMIT})"
    )
    cursor: Omittable[
        str,
        Field(description='where the page starts: given in the `Link: <...>; rel="next"` header'),
    ] = None


class Venue(BaseModel):
    city: str | None
    country: str = Field(description="ISO 3166 code")
    place: str | None
    tentative: bool


class Event(BaseModel):
    id: int
    title: str
    kind: Kind
    status: Status
    programme: str | None = Field(description="the programme's acronym, or its name")
    programme_id: int | None
    section: str | None = Field(description="the code of the programme's section")
    starts_on: date
    ends_on: date
    precision: Precision
    tentative: bool
    date_text: str = Field(description="the dates as written")
    venue: Venue | None
    url: str = Field(description="the public page of the event")


class Events(RootModel[list[Event]]):
    pass


# ---------------------------------------------------------------- programmes and countries


class Section(BaseModel):
    code: str
    title: str


class Partner(BaseModel):
    organisation: str
    role: str


class Programme(BaseModel):
    id: int
    name: str
    acronym: str | None
    first_year: int
    last_year: int | None
    sections: list[Section]
    partners: list[Partner]


class Programmes(RootModel[list[Programme]]):
    pass


class Country(BaseModel):
    code: str
    name: str
    region: str | None
    sub_region: str | None


class Countries(RootModel[list[Country]]):
    pass


# ---------------------------------------------------------------- date phrases


class DatePhraseQuery(Parameters):
    text: str = Field(description='a date phrase, such as "early March (tbc)"')
    year: Omittable[
        int, Field(ge=FIRST_YEAR, le=LAST_YEAR, description="the year, when the phrase has none")
    ] = None


class DateReading(BaseModel):
    starts_on: date
    ends_on: date
    precision: Precision
    tentative: bool
    label: str = Field(description="the window as the site writes it")


# ---------------------------------------------------------------- writes
#
# Request bodies are checked twice: their JSON types here (``extra="forbid"``, strict: a wrong
# type or an unknown member is a 400 "malformed"), then their values by the same forms and
# services as the staff pages (a refused value is a 422 "invalid" naming the field). Choices
# are therefore plain strings here, documented with their values.


DECISIONS = ("approve", "decline", "waitlist")


def _one_of(values) -> dict:
    return {"json_schema_extra": {"enum": [getattr(v, "value", v) for v in values]}}


class Body(BaseModel):
    model_config = ConfigDict(
        extra="forbid", strict=True, allow_inf_nan=False, json_schema_extra=_without_null_defaults
    )


class WriteHeaders(Parameters):
    """What a write takes in its headers besides the token."""

    idempotency_key: (
        Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[\x20-\x7e]+$")]
        | SkipJsonSchema[None]
    ) = Field(
        default=None,
        alias="Idempotency-Key",
        description="A key of your choosing (a UUID): a retry with the same key and the same "
        "request gets the first answer again and acts nothing more (kept 24 hours).",
    )


class WriteError(BaseModel):
    """A refused write: `invalid` (422: a value refused, with its `field`), `conflict` (409: the
    object's state refuses it), `in_progress` (409: a request with this Idempotency-Key is still
    running), `idempotency_key_reused` (422: the key came with another request); 400s are
    `malformed` or `csrf` (see `Malformed`), 404s `not_found`."""

    error: str
    code: Literal[
        "malformed",
        "invalid",
        "not_found",
        "conflict",
        "in_progress",
        "idempotency_key_reused",
        "csrf",
    ]
    field: str | None = None


class Malformed(BaseModel):
    """A request the operation cannot read: `malformed` (not a JSON object of the documented
    types), `csrf` (a session without the X-CSRFToken header), or no `code` when its address or
    parameters hold control characters."""

    error: str
    code: Literal["malformed", "csrf"] | None = None
    field: str | None = None


class NotFound(BaseModel):
    """An unknown id (`code`: `not_found`), or no such address at all (no `code`)."""

    error: str
    code: Literal["not_found"] | None = None


class VenueInput(Body):
    country: str = Field(description="ISO 3166 code", max_length=2000)
    city: str | None = None
    place: str | None = None
    tentative: bool = False


class EventWrite(Body):
    """An event's fields as the staff form takes them; `date_text` is read as the form reads it,
    with `year` when the phrase has none."""

    title: str = None
    kind: str = Field(None, **_one_of(EventKind))
    status: str = Field(None, **_one_of(EventStatus))
    date_text: str = Field(None, description='as written: "early March (tbc)"')
    year: int | None = Field(None, description="the year, when the phrase has none")
    programme: int | None = Field(None, description="the programme's id")
    section: int | None = Field(None, description="the id of a section of the programme")
    start_time: str | None = Field(None, description="HH:MM, for exact and confirmed dates")
    end_time: str | None = Field(None, description="HH:MM")
    timezone: str | None = Field(None, description="IANA, such as America/Mexico_City")
    venue: VenueInput | None = Field(None, description="null: to be decided")
    capacity: int | None = None
    participants_count: int | None = None
    languages: list[str] | None = Field(None, description="codes such as en, es")
    interpretation: bool | None = None
    purpose: list[str] | None = Field(None, description="one point per item")
    description: str | None = None
    theme: str | None = None
    block: str | None = Field(None, description="a CICIE block")
    audience: str | None = None
    requesting_authority: int | None = Field(None, description="an organisation's id")
    target_region: str | None = None
    requesting_countries: list[str] | None = None
    candidate_countries: list[str] | None = None
    participant_countries: list[str] | None = None
    partners: list[int] | None = Field(None, description="co-organisers: organisations' ids")
    notes: str | None = Field(None, description="seen by staff only")


class EventCreate(EventWrite):
    title: str
    kind: str = Field(**_one_of(EventKind))
    status: str = Field("planned", **_one_of(EventStatus))
    date_text: str = Field(description='as written: "early March (tbc)"')


class Decision(Body):
    decision: str = Field(**_one_of(DECISIONS))
    reason: str = Field("", description="recorded in the history with the decision")


class RegistrationStatus(BaseModel):
    id: int
    event_id: int
    name: str
    status: str = Field(description="the registration's status after the decision")


class RegistrationQuery(Parameters):
    status: Omittable[
        Literal[tuple(s.value for s in CONFIRMED)], Field(description="only those of this status")
    ] = None
    limit: int = Field(
        DEFAULT_LIMIT,
        ge=1,
        le=MAX_LIMIT,
        description=f"registrations per page (at most {MAX_LIMIT})",
    )
    cursor: Omittable[
        str, Field(description="where the page starts: the previous page's `next`")
    ] = None


class RegistrationSummary(BaseModel):
    id: int = Field(description="the id a decision is posted to")
    name: str
    status: Literal[tuple(s.value for s in CONFIRMED)]
    role: Literal[tuple(r.value for r in ParticipantRole)]
    organisation: str | None
    country: str = Field(description="ISO 3166-1 alpha-2 code")
    created_at: datetime = Field(description="when the delegate registered, in UTC")
    nominated: bool = Field(description="nominated by an authority: decided on its delegation")


class Registrations(BaseModel):
    """An event's registrations, in the order they came (those awaiting their email's
    confirmation are not shown); no addresses nor answers."""

    registrations: list[RegistrationSummary]
    next: str | None = Field(description="the next page's URL, while there is one")
    total: int = Field(description="registrations matching the status")


class TaskCreate(Body):
    """A task of the event: due on a day (`due_on`) or relative to the event (`due`)."""

    title: str
    owner_email: str | None = Field(None, description="a staff account's address")
    owner_name: str | None = Field(None, description="or a unit or partner, in words")
    due_on: str | None = Field(None, description="a day: 2021-05-01 or 1 May 2021")
    due: str | None = Field(None, description='"45 days before start", "3 days after end"')
    status: str = Field(TaskStatus.TO_DO.value, **_one_of(TaskStatus))
    notes: str = ""


class Progress(Body):
    period: str = Field(description="a quarter (2021-Q2) or a year (2021)")
    status: str = Field(**_one_of(ItemStatus))
    actuals: list[float | None] = Field([], description="one per indicator, in order")
    comment: str = ""


class ProgressRecorded(BaseModel):
    item_id: int
    period: str
    status: str
    actuals: list[float | None]
    comment: str
