"""The results' outcomes: completion, learning gain and follow-up of the counted events, overall,
by year, by region (of the requesting authority, as the events are counted), by event, and by
gender. Computed by ``outcomes.services.outcome_figures`` (attendance's, knowledge's and
followup's own services), in a fixed number of queries."""

from sqlalchemy import select

from ..catalogue.models import Event
from ..extensions import db
from ..knowledge.services import group_label
from ..outcomes.services import gain_json, outcome_figures

ALL = "all"


def outcome_results(counted, not_assigned: str) -> dict:
    """The outcomes of the events of ``counted`` (the summary's subquery of counted events,
    with their year and region)."""
    rows = db.session.execute(
        select(counted.c.id, counted.c.year, counted.c.region, Event.title, Event.starts_on)
        .join(Event, Event.id == counted.c.id)
        .order_by(Event.starts_on, Event.title, Event.id)
    ).all()
    groups: dict = {ALL: []}
    years: dict[int, list[int]] = {}
    regions: dict[str, list[int]] = {}
    for event_id, year, region, _title, _starts_on in rows:
        groups[ALL].append(event_id)
        years.setdefault(int(year), []).append(event_id)
        regions.setdefault(region or not_assigned, []).append(event_id)
        groups[("event", event_id)] = [event_id]
    groups |= {("year", year): ids for year, ids in years.items()}
    groups |= {("region", region): ids for region, ids in regions.items()}
    figures = outcome_figures(groups, genders_of=ALL)
    overall = figures[ALL]
    by_gender = {
        key[1]: f for key, f in figures.items() if isinstance(key, tuple) and key[0] == "gender"
    }
    return {
        "overall": overall.as_json(),
        "by_year": [{"year": y, **figures[("year", y)].as_json()} for y in sorted(years)],
        "by_region": [{"region": r, **figures[("region", r)].as_json()} for r in sorted(regions)],
        "by_event": [
            {
                "id": event_id,
                "title": title,
                "starts_on": starts_on.isoformat(),
                **figures[("event", event_id)].as_json(),
            }
            for event_id, _year, _region, title, starts_on in rows
            if figures[("event", event_id)].any
        ],
        "by_gender": [
            {
                "key": key,
                "label": group_label("gender", key),
                "completion": figures.as_json()["completion"],
                "follow_up": figures.as_json()["follow_up"],
            }
            for key, figures in by_gender.items()
        ],
        "gain_by_gender": [
            {"key": key, "label": group_label("gender", key), **gain_json(gain)}
            for key, gain in sorted(overall.gain.by_gender.items(), key=lambda i: str(i[0]))
        ],
    }
