"""Results summaries: events held by year and region, countries reached, participants, topics.

Every figure is counted by the database (GROUP BY), in a fixed number of queries whatever the
number of events and registrations; Python only arranges the few grouped rows into tables.

An event counts once, in the year it starts, under the region of its requesting authority: the
country of the authority when one is named, else the first of its requesting countries (by ISO
code), else the event's target region. Regions follow the programme's assignment (CICIE counts
Georgia in Europe), and the UN M49 region of the country otherwise.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, exists, func, literal, null, select, union_all
from sqlalchemy.orm import aliased, selectinload

from ..attendance.models import EvaluationResponse
from ..catalogue.models import (
    REGIONS,
    CountryRole,
    Event,
    EventCountry,
    EventKind,
    EventStatus,
    Programme,
    Region,
    RegionOverride,
)
from ..catalogue.services import find_programme
from ..catalogue.translations import localized
from ..core.clock import utcnow
from ..core.errors import InvalidInput
from ..core.i18n import country_name, country_names, sort_key, sorted_by_name
from ..core.numbers import ratio
from ..core.validation import number_argument
from ..extensions import db
from ..people.models import Country, Gender, Organisation, OrganisationKind
from ..registration.models import ParticipantRole
from .counts import ResultCount, ResultTotal
from .outcomes import outcome_results

NOT_ASSIGNED = "Not assigned"  # events with no requesting country nor target region
FIRST_RESULTS_YEAR, LAST_RESULTS_YEAR = 1990, 2100
TOP_THEMES = 10


@dataclass(frozen=True)
class ResultsQuery:
    """Which events a summary counts: held events starting in the years, of a programme, kind."""

    first_year: int
    last_year: int
    programme: Programme | None = None
    kind: str | None = None

    @property
    def period_label(self) -> str:
        if self.first_year == self.last_year:
            return str(self.first_year)
        return f"{self.first_year}–{self.last_year}"

    def as_args(self) -> dict[str, str]:
        """The query parameters naming this summary (for links and downloads)."""
        args = {"from": str(self.first_year), "to": str(self.last_year)}
        if self.programme:
            args["programme"] = str(self.programme.id)
        if self.kind:
            args["kind"] = self.kind
        return args


def _year(args, name: str, label: str) -> int | None:
    return number_argument(args, name, FIRST_RESULTS_YEAR, LAST_RESULTS_YEAR, label)


def parse_results_query(args, year_only: bool = False) -> ResultsQuery:
    """The summary the parameters ask for (``from``, ``to``, ``programme``, ``kind``; or
    ``year`` when ``year_only``), raising InvalidInput naming the parameter that is wrong.

    Without years: the programme's years, or this year."""
    programme, kind = _programme(args), _kind(args)
    if year_only:
        year = _year(args, "year", _("Year")) or utcnow().year
        return ResultsQuery(year, year, programme, kind)
    return ResultsQuery(*_years(args, programme), programme, kind)


def _programme(args) -> Programme | None:
    """``programme``: an id, key or acronym."""
    if not (ref := (args.get("programme") or "").strip()):
        return None
    programme = find_programme(ref)
    if programme is None:
        raise InvalidInput("programme", _("Unknown programme %(ref)r.", ref=ref))
    return programme


def _kind(args) -> str | None:
    kind = (args.get("kind") or "").strip() or None
    if kind and kind not in {k.value for k in EventKind}:
        kinds = ", ".join(k.value for k in EventKind)
        raise InvalidInput(
            "kind", _("Unknown kind %(kind)r: use one of %(kinds)s.", kind=kind, kinds=kinds)
        )
    return kind


def _years(args, programme: Programme | None) -> tuple[int, int]:
    """``from`` and ``to``; one of them alone is both; neither, the programme's years (or this
    year)."""
    first = _year(args, "from", _("From"))
    last = _year(args, "to", _("To"))
    if programme:
        first = first or programme.first_year
        last = last or programme.last_year or programme.first_year
    this_year = utcnow().year
    first, last = first or last or this_year, last or first or this_year
    if first > last:
        raise InvalidInput(
            "to",
            _(
                "The last year (%(last)s) comes before the first (%(first)s).",
                first=first,
                last=last,
            ),
        )
    return first, last


