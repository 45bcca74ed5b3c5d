"""Checks on the hand-entered demo data files (``eventsapp/demo/data/*.json``), without the app.

The CICIE workshops come from the results table of the CICIE programme description
(seed 003): one event per workshop, with the table's column stored as ``results_region``.
The row and column totals of the table fix how the ambiguous cells are read:

* 2005 America "El Salvador (2) Guatemala": two for El Salvador, one for Guatemala.
* 2010 America "Argentina (2)": two for Argentina.
* 2011 Africa "Ethiopia, Botswana and Kenya": three workshops, one each (row total 10).
* 2012 Africa "Egypt; Egypt, Libya and Tunisia; Nigeria Ethiopia": four workshops: Egypt;
  one joint workshop for Egypt, Libya and Tunisia; Nigeria; Ethiopia (row total 10).
* 2013 America "Ecuador (4), Bolivia; Peru and Colombia; Haiti": seven workshops: four for
  Ecuador, one for Bolivia, one joint for Peru and Colombia, one for Haiti (row total 9).
* 2014 Africa "Cameroon (2)" two; America "Ecuador (3), Haití" four; Europe "Moldova, The
  Russian Federation" two, one each (row total 10).
* 2015 Africa "Cameroon South Africa": two workshops (Africa column total 17); America
  "Colombia Ecuador and Peru": one joint workshop (row total 4, America column total 25).

The seed says "61 Electoral Administration Workshops for 40 countries"; the table names 39
distinct countries, so the country count is not checked.
"""

import json
from collections import Counter
from pathlib import Path

import pycountry
import pytest

DATA_DIR = Path(__file__).resolve().parents[1] / "eventsapp" / "demo" / "data"
FILES = ["cicie.json", "ppiep.json"]

ORG_KINDS = {
    "electoral_management_body",
    "electoral_court",
    "government",
    "parliament",
    "political_party",
    "civil_society",
    "academia",
    "media",
    "international_organisation",
    "un_agency",
    "donor",
}
EVENT_KINDS = {
    "workshop",
    "internship",
    "specialization_course",
    "seminar",
    "advisory_group_meeting",
    "commission_meeting",
    "consultation",
    "launch",
    "curriculum_meeting",
    "pilot_training",
    "evaluation",
    "conference",
    "other",
}
STATUSES = {"proposed", "planned", "confirmed", "held", "postponed", "cancelled"}
PARTNER_ROLES = {"founder", "visiting_authority", "associate_partner", "co_organiser"}
COST_CATEGORIES = {
    "air_ticket",
    "lodging",
    "meals",
    "local_transport",
    "organisation_materials",
    "specialists",
    "interpretation",
    "international_expert_fees",
    "expert_air_tickets",
    "venue",
    "other",
}
COST_BASES = {"per_delegate", "per_night", "per_expert", "per_event_day", "lump_sum"}
REGIONS = {"Africa", "Americas", "Asia", "Europe", "Oceania"}
RESULTS_REGIONS = {"Africa", "America", "Asia", "Europe"}
BLOCKS = {"I", "II", "III", "IV", "V"}

ORG_KEYS = {"acronym", "name", "kind", "country"}
PROGRAMME_KEYS = {
    "key",
    "name",
    "acronym",
    "description",
    "owner",
    "starts_on_year",
    "ends_on_year",
    "languages",
    "region_overrides",
    "partners",
    "cost_rules",
    "sections",
    "events",
    "documents",
}
EVENT_KEYS = {
    "key",
    "title",
    "kind",
    "status",
    "section",
    "date_text",
    "context_year",
    "venue",
    "purpose",
    "tasks",
    "theme",
    "block",
    "audience",
    "requesting_countries",
    "candidate_countries",
    "participant_countries",
    "participants_count",
    "results_region",
    "partners",
    "languages",
    "capacity",
    "notes",
}
VENUE_KEYS = {"city", "country", "place", "tentative"}

# The CICIE results table: workshops per year and per continent (column), 2004-2015.
WORKSHOPS_PER_YEAR = {
    2004: 2,
    2005: 3,
    2008: 1,
    2009: 6,
    2010: 6,
    2011: 10,
    2012: 10,
    2013: 9,
    2014: 10,
    2015: 4,
}
WORKSHOPS_PER_REGION = {"Africa": 17, "America": 25, "Asia": 10, "Europe": 9}
# Each cell of the table, as read (see the module docstring).
WORKSHOPS_PER_CELL = {
    (2004, "America"): 1,
    (2004, "Asia"): 1,
    (2005, "America"): 3,
    (2008, "Europe"): 1,
    (2009, "Africa"): 2,
    (2009, "America"): 1,
    (2009, "Asia"): 3,
    (2010, "Africa"): 3,
    (2010, "America"): 2,
    (2010, "Europe"): 1,
    (2011, "Africa"): 3,
    (2011, "America"): 2,
    (2011, "Asia"): 3,
    (2011, "Europe"): 2,
    (2012, "Africa"): 4,
    (2012, "America"): 4,
    (2012, "Europe"): 2,
    (2013, "Africa"): 1,
    (2013, "America"): 7,
    (2013, "Asia"): 1,
    (2014, "Africa"): 2,
    (2014, "America"): 4,
    (2014, "Asia"): 2,
    (2014, "Europe"): 2,
    (2015, "Africa"): 2,
    (2015, "America"): 1,
    (2015, "Europe"): 1,
}


