"""The demo's cost sharing: the programmes' cost rules and a budgeted course (the costs work).

The rules come from the programme's own data file (``cost_rules``); what the seeds do not give
(the reporting currency, unit estimates, air fares and exchange rates, and the course's
participants) comes from ``data/costs/<programme key>.json``.
"""

import json
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select

from ..catalogue.models import Event
from ..costs.models import ActualAmount, CostRule
from ..costs.settings import (
    save_rule,
    set_actual,
    set_air_fare,
    set_exchange_rate,
    set_reporting_currency,
    set_unit_estimate,
)
from ..extensions import db
from ..people.models import Organisation
from ..registration.models import (
    Funding,
    ParticipantRole,
    Registration,
    RegistrationSettings,
    Status,
)

DATA_DIR = Path(__file__).parent / "data" / "costs"


def load(data: dict, programme, organisations: dict) -> None:
    """What a programme's data file says of costs, loaded after its events."""
    rules = data["programme"].get("cost_rules", [])
    path = DATA_DIR / f"{data['programme']['key']}.json"
    if not rules or not path.exists():
        return
    extra = json.loads(path.read_text(encoding="utf-8"))
    if db.session.scalar(select(CostRule.id).where(CostRule.programme_id == programme.id)):
        return  # loaded before: left as staff edited it
    set_reporting_currency(programme, extra["currency"], actor=None)  # the site loads it
    for rule in rules:
        save_rule(
            programme,
            extra["categories"].get(rule["category"], rule["category"]),
            rule["payer_role"],
            extra["bases"].get(rule["basis"], rule["basis"]),
            note=rule.get("note", ""),
            actor=None,
        )
    for year, figures in extra["years"].items():
        set_year_figures(programme, int(year), figures)
    if "course" in extra:
        _course(extra["course"], organisations)


def latest_figures(programme) -> dict | None:
    """The latest year's figures of the programme's costs file (exchange rates, unit estimates,
    air fares), or None without one."""
    path = DATA_DIR / f"{programme.key}.json"
    if not path.exists():
        return None
    years = json.loads(path.read_text(encoding="utf-8"))["years"]
    return years[max(years, key=int)]


def set_year_figures(programme, year: int, figures: dict) -> None:
    """A year's exchange rates (first: the others are converted by them), unit estimates and
    air fares, as the site sets them."""
    for currency, rate in figures["rates"].items():
        set_exchange_rate(programme, year, currency, rate, actor=None)
    for category, (amount, currency) in figures["estimates"].items():
        set_unit_estimate(programme, year, category, amount, currency, actor=None)
    for region, (amount, currency) in figures["air_fares"].items():
        set_air_fare(programme, year, region, amount, currency, actor=None)


def _course(course: dict, organisations: dict) -> None:
    """A course with its delegates and experts, its associate partner and some actual amounts."""
    event = db.session.scalar(select(Event).where(Event.source_key == course["event"]))
    if event is None:
        return
    authorities = dict(organisations)
    for entry in course["authorities"]:
        organisation = db.session.scalar(
            select(Organisation).where(Organisation.name == entry["name"])
        ) or Organisation(
            name=entry["name"],
            acronym=entry["acronym"],
            kind=entry["kind"],
            country_code=entry["country"],
        )
        db.session.add(organisation)
        authorities[entry["acronym"]] = organisation
    db.session.flush()
    partner = authorities[course["associate_partner"]]
    if partner not in event.partners:
        event.partners.append(partner)
    quota = course["funded_places_per_organisation"]
    if db.session.get(RegistrationSettings, event.id) is None:
        db.session.add(RegistrationSettings(event_id=event.id, quota_per_organisation=quota))
    places: dict[int, int] = {}
    for index, entry in enumerate(course["participants"]):
        authority = authorities[entry["authority"]]
        role = entry.get("role", ParticipantRole.DELEGATE)
        if role == ParticipantRole.DELEGATE:
            places[authority.id] = places.get(authority.id, 0) + 1
        beyond_quota = role == ParticipantRole.DELEGATE and places[authority.id] > quota
        at = datetime(2016, 3, 1, 9, index)
        db.session.add(
            Registration(
                event_id=event.id,
                name=entry["name"],
                gender=entry["gender"],
                email=f"demo.course.{index + 1}@example.org",
                position=entry.get("position", ""),
                organisation_id=authority.id,
                country_code=entry.get("country", authority.country_code),
                role=role,
                status=Status.APPROVED,
                funding=Funding.SELF_FUNDED if beyond_quota else Funding.FUNDED,
                arrival_on=date.fromisoformat(entry["arrival"]) if "arrival" in entry else None,
                departure_on=date.fromisoformat(entry["departure"])
                if "departure" in entry
                else None,
                consent_at=at,
                created_at=at,
            )
        )
    db.session.flush()
    for entry in course["actual"]:
        payer = entry["payer"]
        if payer in authorities:
            payer = f"org:{authorities[payer].id}"
        if not db.session.scalar(
            select(ActualAmount.id).where(
                ActualAmount.event_id == event.id, ActualAmount.payer == payer
            )
        ):
            payers = {payer: entry["payer"]}
            amount, currency = entry["amount"], entry["currency"]
            set_actual(event, entry["category"], payer, amount, currency, payers, actor=None)