def narrowed(stmt, query: ResultsQuery):
    """``stmt``, a select from events, narrowed to the held events the summary counts."""
    stmt = stmt.where(
        Event.status == EventStatus.HELD,
        Event.starts_on >= date(query.first_year, 1, 1),
        Event.starts_on <= date(query.last_year, 12, 31),
    )
    if query.programme:
        stmt = stmt.where(Event.programme_id == query.programme.id)
    if query.kind:
        stmt = stmt.where(Event.kind == query.kind)
    return stmt


def _counted_events(query: ResultsQuery):
    """The held events the summary counts, each with its year and region (a subquery)."""
    authority_country = (
        select(Organisation.country_code)
        .where(Organisation.id == Event.requesting_authority_id)
        .scalar_subquery()
    )
    first_requesting = (
        select(func.min(EventCountry.country_code))
        .where(EventCountry.event_id == Event.id, EventCountry.role == CountryRole.REQUESTING)
        .scalar_subquery()
    )
    home = func.coalesce(authority_country, first_requesting)
    country, override = aliased(Country), aliased(RegionOverride)
    stmt = (
        select(
            Event.id.label("id"),
            func.extract("year", Event.starts_on).label("year"),
            Event.kind.label("kind"),
            Event.block.label("block"),
            Event.theme.label("theme"),
            func.coalesce(override.region, country.region, Event.target_region).label("region"),
        )
        .select_from(Event)
        .outerjoin(country, country.code == home)
        .outerjoin(
            override,
            and_(override.programme_id == Event.programme_id, override.country_code == home),
        )
    )
    return narrowed(stmt, query).subquery("counted")


def _held_events(query: ResultsQuery):
    """The same events, with only what the figures about people need (a subquery)."""
    stmt = select(Event.id, Event.programme_id, Event.participants_count)
    return narrowed(stmt, query).subquery("held")


@dataclass
class Results:
    query: ResultsQuery
    regions: list[str]
    rows: list[dict]  # {"year", "counts": {region: n}, "total"}
    totals: dict  # {"counts": {region: n}, "total"}
    by_kind: list[dict]
    countries: list[dict]  # {"code", "numeric", "name", "region", "events"}
    participants: dict
    topics: dict = field(default_factory=dict)
    satisfaction: dict = field(default_factory=dict)
    outcomes: dict = field(default_factory=dict)  # see ``reports.outcomes``

    def as_json(self) -> dict:
        return {
            "from": self.query.first_year,
            "to": self.query.last_year,
            "programme": self.query.programme.id if self.query.programme else None,
            "kind": self.query.kind,
            "regions": self.regions,
            "rows": self.rows,
            "totals": self.totals,
            "by_kind": self.by_kind,
            "countries": [{k: v for k, v in c.items() if k != "numeric"} for c in self.countries],
            "participants": self.participants,
            "topics": self.topics,
            "satisfaction": self.satisfaction,
            "outcomes": self.outcomes,
        }


def results_summary(query: ResultsQuery) -> Results:
    """The whole summary: events (with their topics), people (participants and countries
    reached, from the kept counts) and satisfaction in three queries; outcomes (completion,
    learning gain, follow-up) in a few more, whatever the number of events and participants."""
    counted = _counted_events(query)
    events = db.session.execute(
        select(
            counted.c.id,
            counted.c.year,
            counted.c.region,
            counted.c.kind,
            counted.c.block,
            counted.c.theme,
            Event.title,
            Event.starts_on,
        )
        .join(Event, Event.id == counted.c.id)
        .order_by(Event.starts_on, Event.title, Event.id)
    ).all()
    by_year: dict[int, Counter] = defaultdict(Counter)
    by_kind: Counter = Counter()
    for event in events:
        by_year[int(event.year)][event.region or NOT_ASSIGNED] += 1
        by_kind[event.kind] += 1
    regions = list(REGIONS)
    if any(NOT_ASSIGNED in counts for counts in by_year.values()):
        regions.append(NOT_ASSIGNED)
    rows = [
        {
            "year": year,
            "counts": {r: by_year[year][r] for r in regions},
            "total": sum(by_year[year].values()),
        }
        for year in sorted(by_year)
    ]
    total_counts = {r: sum(row["counts"][r] for row in rows) for r in regions}
    countries, participants = _people(query, _held_events(query))
    return Results(
        query=query,
        regions=regions,
        rows=rows,
        totals={"counts": total_counts, "total": sum(total_counts.values())},
        by_kind=[
            {"kind": k.value, "label": str(k.label), "count": by_kind[k.value]}
            for k in EventKind
            if by_kind[k.value]
        ],
        countries=countries,
        participants=participants,
        topics=_topics(events),
        satisfaction=_satisfaction(query),
        outcomes=outcome_results(events, select(counted.c.id), NOT_ASSIGNED),
    )