def load(name):
    with (DATA_DIR / name).open(encoding="utf-8") as f:
        return json.load(f)


@pytest.fixture(scope="module", params=FILES)
def data(request):
    return load(request.param)


@pytest.fixture(scope="module")
def cicie():
    return load("cicie.json")


@pytest.fixture(scope="module")
def ppiep():
    return load("ppiep.json")


def cicie_results_workshops(cicie):
    return [e for e in cicie["programme"]["events"] if e["results_region"] is not None]


def is_country(code):
    return (
        isinstance(code, str)
        and len(code) == 2
        and code.isupper()
        and pycountry.countries.get(alpha_2=code) is not None
    )


def test_top_level_keys(data):
    assert set(data) == {"organisations", "programme"}
    assert set(data["programme"]) == PROGRAMME_KEYS


def test_organisations(data):
    acronyms = [o["acronym"] for o in data["organisations"]]
    assert len(acronyms) == len(set(acronyms))
    assert len({o["name"] for o in data["organisations"]}) == len(acronyms)
    for org in data["organisations"]:
        assert set(org) == ORG_KEYS, org
        assert org["acronym"] and len(org["acronym"]) <= 30
        assert org["name"] and len(org["name"]) <= 200
        assert org["kind"] in ORG_KINDS, org
        assert org["country"] is None or is_country(org["country"]), org


def test_shared_organisations_agree():
    """An organisation defined in both files (International IDEA) is defined the same way."""
    orgs = [{o["acronym"]: o for o in load(name)["organisations"]} for name in FILES]
    shared = set(orgs[0]) & set(orgs[1])
    assert "IDEA" in shared
    for acronym in shared:
        assert orgs[0][acronym] == orgs[1][acronym]


def test_programme(data):
    prog = data["programme"]
    acronyms = {o["acronym"] for o in data["organisations"]}
    assert prog["key"] and len(prog["key"]) <= 60
    assert prog["name"] and prog["description"]
    assert prog["owner"] in acronyms
    assert isinstance(prog["starts_on_year"], int)
    assert isinstance(prog["ends_on_year"], int)
    assert prog["starts_on_year"] <= prog["ends_on_year"]
    assert prog["languages"] and all(len(lang) == 2 for lang in prog["languages"])
    for code, region in prog["region_overrides"].items():
        assert is_country(code)
        assert region in REGIONS
    roles = Counter()
    for partner in prog["partners"]:
        assert set(partner) == {"organisation", "role"}
        assert partner["organisation"] in acronyms
        assert partner["role"] in PARTNER_ROLES
        roles[partner["role"]] += 1
    assert roles["founder"] >= 2
    codes = [s["code"] for s in prog["sections"]]
    assert len(codes) == len(set(codes))
    for section in prog["sections"]:
        assert set(section) == {"code", "title", "description"}
        assert section["code"] and section["title"] and section["description"]


def test_cost_rules(data):
    for rule in data["programme"]["cost_rules"]:
        assert set(rule) == {"category", "payer_role", "basis", "note"}
        assert rule["category"] in COST_CATEGORIES
        assert rule["payer_role"] in PARTNER_ROLES
        assert rule["basis"] in COST_BASES
        assert rule["note"]


def test_events_format(data):
    prog = data["programme"]
    acronyms = {o["acronym"] for o in data["organisations"]}
    sections = {s["code"] for s in prog["sections"]}
    assert prog["events"]
    for event in prog["events"]:
        key = event.get("key")
        assert set(event) == EVENT_KEYS, key
        assert key and len(key) <= 100 and key.startswith(prog["key"] + "-"), key
        assert event["title"] and len(event["title"]) <= 300, key
        assert event["kind"] in EVENT_KINDS, key
        assert event["status"] in STATUSES, key
        assert event["section"] is None or event["section"] in sections, key
        assert event["date_text"] and len(event["date_text"]) <= 200, key
        assert isinstance(event["context_year"], int), key
        assert prog["starts_on_year"] <= event["context_year"] <= prog["ends_on_year"], key
        venue = event["venue"]
        if venue is not None:
            assert set(venue) == VENUE_KEYS, key
            assert is_country(venue["country"]), key
            assert isinstance(venue["tentative"], bool), key
        for field in ("purpose", "tasks"):
            assert isinstance(event[field], list), key
            assert all(isinstance(s, str) and s.strip() for s in event[field]), key
        for field in ("theme", "audience"):
            assert event[field] is None or (event[field] and len(event[field]) <= 300), key
        assert event["block"] is None or event["block"] in BLOCKS, key
        for field in ("requesting_countries", "candidate_countries", "participant_countries"):
            codes = event[field]
            assert all(is_country(c) for c in codes), (key, field, codes)
            assert len(codes) == len(set(codes)), (key, field)
        for field in ("participants_count", "capacity"):
            value = event[field]
            assert value is None or (isinstance(value, int) and value >= 0), key
        assert event["results_region"] is None or event["results_region"] in RESULTS_REGIONS
        assert all(p in acronyms for p in event["partners"]), (key, event["partners"])
        assert event["languages"] and all(len(lang) == 2 for lang in event["languages"]), key
        assert event["notes"] is None or isinstance(event["notes"], str), key


