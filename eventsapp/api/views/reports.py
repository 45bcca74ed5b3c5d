"""``/api/v1/reports/results``: the results summary of ``/reports/results`` as JSON, for staff (it
counts participants from registrations)."""

from datetime import date
from typing import Literal

from flask import jsonify, request
from pydantic import BaseModel, ConfigDict, Field
from spectree import Response as Answers

from ...catalogue.models import EventKind
from ...reports.services import (
    FIRST_RESULTS_YEAR,
    LAST_RESULTS_YEAR,
    parse_results_query,
    results_summary,
)
from ..schemas import Error, Omittable, Parameters, api_spec
from . import bp, documented

Kind = Literal[tuple(k.value for k in EventKind)]
Year = Omittable[int, Field(ge=FIRST_RESULTS_YEAR, le=LAST_RESULTS_YEAR)]
Region = str  # a UN M49 region, or "Not assigned" (no requesting country nor target region)


class ResultsParameters(Parameters):
    model_config = ConfigDict(populate_by_name=True)  # keeps the parent's json_schema_extra

    from_: Year = Field(None, alias="from", description="the first year of held events")
    to: Year = Field(
        None, description="the last year; without either, the programme's years or this year"
    )
    programme: Omittable[str, Field(description="an id, key or acronym")] = None
    kind: Omittable[Kind] = None


class YearRow(BaseModel):
    year: int
    counts: dict[Region, int] = Field(description="events by region")
    total: int


class Totals(BaseModel):
    counts: dict[Region, int]
    total: int


class KindCount(BaseModel):
    kind: Kind
    label: str
    count: int


class CountryReached(BaseModel):
    code: str = Field(description="ISO 3166-1 alpha-2 code")
    name: str
    region: Region | None
    events: int = Field(description="the events it requested, took part in or sent delegates to")


class CountryCount(BaseModel):
    code: str
    name: str
    count: int


class Count(BaseModel):
    key: str
    label: str
    count: int


class Participants(BaseModel):
    total: int = Field(description="registered, plus the numbers entered on events without them")
    registered: int = Field(description="registrations approved or attended")
    reported_without_details: int
    by_country: list[CountryCount]
    by_region: list[Count]
    by_gender: list[Count]
    by_organisation_kind: list[Count]
    by_role: list[Count]


class BlockCount(BaseModel):
    block: str = Field(description="a CICIE theme block, I to V")
    count: int


class ThemeCount(BaseModel):
    theme: str
    count: int


class Topics(BaseModel):
    blocks: list[BlockCount]
    themes: list[ThemeCount] = Field(description="the themes most asked for, at most 10")


class EventSatisfaction(BaseModel):
    id: int
    title: str
    starts_on: date
    mean: float | None = Field(description="the mean of the overall scale, 1 to 5")
    answers: int


class YearSatisfaction(BaseModel):
    year: int
    mean: float | None
    answers: int


class OverallSatisfaction(BaseModel):
    mean: float | None
    answers: int


class Satisfaction(BaseModel):
    by_event: list[EventSatisfaction]
    by_year: list[YearSatisfaction]
    overall: OverallSatisfaction


class ResultsCompletion(BaseModel):
    completed: int = Field(description="participants with a place who met their event's rule")
    participants: int = Field(description="participants with a place")
    rate: float | None = Field(description="completed of participants, in percent")


class ResultsGain(BaseModel):
    participants: int = Field(description="who took both tests")
    pre_mean: float | None = Field(description="in percent")
    post_mean: float | None = Field(description="in percent")
    gain: float | None = Field(description="normalised gain of the means, 0 to 1")


class ResultsFollowUp(BaseModel):
    sent: int = Field(description="follow-up surveys sent, every period")
    answered: int
    rate: float | None = Field(description="answered of sent, in percent")


class OutcomeFigures(BaseModel):
    completion: ResultsCompletion
    learning_gain: ResultsGain
    follow_up: ResultsFollowUp


class YearOutcomes(OutcomeFigures):
    year: int


class RegionOutcomes(OutcomeFigures):
    region: Region


class EventOutcomeFigures(OutcomeFigures):
    id: int
    title: str
    starts_on: date


class GenderGain(ResultsGain):
    key: str = Field(description="a gender as stored: female, male, other, undisclosed")
    label: str


class GenderOutcomes(BaseModel):
    key: str = Field(description="a gender as stored: female, male, other, undisclosed")
    label: str
    completion: ResultsCompletion
    follow_up: ResultsFollowUp


class Outcomes(BaseModel):
    """Completion, learning gain and follow-up of the events counted; rates of the sums."""

    overall: OutcomeFigures
    by_year: list[YearOutcomes]
    by_region: list[RegionOutcomes]
    by_event: list[EventOutcomeFigures] = Field(description="the events with any such figure")
    by_gender: list[GenderOutcomes] = Field(description="completion and follow-up by gender")
    gain_by_gender: list[GenderGain]


class Results(BaseModel):
    """Held events counted once, in the year they start, under the region of their requesting
    authority; the countries reached; participants; topics; satisfaction."""

    model_config = ConfigDict(populate_by_name=True)

    from_: int = Field(alias="from")
    to: int
    programme: int | None = Field(description="the programme's id")
    kind: Kind | None
    regions: list[Region] = Field(description="the columns of the table by year")
    rows: list[YearRow]
    totals: Totals
    by_kind: list[KindCount]
    countries: list[CountryReached]
    participants: Participants
    topics: Topics
    satisfaction: Satisfaction
    outcomes: Outcomes


@bp.route("/reports/results")
@api_spec.validate(
    query=ResultsParameters,
    resp=Answers(HTTP_200=Results, HTTP_400=Error, HTTP_401=Error, HTTP_403=Error),
    tags=["reports"],
    **documented,
)
def results_json():
    """The results of a period: events held by year and region, countries reached,
    participants, topics, satisfaction, and outcomes (completion, learning gain, follow-up)
    (staff only)"""
    return jsonify(results_summary(parse_results_query(request.args)).as_json())