def _people_parts(query: ResultsQuery, held):
    """One statement reading the kept totals (``reports.counts``: by programme, year and kind of
    held event) and the events, for two parts:

    - the participants (registrations accepted or present) by country, gender, organisation
      kind and role, and the number of events that reached each country (requested by it, with
      it taking part, or with delegates from it), by programme (whose regions the countries fall
      in);
    - ``reported``: the participants counted on events without registrations.

    Rows are (dimension, item, programme id, number)."""
    totals = ResultTotal.__table__.c
    counted = (
        select(
            totals.dimension,
            totals.item,
            totals.programme_id,
            func.sum(totals.participants).label("number"),
        )
        .where(
            totals.year.between(query.first_year, query.last_year),
            totals.participants != 0,
            *([totals.programme_id == query.programme.id] if query.programme else []),
            *([totals.event_kind == query.kind] if query.kind else []),
        )
        .group_by(totals.dimension, totals.item, totals.programme_id)
    )
    with_participants = exists().where(
        ResultCount.event_id == held.c.id,
        ResultCount.dimension == "role",
        ResultCount.participants != 0,
    )
    reported = select(
        literal("reported"), null(), null(), func.sum(held.c.participants_count)
    ).where(held.c.participants_count.is_not(None), ~with_participants)
    return union_all(counted, reported).subquery("parts")


def _people(query: ResultsQuery, held) -> tuple[list[dict], dict]:
    """The countries reached (with the number of events each, by name) and the participants,
    with the countries' names and regions joined to the grouped rows."""
    parts = _people_parts(query, held)
    override = aliased(RegionOverride)
    of_country = parts.c.dimension.in_(("country", "reached"))
    rows = db.session.execute(
        select(
            parts.c.dimension,
            parts.c.item,
            Country.numeric,
            Country.name,
            func.coalesce(override.region, Country.region),
            parts.c.number,
        )
        .select_from(parts)
        .outerjoin(Country, and_(of_country, Country.code == parts.c.item))
        .outerjoin(
            override,
            and_(
                of_country,
                override.programme_id == parts.c.programme_id,
                override.country_code == parts.c.item,
            ),
        )
    ).all()
    reached_events: Counter = Counter()
    countries: dict[str, dict] = {}
    by = {name: Counter() for name in ("country", "region", "gender", "kind", "role")}
    reported = 0
    for dimension, item, numeric, name, region, number in rows:
        if dimension == "reported":
            reported = number or 0
            continue
        if dimension in ("country", "reached"):
            countries[item] = {
                "code": item,
                "numeric": numeric,
                "name": country_name(item, name),
                "region": region,
            }
        if dimension == "reached":
            reached_events[item] += number
            continue
        if dimension == "country":
            by["region"][region or NOT_ASSIGNED] += number
        by[dimension][item] += number
    reached = sorted_by_name(
        ({**countries[code], "events": count} for code, count in reached_events.items()),
        lambda country: country["name"],
    )
    registered = sum(by["country"].values())
    participants = {
        "total": registered + reported,
        "registered": registered,
        "reported_without_details": reported,
        "by_country": [
            {"code": code, "name": countries[code]["name"], "count": count}
            for code, count in sorted(
                by["country"].items(),
                key=lambda item: (-item[1], sort_key(countries[item[0]]["name"])),
            )
        ],
        "by_region": _labelled(
            by["region"], [*Region.choices(), (NOT_ASSIGNED, _l("Not assigned"))]
        ),
        "by_gender": _labelled(by["gender"], [(g.value, str(g.label)) for g in Gender]),
        "by_organisation_kind": _labelled(
            by["kind"],
            [(k.value, str(k.label)) for k in OrganisationKind] + [("none", _("No organisation"))],
        ),
        "by_role": _labelled(by["role"], [(r.value, str(r.label)) for r in ParticipantRole]),
    }
    return reached, participants