def test_event_keys_unique_across_files():
    keys = [e["key"] for name in FILES for e in load(name)["programme"]["events"]]
    duplicates = [k for k, n in Counter(keys).items() if n > 1]
    assert not duplicates


def test_programme_keys_unique():
    keys = [load(name)["programme"]["key"] for name in FILES]
    assert sorted(keys) == ["cicie", "ppiep"]


def test_cicie_workshops_per_year(cicie):
    workshops = cicie_results_workshops(cicie)
    assert len(workshops) == 61
    assert dict(Counter(e["context_year"] for e in workshops)) == WORKSHOPS_PER_YEAR


def test_cicie_workshops_per_region(cicie):
    workshops = cicie_results_workshops(cicie)
    assert dict(Counter(e["results_region"] for e in workshops)) == WORKSHOPS_PER_REGION


def test_cicie_workshops_per_cell(cicie):
    workshops = cicie_results_workshops(cicie)
    cells = Counter((e["context_year"], e["results_region"]) for e in workshops)
    assert dict(cells) == WORKSHOPS_PER_CELL


def test_cicie_results_workshops_shape(cicie):
    for event in cicie_results_workshops(cicie):
        key = event["key"]
        assert event["kind"] == "workshop", key
        assert event["status"] == "held", key
        assert event["section"] == "WS", key
        assert event["date_text"] == str(event["context_year"]), key
        assert event["requesting_countries"], key
        assert event["venue"]["city"] == "Mexico City" and event["venue"]["country"] == "MX"


def test_cicie_results_region_only_on_results_workshops(cicie):
    for event in cicie["programme"]["events"]:
        if event["results_region"] is not None:
            assert event["kind"] == "workshop" and event["context_year"] <= 2015, event["key"]


def test_cicie_programme(cicie):
    prog = cicie["programme"]
    assert prog["key"] == "cicie"
    assert prog["owner"] == "INE"
    assert prog["region_overrides"] == {"GE": "Europe"}
    assert {s["code"] for s in prog["sections"]} == {"WS", "IN", "SC", "SE"}
    founders = {p["organisation"] for p in prog["partners"] if p["role"] == "founder"}
    assert founders == {"INE", "TEPJF", "UNDP-MX", "AMEXCID"}
    payers = {(r["payer_role"], r["category"]) for r in prog["cost_rules"]}
    assert ("visiting_authority", "air_ticket") in payers
    assert ("associate_partner", "international_expert_fees") in payers
    assert ("associate_partner", "expert_air_tickets") in payers


def test_cicie_2016_calendar(cicie):
    events = [e for e in cicie["programme"]["events"] if e["context_year"] == 2016]
    for event in events:
        if "(tbc)" in event["date_text"]:
            assert event["status"] == "proposed", event["key"]
        else:
            assert event["status"] == "planned", event["key"]
    workshops = [e for e in events if e["kind"] == "workshop"]
    assert len(workshops) == 6


def test_ppiep_programme(ppiep):
    prog = ppiep["programme"]
    assert prog["key"] == "ppiep"
    assert prog["owner"] == "IDEA"
    assert prog["cost_rules"] == []
    assert (prog["starts_on_year"], prog["ends_on_year"]) == (2011, 2013)
    assert [s["code"] for s in prog["sections"]] == ["A", "B", "C"]
    founders = {p["organisation"] for p in prog["partners"] if p["role"] == "founder"}
    assert founders == {"IDEA", "KAF"}
    assert all(e["section"] in {"A", "B", "C"} for e in prog["events"])


def test_ppiep_consultations_split(ppiep):
    consultations = [e for e in ppiep["programme"]["events"] if e["kind"] == "consultation"]
    assert [e["date_text"] for e in consultations] == [
        "March 2011",
        "November 2011 (tbd)",
        "February 2012 (tbd)",
    ]
    assert consultations[0]["venue"]["country"] == "BW"
    assert consultations[1]["venue"] is None


def test_the_2016_workshops_keep_the_seeds_candidate_countries():
    """ "Countries that have shown interest: Germany and the Czech Republic, Honduras, Peru, Costa
    Rica, Lesotho, India and Mozambique" (CICIE 2016 calendar of activities)."""
    workshops = [
        e
        for e in load("cicie.json")["programme"]["events"]
        if e["kind"] == "workshop" and e["context_year"] == 2016
    ]
    assert len(workshops) == 6
    for event in workshops:
        assert event["candidate_countries"] == ["DE", "CZ", "HN", "PE", "CR", "LS", "IN", "MZ"]
