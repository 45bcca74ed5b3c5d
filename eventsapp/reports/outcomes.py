"""The results' outcomes: completion, learning gain and follow-up of the counted events, overall,
by year, by region (of the requesting authority, as the events are counted), by event, and by
gender. Computed by ``outcomes.services.outcome_figures`` (attendance's, knowledge's and
followup's own services), in a fixed number of queries."""

from ..knowledge.services import group_label
from ..outcomes.services import gain_json, outcome_figures, with_outcomes

ALL = "all"


def outcome_results(events, event_ids, not_assigned: str) -> dict:
    """The outcomes of the counted events (the summary's rows, in order, with their id, year,
    region, title and start; ``event_ids``, a select of their ids)."""
    # Only the events where something was measured are read again: the others' figures are 0.
    measured = with_outcomes(event_ids)
    groups: dict = {ALL: []}
    years: dict[int, list[int]] = {}
    regions: dict[str, list[int]] = {}
    for event in events:
        ids = [event.id] if event.id in measured else []
        groups[ALL] += ids
        years.setdefault(int(event.year), []).extend(ids)
        regions.setdefault(event.region or not_assigned, []).extend(ids)
        if ids:
            groups[("event", event.id)] = ids
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
                "id": event.id,
                "title": event.title,
                "starts_on": event.starts_on.isoformat(),
                **figures[("event", event.id)].as_json(),
            }
            for event in events
            if ("event", event.id) in figures and figures[("event", event.id)].any
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