def _labelled(counts: Counter, choices: list[tuple[str, str]]) -> list[dict]:
    """The non-zero counts in the choices' order, each with its label."""
    return [
        {"key": key, "label": str(label), "count": counts[key]}
        for key, label in choices
        if counts[key]
    ]


def _topics(events) -> dict:
    """CICIE's theme blocks (I–V) and the themes most asked for, of the counted events."""
    blocks = sorted(Counter(e.block for e in events if e.block is not None).items())
    themes = sorted(
        Counter(e.theme for e in events if e.theme is not None).items(),
        key=lambda pair: (-pair[1], pair[0]),
    )
    return {
        "blocks": [{"block": block, "count": count} for block, count in blocks],
        "themes": [{"theme": theme, "count": count} for theme, count in themes[:TOP_THEMES]],
    }


def _mean(total: int, answers: int) -> float | None:
    return ratio(total, answers, 2)


def _satisfaction(query: ResultsQuery) -> dict:
    """The mean of the evaluations' overall scale (1–5) and its number of answers, by event and
    by year (each answer weighing the same), from one grouped query."""
    answers = func.count(EvaluationResponse.satisfaction)
    stmt = (
        select(
            Event.id,
            Event.title,
            Event.starts_on,
            func.sum(EvaluationResponse.satisfaction),
            answers,
        )
        .join(EvaluationResponse, EvaluationResponse.event_id == Event.id)
        .group_by(Event.id, Event.title, Event.starts_on)
        .having(answers > 0)
        .order_by(Event.starts_on, Event.title, Event.id)
    )
    rows = db.session.execute(narrowed(stmt, query)).all()
    by_year: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for _id, _title, starts_on, total, count in rows:
        by_year[starts_on.year][0] += total
        by_year[starts_on.year][1] += count
    return {
        "by_event": [
            {
                "id": event_id,
                "title": title,
                "starts_on": starts_on.isoformat(),
                "mean": _mean(total, count),
                "answers": count,
            }
            for event_id, title, starts_on, total, count in rows
        ],
        "by_year": [
            {"year": year, "mean": _mean(*by_year[year]), "answers": by_year[year][1]}
            for year in sorted(by_year)
        ],
        "overall": {
            "mean": _mean(
                sum(t for t, _c in by_year.values()), sum(c for _t, c in by_year.values())
            ),
            "answers": sum(c for _t, c in by_year.values()),
        },
    }


@dataclass
class EventLine:
    """One event of an annual report: when, what, for whom, and how many took part."""

    id: int
    title: str
    kind: str
    starts_on: date
    ends_on: date
    region: str  # as stored (English), or NOT_ASSIGNED: ``reports.tables.region_label`` names it
    countries: str  # requesting countries, named and ordered in the visitor's language
    participants: int | None


def events_reached(query: ResultsQuery) -> list[EventLine]:
    """The counted events with their requesting countries and participants, their titles in
    the visitor's language, in three queries."""
    counted = _counted_events(query)
    participants = (  # the registrations accepted or present, kept counted (``counts``)
        select(func.sum(ResultCount.participants))
        .where(ResultCount.event_id == Event.id, ResultCount.dimension == "role")
        .correlate(Event)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(Event, counted.c.region, participants)
        .join(counted, counted.c.id == Event.id)
        .options(selectinload(Event.translations))
        .order_by(Event.starts_on, Event.title, Event.id)
    ).all()
    names: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for event_id, code, name in db.session.execute(
        select(EventCountry.event_id, Country.code, Country.name)
        .join(Country, Country.code == EventCountry.country_code)
        .where(
            EventCountry.event_id.in_(select(counted.c.id)),
            EventCountry.role == CountryRole.REQUESTING,
        )
    ):
        names[event_id].append((code, name))
    return [
        EventLine(
            id=event.id,
            title=str(localized(event, "title")),
            kind=event.kind_label,
            starts_on=event.starts_on,
            ends_on=event.ends_on,
            region=region or NOT_ASSIGNED,
            countries=", ".join(country_names(names[event.id])),
            participants=registered or event.participants_count,
        )
        for event, region, registered in rows
    ]
